"""Office hours as pure functions: DST changes, overnight intervals, holidays, closures,
extra openings, a never-open schedule and visitors in other zones."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tickets import office_hours as oh
from tickets.office_hours import DateOverride, Schedule, WeeklyHours

LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")


def weekdays(opens, closes, days=range(5)):
    return tuple(WeeklyHours(d, opens, closes) for d in days)


def demo_schedule(**kwargs):
    """Business Solutions: Monday–Friday 08:00–17:00 Los Angeles, closed on US holidays."""
    return Schedule(LA, weekdays(time(8), time(17)), holiday_country="US", **kwargs)


def la(*args):
    return datetime(*args, tzinfo=LA)


def labels(slots, tz=LA):
    return [oh.format_time(s.start, tz) for s in slots]


# --- Open / closed -------------------------------------------------------------------


def test_demo_schedule_is_open_on_a_weekday_morning_until_five_pm_pacific():
    schedule = demo_schedule()
    at = la(2026, 6, 3, 10, 0)  # Wednesday
    assert oh.is_open(schedule, at)
    assert oh.open_until(schedule, at) == la(2026, 6, 3, 17, 0)
    assert oh.status_text(schedule, at) == "Open now until 5:00 PM PT"


def test_opening_and_closing_instants_are_inclusive_and_exclusive():
    schedule = demo_schedule()
    assert oh.is_open(schedule, la(2026, 6, 3, 8, 0))
    assert not oh.is_open(schedule, la(2026, 6, 3, 7, 59))
    assert not oh.is_open(schedule, la(2026, 6, 3, 17, 0))


def test_friday_evening_is_closed_and_next_opening_is_monday_morning():
    schedule = demo_schedule()
    at = la(2026, 6, 5, 18, 0)  # Friday
    assert not oh.is_open(schedule, at)
    assert oh.next_opening(schedule, at) == la(2026, 6, 8, 8, 0)
    assert oh.status_text(schedule, at) == "Closed — opens Monday 8:00 AM PT, in 2 days 14 hours"


def test_sunday_evening_status_says_monday_and_the_hours_to_wait():
    assert oh.status_text(demo_schedule(), la(2026, 6, 7, 18, 0)) == "Closed — opens tomorrow at 8:00 AM PT, in 14 hours"


def test_status_before_opening_on_the_same_day_says_today():
    assert oh.status_text(demo_schedule(), la(2026, 6, 3, 7, 15)) == "Closed — opens today at 8:00 AM PT, in 45 minutes"


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        oh.is_open(demo_schedule(), datetime(2026, 6, 3, 10, 0))


# --- Holidays, closures, extra openings -------------------------------------------------


def test_us_public_holiday_is_closed_and_the_next_opening_skips_it():
    schedule = demo_schedule()
    christmas = la(2026, 12, 25, 10, 0)  # a Friday
    assert oh.holiday_name(schedule, date(2026, 12, 25)) == "Christmas Day"
    assert not oh.is_open(schedule, christmas)
    assert oh.next_opening(schedule, christmas) == la(2026, 12, 28, 8, 0)


def test_thanksgiving_evening_next_opening_is_friday():
    schedule = demo_schedule()
    assert oh.next_opening(schedule, la(2026, 11, 25, 18, 0)) == la(2026, 11, 27, 8, 0)


def test_schedule_without_holiday_country_opens_on_holidays():
    schedule = Schedule(LA, weekdays(time(8), time(17)))
    assert oh.is_open(schedule, la(2026, 12, 25, 10, 0))


def test_one_off_closure_closes_the_whole_day():
    schedule = demo_schedule(overrides=(DateOverride(date(2026, 6, 3), False, note="Offsite"),))
    assert not oh.is_open(schedule, la(2026, 6, 3, 10, 0))
    assert oh.next_opening(schedule, la(2026, 6, 3, 10, 0)) == la(2026, 6, 4, 8, 0)


def test_partial_closure_closes_only_its_hours():
    schedule = demo_schedule(overrides=(DateOverride(date(2026, 6, 3), False, time(12), time(13)),))
    assert oh.is_open(schedule, la(2026, 6, 3, 11, 45))
    assert not oh.is_open(schedule, la(2026, 6, 3, 12, 30))
    assert oh.open_until(schedule, la(2026, 6, 3, 11, 0)) == la(2026, 6, 3, 12, 0)
    assert oh.next_opening(schedule, la(2026, 6, 3, 12, 30)) == la(2026, 6, 3, 13, 0)


def test_extra_opening_on_a_saturday():
    schedule = demo_schedule(overrides=(DateOverride(date(2026, 6, 6), True, time(9), time(12)),))
    assert oh.is_open(schedule, la(2026, 6, 6, 10, 0))
    assert oh.next_opening(schedule, la(2026, 6, 5, 18, 0)) == la(2026, 6, 6, 9, 0)


def test_extra_opening_wins_over_a_public_holiday():
    schedule = demo_schedule(overrides=(DateOverride(date(2026, 12, 25), True, time(10), time(14)),))
    assert oh.is_open(schedule, la(2026, 12, 25, 11, 0))
    assert not oh.is_open(schedule, la(2026, 12, 25, 9, 0))


# --- Overnight intervals ---------------------------------------------------------------


def test_overnight_interval_runs_past_midnight_into_the_next_day():
    schedule = Schedule(LA, (WeeklyHours(4, time(22), time(2)),))  # Friday 22:00 – Saturday 02:00
    assert oh.is_open(schedule, la(2026, 6, 6, 1, 30))  # Saturday 01:30
    assert not oh.is_open(schedule, la(2026, 6, 6, 2, 0))
    assert oh.open_until(schedule, la(2026, 6, 5, 23, 0)) == la(2026, 6, 6, 2, 0)


def test_closing_the_next_day_does_not_cut_the_overnight_shift_short():
    schedule = Schedule(LA, (WeeklyHours(4, time(22), time(2)),),
                        overrides=(DateOverride(date(2026, 6, 6), False),))
    assert oh.is_open(schedule, la(2026, 6, 6, 1, 0))


def test_adjacent_intervals_merge_so_open_until_spans_midnight():
    schedule = Schedule(LA, (WeeklyHours(0, time(20), time(0)), WeeklyHours(1, time(0), time(3))))
    assert oh.open_until(schedule, la(2026, 6, 1, 21, 0)) == la(2026, 6, 2, 3, 0)


def test_midnight_to_midnight_means_the_whole_day():
    schedule = Schedule(LA, (WeeklyHours(2, time(0), time(0)),))
    assert oh.is_open(schedule, la(2026, 6, 3, 0, 0))
    assert oh.is_open(schedule, la(2026, 6, 3, 23, 59))
    assert not oh.is_open(schedule, la(2026, 6, 4, 0, 0))


def test_several_intervals_per_day_leave_a_lunch_break():
    schedule = Schedule(LA, (WeeklyHours(2, time(8), time(12)), WeeklyHours(2, time(13), time(17))))
    assert not oh.is_open(schedule, la(2026, 6, 3, 12, 30))
    assert oh.next_opening(schedule, la(2026, 6, 3, 12, 30)) == la(2026, 6, 3, 13, 0)


# --- Never open ---------------------------------------------------------------------------


def test_a_schedule_that_is_never_open_has_no_next_opening_and_no_slots():
    schedule = Schedule(LA, holiday_country="US")
    at = la(2026, 6, 3, 10, 0)
    assert schedule.never_open
    assert not oh.is_open(schedule, at)
    assert oh.next_opening(schedule, at) is None
    assert oh.callback_slots(schedule, at, days=2) == []
    assert oh.status_text(schedule, at) == "Closed — no opening hours are scheduled"


def test_a_schedule_whose_only_opening_is_past_says_no_hours_are_scheduled():
    schedule = Schedule(LA, overrides=(DateOverride(date(2026, 1, 5), True, time(9), time(10)),))
    assert not schedule.never_open
    assert oh.next_opening(schedule, la(2026, 6, 3, 10, 0)) is None


# --- Callback slots ----------------------------------------------------------------------


def test_open_slots_cover_only_todays_remaining_hours_after_the_lead_time():
    slots = oh.callback_slots(demo_schedule(), la(2026, 6, 3, 15, 50))
    assert labels(slots) == ["4:30 PM PT"]
    assert slots[0].end == la(2026, 6, 3, 17, 0)


def test_closed_slots_cover_the_next_two_opening_days():
    slots = oh.callback_slots(demo_schedule(), la(2026, 6, 5, 18, 0), days=2)  # Friday evening
    days = sorted({s.start.astimezone(LA).date() for s in slots})
    assert days == [date(2026, 6, 8), date(2026, 6, 9)]
    assert len(slots) == 36  # two days of nine hours in half hours
    assert labels(slots)[0] == "8:00 AM PT"


def test_last_slot_of_an_interval_may_be_a_short_quarter_hour():
    schedule = Schedule(LA, (WeeklyHours(2, time(9), time(9, 45)),))
    slots = oh.callback_slots(schedule, la(2026, 6, 3, 7, 0))
    assert [(s.start.astimezone(LA).time(), s.end.astimezone(LA).time()) for s in slots] == [
        (time(9), time(9, 30)), (time(9, 30), time(9, 45))]


def test_slots_in_the_skipped_spring_hour_do_not_exist():
    """2027-03-14: clocks in Los Angeles jump from 02:00 PST to 03:00 PDT."""
    schedule = Schedule(LA, (WeeklyHours(6, time(0), time(4)),))
    slots = oh.callback_slots(schedule, la(2027, 3, 13, 12, 0))
    assert labels(slots) == ["12:00 AM PT", "12:30 AM PT", "1:00 AM PT", "1:30 AM PT", "3:00 AM PT", "3:30 AM PT"]
    assert slots[4].start == datetime(2027, 3, 14, 10, 0, tzinfo=UTC)
    # Three real hours open, not four.
    assert oh.open_intervals(schedule, la(2027, 3, 14, 0, 0), la(2027, 3, 15, 0, 0))[0].end - \
        oh.open_intervals(schedule, la(2027, 3, 14, 0, 0), la(2027, 3, 15, 0, 0))[0].start == timedelta(hours=3)


def test_a_wall_time_inside_the_spring_gap_is_reported_as_nonexistent():
    assert oh.local_time_problem(LA, datetime(2027, 3, 14, 2, 30)) == "nonexistent"
    assert oh.local_time_problem(LA, datetime(2027, 3, 14, 3, 30)) is None


def test_an_interval_opening_inside_the_gap_opens_when_clocks_reach_three():
    schedule = Schedule(LA, (WeeklyHours(6, time(2, 30), time(5)),))
    assert oh.next_opening(schedule, la(2027, 3, 13, 12, 0)) == datetime(2027, 3, 14, 10, 30, tzinfo=UTC)
    assert not oh.is_open(schedule, datetime(2027, 3, 14, 10, 15, tzinfo=UTC))  # 03:15 PDT


def test_slots_in_the_repeated_autumn_hour_appear_twice_with_distinct_instants():
    """2026-11-01: clocks in Los Angeles go back from 02:00 PDT to 01:00 PST."""
    schedule = Schedule(LA, (WeeklyHours(6, time(0), time(3)),))
    slots = oh.callback_slots(schedule, la(2026, 10, 31, 12, 0))
    assert labels(slots) == ["12:00 AM PT", "12:30 AM PT", "1:00 AM PDT", "1:30 AM PDT", "1:00 AM PST",
                             "1:30 AM PST", "2:00 AM PT", "2:30 AM PT"]
    assert len({s.value for s in slots}) == 8
    assert slots[2].value == "2026-11-01T08:00+00:00" and slots[4].value == "2026-11-01T09:00+00:00"
    assert oh.local_time_problem(LA, datetime(2026, 11, 1, 1, 30)) == "ambiguous"


def test_a_nine_to_five_day_is_still_nine_to_five_on_both_dst_sundays():
    schedule = Schedule(LA, (WeeklyHours(6, time(8), time(17)),))
    for sunday in (date(2027, 3, 14), date(2026, 11, 1)):
        at = la(sunday.year, sunday.month, sunday.day, 7, 0)
        slots = oh.callback_slots(schedule, at)
        assert labels(slots)[0] == "8:00 AM PT" and labels(slots)[-1] == "4:30 PM PT"
        assert len(slots) == 18


def test_open_until_is_stated_correctly_across_the_autumn_change():
    schedule = Schedule(LA, (WeeklyHours(5, time(20), time(6)),))  # Saturday night shift
    at = la(2026, 10, 31, 23, 0)
    assert oh.open_until(schedule, at) == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)  # 06:00 PST
    assert oh.open_until(schedule, at) - at.astimezone(UTC) == timedelta(hours=8)


def test_slots_are_never_in_the_past_or_before_the_lead_time():
    at = la(2026, 6, 3, 10, 5)
    slots = oh.callback_slots(demo_schedule(), at, lead=timedelta(minutes=15))
    assert slots[0].start == la(2026, 6, 3, 10, 30)
    assert oh.slot_problem(demo_schedule(), la(2026, 6, 3, 10, 0), at) == "past"
    assert oh.slot_problem(demo_schedule(), la(2026, 6, 3, 10, 15), at) == "too_soon"
    assert oh.slot_problem(demo_schedule(), la(2026, 6, 3, 18, 0), at) == "closed"
    assert oh.slot_problem(demo_schedule(), la(2026, 6, 3, 11, 0), at) is None


# --- Visitors in other zones ------------------------------------------------------------


@pytest.mark.parametrize(("zone", "visitor_wall", "expected_open"), [
    (BERLIN, datetime(2026, 6, 3, 18, 0), True),    # 09:00 in Los Angeles
    (BERLIN, datetime(2026, 6, 3, 9, 0), False),    # 00:00 in Los Angeles
    (KOLKATA, datetime(2026, 6, 3, 21, 0), True),   # 08:30 in Los Angeles
    (KOLKATA, datetime(2026, 6, 4, 6, 0), False),   # 17:30 in Los Angeles
])
def test_visitors_elsewhere_get_the_answer_for_the_teams_zone(zone, visitor_wall, expected_open):
    at = visitor_wall.replace(tzinfo=zone)
    assert oh.is_open(demo_schedule(), at) is expected_open


def test_status_text_is_stated_in_the_team_zone_whatever_the_visitor_zone():
    at_berlin = datetime(2026, 6, 3, 18, 0, tzinfo=BERLIN)
    at_kolkata = at_berlin.astimezone(KOLKATA)
    assert oh.status_text(demo_schedule(), at_berlin) == oh.status_text(demo_schedule(), at_kolkata) == \
        "Open now until 5:00 PM PT"


def test_kolkata_early_morning_is_los_angeles_previous_afternoon():
    # Thursday 04:00 in Kolkata (+05:30) is Wednesday 15:30 in Los Angeles.
    at = datetime(2026, 6, 4, 4, 0, tzinfo=KOLKATA)
    assert oh.open_until(demo_schedule(), at) == la(2026, 6, 3, 17, 0)
    assert oh.format_time(la(2026, 6, 3, 17, 0), KOLKATA) == "5:30 AM IST"


def test_berlin_sees_the_friday_closing_as_saturday_night_local_time():
    closing = oh.open_until(demo_schedule(), la(2026, 6, 5, 16, 0))
    assert closing.astimezone(BERLIN).strftime("%a %H:%M %Z") == "Sat 02:00 CEST"


def test_zone_abbreviations_are_generic_except_during_the_repeated_hour():
    assert oh.format_time(la(2026, 1, 5, 9, 0), LA) == "9:00 AM PT"
    assert oh.format_time(la(2026, 7, 5, 21, 15), LA) == "9:15 PM PT"
    assert oh.format_time(datetime(2026, 6, 3, 12, 0, tzinfo=UTC), BERLIN) == "2:00 PM CEST"


@pytest.mark.parametrize(("minutes", "text"), [
    (1, "in 1 minute"), (45, "in 45 minutes"), (60, "in 1 hour"), (14 * 60, "in 14 hours"),
    (47 * 60, "in 47 hours"), (62 * 60, "in 2 days 14 hours"), (72 * 60, "in 3 days"),
])
def test_waits_are_described_the_way_people_plan(minutes, text):
    assert oh.describe_wait(timedelta(minutes=minutes)) == text
