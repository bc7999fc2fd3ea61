"""The page-view beacon (``POST /analytics/hit``): counting visitors and article views
through the real endpoint, without storing who the visitors are. (kb's visitor hashing on
its own: tests/kb_tests/test_analytics.py.)"""

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import analytics
from articles.models import ArticleViewDay
from kb.models import DailySalt, ThrottleWindow, VisitorDay

from .migrations import at_migration

HIT = reverse("analytics:hit")
LA = ZoneInfo("America/Los_Angeles")
IP = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) KbTest/1.0"


@pytest.fixture
def beacon_clock(monkeypatch):
    """Set the moment the beacon believes it is: ``beacon_clock(datetime)``."""

    def set_clock(moment: datetime) -> datetime:
        monkeypatch.setattr("kb.clock.now", lambda: moment)
        return moment

    return set_clock


def visitor(ip=IP, user_agent=USER_AGENT, **extra) -> Client:
    return Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent, **extra)


def test_a_beacon_counts_the_visitor_once_a_day_and_every_article_view(db, make_article):
    article = make_article()
    browser = visitor()
    assert browser.post(HIT, {"kind": "article", "id": article.pk}).status_code == 204
    assert browser.post(HIT, {"kind": "article", "id": article.pk}).status_code == 204
    assert browser.post(HIT, {"kind": "search"}).status_code == 204
    assert ArticleViewDay.objects.get(article=article).views == 2
    row = VisitorDay.objects.get()
    assert row.saw_help_center and not row.submitted_request


def test_different_browsers_are_different_visitors_and_a_session_cookie_wins_over_the_address(db):
    visitor(ip="198.51.100.1").post(HIT, {"kind": "page"})
    visitor(ip="198.51.100.2").post(HIT, {"kind": "page"})
    assert VisitorDay.objects.count() == 2
    # The same session from two networks (a phone leaving the office Wi-Fi) is one visitor.
    for ip in ("198.51.100.3", "198.51.100.4"):
        browser = visitor(ip=ip)
        browser.cookies[django_settings.SESSION_COOKIE_NAME] = "a-session-key-0123456789"
        browser.post(HIT, {"kind": "page"})
    assert VisitorDay.objects.count() == 3


def test_no_ip_address_user_agent_or_session_key_is_stored(db, make_article):
    article = make_article()
    visitor().post(HIT, {"kind": "article", "id": article.pk})
    with_session = visitor(ip="192.0.2.55")
    with_session.cookies[django_settings.SESSION_COOKIE_NAME] = "secretsessionkey42"
    with_session.post(HIT, {"kind": "page"})
    stored = [str(value) for model in (VisitorDay, DailySalt, ThrottleWindow, ArticleViewDay)
              for row in model.objects.values_list() for value in row]
    for secret in (IP, "192.0.2.55", USER_AGENT, "secretsessionkey42"):
        assert not any(secret in value for value in stored)
    hashes = set(VisitorDay.objects.values_list("visitor_hash", flat=True))
    assert len(hashes) == 2
    # Not a plain (unsalted) digest of the address either, which could be looked up.
    assert hashlib.sha256(IP.encode()).hexdigest() not in hashes
    assert hashlib.sha256(f"{IP}{USER_AGENT}".encode()).hexdigest() not in hashes


def test_the_salt_changes_every_day_and_yesterdays_is_deleted(db, beacon_clock):
    beacon_clock(datetime(2026, 6, 3, 23, 50, tzinfo=LA))
    visitor().post(HIT, {"kind": "page"})
    first_salt = DailySalt.objects.get()
    beacon_clock(datetime(2026, 6, 4, 0, 10, tzinfo=LA))  # twenty minutes later, the next local day
    visitor().post(HIT, {"kind": "page"})
    day_one, day_two = VisitorDay.objects.order_by("date")
    assert (day_one.date.isoformat(), day_two.date.isoformat()) == ("2026-06-03", "2026-06-04")
    assert day_one.visitor_hash != day_two.visitor_hash
    salt = DailySalt.objects.get()  # only today's is kept
    assert salt.date.isoformat() == "2026-06-04" and salt.salt != first_salt.salt


def test_the_same_browser_keeps_its_hash_all_day(db, beacon_clock):
    for hour in (0, 9, 23):
        beacon_clock(datetime(2026, 6, 3, hour, 30, tzinfo=LA))
        visitor().post(HIT, {"kind": "page"})
    assert VisitorDay.objects.count() == 1


@pytest.mark.parametrize("data, field", [
    ({}, "kind"),
    ({"kind": "admin"}, "kind"),
    ({"kind": "article"}, "__all__"),
    ({"kind": "article", "id": "twelve"}, "id"),
    ({"kind": "post", "id": "0"}, "id"),
    ({"kind": "article", "id": str(2**63)}, "id"),
])
def test_bad_beacons_answer_400_and_count_nothing(db, data, field):
    response = visitor().post(HIT, data)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not VisitorDay.objects.exists()


