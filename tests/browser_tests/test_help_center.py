"""The help center in a real browser: following, commenting, official answers, permalinks
and the draft a signed-out reader keeps across sign-in."""

import re

import pytest
from playwright.sync_api import expect

from articles import services
from articles.models import Comment, Follow

from .conftest import fill_sign_in_form

pytestmark = pytest.mark.django_db(transaction=True)


def messages(page):
    """The page's flash messages (a status region; search.js adds another, empty one)."""
    return page.locator(".messages[role=status]")


def comment_items(page):
    """The comments of the page, in the order they are shown."""
    return page.locator(".comment-list > li > article.comment")


def test_reader_follows_a_post_and_sees_the_follower_count_go_up(page, sign_in, make_post, other_customer):
    post = make_post()  # its author follows it already
    sign_in(other_customer)
    page.goto(post.get_absolute_url())
    count = page.locator(".follow-count")
    expect(count).to_have_text("1 follower")

    page.get_by_role("button", name="Follow", exact=True).click()

    expect(count).to_have_text("2 followers")
    following = page.get_by_role("button", name=re.compile(r"^Following"))
    expect(following).to_have_attribute("aria-pressed", "true")
    expect(following).to_contain_text("unfollow")
    expect(messages(page)).to_contain_text(f"You are following “{post.title}”")
    assert Follow.objects.filter(user=other_customer, post=post).exists()

    # The page reloaded from the server keeps the state: it is stored, not just drawn.
    page.reload()
    expect(count).to_have_text("2 followers")
    page.get_by_role("button", name=re.compile(r"^Following")).click()
    expect(count).to_have_text("1 follower")
    expect(page.get_by_role("button", name="Follow", exact=True)).to_be_visible()


def test_customer_comments_on_a_post_and_the_comment_appears(page, sign_in, make_post, other_customer):
    post = make_post()
    sign_in(other_customer)
    page.goto(post.get_absolute_url())
    expect(page.locator("#comments-heading")).to_have_text("0 comments")

    page.get_by_label("Your comment").fill("Same question here: does **exporting** come first?")
    page.get_by_role("button", name="Post comment").click()

    expect(messages(page)).to_contain_text("Your comment was posted.")
    expect(page.locator("#comments-heading")).to_have_text("1 comment")
    comment = comment_items(page).first
    expect(comment).to_contain_text("Same question here: does exporting come first?")
    expect(comment.locator("strong")).to_have_text("exporting")  # Markdown was rendered
    expect(comment).to_contain_text(other_customer.get_username())
    saved = Comment.objects.get(post=post)
    assert saved.author == other_customer
    assert page.url.endswith(f"#comment-{saved.pk}")


def test_agent_marks_own_comment_official_and_it_moves_to_the_top_with_a_badge(
    page, sign_in, make_post, agent, other_customer
):
    post = make_post()
    services.comment_create(author=other_customer, target=post, body="I have the same question.")
    sign_in(agent)
    page.goto(post.get_absolute_url())

    page.get_by_label("Your comment").fill("Open **Account** and choose *Close my account*.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comments-heading")).to_have_text("2 comments")
    agent_comment = Comment.objects.get(post=post, author=agent)
    expect(comment_items(page).nth(1)).to_have_id(f"comment-{agent_comment.pk}")
    expect(page.locator(".badge-official")).to_have_count(0)

    own = page.locator(f"#comment-{agent_comment.pk}")
    own.get_by_text("Comment actions").click()
    own.get_by_role("button", name="Mark as official").click()

    expect(messages(page)).to_contain_text("Marked as the official answer.")
    first = comment_items(page).first
    expect(first).to_have_id(f"comment-{agent_comment.pk}")
    expect(first.locator(".badge-official")).to_have_text("Official comment")
    expect(first).to_contain_text("Close my account")
    expect(comment_items(page).nth(1)).to_contain_text("I have the same question.")
    expect(page.locator(".badge-official")).to_have_count(1)
    agent_comment.refresh_from_db()
    assert agent_comment.is_official


