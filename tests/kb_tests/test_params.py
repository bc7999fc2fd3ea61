"""kb.params: numbers and moments typed in a request become values or None, never an error."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kb import params

LA = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    ("0", 0), ("7", 7), ("007", 7), ("100", 100), (42, 42),
])
def test_parse_int_reads_ascii_digits_within_bounds(value, expected):
    assert params.parse_int(value, minimum=0, maximum=100) == expected


@pytest.mark.parametrize("value", [
    "", " 7", "7 ", "-1", "+1", "1e3", "1.0", "1_000", "²", "١٢", "７", "\x00", "7\x00", "0x10",
    "101", "99999999999999999999", "9" * 5000, None, [], 3.0, True, -1,
])
def test_parse_int_answers_none_for_anything_else(value):
    assert params.parse_int(value, minimum=0, maximum=100) is None


def test_parse_id_is_bounded_by_the_database_integers():
    assert params.parse_id(str(params.ID_MAX)) == 2**63 - 1
    assert params.parse_id(str(2**63)) is None
    assert params.parse_id("0") is None


def test_parse_ids_keeps_the_valid_distinct_ids_in_order_up_to_the_limit():
    assert params.parse_ids("3, 1,x,²,-1,99999999999999999999,,3,2", limit=2) == [3, 1]
    assert params.parse_ids(None, limit=5) == []


def test_parse_moment_reads_an_offset_and_answers_utc():
    assert params.parse_moment("2026-06-03T10:00-07:00", tz=LA, earliest=EARLIEST, latest=LATEST) == datetime(
        2026, 6, 3, 17, 0, tzinfo=UTC)


def test_parse_moment_reads_a_wall_time_in_the_zone_given():
    assert params.parse_moment("2026-06-03T10:00", tz=LA, earliest=EARLIEST, latest=LATEST) == datetime(
        2026, 6, 3, 17, 0, tzinfo=UTC)


def test_parse_moment_refuses_a_wall_time_the_clocks_skip():
    assert params.parse_moment("2027-03-14T02:30", tz=LA, earliest=EARLIEST, latest=LATEST) is None


@pytest.mark.parametrize("value", [
    "9999-12-31T23:00", "9999-12-31T23:00+00:00", "0001-01-01T00:00", "0001-01-01T00:00+00:00",
    "2026-06-03T10:00\x00", "tomorrow", "", "²", "2026-13-01", "1e3", None, 5, "2" * 1000,
])
@pytest.mark.parametrize("tz", [LA, TOKYO, UTC])
def test_parse_moment_answers_none_for_junk_and_the_edges_of_the_calendar(value, tz):
    assert params.parse_moment(value, tz=tz, earliest=datetime.min.replace(tzinfo=UTC),
                               latest=datetime.max.replace(tzinfo=UTC)) is None


def test_parse_moment_answers_none_outside_the_bounds():
    now = datetime(2026, 6, 3, tzinfo=UTC)
    bounds = {"tz": UTC, "earliest": now - timedelta(days=1), "latest": now + timedelta(days=1)}
    assert params.parse_moment("2026-06-05T00:00+00:00", **bounds) is None
    assert params.parse_moment("2026-06-01T00:00+00:00", **bounds) is None
    assert params.parse_moment("2026-06-04T00:00+00:00", **bounds) == now + timedelta(days=1)
