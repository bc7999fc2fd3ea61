"""Anonymous pages come from the page cache, and every change they show invalidates them."""

import re

import pytest
from django.test import Client

from articles import services

pytestmark = pytest.mark.django_db


def cache_state(response):
    return response.headers.get("X-KB-Page-Cache")


def test_a_second_anonymous_read_is_served_from_the_cache_without_queries(
        client, make_article, django_assert_num_queries):
    article = make_article()
    assert cache_state(client.get(article.get_absolute_url())) == "miss"
    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url())
    assert cache_state(response) == "hit"
    assert article.title in response.content.decode()


def test_a_new_comment_shows_at_once_to_anonymous_readers(client, make_post, customer):
    post = make_post()
    client.get(post.get_absolute_url())
    services.comment_create(author=customer, target=post, body="Fresh comment text")
    response = client.get(post.get_absolute_url())
    assert cache_state(response) == "miss"
    assert "Fresh comment text" in response.content.decode()


def test_votes_and_follows_update_the_cached_counts(client, make_article, customer, other_customer):
    article = make_article()
    client.get(article.get_absolute_url())
    services.vote_set(user=customer, article=article, helpful=True)
    assert "1 out of 1 found this helpful" in client.get(article.get_absolute_url()).content.decode()
    services.follow_set(user=other_customer, target=article, following=True)
    assert "1 follower" in client.get(article.get_absolute_url()).content.decode()


def test_editing_an_article_invalidates_its_page_and_its_section(client, make_article):
    article = make_article(title="Old title")
    client.get(article.get_absolute_url())
    client.get(article.section.get_absolute_url())
    services.article_update(article=article, title="New title")
    assert "New title" in client.get(article.get_absolute_url()).content.decode()
    assert "New title" in client.get(article.section.get_absolute_url()).content.decode()


def test_other_pages_stay_cached_when_one_post_gets_a_comment(client, make_post, customer):
    first, second = make_post(title="First question"), make_post(title="Second question")
    client.get(first.get_absolute_url())
    client.get(second.get_absolute_url())
    services.comment_create(author=customer, target=first, body="On the first one")
    assert cache_state(client.get(second.get_absolute_url())) == "hit"
    assert cache_state(client.get(first.get_absolute_url())) == "miss"


def test_signed_in_readers_always_get_a_fresh_page(client, make_article, customer):
    article = make_article()
    Client().get(article.get_absolute_url())  # cached by an anonymous reader
    client.force_login(customer)
    response = client.get(article.get_absolute_url())
    assert cache_state(response) is None
    assert "Signed in as" in response.content.decode()


def test_the_csrf_token_in_a_cached_page_works_for_another_visitor(make_article):
    article = make_article()
    Client().get(article.get_absolute_url())  # someone else filled the cache
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get(article.get_absolute_url())
    assert cache_state(response) == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)
    vote = visitor.post(f"/articles/{article.pk}/vote/", {"helpful": "yes", "csrfmiddlewaretoken": token})
    assert vote.status_code == 302  # to sign in, not a 403 CSRF failure
    assert "/accounts/login/" in vote["Location"]


def test_conditional_get_answers_304_until_the_page_changes(client, make_article, customer):
    article = make_article()
    first = client.get(article.get_absolute_url())
    assert first["Last-Modified"]
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    services.comment_create(author=customer, target=article, body="Changes the page")
    changed = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_drafts_are_never_cached_for_anyone(client, make_article):
    draft = make_article(draft=True)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert cache_state(client.get(draft.get_absolute_url())) is None


# --- the hit path: this worker's copy of entries, CSRF tokens, validators ------------------


def test_a_bump_by_another_worker_reaches_pages_this_worker_keeps_a_copy_of(client, make_article):
    from django.core.cache import caches

    article = make_article()
    client.get(article.get_absolute_url())
    assert cache_state(client.get(article.get_absolute_url())) == "hit"
    # Another process changes the generation in the shared cache (no signal in this one).
    caches["pages"].set(f"gen:article:{article.pk}", "changed elsewhere", timeout=None)
    assert cache_state(client.get(article.get_absolute_url())) == "miss"


