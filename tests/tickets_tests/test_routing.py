"""Routing: which route a visitor gets at a moment, decided from the schedules alone."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from tickets import routing
from tickets.office_hours import Schedule, WeeklyHours

LA = ZoneInfo("America/Los_Angeles")
BUSINESS = Schedule(LA, tuple(WeeklyHours(d, time(8), time(17)) for d in range(5)), holiday_country="US")
CHAT = Schedule(LA, tuple(WeeklyHours(d, time(6), time(18)) for d in range(5)), holiday_country="US")


def test_open_advisors_route_to_the_callback_form_for_today():
    decision = routing.decide(callbacks=BUSINESS, chat=CHAT, at=datetime(2026, 6, 3, 9, 0, tzinfo=LA))
    assert decision.route == routing.CALLBACK and decision.offers_callback_form
    assert {s.start.astimezone(LA).date().isoformat() for s in decision.slots} == {"2026-06-03"}
    assert decision.chat.is_open


def test_closed_advisors_route_to_self_service_with_slots_in_the_next_openings():
    decision = routing.decide(callbacks=BUSINESS, chat=CHAT, at=datetime(2026, 6, 3, 17, 30, tzinfo=LA))
    assert decision.route == routing.SELF_SERVICE
    assert decision.callbacks.next_opening == datetime(2026, 6, 4, 8, 0, tzinfo=LA)
    assert {s.start.astimezone(LA).date().isoformat() for s in decision.slots} == {"2026-06-04", "2026-06-05"}
    assert decision.chat.is_open and decision.chat.text == "Open now until 6:00 PM PT"


def test_open_at_the_end_of_the_day_with_no_slot_left_offers_the_next_day():
    decision = routing.decide(callbacks=BUSINESS, chat=None, at=datetime(2026, 6, 3, 16, 50, tzinfo=LA))
    assert decision.route == routing.CALLBACK
    assert decision.slots[0].start == datetime(2026, 6, 4, 8, 0, tzinfo=LA)


def test_a_never_open_schedule_routes_to_self_service_without_a_form():
    decision = routing.decide(callbacks=Schedule(LA), chat=CHAT, at=datetime(2026, 6, 3, 9, 0, tzinfo=LA))
    assert decision.route == routing.SELF_SERVICE
    assert decision.callbacks.never_open and not decision.offers_callback_form


def test_no_callback_team_at_all_routes_to_self_service():
    decision = routing.decide(callbacks=None, chat=None, at=datetime(2026, 6, 3, 9, 0, tzinfo=LA))
    assert decision.route == routing.SELF_SERVICE and decision.chat is None and not decision.slots
