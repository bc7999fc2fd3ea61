"""Redis going away costs speed, never a page, and never a stale page when it returns.

Every test runs a real redis-server of its own (tests/services.py) behind both kb caches
("default" and "pages", kb.cache.FailOpenRedisCache), and stops, freezes or restarts it
under the running site.
"""

import logging
import os
import signal
import time

import pytest
import redis
from django.test import Client
from django.urls import reverse

from articles.models import Comment
from kb import cache as kb_cache

pytestmark = pytest.mark.django_db

RETRY_SECONDS = 0.3


@pytest.fixture
def redis_caches(settings, redis_server, monkeypatch):
    """Both caches on the test's Redis, as CACHE_URL=redis://... configures them."""
    monkeypatch.setattr(kb_cache, "RETRY_SECONDS", RETRY_SECONDS)
    kb_cache.forget_failures()
    shared = {"BACKEND": "kb.cache.FailOpenRedisCache", "LOCATION": redis_server.url}
    settings.CACHES = {"default": {**shared, "KEY_PREFIX": "kb"}, "pages": {**shared, "KEY_PREFIX": "kb-pages"}}
    yield redis_server
    kb_cache.forget_failures()


def state(response):
    return response.headers.get("X-KB-Page-Cache")


def comment(client, article, body):
    response = client.post(reverse("articles:article_comment", kwargs={"pk": article.pk}), {"body": body})
    assert response.status_code == 302
    assert Comment.objects.filter(body=body).exists()


def retry_window_passes():
    time.sleep(RETRY_SECONDS + 0.1)


def test_pages_are_served_and_comments_saved_while_redis_is_down_and_cached_again_when_it_returns(
        redis_caches, client, make_article, customer, caplog):
    article = make_article(title="Reset your password")
    url = article.get_absolute_url()
    assert state(client.get(url)) == "miss"
    assert state(client.get(url)) == "hit"
    signed_in = Client()
    signed_in.force_login(customer)

    redis_caches.stop()
    with caplog.at_level(logging.WARNING, logger="kb.cache"):
        anonymous = client.get(url)
        member = signed_in.get(url)
        comment(signed_in, article, "Written while Redis was down")
        again = client.get(url)

    assert anonymous.status_code == 200 and state(anonymous) == "miss"
    assert "Reset your password" in anonymous.content.decode()
    assert member.status_code == 200 and "Signed in as" in member.content.decode()
    assert again.status_code == 200 and "Written while Redis was down" in again.content.decode()
    # Many failed calls, one warning (rate-limited), naming what happens.
    warnings = [r.getMessage() for r in caplog.records if r.name == "kb.cache"]
    assert len(warnings) == 1 and "serving without it" in warnings[0]

    redis_caches.start()
    retry_window_passes()
    assert state(client.get(url)) == "miss"
    back = client.get(url)
    assert state(back) == "hit"
    assert "Written while Redis was down" in back.content.decode()


def test_a_frozen_redis_costs_one_timeout_then_the_breaker_skips_it(redis_caches, client, make_article,
                                                                     monkeypatch):
    monkeypatch.setattr(kb_cache, "RETRY_SECONDS", 30.0)
    article = make_article()
    url = article.get_absolute_url()
    client.get(url)
    os.kill(redis_caches.process.pid, signal.SIGSTOP)  # accepts connections, answers nothing
    try:
        started = time.monotonic()
        responses = [client.get(url) for _ in range(5)]
        elapsed = time.monotonic() - started
    finally:
        os.kill(redis_caches.process.pid, signal.SIGCONT)

    assert [r.status_code for r in responses] == [200] * 5
    # Each page makes four or five cache calls: without the breaker every one would wait
    # for its timeout (over 10 s here). With it, the first waits and the rest skip Redis.
    assert elapsed < 5 * kb_cache.COMMAND_TIMEOUT


def test_an_invalidation_lost_while_redis_was_unreachable_does_not_come_back_with_its_data(
        redis_caches, client, make_article, customer, monkeypatch):
    """Redis frozen (as unreachable behind a network fault) keeps its old generations and
    pages; the process whose invalidation failed clears the page cache before using it."""
    monkeypatch.setattr(kb_cache, "RETRY_SECONDS", 2.0)
    article = make_article()
    url = article.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"
    signed_in = Client()
    signed_in.force_login(customer)

    os.kill(redis_caches.process.pid, signal.SIGSTOP)
    try:
        # A read times out and opens the breaker (a frozen Redis would still run a write
        # sent to it once it wakes); the comment's invalidations are then never sent.
        assert client.get(url).status_code == 200
        comment(signed_in, article, "Said while the cache was unreachable")
    finally:
        os.kill(redis_caches.process.pid, signal.SIGCONT)
    time.sleep(2.1)

    response = client.get(url)
    assert "Said while the cache was unreachable" in response.content.decode()
    assert state(response) == "miss"
    assert state(client.get(url)) == "hit"


def test_a_redis_restarted_from_an_old_snapshot_serves_no_page_from_before_later_changes(
        redis_caches, client, make_article, customer):
    """Persistence: Redis comes back with a snapshot taken before a change it had
    acknowledged (no kb call failed). Its new run_id tells kb to drop the old keys."""
    article = make_article()
    url = article.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"
    redis.Redis.from_url(redis_caches.url).save()  # the snapshot: this page, these generations
    signed_in = Client()
    signed_in.force_login(customer)
    comment(signed_in, article, "After the snapshot")  # invalidates, acknowledged by Redis

    redis_caches.stop()  # without saving: restarts from the older snapshot
    redis_caches.start()
    assert redis.Redis.from_url(redis_caches.url).dbsize() > 0  # it did come back with data

    response = client.get(url)
    assert response.status_code == 200
    assert "After the snapshot" in response.content.decode()


def test_clearing_a_cache_deletes_its_own_keys_only(redis_caches):
    from django.core.cache import caches

    caches["default"].set("kept", 1)
    caches["pages"].set("dropped", 1)
    other = redis.Redis.from_url(redis_caches.url)
    other.set("another-application", 1)

    caches["pages"].clear()

    assert caches["pages"].get("dropped") is None
    assert caches["default"].get("kept") == 1
    assert other.get("another-application") == b"1"
