"""Office hours as pure functions of ``(schedule, at)``.

Nothing here reads the clock or the database: a :class:`Schedule` is a plain value built by
``tickets.selectors.callbacks`` from the admin's rows, and every function takes the moment it is asked
about as an aware ``at``. That is what lets the tests ask "is Business Solutions open at
01:30 on the morning clocks go back?" without waiting for November.

Rules, in the order they apply to one local date of the team's time zone:

1. the weekly intervals of that weekday (``closes <= opens`` means the interval runs past
   midnight into the next day; ``00:00-00:00`` is the whole day);
2. a public holiday of the schedule's country removes them;
3. a one-off closure removes them (all day, or only the given hours);
4. a one-off extra opening adds hours, even on a holiday or closed day.

An interval belongs to the date it starts on: closing a Saturday does not cut short a
Friday night shift that runs into Saturday morning.

Wall times are turned into instants with :mod:`zoneinfo` and all arithmetic is done in UTC
(adding a ``timedelta`` to a datetime in a ``ZoneInfo`` zone is wall-clock arithmetic and
is wrong across a DST change). A wall time that does not exist (clocks jump forward) is
read with the offset in force before the change, so "02:00" on the spring-forward day
means the instant clocks jump to 03:00; a wall time that happens twice is its first
occurrence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import dateformat, formats
from django.utils.translation import gettext, pgettext

from kb.durations import describe_wait

# Interval boundaries and slot starts live on this grid (the admin validates it too).
GRANULARITY_MINUTES = 15
# How far ahead next_opening looks before concluding the schedule is never open.
SEARCH_HORIZON_DAYS = 400

DAY = timedelta(days=1)


@dataclass(frozen=True)
class WeeklyHours:
    """Open from ``opens`` to ``closes`` every ``weekday`` (0 = Monday)."""

    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True)
class DateOverride:
    """A one-off change on one local date.

    ``is_open=False`` closes the date (all day when ``opens``/``closes`` are None, else only
    those hours); ``is_open=True`` adds an extra opening from ``opens`` to ``closes``.
    """

    date: date
    is_open: bool
    opens: time | None = None
    closes: time | None = None
    note: str = ""


@dataclass(frozen=True)
class Schedule:
    """Everything office hours depend on, as plain values."""

    time_zone: ZoneInfo
    weekly: tuple[WeeklyHours, ...] = ()
    overrides: tuple[DateOverride, ...] = ()
    holiday_country: str = ""
    holiday_subdivision: str = ""
    _by_date: Mapping[date, tuple[DateOverride, ...]] = field(init=False, repr=False, compare=False)
    # The intervals of each local date once worked out: a page asks open_until,
    # next_opening, status_text and callback_slots about the same days. The schedule is
    # immutable, so this memo is invisible from outside.
    _days: dict[date, tuple[Interval, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        by_date: dict[date, list[DateOverride]] = {}
        for override in self.overrides:
            by_date.setdefault(override.date, []).append(override)
        object.__setattr__(self, "_by_date", {d: tuple(v) for d, v in by_date.items()})
        object.__setattr__(self, "_days", {})

    @property
    def never_open(self) -> bool:
        """True when no weekly hours and no extra openings exist at all."""
        return not self.weekly and not any(o.is_open for o in self.overrides)


@dataclass(frozen=True)
class Interval:
    """An open period as aware UTC instants, ``start <= t < end``."""

    start: datetime
    end: datetime

    def __contains__(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True)
class Slot:
    """A callback slot: the agent calls between ``start`` and ``end`` (aware, UTC)."""

    start: datetime
    end: datetime

    @property
    def value(self) -> str:
        """The stable form value: the UTC instant, never a wall time (wall times repeat)."""
        return self.start.astimezone(UTC).isoformat(timespec="minutes")


# --- Holidays ------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _holidays_for(country: str, subdivision: str, year: int) -> Mapping[date, str]:
    import holidays  # deterministic calendar data; no clock, no I/O

    calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return dict(calendar.items())


def holiday_name(schedule: Schedule, day: date) -> str | None:
    """The public holiday on ``day`` in the schedule's country, or None."""
    if not schedule.holiday_country:
        return None
    return _holidays_for(schedule.holiday_country, schedule.holiday_subdivision, day.year).get(day)


