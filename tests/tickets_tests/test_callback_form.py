"""Bad input on the callback form gets a clear error and loses nothing typed."""

import html
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tickets.models import OpeningHours, Team, Ticket

from .conftest import OPEN_MOMENT

URL = reverse("tickets:cancel_flow")
GOOD_SLOT = "2026-06-03T18:00+00:00"  # 11:00 AM PT on the open Wednesday
LA = ZoneInfo("America/Los_Angeles")


def submit(client, clock, data, moment=OPEN_MOMENT):
    clock(moment)
    page = client.post(URL, data)
    return page, html.unescape(page.content.decode())


@pytest.mark.parametrize(("field", "value", "message"), [
    ("phone", "12345", "Enter a phone number we can call"),
    ("phone", "call me maybe", "Enter a phone number we can call"),
    ("name", "Robin\r\nBcc: victim@example.com", "Please write your name on one line."),
    ("name", "<b>Robin</b>", "Names cannot contain < or >."),
    ("email", "not-an-email", "Enter a valid email address."),
    ("plan", "lumora-enterprise-gold", "Choose one of the listed plans."),
    ("reason", "because", "Choose one of the listed reasons."),
    ("consent", "", "We can only call you with your agreement."),
    ("slot", "", "This field is required."),
    ("slot", "next tuesday", "Choose a callback time from the list."),
])
def test_bad_input_gets_a_clear_error_and_the_form_keeps_what_was_typed(
        client, cancel_demo, clock, callback_data, field, value, message):
    data = callback_data(**{"slot": GOOD_SLOT, field: value})
    page, text = submit(client, clock, data)
    assert page.status_code == 200
    assert message in text
    assert not Ticket.objects.exists()
    # What the visitor typed is still there.
    if field != "name":
        assert 'value="Robin Example"' in text
    assert "Too expensive for a small team." in text
    if field != "phone":
        assert 'value="(415) 555-2671"' in text


@pytest.mark.parametrize(("slot", "message"), [
    ("2026-06-03T16:00+00:00", "That time has already passed."),           # 09:00 PT, before now
    ("2026-06-03T17:10+00:00", "too soon"),                               # 10:10 PT, inside the lead
    ("2026-06-04T02:00+00:00", "Business Solutions is closed at that time."),  # 19:00 PT
    ("2026-06-04T16:00+00:00", "Choose one of the listed times."),        # tomorrow, open but not offered
    ("2026-06-03T18:10+00:00", "Choose one of the listed times."),        # off the half-hour grid
])
def test_slots_outside_the_offer_are_refused_with_the_reason(client, cancel_demo, clock, callback_data, slot, message):
    _, text = submit(client, clock, callback_data(slot=slot))
    assert message in text
    assert not Ticket.objects.exists()


@pytest.fixture
def open_sunday_night(cancel_demo):
    """The callback team also answers on Sunday nights, 00:00 to 06:00, when the clocks change."""
    team = Team.objects.get(slug="business-solutions")
    OpeningHours.objects.create(team=team, weekday=6, opens="00:00", closes="06:00")


def test_a_wall_time_in_the_spring_dst_gap_is_refused(client, open_sunday_night, clock, callback_data):
    moment = datetime(2027, 3, 14, 0, 30, tzinfo=LA)
    _, text = submit(client, clock, callback_data(slot="2027-03-14T02:30"), moment=moment)
    assert "does not exist: the clocks skip that hour" in text
    assert not Ticket.objects.exists()


def test_a_wall_time_in_the_repeated_autumn_hour_must_come_from_the_list(
        client, open_sunday_night, clock, callback_data):
    moment = datetime(2026, 11, 1, 0, 10, tzinfo=LA)
    page, text = submit(client, clock, callback_data(slot="2026-11-01T01:30"), moment=moment)
    assert "happens twice because the clocks go back" in text
    # Both instants of 1:30 AM are offered, unambiguously labelled.
    assert "1:30 AM PDT" in text and "1:30 AM PST" in text
    page, text = submit(client, clock, callback_data(slot="2026-11-01T09:30+00:00"), moment=moment)
    assert page.status_code == 302
    assert Ticket.objects.get().callback.due_at.isoformat() == "2026-11-01T09:30:00+00:00"


def test_markup_in_the_free_text_is_stored_as_text_and_shown_escaped(client, cancel_demo, clock, callback_data, agent):
    submit(client, clock, callback_data(slot=GOOD_SLOT, reason_detail="<script>alert(1)</script>"))
    ticket = Ticket.objects.get()
    assert "<script>alert(1)</script>" in ticket.callback.reason_detail
    client.force_login(agent)
    page = client.get(reverse("tickets:agent_callback", args=[ticket.callback.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
