"""Up and down votes on community posts and on comments: the service (stored totals, one
vote per user, drafts refused), the buttons on the pages, rate limits, cache invalidation
and constant query counts."""

import re

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Comment, ItemVote, Post, Vote
from kb import page_cache

from .pages import html, many_comments, text

pytestmark = pytest.mark.django_db


def _totals(item):
    item.refresh_from_db()
    return item.vote_sum, item.vote_count


def _cache_state(response):
    return response.headers.get("X-KB-Page-Cache")


# --- The service ------------------------------------------------------------------------


def test_votes_up_down_change_and_take_back_keep_the_stored_totals(make_post, customer, other_customer, agent):
    post = make_post()

    services.item_vote_set(user=customer, item=post, value=1)
    services.item_vote_set(user=other_customer, item=post, value=1)
    services.item_vote_set(user=agent, item=post, value=-1)
    assert _totals(post) == (1, 3)

    services.item_vote_set(user=agent, item=post, value=1)  # a second vote changes the first
    assert _totals(post) == (3, 3)
    assert ItemVote.objects.filter(post=post).count() == 3

    assert services.item_vote_set(user=customer, item=post, value=None) is None
    assert _totals(post) == (2, 2)
    assert services.item_vote_set(user=customer, item=post, value=None) is None  # nothing to take back
    assert _totals(post) == (2, 2)


def test_a_comment_vote_counts_on_the_comment_only(make_post, make_article, customer, other_customer):
    post, article = make_post(), make_article()
    on_post = services.comment_create(author=customer, target=post, body="Same here")
    on_article = services.comment_create(author=customer, target=article, body="Thanks")

    services.item_vote_set(user=other_customer, item=on_post, value=-1)
    vote = services.item_vote_set(user=other_customer, item=on_article, value=1)

    assert (_totals(on_post), _totals(on_article), _totals(post)) == ((-1, 1), (1, 1), (0, 0))
    assert (vote.comment_id, vote.post_id, vote.value) == (on_article.pk, None, 1)
    assert not Vote.objects.exists()  # article votes ("helpful") are another model


def test_the_same_vote_again_writes_nothing(make_post, customer):
    post = make_post()
    services.item_vote_set(user=customer, item=post, value=1)
    with CaptureQueriesContext(connection) as queries:
        services.item_vote_set(user=customer, item=post, value=1)
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert "SELECT" in statements and not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    assert _totals(post) == (1, 1)


def test_signed_out_users_bad_values_and_drafts_comments_are_refused(make_post, make_article, customer, agent):
    from django.contrib.auth.models import AnonymousUser

    post = make_post()
    article = make_article()
    comment = services.comment_create(author=customer, target=article, body="Hi")
    services.article_update(article=article, draft=True)

    with pytest.raises(PermissionDenied):
        services.item_vote_set(user=AnonymousUser(), item=post, value=1)
    with pytest.raises(ValidationError):
        services.item_vote_set(user=customer, item=post, value=2)
    with pytest.raises(PermissionDenied):
        services.item_vote_set(user=agent, item=Comment.objects.get(pk=comment.pk), value=1)
    with pytest.raises(TypeError):
        services.item_vote_set(user=customer, item=article, value=1)
    assert not ItemVote.objects.exists()


