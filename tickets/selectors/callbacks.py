"""Reads for the cancel flow and the callback queue, in a constant number of queries, and
what their pages state about a callback (due times in the team's zone)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Case, F, FilteredRelation, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import pgettext

from articles.markdown import render_markdown
from kb.i18n import current_locale

from .. import office_hours
from ..models import Callback, OpeningHours, Plan, PlanLink, ScheduleException, Team
from ..routing import CLOSED_SLOT_DAYS

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
    # Their office-hours schedules (None without the team).
    callbacks_schedule: office_hours.Schedule | None = None
    chat_schedule: office_hours.Schedule | None = None


def cancel_flow_teams(at: datetime) -> FlowTeams:
    """The team taking cancel-flow callbacks and the chat team, with their schedules (3 queries).

    The busiest page of the contact flow asks this on every request, so hours and exceptions
    are read as plain rows straight into the Schedule values (``prefetch_related`` and a
    model instance per row cost more than the queries themselves).
    """
    teams = {t.cancel_flow_role: t for t in Team.objects.exclude(cancel_flow_role="")}
    if not teams:
        return FlowTeams(callbacks=None, chat=None)
    ids = [team.pk for team in teams.values()]
    weekly: dict[int, list[office_hours.WeeklyHours]] = {pk: [] for pk in ids}
    for team_id, weekday, opens, closes in OpeningHours.objects.filter(team_id__in=ids).order_by(
            "team_id", "weekday", "opens").values_list("team_id", "weekday", "opens", "closes"):
        weekly[team_id].append(office_hours.WeeklyHours(weekday, opens, closes))
    overrides: dict[int, list[office_hours.DateOverride]] = {pk: [] for pk in ids}
    for team_id, day, kind, opens, closes, note in ScheduleException.objects.filter(
            team_id__in=ids, date__gte=(at - timedelta(days=2)).date(), date__lte=(at + EXCEPTION_HORIZON).date(),
    ).order_by("team_id", "date", "opens").values_list("team_id", "date", "kind", "opens", "closes", "note"):
        overrides[team_id].append(
            office_hours.DateOverride(day, kind == ScheduleException.Kind.OPEN, opens, closes, note))

    def schedule(team: Team | None) -> office_hours.Schedule | None:
        if team is None:
            return None
        return office_hours.Schedule(
            time_zone=team.zone, weekly=tuple(weekly[team.pk]), overrides=tuple(overrides[team.pk]),
            holiday_country=team.holiday_country, holiday_subdivision=team.holiday_subdivision,
        )

    callbacks, chat = teams.get(Team.CancelFlowRole.CALLBACKS), teams.get(Team.CancelFlowRole.CHAT)
    return FlowTeams(callbacks=callbacks, chat=chat, callbacks_schedule=schedule(callbacks),
                     chat_schedule=schedule(chat))


# The plan texts a visitor reads in their language (tickets.models.PlanTranslation).
PLAN_TEXTS = ("name", "summary", "cancel_steps", "after_cancel")


def active_plans(locale: str | None = None) -> list[Plan]:
    """Plans visitors can pick (1 query). Their links are read by :func:`plan_steps`, for
    the one plan whose steps are shown (most visits show none).

    Each plan carries its texts in ``locale`` (default: the active language) as
    ``shown_name``, ``shown_summary``, ``shown_cancel_steps`` and ``shown_after_cancel``:
    its translation's, else (no translation, or a blank field) its own. The translation is
    joined in the same query, so every language costs the same; ``name`` itself stays the
    plan's own, as agents and tickets name it.
    """
    translation = FilteredRelation("translations", condition=Q(translations__locale=locale or current_locale()))
    shown = {}
    for field in PLAN_TEXTS:
        kind = Plan._meta.get_field(field)
        blank_as_null = NullIf(F(f"translation__{field}"), Value(""), output_field=kind)
        shown[f"shown_{field}"] = Coalesce(blank_as_null, F(field), output_field=kind)
    return list(Plan.objects.filter(is_active=True).annotate(translation=translation).annotate(**shown))


def pick_plan(plans: list[Plan], slug: str | None) -> Plan | None:
    """The plan with ``slug`` among ``plans``; None for an unknown or tampered slug."""
    return next((p for p in plans if slug and p.slug == slug), None)


@dataclass(frozen=True)
class PlanSteps:
    plan: Plan
    steps_html: str
    after_html: str
    links: list[PlanLink]


@functools.lru_cache(maxsize=128)
def _rendered(text: str) -> str:
    # render_markdown is a pure function of the text, and a plan's steps are rendered for
    # every visitor of the cancel flow: keep the few distinct texts rendered per process.
    # Keyed by the text itself, so an edited plan is simply a new key.
    # Plans are written by agents in the admin: their raw HTML stays markup (sanitised).
    return render_markdown(text, allow_html=True)


def plan_steps(plan: Plan) -> PlanSteps:
    """The steps of a plan from :func:`active_plans`, in the language it was read in,
    rendered by the one Markdown renderer (sanitised), with its links (1 query)."""
    return PlanSteps(
        plan=plan,
        steps_html=_rendered(plan.shown_cancel_steps),
        after_html=_rendered(plan.shown_after_cancel) if plan.shown_after_cancel else "",
        links=links_in(list(plan.links.order_by("position", "pk")), locale=current_locale()),
    )


def links_in(links: list[PlanLink], *, locale: str) -> list[PlanLink]:
    """The links a reader of ``locale`` gets: those written in it, else the general ones."""
    return [link for link in links if link.locale == locale] or [link for link in links if not link.locale]


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


def _zone(callback: Callback) -> ZoneInfo:
    team = callback.ticket.team
    return team.zone if team else ZoneInfo("UTC")


def due_day(callback: Callback, *, short: bool = False) -> str:
    """"Wednesday, June 3" (``short``: "Wed Jun 3") in the team's zone."""
    due = callback.due_at.astimezone(_zone(callback))
    if short:
        return dateformat.format(due, pgettext("short weekday and date format", "D M j"))
    return dateformat.format(due, pgettext("weekday and date format", r"l, F j"))


