"""kb.analytics on its own: visitors are counted per day under a daily-salted hash, and
nothing kb stores says who they are. (The beacon that calls it, end to end:
tests/articles_tests/test_analytics.py.)"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from kb import analytics
from kb.models import DailySalt, VisitorDay

LA = ZoneInfo("America/Los_Angeles")
IP = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) KbTest/1.0"
NOON = datetime(2026, 6, 3, 12, tzinfo=LA)


def request(ip=IP, user_agent=USER_AGENT, session_key=None):
    factory = RequestFactory(REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent)
    if session_key:
        factory.cookies[django_settings.SESSION_COOKIE_NAME] = session_key
    return factory.post("/")


def test_a_visitor_is_counted_once_a_day_whatever_they_read(db):
    visitor = analytics.visitor_hash_for(request(), at=NOON)
    for hour in (9, 12, 23):
        analytics.visitor_record(visitor=visitor, at=NOON.replace(hour=hour))
    row = VisitorDay.objects.get()
    assert (row.date.isoformat(), row.visitor_hash) == ("2026-06-03", visitor)
    assert row.saw_help_center and not row.submitted_request


def test_a_session_cookie_wins_over_the_address(db):
    """The same session from two networks (a phone leaving the office Wi-Fi) is one visitor."""
    assert (analytics.visitor_hash_for(request(ip="198.51.100.1"), at=NOON)
            != analytics.visitor_hash_for(request(ip="198.51.100.2"), at=NOON))
    assert (analytics.visitor_hash_for(request(ip="198.51.100.3", session_key="a-session-key-0123"), at=NOON)
            == analytics.visitor_hash_for(request(ip="198.51.100.4", session_key="a-session-key-0123"), at=NOON))


def test_a_request_without_a_visitor_hash_counts_no_requester(db):
    analytics.request_submitted_record(visitor="", at=NOON)
    assert not VisitorDay.objects.exists()


def test_a_visitor_who_sends_a_request_is_marked_as_a_requester(db):
    analytics.visitor_record(visitor="v" * 64, at=NOON)
    analytics.request_submitted_record(visitor="v" * 64, at=NOON)
    row = VisitorDay.objects.get()
    assert row.saw_help_center and row.submitted_request


def test_hashes_depend_on_the_salt(db):
    one = analytics.visitor_hash(salt="a" * 64, session_key=None, ip=IP, user_agent=USER_AGENT)
    two = analytics.visitor_hash(salt="b" * 64, session_key=None, ip=IP, user_agent=USER_AGENT)
    assert one != two and len(one) == 64


def test_the_daily_salt_is_made_once_per_day(db):
    day = NOON.date()
    assert analytics.daily_salt(day) == analytics.daily_salt(day)
    analytics.daily_salt(day + timedelta(days=1))
    assert list(DailySalt.objects.values_list("date", flat=True)) == [day + timedelta(days=1)]


@pytest.mark.parametrize("data, valid, object_id", [
    ({"kind": "page", "id": "12"}, True, None),  # an id is kept only where the kind has one
    ({"kind": "post", "id": "12"}, True, 12),
    ({"kind": "article"}, False, None),
    ({"kind": "admin"}, False, None),
])
def test_the_beacon_form_takes_known_kinds_and_ids_only_where_they_mean_something(data, valid, object_id):
    form = analytics.BeaconForm(data)
    assert form.is_valid() == valid
    if valid:
        assert form.cleaned_data["id"] == object_id