def test_the_database_keeps_one_vote_per_user_and_item(make_post, customer):
    from django.db import IntegrityError, transaction

    post = make_post()
    ItemVote.objects.create(user=customer, post=post, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemVote.objects.create(user=customer, post=post, value=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemVote.objects.create(user=customer, value=1)  # no target
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemVote.objects.create(user=customer, post=make_post(title="Other"), value=5)


def test_recount_repairs_totals_written_around_the_service(make_post, customer, other_customer):
    post = make_post()
    comment = services.comment_create(author=customer, target=post, body="Hi")
    ItemVote.objects.bulk_create([ItemVote(user=customer, post=post, value=-1),
                                  ItemVote(user=other_customer, comment=comment, value=1)])
    Post.objects.filter(pk=post.pk).update(vote_sum=7)

    assert services.item_vote_totals_recount() == 2
    assert (_totals(post), _totals(comment)) == ((-1, 1), (1, 1))
    assert services.item_vote_totals_recount() == 0


def test_deleting_a_voted_comment_or_post_removes_its_votes(make_post, customer, agent):
    post = make_post()
    comment = services.comment_create(author=customer, target=post, body="Hi")
    services.item_vote_set(user=agent, item=comment, value=1)
    services.item_vote_set(user=agent, item=post, value=1)
    services.comment_delete(comment=comment)
    assert list(ItemVote.objects.values_list("post_id", flat=True)) == [post.pk]
    post.delete()
    assert not ItemVote.objects.exists()


# --- The buttons -----------------------------------------------------------------------


def _vote_form(response, anchor: str) -> str:
    match = re.search(rf'<form[^>]*id="{anchor}".*?</form>', html(response), flags=re.DOTALL)
    assert match, anchor
    return match.group(0)


def test_post_page_shows_scores_and_accessible_vote_buttons(client, make_post, customer, other_customer):
    post = make_post()
    comment = services.comment_create(author=customer, target=post, body="Same here")
    services.item_vote_set(user=customer, item=post, value=1)
    services.item_vote_set(user=other_customer, item=post, value=1)
    services.item_vote_set(user=other_customer, item=comment, value=-1)
    client.force_login(customer)

    response = client.get(post.get_absolute_url())

    post_form = _vote_form(response, f"post-{post.pk}-votes")
    assert 'name="csrfmiddlewaretoken"' in post_form
    assert f'action="{reverse("articles:post_vote", kwargs={"pk": post.pk})}"' in post_form
    assert re.search(r'value="none"[^>]*aria-pressed="true".*Vote up', post_form, flags=re.DOTALL)
    assert re.search(r'value="down"[^>]*aria-pressed="false".*Vote down', post_form, flags=re.DOTALL)
    assert "2 score, 2 votes" in text(response)
    comment_form = _vote_form(response, f"comment-{comment.pk}-votes")
    assert f'action="{reverse("articles:comment_vote", kwargs={"pk": comment.pk})}"' in comment_form
    assert 'value="up" class="btn btn-sm btn-outline-secondary" aria-pressed="false"' in comment_form
    assert "-1 score, 1 vote" in text(response)


def test_reader_votes_a_post_up_then_takes_it_back_without_javascript(client, make_post, other_customer):
    post = make_post()
    url = reverse("articles:post_vote", kwargs={"pk": post.pk})
    client.force_login(other_customer)

    response = client.post(url, {"vote": "up"})
    assert response.status_code == 302 and response.url == f"{post.get_absolute_url()}#post-{post.pk}-votes"
    assert _totals(post) == (1, 1)
    page = client.get(post.get_absolute_url())
    assert "Thank you for your vote." in text(page)
    assert 'value="none" class="btn btn-sm btn-success" aria-pressed="true"' in _vote_form(page, f"post-{post.pk}-votes")

    client.post(url, {"vote": "none"})
    assert _totals(post) == (0, 0)


def test_reader_votes_a_comment_down_and_lands_on_it(client, make_post, customer, other_customer):
    post = make_post()
    comment = services.comment_create(author=customer, target=post, body="Same here")
    client.force_login(other_customer)

    response = client.post(reverse("articles:comment_vote", kwargs={"pk": comment.pk}), {"vote": "down"})

    assert response.url == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert _totals(comment) == (-1, 1)


def test_article_comments_show_and_take_votes_too(client, make_article, customer, other_customer):
    article = make_article()
    comment = services.comment_create(author=customer, target=article, body="Thanks")
    client.force_login(other_customer)

    client.post(reverse("articles:comment_vote", kwargs={"pk": comment.pk}), {"vote": "up"})

    page = client.get(article.get_absolute_url())
    assert "1 score, 1 vote" in text(page) and "Vote up" in _vote_form(page, f"comment-{comment.pk}-votes")


def test_anonymous_voter_is_sent_to_sign_in_and_nothing_is_stored(client, make_post):
    post = make_post()
    response = client.post(reverse("articles:post_vote", kwargs={"pk": post.pk}), {"vote": "up"})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login") + "?next=")
    assert not ItemVote.objects.exists()


@pytest.mark.parametrize("choice", ["", "sideways", "1"])
def test_a_bad_choice_changes_nothing(client, make_post, customer, choice):
    post = make_post()
    client.force_login(customer)
    response = client.post(reverse("articles:post_vote", kwargs={"pk": post.pk}), {"vote": choice})
    assert response.status_code == 302
    assert not ItemVote.objects.exists()


def test_missing_items_and_drafts_comments_are_not_found(client, make_article, customer, agent):
    article = make_article()
    comment = services.comment_create(author=customer, target=article, body="Hi")
    services.article_update(article=article, draft=True)
    client.force_login(customer)

    assert client.post(reverse("articles:post_vote", kwargs={"pk": 999}), {"vote": "up"}).status_code == 404
    assert client.post(reverse("articles:comment_vote", kwargs={"pk": comment.pk}), {"vote": "up"}).status_code == 404
    assert client.get(reverse("articles:comment_vote", kwargs={"pk": comment.pk})).status_code == 405
    client.force_login(agent)  # agents see the draft, but it takes no votes
    assert client.post(reverse("articles:comment_vote", kwargs={"pk": comment.pk}), {"vote": "up"}).status_code == 403
    draft_page = client.get(article.get_absolute_url())
    assert "Vote up" not in _vote_form(draft_page, f"comment-{comment.pk}-votes")
    assert not ItemVote.objects.exists()


def test_votes_past_the_rate_get_a_429_shared_with_article_votes(client, make_post, make_article, customer, settings):
    settings.KB_RATE_LIMITS = {"vote.user": "3/h"}
    post, article = make_post(), make_article()
    client.force_login(customer)
    url = reverse("articles:post_vote", kwargs={"pk": post.pk})

    codes = [client.post(f"/articles/{article.pk}/vote/", {"helpful": "yes"}).status_code,
             client.post(url, {"vote": "up"}).status_code,
             client.post(url, {"vote": "down"}).status_code,
             client.post(url, {"vote": "none"}).status_code]

    assert codes == [302, 302, 302, 429]
    assert _totals(post) == (-1, 1)  # the refused take-back did nothing


def test_votes_from_one_address_are_limited_across_accounts(client, make_post, make_user, settings):
    settings.KB_RATE_LIMITS = {"vote.ip": "2/h"}
    post = make_post()
    codes = []
    for n in range(3):
        client.force_login(make_user(f"voter{n}"))
        codes.append(client.post(reverse("articles:post_vote", kwargs={"pk": post.pk}), {"vote": "up"},
                                 REMOTE_ADDR="203.0.113.9").status_code)
    assert codes == [302, 302, 429]
    assert _totals(post) == (2, 2)


# --- Cached pages and query counts --------------------------------------------------------


def test_a_vote_re_renders_only_the_page_showing_it(make_post, make_article, customer, other_customer):
    post, other_post, article = make_post(), make_post(title="Another question"), make_article()
    comment = services.comment_create(author=customer, target=article, body="Thanks")
    reader = Client()
    pages = ["/", "/community/", post.topic.get_absolute_url(), post.get_absolute_url(),
             other_post.get_absolute_url(), article.get_absolute_url()]
    for url in pages:
        reader.get(url)
    before = [page_cache.generation(s) for s in (page_cache.CONTENT, page_cache.COMMUNITY)]

    services.item_vote_set(user=other_customer, item=post, value=1)
    services.item_vote_set(user=other_customer, item=comment, value=-1)

    states = {url: _cache_state(reader.get(url)) for url in pages}
    assert states == {"/": "hit", "/community/": "hit", post.topic.get_absolute_url(): "hit",
                      post.get_absolute_url(): "miss", other_post.get_absolute_url(): "hit",
                      article.get_absolute_url(): "miss"}
    assert [page_cache.generation(s) for s in (page_cache.CONTENT, page_cache.COMMUNITY)] == before
    assert "1 score, 1 vote" in text(reader.get(post.get_absolute_url()))


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_post_page_queries_do_not_grow_with_voted_comments(client, make_post, customer, other_customer,
                                                          django_assert_num_queries, signed_in):
    small, big = make_post(title="Small thread"), make_post(title="Big thread")
    many_comments(target=small, authors=[customer], count=1)
    many_comments(target=big, authors=[customer, other_customer], count=60)
    for item in [small, big, *small.comments.all(), *big.comments.all()[:40]]:
        services.item_vote_set(user=customer, item=item, value=1)
        services.item_vote_set(user=other_customer, item=item, value=-1)
    if signed_in:
        client.force_login(customer)
    client.get(small.get_absolute_url())  # warm-up
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as small_queries:
        client.get(small.get_absolute_url())

    with django_assert_num_queries(len(small_queries)):
        response = client.get(big.get_absolute_url())

    assert html(response).count('class="item-vote ') == 51  # the post and a page of 50 comments
    assert text(response).count("0 score, 2 votes") == 41
    assert html(response).count('btn-success" aria-pressed="true"') == (41 if signed_in else 0)