# --- Wall time -> instants -----------------------------------------------------------


def _instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    # fold=0: a repeated wall time is its first occurrence, a skipped one uses the offset
    # before the jump (see the module docstring). Normalised to UTC for arithmetic.
    return datetime.combine(day, wall, tzinfo=tz).replace(fold=0).astimezone(UTC)


def _span(day: date, opens: time, closes: time, tz: ZoneInfo) -> Interval:
    end_day = day + DAY if closes <= opens else day
    return Interval(_instant(day, opens, tz), _instant(end_day, closes, tz))


def local_time_problem(tz: ZoneInfo, wall: datetime) -> str | None:
    """Why a naive wall time is not one instant in ``tz``: "nonexistent", "ambiguous" or None."""
    first = wall.replace(tzinfo=tz, fold=0)
    second = wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    # Round-tripping through UTC changes a time inside the gap, but not a repeated one.
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return "nonexistent" if back != wall else "ambiguous"


def _subtract(intervals: list[Interval], cut: Interval) -> list[Interval]:
    out = []
    for iv in intervals:
        if cut.end <= iv.start or cut.start >= iv.end:
            out.append(iv)
            continue
        if iv.start < cut.start:
            out.append(Interval(iv.start, cut.start))
        if cut.end < iv.end:
            out.append(Interval(cut.end, iv.end))
    return out


def intervals_starting_on(schedule: Schedule, day: date) -> list[Interval]:
    """The open intervals that start on local ``day`` (unmerged, sorted)."""
    return list(_day_intervals(schedule, day))


def _day_intervals(schedule: Schedule, day: date) -> tuple[Interval, ...]:
    known = schedule._days.get(day)
    if known is None:
        known = schedule._days[day] = tuple(_work_out_day(schedule, day))
    return known


def _work_out_day(schedule: Schedule, day: date) -> list[Interval]:
    tz = schedule.time_zone
    overrides = schedule._by_date.get(day, ())
    intervals: list[Interval] = []
    closed_all_day = any(not o.is_open and o.opens is None for o in overrides)
    if not closed_all_day and holiday_name(schedule, day) is None:
        intervals = [_span(day, w.opens, w.closes, tz) for w in schedule.weekly if w.weekday == day.weekday()]
        for o in overrides:
            if not o.is_open and o.opens is not None and o.closes is not None:
                intervals = _subtract(intervals, _span(day, o.opens, o.closes, tz))
    for o in overrides:
        if o.is_open and o.opens is not None and o.closes is not None:
            intervals.append(_span(day, o.opens, o.closes, tz))
    return sorted((iv for iv in intervals if iv.start < iv.end), key=lambda iv: iv.start)


def _periods(schedule: Schedule, first_day: date, last_day: date):
    """Merged open intervals starting on ``first_day``..``last_day``, lazily, in order.

    Intervals starting on a later date start later, so merging as we go is exact; only the
    last period yielded may continue past ``last_day``.
    """
    current: Interval | None = None
    day = first_day
    while day <= last_day:
        for iv in _day_intervals(schedule, day):
            if current is not None and iv.start <= current.end:
                current = Interval(current.start, max(current.end, iv.end))
            else:
                if current is not None:
                    yield current
                current = iv
        day += DAY
    if current is not None:
        yield current


def _local_date(schedule: Schedule, at: datetime) -> date:
    return at.astimezone(schedule.time_zone).date()


def open_intervals(schedule: Schedule, start: datetime, end: datetime) -> list[Interval]:
    """Merged open intervals overlapping ``[start, end)``, clipped to it."""
    _require_aware(start)
    _require_aware(end)
    # Yesterday's overnight interval may reach into the window.
    periods = _periods(schedule, _local_date(schedule, start) - DAY, _local_date(schedule, end))
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    return [
        Interval(max(iv.start, start), min(iv.end, end))
        for iv in periods
        if iv.end > start and iv.start < end
    ]


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("office hours need an aware datetime; naive times are ambiguous")


