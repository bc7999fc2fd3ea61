"""Community pages: topics, posts, comments, official answers, following, kept drafts."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Comment, Follow, Post

from .pages import html, make_agent, many_comments, text

# Posts and articles take comments through the same form: (target factory, where it posts).
COMMENT_TARGETS = [("make_post", "articles:post_comment"), ("make_article", "articles:article_comment")]
OFFICIAL_ANSWER = "For security reasons we cannot close your account for you."


@pytest.fixture
def reference_post(make_post, agent, customer, other_customer):
    """The reference page: a question, an official answer, two followers."""
    post = make_post()  # the asker follows their own question
    agent.first_name, agent.last_name = "Frank", "Hagan"
    agent.save()
    comment = services.comment_create(author=agent, target=post, body=OFFICIAL_ANSWER)
    services.comment_set_official(comment=comment, by=agent, official=True)
    services.follow_set(user=other_customer, target=post, following=True)
    return post


def test_topic_list_shows_topics_with_post_counts(client, make_post):
    make_post()
    response = client.get(reverse("articles:topics"))
    assert response.status_code == 200
    assert "Partners Team" in text(response)
    assert "1 post" in text(response)


def test_topic_page_lists_posts_with_follower_and_comment_counts(client, reference_post, topic):
    response = client.get(topic.get_absolute_url())
    page = text(response)
    assert "How do I cancel my account?" in page
    assert "2 followers" in page
    assert "1 comment" in page
    assert "Answered" in page
    assert "Sign in to ask a question" in page


def test_post_page_shows_every_element_of_the_reference(client, reference_post):
    response = client.get(reference_post.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    for expected in [
        "2 followers",
        "Follow",
        "How do I cancel my account?",
        "Partners Team",
        "I would like to cancel my account.",
        "Official comment",
        OFFICIAL_ANSWER,
        "Frank Hagan",
        "Comment actions",
        "Permalink",
        "Please sign in to leave a comment.",
        "1 comment",
    ]:
        assert expected in page, expected
    comment = reference_post.comments.get()
    assert f'href="{reference_post.get_absolute_url()}#comment-{comment.pk}"' in html(response)
    assert f'id="comment-{comment.pk}"' in html(response)
    assert 'nav aria-label="Breadcrumb"' in html(response)


def test_official_comment_is_listed_above_older_comments(client, make_post, agent, other_customer):
    post = make_post()
    services.comment_create(author=other_customer, target=post, body="First, a customer reply")
    answer = services.comment_create(author=agent, target=post, body="Later, the agent answer")
    services.comment_set_official(comment=answer, by=agent, official=True)
    page = text(client.get(post.get_absolute_url()))
    assert page.index("Later, the agent answer") < page.index("First, a customer reply")
    assert "2 comments" in page


def test_customer_asks_a_question_and_follows_it(client, customer, topic):
    client.force_login(customer)
    url = reverse("articles:post_create", kwargs={"slug": topic.slug})
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Can I pause billing?", "body": "For **two** months."})
    post = Post.objects.get(title="Can I pause billing?")
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()
    assert "<strong>two</strong>" in post.body_html
    assert Follow.objects.filter(user=customer, post=post).exists()
    page = text(client.get(post.get_absolute_url()))
    assert "1 follower" in page
    assert "Your question was posted." in page


def test_anonymous_visitor_is_sent_to_sign_in_before_asking(client, topic):
    url = reverse("articles:post_create", kwargs={"slug": topic.slug})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_question_with_empty_title_is_refused_with_a_message(client, customer, topic):
    client.force_login(customer)
    url = reverse("articles:post_create", kwargs={"slug": topic.slug})
    response = client.post(url, {"title": "   ", "body": "Something"})
    assert response.status_code == 200
    assert "Please write your question." in text(response)
    assert not Post.objects.exists()


@pytest.mark.parametrize(("make_target", "comment_url"), COMMENT_TARGETS)
def test_signed_in_reader_comments_and_lands_on_the_comment(
        client, request, other_customer, make_target, comment_url):
    target = request.getfixturevalue(make_target)()
    client.force_login(other_customer)
    response = client.post(reverse(comment_url, kwargs={"pk": target.pk}), {"body": "Thanks, *that* worked"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{target.get_absolute_url()}#comment-{comment.pk}"
    assert comment.author == other_customer and comment.target == target
    page = client.get(target.get_absolute_url())
    assert "<em>that</em>" in html(page) and "1 comment" in text(page)
    assert f'href="{target.get_absolute_url()}#comment-{comment.pk}"' in html(page)


@pytest.mark.parametrize(("make_target", "comment_url"), COMMENT_TARGETS)
def test_five_thousand_brackets_comment_is_refused_with_a_form_error(
        client, request, customer, make_target, comment_url):
    target = request.getfixturevalue(make_target)()
    client.force_login(customer)
    response = client.post(reverse(comment_url, kwargs={"pk": target.pk}), {"body": "[" * 5000})
    assert response.status_code == 200
    assert "too many brackets" in text(response)
    assert not Comment.objects.exists()


def test_over_long_comment_is_refused_and_kept_in_the_form(client, make_post, customer):
    post = make_post()
    client.force_login(customer)
    body = "word " * 2500  # 12,500 characters, over the 10,000 limit
    response = client.post(reverse("articles:post_comment", kwargs={"pk": post.pk}), {"body": body})
    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters" in text(response)
    assert "word word word" in html(response)
    assert not Comment.objects.exists()


# --- The draft a signed-out reader keeps across sign-in ------------------------------


def test_signed_out_comment_is_kept_through_sign_in_and_prefilled(client, make_post, other_customer):
    post = make_post()
    page_url = post.get_absolute_url()
    response = client.post(reverse("articles:post_comment", kwargs={"pk": post.pk}),
                           {"body": "My draft about **billing**"})
    assert response.status_code == 302
    login_url = response.url
    assert login_url.startswith(reverse("accounts:login"))
    assert "next=" + page_url.replace("/", "%2F") + "%23comment-form" in login_url or \
        "next=" + page_url + "%23comment-form" in login_url
    assert not Comment.objects.exists()

    login_page = client.get(login_url)
    assert "We kept what you wrote." in text(login_page)
    signed_in = client.post(login_url, {"username": other_customer.username, "password": "kb-test-pass-2026",
                                        "next": page_url + "#comment-form"})
    assert signed_in.status_code == 302
    assert signed_in.url == page_url + "#comment-form"

    page = client.get(page_url)
    assert "My draft about **billing**" in html(page)  # in the textarea, unrendered
    assert client.session.get(f"comment_draft:post:{post.pk}") is None
    again = client.get(page_url)
    assert "My draft about **billing**" not in html(again)


def test_signed_out_reader_sees_sign_in_text_and_a_comment_box(client, make_post):
    post = make_post()
    response = client.get(post.get_absolute_url())
    assert "Please sign in to leave a comment." in text(response)
    assert 'id="comment-form"' in html(response)
    assert "<textarea" in html(response)
    assert f'{reverse("accounts:login")}?next=' in html(response)


# --- Official answers -----------------------------------------------------------------


def test_agent_sees_mark_as_official_only_on_agent_comments(client, make_post, agent, other_customer):
    post = make_post()
    services.comment_create(author=other_customer, target=post, body="Customer reply")
    services.comment_create(author=agent, target=post, body="Agent reply")
    client.force_login(agent)
    page = html(client.get(post.get_absolute_url()))
    assert page.count("Mark as official") == 1
    client.force_login(other_customer)
    assert "Mark as official" not in html(client.get(post.get_absolute_url()))


def test_agent_marks_and_unmarks_an_official_answer(client, make_post, agent):
    post = make_post()
    comment = services.comment_create(author=agent, target=post, body="The answer")
    client.force_login(agent)
    url = reverse("articles:comment_official", kwargs={"pk": comment.pk})
    response = client.post(url, {"official": "on"})
    assert response.status_code == 302
    assert response.url.endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.is_official and comment.official_marked_by == agent
    page = client.get(post.get_absolute_url())
    assert "Official comment" in text(page) and "Unmark official" in text(page)
    client.post(url, {"official": "off"})
    comment.refresh_from_db()
    assert not comment.is_official


@pytest.mark.parametrize(("author", "marker"), [
    ("agent", "customer"),  # a customer cannot mark even an agent's answer
    ("customer", "agent"),  # an agent cannot make a customer's comment official
])
def test_marking_official_is_refused_and_nothing_changes(client, request, make_post, author, marker):
    comment = services.comment_create(author=request.getfixturevalue(author), target=make_post(), body="The answer")
    client.force_login(request.getfixturevalue(marker))
    response = client.post(reverse("articles:comment_official", kwargs={"pk": comment.pk}), {"official": "on"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert not comment.is_official


def test_anonymous_mark_official_is_sent_to_sign_in(client, make_post, agent):
    post = make_post()
    comment = services.comment_create(author=agent, target=post, body="The answer")
    response = client.post(reverse("articles:comment_official", kwargs={"pk": comment.pk}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    comment.refresh_from_db()
    assert not comment.is_official


# --- Following ------------------------------------------------------------------------


def test_follow_button_toggles_and_counts(client, make_post, other_customer):
    post = make_post()
    url = reverse("articles:follow", kwargs={"kind": "post", "pk": post.pk})
    client.force_login(other_customer)
    assert "1 follower" in text(client.get(post.get_absolute_url()))
    response = client.post(url, {"following": "on", "next": post.get_absolute_url()})
    assert response.status_code == 302 and response.url == post.get_absolute_url()
    page = text(client.get(post.get_absolute_url()))
    assert "2 followers" in page and "Following" in page
    client.post(url, {"following": "on"})  # a double submit changes nothing
    assert Follow.objects.filter(post=post).count() == 2
    client.post(url)  # no explicit state: toggles
    assert not Follow.objects.filter(post=post, user=other_customer).exists()
    assert "1 follower" in text(client.get(post.get_absolute_url()))


def test_follow_changes_past_the_rate_get_a_429_and_change_nothing(client, make_post, other_customer, settings):
    settings.KB_RATE_LIMITS = {"follow.user": "4/h"}
    post = make_post()
    url = reverse("articles:follow", kwargs={"kind": "post", "pk": post.pk})
    client.force_login(other_customer)
    responses = [client.post(url, {"following": state}) for state in ["on", "off", "on", "off", "on"]]
    assert [r.status_code for r in responses] == [302, 302, 302, 302, 429]
    assert "We received too many follow changes" in text(responses[-1])
    assert not Follow.objects.filter(post=post, user=other_customer).exists()  # the refused "on" did nothing


def test_follow_changes_from_one_address_are_limited_across_accounts(client, make_post, make_user, settings):
    settings.KB_RATE_LIMITS = {"follow.ip": "2/h"}
    post = make_post()
    url = reverse("articles:follow", kwargs={"kind": "post", "pk": post.pk})
    codes = []
    for n in range(3):
        client.force_login(make_user(f"fan{n}"))
        codes.append(client.post(url, {"following": "on"}, REMOTE_ADDR="203.0.113.5").status_code)
    assert codes == [302, 302, 429]
    assert Follow.objects.filter(post=post).count() == 3  # the asker and two fans


def test_follow_ignores_a_next_pointing_elsewhere(client, make_post, other_customer):
    post = make_post()
    client.force_login(other_customer)
    response = client.post(reverse("articles:follow", kwargs={"kind": "post", "pk": post.pk}),
                           {"following": "on", "next": "https://evil.example/"})
    assert response.url == post.get_absolute_url()


def test_anonymous_follow_is_sent_to_sign_in_with_next(client, make_post):
    post = make_post()
    response = client.post(reverse("articles:follow", kwargs={"kind": "post", "pk": post.pk}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")
    assert Follow.objects.filter(post=post).count() == 1


def test_unknown_follow_kind_is_not_found(client, customer):
    client.force_login(customer)
    assert client.post("/follow/topic/1/").status_code == 404


def test_following_page_lists_what_i_follow_and_unfollows(client, make_post, make_article, make_section, customer):
    post = make_post()
    article = make_article(title="Export your pages")
    section = make_section(name="Billing")
    services.follow_set(user=customer, target=article, following=True)
    services.follow_set(user=customer, target=section, following=True)
    client.force_login(customer)
    response = client.get(reverse("articles:following"))
    page = text(response)
    assert post.title in page and "Export your pages" in page and "Billing" in page
    assert article.get_absolute_url() in html(response)
    assert page.count("Unfollow") == 3
    response = client.post(reverse("articles:follow", kwargs={"kind": "article", "pk": article.pk}),
                           {"following": "off", "next": reverse("articles:following")})
    assert response.url == reverse("articles:following")
    assert not Follow.objects.filter(user=customer, article=article).exists()
    assert article.get_absolute_url() not in html(client.get(reverse("articles:following")))


def test_following_page_needs_sign_in(client):
    response = client.get(reverse("articles:following"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- Constant queries -----------------------------------------------------------------


def _post_queries(client, post, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_post_page_queries_do_not_grow_with_comments(client, make_post, agent, customer, other_customer,
                                                     django_assert_num_queries, signed_in):
    small, big = make_post(title="Small thread"), make_post(title="Big thread")
    authors = [agent, customer, other_customer, make_agent("agent_two")]
    many_comments(target=small, authors=authors, count=3)
    many_comments(target=big, authors=authors, count=300)
    services.comment_set_official(comment=big.comments.filter(author=agent).last(), by=agent, official=True)
    if signed_in:
        client.force_login(agent)
    client.get(small.get_absolute_url())  # warm-up: the session and content types are cached
    caches["pages"].clear()  # measure rendering, not the anonymous page cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as small_queries:
        client.get(small.get_absolute_url())
    expected = len(small_queries)
    assert expected <= 12
    response = _post_queries(client, big, django_assert_num_queries, expected)
    assert "300 comments" in text(response)
    assert html(response).count('<article id="comment-') == 50  # one page of comments
    if signed_in:
        # Page 1: the official answer (Unmark) and the 49 oldest others, every other one an agent's.
        assert html(response).count("Mark as official") == 25
        assert html(response).count("Unmark official") == 1
    with django_assert_num_queries(expected):
        response = client.get(big.get_absolute_url() + "?page=6")
    assert html(response).count('<article id="comment-') == 50 and "Page 6 of 6" in text(response)


def test_topic_page_queries_do_not_grow_with_posts(client, topic, make_post, customer, django_assert_num_queries):
    make_post()
    with django_assert_num_queries(3):  # topic, count, page of posts
        client.get(topic.get_absolute_url())
    for n in range(40):
        make_post(title=f"Question {n}")
    with django_assert_num_queries(3):
        response = client.get(topic.get_absolute_url())
    assert "Page 1 of 2" in text(response)


# --- Rate limits ----------------------------------------------------------------------


def test_comment_flood_is_stopped_with_a_429_and_nothing_more_is_saved(client, make_post, customer, settings):
    settings.KB_RATE_LIMITS = {"comment.user": "2/h"}
    post = make_post()
    client.force_login(customer)
    url = reverse("articles:post_comment", kwargs={"pk": post.pk})
    assert [client.post(url, {"body": f"c{n}"}).status_code for n in range(3)] == [302, 302, 429]
    assert Comment.objects.count() == 2


def test_question_flood_is_stopped_with_a_429(client, topic, customer, settings):
    settings.KB_RATE_LIMITS = {"post.user": "1/h"}
    client.force_login(customer)
    url = reverse("articles:post_create", kwargs={"slug": topic.slug})
    assert client.post(url, {"title": "One", "body": "b"}).status_code == 302
    response = client.post(url, {"title": "Two", "body": "b"})
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert list(Post.objects.values_list("title", flat=True)) == ["One"]


# --- Paginated comments ---------------------------------------------------------------


@pytest.fixture
def long_thread(make_post, agent, customer, other_customer):
    """120 comments ("Comment 0".."Comment 119"); the last, an agent's, is the official answer,
    so the thread reads: answer, Comment 0..48 | Comment 49..98 | Comment 99..118."""
    post = make_post(title="A long thread")
    many_comments(target=post, authors=[customer, other_customer, agent], count=120)
    answer = post.comments.get(body="Comment 119")
    services.comment_set_official(comment=answer, by=agent, official=True)
    return post, answer


def _shown(response) -> list[str]:
    return re.findall(r"<p>(Comment \d+)</p>", html(response))


def test_comments_come_fifty_a_page_with_the_official_answer_on_page_one_only(
    client, long_thread, django_assert_num_queries
):
    post, answer = long_thread
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as first:
        response = client.get(post.get_absolute_url())
    assert _shown(response) == ["Comment 119"] + [f"Comment {n}" for n in range(49)]
    assert "120 comments" in text(response) and text(response).count("Official comment") == 1
    assert f'href="{post.get_absolute_url()}#comment-{answer.pk}"' in html(response)

    for number, expected in [(2, range(49, 99)), (3, range(99, 119))]:
        with django_assert_num_queries(len(first)):
            response = client.get(f"{post.get_absolute_url()}?page={number}")
        page, body = text(response), html(response)
        assert _shown(response) == [f"Comment {n}" for n in expected]
        assert "120 comments" in page  # the heading counts the whole thread
        assert "Official comment" not in page and f'id="comment-{answer.pk}"' not in body
        assert f"Page {number} of 3" in page
        first_here = post.comments.get(body=f"Comment {expected[0]}")
        assert f'href="{post.get_absolute_url()}?page={number}#comment-{first_here.pk}"' in body


def test_comment_pages_have_an_accessible_navigation(client, long_thread):
    post, _ = long_thread
    body = html(client.get(f"{post.get_absolute_url()}?page=2"))
    nav = re.search(r'<nav class="mt-3" aria-label="Comment pages">(.*?)</nav>', body, re.DOTALL).group(1)
    assert re.search(r'<li class="page-item active" aria-current="page">.*?2</span>', nav)
    assert f'href="{post.get_absolute_url()}#comments" rel="prev"' in nav  # page 1 has one URL
    assert f'href="{post.get_absolute_url()}?page=3#comments" rel="next"' in nav
    assert nav.count('aria-current="page"') == 1


def test_a_page_number_past_the_end_or_not_a_number_shows_a_real_page(client, long_thread):
    post, _ = long_thread
    assert _shown(client.get(f"{post.get_absolute_url()}?page=99"))[-1] == "Comment 118"
    assert _shown(client.get(f"{post.get_absolute_url()}?page=abc"))[0] == "Comment 119"


def test_a_short_thread_has_no_page_navigation(client, make_post, customer):
    post = make_post()
    many_comments(target=post, authors=[customer], count=50)
    body = html(client.get(post.get_absolute_url()))
    assert 'aria-label="Comment pages"' not in body and body.count('<article id="comment-') == 50


def test_comment_permalink_redirects_to_the_page_holding_the_comment(client, long_thread,
                                                                     django_assert_num_queries):
    post, _ = long_thread
    for body, suffix in [("Comment 119", ""), ("Comment 48", ""), ("Comment 49", "?page=2"),
                         ("Comment 118", "?page=3")]:
        comment = post.comments.get(body=body)
        with django_assert_num_queries(2):  # the comment with its post, the count before it
            response = client.get(reverse("articles:comment_permalink", kwargs={"pk": comment.pk}))
        assert response.status_code == 302
        assert response.url == f"{post.get_absolute_url()}{suffix}#comment-{comment.pk}", body
        assert f'id="comment-{comment.pk}"' in html(client.get(response.url))
    assert client.get(reverse("articles:comment_permalink", kwargs={"pk": 999_999})).status_code == 404


def test_marking_a_late_comment_official_moves_it_to_page_one(client, long_thread, agent):
    post, _ = long_thread
    late = post.comments.get(body="Comment 116")  # an agent's comment on page 3
    client.force_login(agent)
    response = client.post(reverse("articles:comment_official", kwargs={"pk": late.pk}), {"official": "on"})
    assert response.url == f"{post.get_absolute_url()}#comment-{late.pk}"
    assert "Comment 116" in _shown(client.get(post.get_absolute_url()))[:2]


def test_a_new_comment_on_a_long_thread_lands_on_the_last_page(client, long_thread, customer):
    post, _ = long_thread
    client.force_login(customer)
    response = client.post(reverse("articles:post_comment", kwargs={"pk": post.pk}), {"body": "Me too"})
    comment = Comment.objects.get(body="Me too")
    assert response.url == f"{post.get_absolute_url()}?page=3#comment-{comment.pk}"
    assert f'id="comment-{comment.pk}"' in html(client.get(response.url))


def test_topic_pages_link_each_other_through_the_one_pagination(client, make_post, settings):
    """31 posts make two pages of the topic; page 1 has one URL. A parameter the page does
    not read is not carried into its links (the page cache leaves it out; search pages
    show that links keep the parameters a page reads)."""
    posts = [make_post(title=f"Question {n}") for n in range(31)]
    url = posts[0].topic.get_absolute_url()
    first = html(client.get(url, {"sort": "new & open"}))
    nav = re.search(r'<nav class="mt-3" aria-label="Post pages">(.*?)</nav>', first, re.DOTALL).group(1)
    assert f'href="{url}?page=2" rel="next"' in nav and "sort" not in first
    assert nav.count('aria-current="page"') == 1 and "Page 1 of 2" in nav
    second = html(client.get(url, {"page": 2}))
    assert f'href="{url}" rel="prev"' in second
