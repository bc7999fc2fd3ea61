"""``kb.clock`` is the one clock of the views: moving it moves time for every page."""

import pathlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

ROOT = pathlib.Path(__file__).resolve().parents[2]
VIEW_MODULES = [*sorted((ROOT / "articles" / "views").glob("*.py")), ROOT / "search" / "views.py",
                ROOT / "kb" / "accounts" / "views.py"]


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_views_read_the_time_from_kb_clock(path):
    source = path.read_text()
    assert not re.search(r"timezone\.now\(|datetime\.now\(|from kb\.clock import", source)


@pytest.fixture
def moment(monkeypatch):
    """A settable clock: ``moment.at`` is what every view reads as now."""

    class Moment:
        at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

    monkeypatch.setattr("kb.clock.now", lambda: Moment.at)
    return Moment


def test_a_rate_limit_window_ends_when_the_clock_moves_past_it(client, customer, settings, moment):
    settings.KB_RATE_LIMITS = {"password_reset.email": "1/h"}
    reset = reverse("accounts:password_reset")
    assert client.post(reset, {"email": customer.email}).status_code == 302
    limited = client.post(reset, {"email": customer.email})
    assert limited.status_code == 429 and limited["Retry-After"] == str(30 * 60)
    moment.at += timedelta(minutes=31)
    assert client.post(reset, {"email": customer.email}).status_code == 302


def test_confirming_an_email_follow_records_the_clocks_time(client, make_post, moment):
    from django.core import signing

    from articles import notifications
    from articles.models import EmailFollow

    post = make_post()
    client.post(reverse("articles:email_follow", kwargs={"kind": "post", "pk": post.pk}),
                {"email": "reader@example.com"})
    follow = EmailFollow.objects.get(email="reader@example.com")
    token = signing.dumps({"id": follow.pk, "e": follow.email}, salt=notifications.CONFIRM_SALT)
    client.post(reverse("articles:email_follow_confirm", kwargs={"token": token}))
    follow.refresh_from_db()
    assert follow.confirmed_at == moment.at