# --- The questions the flow asks -----------------------------------------------------


def current_interval(schedule: Schedule, at: datetime) -> Interval | None:
    """The merged open period containing ``at``, or None when closed.

    Periods chaining across days (a 24/7 desk) are followed back and forward for a week.
    """
    _require_aware(at)
    today = _local_date(schedule, at)
    at = at.astimezone(UTC)
    for iv in _periods(schedule, today - 8 * DAY, today + 8 * DAY):
        if at in iv:
            return iv
        if iv.start > at:
            return None
    return None


def is_open(schedule: Schedule, at: datetime) -> bool:
    """Whether the team is open at ``at``."""
    _require_aware(at)
    today = _local_date(schedule, at)
    at = at.astimezone(UTC)
    return any(at in iv for iv in _periods(schedule, today - DAY, today))


def open_until(schedule: Schedule, at: datetime) -> datetime | None:
    """When the current opening ends, or None when closed at ``at``."""
    iv = current_interval(schedule, at)
    return iv.end if iv else None


def next_opening(schedule: Schedule, at: datetime, *, horizon_days: int = SEARCH_HORIZON_DAYS) -> datetime | None:
    """The first instant after ``at`` at which the team opens; None if never within the horizon.

    When the team is open at ``at`` this is the start of the *next* period, after the
    current one (a break of at least one minute, not a second interval glued to this one).
    """
    _require_aware(at)
    if schedule.never_open:
        return None
    today = _local_date(schedule, at)
    at = at.astimezone(UTC)
    for iv in _periods(schedule, today - DAY, today + horizon_days * DAY):
        if iv.start > at:
            return iv.start
    return None


def callback_slots(
    schedule: Schedule,
    at: datetime,
    *,
    length: timedelta = timedelta(minutes=30),
    lead: timedelta = timedelta(minutes=15),
    days: int = 1,
    horizon_days: int = 31,
) -> list[Slot]:
    """Callback slots starting no earlier than ``at + lead``, inside open hours.

    Slots are laid every ``length`` from the start of each open period, in real time: the
    repeated hour in autumn yields its slots twice, the skipped hour in spring none. The
    last slot of a period may be shorter, down to the 15-minute grid. Only the first
    ``days`` local dates that have any slot are offered: while open that is today's
    remaining hours, while closed the next opening periods.
    """
    _require_aware(at)
    if schedule.never_open or days < 1:
        return []
    earliest = at.astimezone(UTC) + lead
    minimum = timedelta(minutes=GRANULARITY_MINUTES)
    today = _local_date(schedule, at)
    slots: list[Slot] = []
    dates: list[date] = []
    for period in _periods(schedule, today - DAY, today + horizon_days * DAY):
        start = period.start
        while start + minimum <= period.end:
            if start >= earliest:
                local = _local_date(schedule, start)
                if local not in dates:
                    if len(dates) == days:
                        return slots
                    dates.append(local)
                slots.append(Slot(start, min(start + length, period.end)))
            start += length
    return slots


def slot_problem(schedule: Schedule, start: datetime, at: datetime, *, lead: timedelta = timedelta(minutes=15)) -> str | None:
    """Why a callback cannot start at ``start``: "past", "too_soon", "closed" or None."""
    _require_aware(start)
    if start <= at:
        return "past"
    if start < at + lead:
        return "too_soon"
    if not is_open(schedule, start):
        return "closed"
    return None


# --- Words ---------------------------------------------------------------------------

_GENERIC_ABBR = re.compile(r"^([A-Z]{1,2})[SD]T$")


