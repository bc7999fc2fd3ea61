"""Which route the cancel flow gives a visitor at a moment. Pure: schedules and ``at`` in, a value out.

- Business Solutions open now → ``callback``: the callback form for today's remaining
  hours and the phone number.
- Closed (nights, weekends, holidays, or no hours at all) → ``self_service``: the plan's
  cancel steps, the chat alternative, and a callback form for the next opening periods
  (no form when no opening is scheduled at all: there is nothing to promise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext

from . import office_hours
from .office_hours import Schedule, Slot

CALLBACK = "callback"
SELF_SERVICE = "self_service"
# While closed, slots are offered for this many upcoming opening days.
CLOSED_SLOT_DAYS = 2


@dataclass(frozen=True)
class TeamState:
    """One team's status at a moment, as the page states it."""

    is_open: bool
    open_until: datetime | None
    next_opening: datetime | None
    text: str

    @property
    def never_open(self) -> bool:
        return not self.is_open and self.next_opening is None


@dataclass(frozen=True)
class Decision:
    route: str
    at: datetime
    callbacks: TeamState
    chat: TeamState | None
    slots: tuple[Slot, ...]

    @property
    def offers_callback_form(self) -> bool:
        return bool(self.slots)


def team_state(schedule: Schedule | None, at: datetime) -> TeamState:
    if schedule is None:
        return TeamState(False, None, None, gettext("Closed — no opening hours are scheduled"))
    until = office_hours.open_until(schedule, at)
    return TeamState(
        is_open=until is not None,
        open_until=until,
        next_opening=None if until is not None else office_hours.next_opening(schedule, at),
        text=office_hours.status_text(schedule, at),
    )


def decide(
    *,
    callbacks: Schedule | None,
    chat: Schedule | None,
    at: datetime,
    slot_length: timedelta = timedelta(minutes=30),
    lead: timedelta = timedelta(minutes=15),
) -> Decision:
    """The route and everything the page needs to state about it at ``at``."""
    at = at.astimezone(UTC)
    state = team_state(callbacks, at)
    slots: list[Slot] = []
    if callbacks is not None:
        slots = office_hours.callback_slots(
            callbacks, at, length=slot_length, lead=lead, days=1 if state.is_open else CLOSED_SLOT_DAYS
        )
    return Decision(
        route=CALLBACK if state.is_open else SELF_SERVICE,
        at=at,
        callbacks=state,
        chat=team_state(chat, at) if chat is not None else None,
        slots=tuple(slots),
    )