def test_customer_gets_no_mark_official_button(page, sign_in, make_post, agent, other_customer):
    post = make_post()
    services.comment_create(author=agent, target=post, body="The official steps are below.")
    sign_in(other_customer)
    page.goto(post.get_absolute_url())
    page.get_by_text("Comment actions").click()
    expect(page.get_by_role("link", name="Permalink")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as official")).to_have_count(0)


def test_permalink_scrolls_to_its_comment_and_highlights_it(page, make_post, other_customer):
    post = make_post()
    comments = [
        services.comment_create(author=other_customer, target=post, body=f"Comment number {n}.\n\n" + "Filler. " * 40)
        for n in range(1, 26)
    ]
    target = comments[20]

    page.goto(target.get_absolute_url())

    shown = page.locator(f"#comment-{target.pk}")
    expect(shown).to_have_class(re.compile(r"\bhighlight\b"))
    expect(shown).to_be_in_viewport()
    expect(page.locator(f"#comment-{comments[0].pk}")).not_to_be_in_viewport()
    expect(page.locator(".comment.highlight")).to_have_count(1)
    assert page.evaluate("window.scrollY") > 0

    # Following another comment's permalink moves the highlight there.
    other = page.locator(f"#comment-{comments[2].pk}")
    other.get_by_text("Comment actions").click()
    other.get_by_role("link", name="Permalink").click()
    expect(other).to_have_class(re.compile(r"\bhighlight\b"))
    expect(other).to_be_in_viewport()
    expect(shown).not_to_have_class(re.compile(r"\bhighlight\b"))
    expect(page.locator(".comment.highlight")).to_have_count(1)
    assert page.url.endswith(f"#comment-{comments[2].pk}")


def test_signed_out_reader_keeps_the_draft_through_sign_in(page, make_post, other_customer):
    post = make_post()
    draft = "Does closing my account also stop the Pages billing?"
    page.goto(post.get_absolute_url())
    expect(page.get_by_text("Please sign in to leave a comment.")).to_be_visible()

    page.get_by_label("Your comment").fill(draft)
    page.get_by_role("button", name="Sign in and post").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(messages(page)).to_contain_text("We kept what you wrote.")
    fill_sign_in_form(page, other_customer)

    expect(page).to_have_url(re.compile(re.escape(post.get_absolute_url()) + "#comment-form$"))
    expect(page.get_by_label("Your comment")).to_have_value(draft)
    assert not Comment.objects.filter(post=post).exists()  # nothing posted behind the reader's back

    page.get_by_role("button", name="Post comment").click()
    expect(comment_items(page).first).to_contain_text(draft)
    assert Comment.objects.get(post=post).author == other_customer


def test_comment_actions_menu_works_from_the_keyboard(page, make_post, other_customer):
    post = make_post()
    comment = services.comment_create(author=other_customer, target=post, body="Is there a phone number?")
    page.goto(post.get_absolute_url())
    menu = page.locator(f"#comment-{comment.pk} details.comment-actions")
    summary = menu.locator("summary")

    summary.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Permalink")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # follow the permalink
    expect(page.locator(f"#comment-{comment.pk}")).to_have_class(re.compile(r"\bhighlight\b"))
    assert page.url.endswith(f"#comment-{comment.pk}")


def test_a_permalink_to_a_comment_on_a_later_page_lands_on_that_page(page, make_post, other_customer):
    post = make_post()
    comments = [services.comment_create(author=other_customer, target=post, body=f"Reply {n}.")
                for n in range(1, 121)]
    target = comments[110]  # the 111th comment: page 3 at 50 per page

    page.goto(f"{post.get_absolute_url()}#comment-{target.pk}")  # a bare anchor, as in old links

    expect(page).to_have_url(re.compile(rf"\?page=3#comment-{target.pk}$"))
    shown = page.locator(f"#comment-{target.pk}")
    expect(shown).to_have_class(re.compile(r"\bhighlight\b"))
    expect(shown).to_be_in_viewport()

    page.goto(post.get_absolute_url())
    page.get_by_role("navigation", name="Comment pages").get_by_role("link", name=re.compile("Next")).click()
    expect(page).to_have_url(re.compile(r"\?page=2"))
    expect(page.locator(f"#comment-{comments[50].pk}")).to_be_visible()


def test_reader_votes_a_post_and_a_comment_up_and_down_with_the_buttons(page, sign_in, make_post, customer,
                                                                        other_customer):
    from articles.models import ItemVote

    post = make_post()
    comment = services.comment_create(author=customer, target=post, body="Same here")
    sign_in(other_customer)
    page.goto(post.get_absolute_url())
    post_votes = page.locator(f"#post-{post.pk}-votes")
    comment_votes = page.locator(f"#comment-{comment.pk}-votes")
    expect(post_votes.locator(".vote-score")).to_contain_text("0")

    post_votes.get_by_role("button", name="Vote up").click()

    expect(messages(page)).to_contain_text("Thank you for your vote.")
    expect(post_votes.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "true")
    expect(post_votes.locator(".vote-score")).to_contain_text("1 score, 1 vote")

    comment_votes.get_by_role("button", name="Vote down").click()
    expect(comment_votes.get_by_role("button", name="Vote down")).to_have_attribute("aria-pressed", "true")
    expect(comment_votes.locator(".vote-score")).to_contain_text("-1 score, 1 vote")

    # Pressing a pressed button takes the vote back.
    post_votes.get_by_role("button", name="Vote up").click()
    expect(post_votes.get_by_role("button", name="Vote up")).to_have_attribute("aria-pressed", "false")
    assert list(ItemVote.objects.values_list("comment_id", "value")) == [(comment.pk, -1)]