def zone_abbreviation(local: datetime) -> str:
    """A short zone name for ``local``: "PT" for PST/PDT, unless the wall time happens twice.

    During the repeated hour in autumn "1:30 AM PT" names two instants, so the specific
    abbreviation (PDT / PST) is kept there.
    """
    abbr = local.tzname() or ""
    if not abbr or abbr[0] in "+-":
        offset = local.strftime("%z")
        return f"UTC{offset[:3]}:{offset[3:]}" if offset[3:] != "00" else f"UTC{offset[:3]}"
    other = local.replace(fold=1 - local.fold)
    ambiguous = other.utcoffset() != local.utcoffset() and local_time_problem(
        local.tzinfo, local.replace(tzinfo=None)) == "ambiguous"  # type: ignore[arg-type]
    if not ambiguous:
        return _generic_abbreviation(local.tzinfo, local.year, abbr)
    return abbr


@functools.lru_cache(maxsize=256)
def _generic_abbreviation(tz, year: int, abbr: str) -> str:
    # Only zones that switch between "xST" and "xDT" (North America) have a generic name;
    # IST, CET/CEST and the like are kept as they are. A pure function of its arguments,
    # cached: every callback slot label asks it twice.
    winter = datetime(year, 1, 15, 12, tzinfo=tz).tzname() or ""
    summer = datetime(year, 7, 15, 12, tzinfo=tz).tzname() or ""
    pair = {_GENERIC_ABBR.sub(r"\1T", winter), _GENERIC_ABBR.sub(r"\1T", summer)}
    both_match = all(_GENERIC_ABBR.match(name) for name in (winter, summer, abbr))
    if winter != summer and len(pair) == 1 and both_match:
        return pair.pop()
    return abbr


def format_time(at: datetime, tz: ZoneInfo) -> str:
    """"5:00 PM PT" — ``at`` in ``tz``, with the zone, in the active language's clock
    (Django's TIME_FORMAT: 12-hour in English, "17:00 (PT)" in Spanish, "17:00 Uhr (PT)" in German)."""
    local = at.astimezone(tz)
    return pgettext("clock time and its zone", "%(time)s %(zone)s") % {
        "time": formats.time_format(local), "zone": zone_abbreviation(local)}


def _days_ahead(at: datetime, tz: ZoneInfo, now: datetime) -> int:
    return (at.astimezone(tz).date() - now.astimezone(tz).date()).days


def format_day(at: datetime, tz: ZoneInfo, *, now: datetime) -> str:
    """"today", "tomorrow", a weekday within the week, else "Monday, January 4" — in the
    active language (weekday and month names from Django's catalogs)."""
    day = at.astimezone(tz).date()
    delta = _days_ahead(at, tz, now)
    if delta == 0:
        return gettext("today")
    if delta == 1:
        return gettext("tomorrow")
    if 1 < delta < 7:
        return dateformat.format(day, "l")
    return dateformat.format(day, pgettext("weekday and date format", r"l, F j"))


def status_text(schedule: Schedule, at: datetime) -> str:
    """The plain sentence the flow shows: "Open now until 5:00 PM PT" or
    "Closed — opens Monday 8:00 AM PT, in 14 hours" or "Closed — no opening hours are scheduled",
    in the active language: each case is one whole sentence for translators, so Spanish and
    German place the day, the time and the wait where their grammar wants them."""
    tz = schedule.time_zone
    until = open_until(schedule, at)
    if until is not None:
        time_ = format_time(until, tz)
        ahead = _days_ahead(until, tz, at)
        if ahead == 0:
            return gettext("Open now until %(time)s") % {"time": time_}
        if ahead == 1:
            return gettext("Open now until tomorrow %(time)s") % {"time": time_}
        return gettext("Open now until %(day)s %(time)s") % {"day": format_day(until, tz, now=at), "time": time_}
    opening = next_opening(schedule, at)
    if opening is None:
        return gettext("Closed — no opening hours are scheduled")
    values = {"time": format_time(opening, tz), "wait": describe_wait(opening - at.astimezone(UTC)),
              "day": format_day(opening, tz, now=at)}
    ahead = _days_ahead(opening, tz, at)
    if ahead == 0:
        return gettext("Closed — opens today at %(time)s, %(wait)s") % values
    if ahead == 1:
        return gettext("Closed — opens tomorrow at %(time)s, %(wait)s") % values
    return gettext("Closed — opens %(day)s %(time)s, %(wait)s") % values
