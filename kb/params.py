"""Numbers and moments read from a request: the one way to turn their text into values.

Every integer or datetime taken from ``request.GET``/``request.POST`` goes through
``parse_int`` / ``parse_moment`` (or a bounded Django form field), so nothing a visitor
types can crash a page, now or later:

* ``str.isdigit()`` is true for "²" and "١٢", which ``int()`` then rejects or accepts as a
  number nobody typed; only ASCII digits are taken here.
* SQLite and PostgreSQL integers stop at 2**63 - 1; Django guards ``pk=...`` lookups past
  that, but not ``pk__in=[...]``, so a stored id past it broke a page on every later visit.
* A moment in year 1 or 9999 overflows ``astimezone`` as soon as it meets a time zone
  whose offset points past the calendar; years are bounded before any conversion.
"""

import re
from datetime import UTC, datetime, tzinfo

#: The largest value of a 64-bit signed database integer (every primary key).
ID_MAX = 2**63 - 1

# Bounded before int(): a million digits would cost seconds (and Python refuses past 4300).
_DIGITS = re.compile(r"[0-9]{1,19}")

# A zone offset is under a day, so a moment between these years converts to any zone.
_FIRST_YEAR, _LAST_YEAR = 2, 9998
_MOMENT_MAX_LENGTH = 64


def parse_int(value, *, minimum: int, maximum: int) -> int | None:
    """The integer written in ASCII digits in ``value``, if within [minimum, maximum]; else None.

    No sign, exponent, decimal point, spaces or other scripts' digits: "-1", "1e3", "²",
    " 7" are all None. Never raises.
    """
    if isinstance(value, int) and not isinstance(value, bool):  # already parsed (a URL converter, a form)
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """A primary key typed in a request (1 to ``ID_MAX``), or None."""
    return parse_int(value, minimum=1, maximum=ID_MAX)


def parse_ids(value, *, limit: int) -> list[int]:
    """The valid ids of a comma-separated list, first ``limit`` distinct ones in order; junk is skipped."""
    ids = (parse_id(part.strip()) for part in value.split(",")) if isinstance(value, str) else ()
    return list(dict.fromkeys(pk for pk in ids if pk is not None))[:limit]


def parse_moment(value, *, tz: tzinfo, earliest: datetime, latest: datetime) -> datetime | None:
    """An aware moment (in UTC) from ISO 8601 text within [earliest, latest]; else None.

    Text without an offset is a wall time in ``tz``; one the clocks skip there (a DST gap)
    is None. ``earliest`` and ``latest`` are aware. Never raises.
    """
    # Printable ASCII only: fromisoformat lets a trailing NUL through, and other scripts'
    # digits are not what anyone meant to type.
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > _MOMENT_MAX_LENGTH or not (text.isascii() and text.isprintable()):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if not _FIRST_YEAR <= moment.year <= _LAST_YEAR:
        return None
    if moment.tzinfo is None:
        if not wall_time_exists(moment, tz):
            return None
        moment = moment.replace(tzinfo=tz)
    moment = moment.astimezone(UTC)
    return moment if earliest <= moment <= latest else None


def wall_time_exists(wall: datetime, tz: tzinfo) -> bool:
    """False for a naive wall time the clocks skip in ``tz`` (it does not survive a round trip)."""
    there = wall.replace(tzinfo=tz)
    return there.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall  # naive ==: fold ignored

