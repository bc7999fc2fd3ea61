"""What the cancel flow page shows at a moment: one read, so the view only binds the form
and renders.

Showing the page writes nothing: the page carries a signed token of the route and plan it
showed (:func:`flow_event_token`), which static/js/cancel_flow.js posts to
``tickets:cancel_flow_event`` to record the view, and again with a link's id when a
self-service link is followed (see kb.beacons).

:func:`cancel_flow_page` costs the queries of :func:`~tickets.selectors.callbacks.cancel_flow_teams`
(3) and :func:`~tickets.selectors.callbacks.active_plans` (1); the chosen plan's steps
and links (1 more) are read only when the page is rendered, so a POST that redirects
never reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from kb import beacons

from .. import office_hours, phones, routing
from ..models import Plan, Team
from . import callbacks

# Without a callbacks team the page still states a route; these are the model's defaults.
DEFAULT_LEAD = timedelta(minutes=15)
DEFAULT_SLOT_LENGTH = timedelta(minutes=30)
UTC_ZONE = ZoneInfo("UTC")
# A cached page lives two minutes (keyed by the minute); an hour covers a slow load or a
# tab restored later, and replays are bounded by the beacon's limits.
EVENT_TOKEN_MAX_AGE = timedelta(hours=1)
_EVENT_SALT = "tickets.cancel_flow"


def flow_event_token(*, route: str, plan_id: int | None, at: datetime) -> str:
    """What the page carries so that its view, and the links followed from it, are recorded."""
    return beacons.sign({"route": route, "plan": plan_id}, salt=_EVENT_SALT, at=at)


def flow_event_from_token(token: str, *, at: datetime) -> tuple[str, int | None] | None:
    """(route, plan id) of a token the page made, or None if forged or too old."""
    payload = beacons.unsign(token, salt=_EVENT_SALT, max_age=EVENT_TOKEN_MAX_AGE, at=at)
    if payload is None:
        return None
    route, plan_id = payload.get("route"), payload.get("plan")
    if not isinstance(route, str) or not (plan_id is None or isinstance(plan_id, int)):
        return None
    return route, plan_id


@dataclass(frozen=True)
class CancelFlowPage:
    """The route, teams, plans and the visitor's plan at ``at``."""

    at: datetime
    teams: callbacks.FlowTeams
    plans: list[Plan]
    plan: Plan | None
    decision: routing.Decision
    lead: timedelta

    @property
    def team(self) -> Team | None:
        return self.teams.callbacks

    @property
    def zone(self) -> ZoneInfo:
        return self.team.zone if self.team else UTC_ZONE

    @property
    def takes_callbacks(self) -> bool:
        """Whether a callback may be asked for now (a team, and at least one slot to offer)."""
        return self.team is not None and self.decision.offers_callback_form

    def callback_form_options(self) -> dict:
        """The keyword arguments of :class:`tickets.forms.callbacks.CallbackForm` for this page."""
        return {
            "initial": {"plan": self.plan.slug if self.plan else ""},
            "plans": self.plans, "schedule": self.teams.callbacks_schedule, "slots": self.decision.slots,
            "at": self.at, "lead": self.lead, "team_name": self.team.name if self.team else gettext("The team"),
            "countries": self.team.callback_regions if self.team else phones.DEFAULT_COUNTRIES,
        }

    def context(self, *, preview: bool, at_param: str) -> dict:
        """The template's context, but for the forms the view binds (``form``, ``picker``)."""
        decision, tz = self.decision, self.zone
        return {
            "decision": decision,
            "route": decision.route,
            "is_open_route": decision.route == routing.CALLBACK,
            "team": self.team,
            "chat_team": self.teams.chat,
            "team_zone": tz.key,
            "zone_label": office_hours.zone_abbreviation(self.at.astimezone(tz)),
            "plans": self.plans,
            "plan": self.plan,
            "steps": callbacks.plan_steps(self.plan) if self.plan else None,
            "show_form": decision.offers_callback_form,
            "preview": preview,
            "preview_at": self.at.astimezone(tz) if preview else None,
            "at_param": at_param if preview else "",
            "status_moment": decision.callbacks.open_until or decision.callbacks.next_opening,
            "chat_moment": (decision.chat.open_until or decision.chat.next_opening) if decision.chat else None,
            # Agents' previews of other moments are not recorded.
            "event_token": "" if preview else flow_event_token(
                route=decision.route, plan_id=self.plan.pk if self.plan else None, at=self.at),
        }


def cancel_flow_page(*, at: datetime, plan_slug: str | None) -> CancelFlowPage:
    """The cancel flow at ``at`` for a visitor of the plan ``plan_slug`` (None when unknown)."""
    teams = callbacks.cancel_flow_teams(at)
    plans = callbacks.active_plans()
    team = teams.callbacks
    lead = timedelta(minutes=team.callback_lead_minutes) if team else DEFAULT_LEAD
    decision = routing.decide(
        callbacks=teams.callbacks_schedule, chat=teams.chat_schedule, at=at, lead=lead,
        slot_length=timedelta(minutes=team.callback_minutes) if team else DEFAULT_SLOT_LENGTH,
    )
    return CancelFlowPage(at=at, teams=teams, plans=plans, plan=callbacks.pick_plan(plans, plan_slug),
                          decision=decision, lead=lead)


def preview_zone() -> ZoneInfo:
    """The zone an agent's ``?at=`` wall time is read in: the callbacks team's (1 query)."""
    zone = Team.objects.filter(cancel_flow_role=Team.CancelFlowRole.CALLBACKS).values_list("time_zone", flat=True)
    return ZoneInfo(zone[0]) if zone else UTC_ZONE