def test_an_entry_with_a_lifetime_expires_from_this_workers_copy_too(rf):
    import time

    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from kb import page_cache

    rendered = []

    def view(request):
        rendered.append(1)
        return HttpResponse(f"render {len(rendered)}")

    cached = page_cache.cache_anonymous_page(view, scopes=lambda **kw: [], timeout=0.2)

    def get():
        request = rf.get("/lifetime/")
        request.user = AnonymousUser()
        return cached(request)

    assert (get().content, get().content) == (b"render 1", b"render 1")
    time.sleep(0.3)
    assert get().content == b"render 2"


def test_pages_too_big_for_this_workers_copy_still_come_from_the_shared_cache(client, make_article, monkeypatch):
    from kb import page_cache

    monkeypatch.setattr(page_cache, "LOCAL_MAX_BYTES", 0)
    article = make_article()
    client.get(article.get_absolute_url())
    response = Client().get(article.get_absolute_url())
    assert cache_state(response) == "hit" and article.title in response.content.decode()


def test_each_visitor_of_a_cached_page_gets_a_token_for_their_own_csrf_cookie(make_article):
    from django.middleware.csrf import _unmask_cipher_token

    article = make_article()
    Client().get(article.get_absolute_url())
    visitor = Client()
    first = visitor.get(article.get_absolute_url())
    secret = first.cookies["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', first.content.decode()).group(1)
    assert _unmask_cipher_token(token) == secret
    # A returning visitor keeps their secret; the token is masked afresh (BREACH).
    again = visitor.get(article.get_absolute_url())
    second = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', again.content.decode()).group(1)
    assert second != token and _unmask_cipher_token(second) == secret
    assert again.cookies["csrftoken"].value == secret
    other = Client().get(article.get_absolute_url()).cookies["csrftoken"].value
    assert other != secret


def test_a_comment_cannot_make_a_cached_page_hand_out_its_readers_csrf_token(make_post, customer):
    post = make_post()
    body = ("[see](https://evil.example/?__kb_csrf_token__) `__kb_csrf_token__` "
            '`<input type="hidden" name="csrfmiddlewaretoken" value="x">` name="csrfmiddlewaretoken" value="y"')
    services.comment_create(author=customer, target=post, body=body)
    Client().get(post.get_absolute_url())
    visitor = Client()
    response = visitor.get(post.get_absolute_url())
    assert cache_state(response) == "hit"
    page = response.content.decode()
    secret = response.cookies["csrftoken"].value
    assert 'href="https://evil.example/?__kb_csrf_token__"' in page
    # The visitor's token is in the page's forms and nowhere else.
    from django.middleware.csrf import _unmask_cipher_token

    tokens = re.findall(r"[A-Za-z0-9]{64}", page)
    assert tokens and all(_unmask_cipher_token(t) == secret for t in tokens)
    assert len(tokens) == page.count('<input type="hidden" name="csrfmiddlewaretoken" value="')
    assert "evil.example/?" + tokens[0] not in page


def test_if_modified_since_answers_304_for_an_unchanged_page(client, make_article):
    article = make_article()
    first = client.get(article.get_absolute_url())
    again = client.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    older = client.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT")
    assert older.status_code == 200


@pytest.mark.parametrize("old_shape", [
    lambda html, created: (html, "text/html; charset=utf-8", created),
    lambda html, created: (html, "text/html; charset=utf-8", created, {"log_id": 7}),
    lambda html, created: (html, "text/html; charset=utf-8", created, {"log_id": 7}, None),
    lambda html, created: (html, "text/html; charset=utf-8", created, None, None),
], ids=["3-tuple", "4-tuple with meta", "5-tuple with meta", "5-tuple without meta"])
def test_an_entry_stored_by_an_earlier_version_is_rendered_again_not_misread(
        make_article, monkeypatch, old_shape):
    from django.core.cache import caches

    from kb import page_cache

    monkeypatch.setattr(page_cache, "LOCAL_MAX_BYTES", 0)  # every lookup goes to the shared cache
    article = make_article()
    pages = caches["pages"]
    stored_keys = []
    real_set = pages.set
    monkeypatch.setattr(pages, "set", lambda key, value, *a, **kw: (stored_keys.append(key), real_set(key, value, *a, **kw)))
    Client().get(article.get_absolute_url())
    [key] = [k for k in stored_keys if k.startswith("page:")]
    # What an upgraded worker finds under the same key, written before the upgrade.
    pages.set(key, old_shape("<p>stale page from before the upgrade</p>", 0.0), None)

    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200 and cache_state(response) == "miss"
    assert article.title in response.content.decode() and "stale page" not in response.content.decode()
    again = Client(enforce_csrf_checks=True).get(article.get_absolute_url())
    assert cache_state(again) == "hit" and article.title in again.content.decode()
    assert re.search(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"', again.content.decode())


def test_a_hit_without_a_form_serves_the_stored_bytes_with_validators(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from kb import page_cache

    cached = page_cache.cache_anonymous_page(lambda request: HttpResponse("caf\u00e9 page"), scopes=lambda **kw: [])

    def get(**headers):
        request = rf.get("/plain/", **headers)
        request.user = AnonymousUser()
        return cached(request)

    first, hit = get(), get()
    assert (cache_state(first), cache_state(hit)) == ("miss", "hit")
    assert hit.content == "café page".encode() and hit["Content-Type"] == first["Content-Type"]
    assert hit["ETag"] == first["ETag"] and hit["Last-Modified"] == first["Last-Modified"]
    assert hit["Cache-Control"] == "private, no-cache"
    assert get(HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# --- what votes and follows invalidate (articles/cache.py) --------------------------------


def test_a_vote_through_the_button_leaves_the_home_page_cached(client, make_article, customer):
    from kb import page_cache

    article = make_article()
    reader = Client()
    reader.get("/")
    before = [page_cache.generation(s) for s in (page_cache.CONTENT, page_cache.COMMUNITY)]
    client.force_login(customer)
    assert client.post(f"/articles/{article.pk}/vote/", {"helpful": "yes"}).status_code == 302
    assert [page_cache.generation(s) for s in (page_cache.CONTENT, page_cache.COMMUNITY)] == before
    assert cache_state(reader.get("/")) == "hit"
    assert "1 out of 1 found this helpful" in reader.get(article.get_absolute_url()).content.decode()


def test_the_same_vote_again_leaves_the_article_cached(client, make_article, customer):
    article = make_article()
    services.vote_set(user=customer, article=article, helpful=True)
    client.get(article.get_absolute_url())
    services.vote_set(user=customer, article=article, helpful=True)
    assert cache_state(client.get(article.get_absolute_url())) == "hit"
    services.vote_set(user=customer, article=article, helpful=False)
    response = client.get(article.get_absolute_url())
    assert cache_state(response) == "miss" and "0 out of 1 found this helpful" in response.content.decode()


def test_following_a_post_updates_its_topic_page_but_not_home_or_other_topics(
        client, make_post, other_customer):
    from articles.models import Topic

    post = make_post()
    elsewhere = Topic.objects.create(name="Billing", slug="billing")
    pages = ["/", "/community/", post.topic.get_absolute_url(), elsewhere.get_absolute_url()]
    for url in pages:
        client.get(url)
    services.follow_set(user=other_customer, target=post, following=True)
    states = {url: cache_state(client.get(url)) for url in pages}
    assert states == {"/": "hit", "/community/": "hit", post.topic.get_absolute_url(): "miss",
                      elsewhere.get_absolute_url(): "hit"}
    assert "2 followers" in client.get(post.topic.get_absolute_url()).content.decode()


def test_an_email_follow_changes_cached_pages_when_confirmed_not_when_asked(client, make_article):
    from articles import notifications
    from kb import clock

    article = make_article()
    client.get(article.get_absolute_url())
    follow = notifications.email_follow_request(email="reader@example.com", target=article)
    assert cache_state(client.get(article.get_absolute_url())) == "hit"
    notifications.email_follow_confirm(follow=follow, at=clock.now())
    response = client.get(article.get_absolute_url())
    assert cache_state(response) == "miss" and "1 follower" in response.content.decode()


# --- what cannot skip the cache: cookies and query strings (issue 13) ---------------------


def test_unknown_cookies_and_a_made_up_session_id_are_served_from_the_cache(make_article,
                                                                          django_assert_num_queries):
    from django.contrib.sessions.models import Session

    article = make_article()
    Client().get(article.get_absolute_url())
    # (cookies, queries): a session id is looked up once; nothing else touches the database.
    for cookies, queries in (({"tracking": "x1"}, 0), ({"sessionid": "made-up-session-key-0123456789"}, 1),
                             ({"sessionid": "short"}, 0), ({"messages": "not-signed-messages"}, 0)):
        visitor = Client()
        visitor.cookies.load(cookies)
        with django_assert_num_queries(queries):
            response = visitor.get(article.get_absolute_url())
        assert cache_state(response) == "hit", cookies
        assert article.title in response.content.decode()
        # No session is made for them; a made-up session cookie is at most deleted.
        assert not Session.objects.exists()
        assert response.cookies.get("sessionid") is None or response.cookies["sessionid"].value == ""


def test_a_live_but_empty_session_is_served_from_the_cache_and_its_cookie_left_alone(make_article):
    from django.contrib.sessions.backends.db import SessionStore

    article = make_article()
    Client().get(article.get_absolute_url())
    session = SessionStore()
    session.create()
    visitor = Client()
    visitor.cookies.load({"sessionid": session.session_key})
    response = visitor.get(article.get_absolute_url())
    assert cache_state(response) == "hit"
    assert "sessionid" not in response.cookies


def test_a_session_with_something_in_it_gets_a_fresh_page(client, make_article):
    from articles.pages import draft_session_key

    article = make_article()
    Client().get(article.get_absolute_url())
    session = client.session
    session[draft_session_key(article)] = "My kept draft"
    session.save()
    response = client.get(article.get_absolute_url())
    assert cache_state(response) is None
    assert "My kept draft" in response.content.decode()


def test_a_real_flash_message_is_shown_not_a_cached_page(client, make_article):
    article = make_article()
    Client().get(article.get_absolute_url())
    client.post(f"/articles/{article.pk}/vote/", {"helpful": "yes"})  # signed out: a message, then sign in
    assert "messages" in client.cookies
    response = client.get(article.get_absolute_url())
    assert cache_state(response) is None
    assert "Sign in to tell us whether the article helped." in response.content.decode()


def without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_parameters_the_page_does_not_read_share_its_cache_entry_and_never_show_in_it(make_article):
    article = make_article()
    url = article.get_absolute_url()
    first = Client().get(url + "?utm_source=newsletter-x7q&zz=random-8k2")
    assert cache_state(first) == "miss"
    for query in ("", "?utm_source=other", "?zz=random-3j1&fbclid=abc"):
        response = Client().get(url + query)
        assert cache_state(response) == "hit", query
        assert without_tokens(response) == without_tokens(first)
    body = first.content.decode()
    assert "newsletter-x7q" not in body and "random-8k2" not in body and "utm_source" not in body
    assert f'href="/accounts/login/?next={url}"' in body  # sign-in returns to the bare URL


def test_the_parameters_a_page_reads_key_it_in_one_order_and_encoding(client, make_article, customer):
    from tests.articles_tests.pages import many_comments

    article = make_article()
    many_comments(target=article, authors=[customer], count=51)
    url = article.get_absolute_url()
    first, second = Client().get(url), Client().get(url + "?page=2")
    assert cache_state(second) == "miss"
    assert "Comment 50" in second.content.decode() and "Comment 50" not in first.content.decode()
    for query in ("?page=2", "?utm_source=x&page=2", "?page=1&page=2", "?page=%32"):
        response = Client().get(url + query)
        assert cache_state(response) == "hit", query
        assert without_tokens(response) == without_tokens(second)


def test_a_huge_id_in_the_address_makes_a_cache_key_every_backend_accepts(client, db, recwarn):
    from django.core.cache.backends.base import CacheKeyWarning

    response = client.get(f"/articles/{'9' * 400}-x/")

    assert response.status_code == 404
    assert not [w for w in recwarn if issubclass(w.category, CacheKeyWarning)]