def test_the_beacon_takes_only_post(db):
    assert visitor().get(HIT, {"kind": "page"}).status_code == 405
    assert not VisitorDay.objects.exists()


def test_the_beacon_needs_no_csrf_token_because_it_only_counts(db):
    browser = visitor(enforce_csrf_checks=True)
    assert browser.post(HIT, {"kind": "page"}).status_code == 204
    assert VisitorDay.objects.count() == 1


def test_views_of_unknown_or_draft_articles_are_not_counted(db, make_article):
    draft = make_article(title="Coming soon", draft=True)
    assert visitor().post(HIT, {"kind": "article", "id": draft.pk}).status_code == 204
    assert visitor().post(HIT, {"kind": "article", "id": draft.pk + 1000}).status_code == 204
    assert not ArticleViewDay.objects.exists()
    assert VisitorDay.objects.count() == 1  # still a help-center visitor


def test_agents_reading_the_help_center_are_not_counted(db, agent, make_article):
    article = make_article()
    browser = visitor()
    browser.force_login(agent)
    assert browser.post(HIT, {"kind": "article", "id": article.pk}).status_code == 204
    assert not VisitorDay.objects.exists() and not ArticleViewDay.objects.exists()


def test_a_flood_of_beacons_from_one_address_is_refused_and_not_counted(db, settings, make_article):
    settings.KB_RATE_LIMITS = {"analytics.ip": "2/h"}
    article = make_article()
    browser = visitor()
    assert [browser.post(HIT, {"kind": "article", "id": article.pk}).status_code for _ in range(3)] == [204, 204, 429]
    assert ArticleViewDay.objects.get().views == 2


def test_pages_declare_what_they_show_and_write_nothing_while_rendering(client, make_article):
    article = make_article()
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.get_absolute_url()).content.decode()
    assert f'data-analytics-kind="article" data-analytics-id="{article.pk}"' in html
    assert f'data-analytics-url="{HIT}"' in html
    assert "js/analytics.js" in html
    assert not [q["sql"] for q in queries.captured_queries
                if "kb_visitorday" in q["sql"] or "kb_articleviewday" in q["sql"] or "kb_dailysalt" in q["sql"]]
    assert 'data-analytics-kind="search"' in client.get(reverse("search:search"), {"q": "x"}).content.decode()
    assert 'data-analytics-kind="request_form"' in client.get(reverse("tickets:request_create")).content.decode()
    assert 'data-analytics-kind="page"' in client.get(reverse("articles:home")).content.decode()


def test_submitting_the_request_form_marks_the_same_visitor_as_a_requester(
        db, make_article, django_capture_on_commit_callbacks):
    browser = visitor()
    assert browser.post(HIT, {"kind": "request_form"}).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("tickets:request_create"), {
            "email": "robin@example.com", "subject": "Invoice shows the wrong name",
            "description": "Please fix the company name.", "category": "Other", "website": "", "shown": ""})
    assert response.status_code == 302
    row = VisitorDay.objects.get()
    assert row.saw_help_center and row.submitted_request


def test_an_article_view_is_counted_on_the_sites_local_day(db, make_article):
    """Days are cut at midnight in settings.TIME_ZONE, like the visitors' days."""
    article = make_article()
    analytics.article_view_record(article_id=article.pk, at=datetime(2026, 6, 3, 23, 50, tzinfo=LA))
    analytics.article_view_record(article_id=article.pk, at=datetime(2026, 6, 4, 0, 10, tzinfo=LA))
    analytics.article_view_record(article_id=article.pk, at=datetime(2026, 6, 4, 9, 0, tzinfo=LA))
    assert sorted((row.date.isoformat(), row.views) for row in ArticleViewDay.objects.all()) == [
        ("2026-06-03", 1), ("2026-06-04", 2)]


@pytest.mark.django_db(transaction=True)
def test_the_move_from_kb_keeps_the_rows_and_the_content_type(make_article):
    """ArticleViewDay left the kb app by state-only migrations: its table, rows, content type
    and the permissions on it are the same afterwards."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    article = make_article()
    with at_migration("articles", "0008_search_moved_out", ("kb", "0002_analytics")) as old:
        old.get_model("kb", "ArticleViewDay").objects.create(date="2026-06-03", article_id=article.pk, views=7)
        OldContentType = old.get_model("contenttypes", "ContentType")
        # As an upgraded database has them: the kb content type, with its permissions.
        OldContentType.objects.filter(app_label="articles", model="articleviewday").delete()
        kb_type, _ = OldContentType.objects.get_or_create(app_label="kb", model="articleviewday")
        old.get_model("auth", "Permission").objects.get_or_create(
            content_type=kb_type, codename="view_articleviewday", defaults={"name": "Can view article view day"})
    assert ArticleViewDay.objects.get(article=article).views == 7
    moved = ContentType.objects.get_for_model(ArticleViewDay)
    assert (moved.pk, moved.app_label) == (kb_type.pk, "articles")
    assert not ContentType.objects.filter(app_label="kb", model="articleviewday").exists()
    assert Permission.objects.filter(content_type=moved, codename="view_articleviewday").exists()