def due_label(callback: Callback, *, short: bool = False) -> str:
    """"Wednesday, June 3, 10:30 AM" in the team's zone."""
    return f"{due_day(callback, short=short)}, {office_hours.format_time(callback.due_at, _zone(callback))}"


def callback_confirmation(callback: Callback) -> dict:
    """What the visitor's confirmation page states: the callback and its slot in the team's zone."""
    tz = _zone(callback)
    return {
        "callback": callback,
        "ticket": callback.ticket,
        "team": callback.ticket.team,
        "due_day": due_day(callback),
        "due_time": office_hours.format_time(callback.due_at, tz),
        "due_until": office_hours.format_time(callback.slot_ends_at, tz),
    }


def callback_queue_page(*, at: datetime, agent) -> dict:
    """The agent queue's rows (earliest due first) and how many are overdue (1 query)."""
    queue = list(callback_queue(at=at))
    rows = [{
        "callback": callback,
        "ticket": callback.ticket,
        "due_label": due_label(callback, short=True),
        "mine": callback.claimed_by_id == agent.pk,
        "can_claim": callback.claimed_by_id is None,
    } for callback in queue]
    return {"rows": rows, "overdue_count": sum(1 for c in queue if c.is_overdue)}


def callback_outcome_options(callback: Callback, *, at: datetime) -> dict:
    """The retry slots an agent may offer when recording an outcome: the keyword arguments
    of :class:`tickets.forms.callbacks.OutcomeForm` (schedule, slots, at, team_name)."""
    team = callback.ticket.team
    if team is None:
        return {"schedule": None, "slots": (), "at": at, "team_name": "The team"}
    team = teams_with_schedules(at).get(pk=team.pk)
    schedule = schedule_for(team)
    slots = office_hours.callback_slots(schedule, at, length=timedelta(minutes=team.callback_minutes),
                                        lead=timedelta(minutes=team.callback_lead_minutes),
                                        days=CLOSED_SLOT_DAYS)
    return {"schedule": schedule, "slots": slots, "at": at, "team_name": team.name}


def agent_callback_page(callback: Callback, *, at: datetime, agent) -> dict:
    """One callback as an agent sees it, with what they may do (the view adds the form)."""
    return {
        "callback": callback,
        "ticket": callback.ticket,
        "due_label": due_label(callback),
        "is_overdue": not callback.done and callback.due_at < at,
        "can_claim": not callback.done and callback.claimed_by_id is None,
        "claimed_by_other": callback.claimed_by_id not in (None, agent.pk),
        "can_record": not callback.done and callback.claimed_by_id in (None, agent.pk),
        "queue_url": reverse("tickets:agent_callbacks"),
    }
