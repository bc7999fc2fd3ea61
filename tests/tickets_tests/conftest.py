"""Fixtures for the cancel flow: the demo teams and plans, and fixed moments for the
``clock`` fixture (tests/conftest.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from demo import tickets as demo

LA = ZoneInfo("America/Los_Angeles")
# Fixed moments in the demo's zone (2026-06-03 is a Wednesday).
OPEN_MOMENT = datetime(2026, 6, 3, 10, 0, tzinfo=LA)
NIGHT_MOMENT = datetime(2026, 6, 3, 20, 0, tzinfo=LA)
WEEKEND_MOMENT = datetime(2026, 6, 6, 12, 0, tzinfo=LA)
HOLIDAY_MOMENT = datetime(2026, 12, 25, 10, 0, tzinfo=LA)


@pytest.fixture
def cancel_demo(db):
    """Business Solutions, Support chat and the two Lumora plans, as `load_demo` makes them."""
    demo.load()


@pytest.fixture
def callback_data():
    """A valid callback submission (the slot is filled in by each test)."""

    def make(**overrides):
        data = {
            "name": "Robin Example",
            "email": "robin@example.com",
            "phone": "(415) 555-2671",
            "plan": "lumora-complete",
            "account_email": "",
            "reason": "price",
            "reason_detail": "Too expensive for a small team.",
            "consent": "on",
            "website": "",
        }
        data.update(overrides)
        return data

    return make
