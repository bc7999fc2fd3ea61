"""Reads for the cancel flow and the callback queue, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BooleanField, Case, Prefetch, Q, QuerySet, Value, When

from articles.markdown import render_markdown

from . import office_hours
from .models import Callback, OpeningHours, Plan, PlanLink, ScheduleException, Team

# Schedule exceptions further out than this are irrelevant to "next opening" and slots.
EXCEPTION_HORIZON = timedelta(days=office_hours.SEARCH_HORIZON_DAYS + 2)


def schedule_for(team: Team) -> office_hours.Schedule:
    """The pure Schedule of a team (uses prefetched hours/exceptions when present)."""
    return office_hours.Schedule(
        time_zone=team.zone,
        weekly=tuple(office_hours.WeeklyHours(h.weekday, h.opens, h.closes) for h in team.opening_hours.all()),
        overrides=tuple(
            office_hours.DateOverride(e.date, e.kind == ScheduleException.Kind.OPEN, e.opens, e.closes, e.note)
            for e in team.schedule_exceptions.all()
        ),
        holiday_country=team.holiday_country,
        holiday_subdivision=team.holiday_subdivision,
    )


def teams_with_schedules(at: datetime) -> QuerySet[Team]:
    """Teams with their weekly hours and the exceptions that can matter from ``at`` on."""
    return Team.objects.prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        Prefetch(
            "schedule_exceptions",
            queryset=ScheduleException.objects.filter(
                date__gte=(at - timedelta(days=2)).date(), date__lte=(at + EXCEPTION_HORIZON).date()
            ),
        ),
    )


@dataclass(frozen=True)
class FlowTeams:
    callbacks: Team | None
    chat: Team | None


def cancel_flow_teams(at: datetime) -> FlowTeams:
    """The team taking cancel-flow callbacks and the chat team (3 queries)."""
    teams = {t.cancel_flow_role: t for t in teams_with_schedules(at).exclude(cancel_flow_role="")}
    return FlowTeams(callbacks=teams.get(Team.CancelFlowRole.CALLBACKS), chat=teams.get(Team.CancelFlowRole.CHAT))


def active_plans() -> list[Plan]:
    """Plans visitors can pick, each with its links (2 queries)."""
    return list(
        Plan.objects.filter(is_active=True).prefetch_related(
            Prefetch("links", queryset=PlanLink.objects.order_by("position", "pk"))
        )
    )


def pick_plan(plans: list[Plan], slug: str | None) -> Plan | None:
    """The plan with ``slug`` among ``plans``; None for an unknown or tampered slug."""
    return next((p for p in plans if slug and p.slug == slug), None)


@dataclass(frozen=True)
class PlanSteps:
    plan: Plan
    steps_html: str
    after_html: str
    links: list[PlanLink]


def plan_steps(plan: Plan) -> PlanSteps:
    """A plan's steps rendered by the one Markdown renderer (sanitised)."""
    return PlanSteps(
        plan=plan,
        steps_html=render_markdown(plan.cancel_steps),
        after_html=render_markdown(plan.after_cancel) if plan.after_cancel else "",
        links=list(plan.links.all()),
    )


def plan_link(link_id: int) -> PlanLink | None:
    return PlanLink.objects.select_related("plan").filter(pk=link_id, plan__is_active=True).first()


def callback_queue(*, at: datetime, include_done: bool = False) -> QuerySet[Callback]:
    """Callbacks to make, earliest due first, each flagged ``is_overdue`` (1 query)."""
    queryset = Callback.objects.select_related("ticket", "ticket__team", "plan", "claimed_by")
    if not include_done:
        queryset = queryset.filter(done=False)
    return queryset.annotate(
        is_overdue=Case(When(Q(due_at__lt=at, done=False), then=Value(True)), default=Value(False),
                        output_field=BooleanField())
    ).order_by("due_at", "pk")


def callback_by_reference(reference: str) -> Callback | None:
    return (
        Callback.objects.select_related("ticket", "ticket__team", "plan")
        .filter(ticket__reference=reference)
        .first()
    )


def callback_for_agent(pk: int) -> Callback | None:
    return Callback.objects.select_related("ticket", "ticket__team", "plan", "claimed_by").filter(pk=pk).first()
