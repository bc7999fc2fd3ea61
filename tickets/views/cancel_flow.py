"""Views of the cancel flow, the contact page and the agent callback queue: thin shells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kb import analytics, page_cache, throttle
from kb.permissions import agent_required, is_agent

from .. import office_hours, routing
from ..cache import CANCEL_FLOW
from ..forms.callbacks import CallbackForm, OutcomeForm, PlanPickerForm
from ..models import FlowEvent, Team
from ..selectors import callbacks as selectors
from ..services import callbacks as services

SESSION_PLAN = "cancel_flow_plan"
SESSION_REFERENCES = "cancel_flow_callbacks"
# Every POST counts against the IP; only valid requests count against the phone number,
# so someone fixing a typo is not locked out.
CALLBACK_IP_RATE = throttle.Rate(20, timedelta(hours=1))
CALLBACK_PHONE_RATE = throttle.Rate(3, timedelta(days=1))
# Cached pages are keyed by the minute (see tickets.cache): one older than that is never
# looked up again, so it need not outlive it by much.
CACHED_PAGE_SECONDS = 120


def now() -> datetime:
    """The clock of these views (tests replace it with monkeypatch)."""
    return timezone.now()


def moment_of(request) -> datetime:
    """This request's "now", read once: the page cache keys the page by its minute, and the
    view then renders (and records) that same moment, even if a minute turns meanwhile."""
    moment = getattr(request, "_cancel_flow_now", None)
    if moment is None:
        moment = request._cancel_flow_now = now()
    return moment


def parse_moment(value: str, tz: ZoneInfo) -> datetime | None:
    """An ISO 8601 moment; without an offset it is a wall time in ``tz``. None if unusable."""
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        if office_hours.local_time_problem(tz, moment) == "nonexistent":
            return None
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def flow_moment(request) -> tuple[datetime, bool, str]:
    """(moment, is_preview, problem): agents may preview any moment with ``?at=``."""
    value = request.GET.get("at", "")
    if not value or not is_agent(request.user):
        return moment_of(request), False, ""
    zone = Team.objects.filter(cancel_flow_role=Team.CancelFlowRole.CALLBACKS).values_list("time_zone", flat=True)
    tz = ZoneInfo(zone[0]) if zone else ZoneInfo("UTC")
    moment = parse_moment(value, tz)
    if moment is None:
        return moment_of(request), False, f"“{value}” is not a moment we can preview; showing the current time."
    return moment, True, ""


def _current_plan(request, plans):
    """The visitor's plan: ``?plan=`` (remembered in the session), else the remembered one."""
    requested = request.GET.get("plan")
    if requested is not None:
        plan = selectors.pick_plan(plans, requested)
        if plan is None:
            messages.warning(request, "We don't know that plan. Please choose yours from the list.")
        elif request.session.get(SESSION_PLAN) != plan.slug:
            request.session[SESSION_PLAN] = plan.slug
        return plan
    return selectors.pick_plan(plans, request.session.get(SESSION_PLAN))


def _cancel_flow(request):
    """/contact/cancel/: callback form while Business Solutions is open, self-service while closed."""
    at, preview, preview_problem = flow_moment(request)
    if preview_problem:
        messages.warning(request, preview_problem)
    teams = selectors.cancel_flow_teams(at)
    plans = selectors.active_plans()
    plan = _current_plan(request, plans)
    team = teams.callbacks
    schedule = teams.callbacks_schedule
    lead = timedelta(minutes=team.callback_lead_minutes) if team else timedelta(minutes=15)
    decision = routing.decide(
        callbacks=schedule,
        chat=teams.chat_schedule,
        at=at,
        slot_length=timedelta(minutes=team.callback_minutes) if team else timedelta(minutes=30),
        lead=lead,
    )
    action = request.get_full_path()
    form = CallbackForm(
        request.POST if request.method == "POST" else None,
        initial={"plan": plan.slug if plan else ""},
        plans=plans, schedule=schedule, slots=decision.slots, at=at, lead=lead,
        team_name=team.name if team else "The team", action=action,
    )
    if request.method == "POST":
        visitor = "" if preview else analytics.visitor_hash_for(request, at=moment_of(request))
        if team is None or not decision.offers_callback_form:
            messages.error(request, "Callbacks are not available right now. The steps below work at any time.")
            return redirect(action)
        limited = throttle.hit(scope="callback", at=at, limits=[
            throttle.Limit("ip", throttle.client_ip(request), CALLBACK_IP_RATE)])
        if limited.limited:
            return throttle.too_many_requests(request, limited, at=at, what="callback requests")
        if form.is_valid():
            data = form.cleaned_data
            limited = throttle.hit(scope="callback", at=at, limits=[
                throttle.Limit("phone", data["phone"], CALLBACK_PHONE_RATE)])
            if limited.limited:
                return throttle.too_many_requests(request, limited, at=at, what="callback requests for this number")
            ticket = services.callback_request(
                team=team, name=data["name"], email=data["email"], phone=data["phone"], plan=data["plan"],
                account_email=data["account_email"], reason=data["reason"], reason_detail=data["reason_detail"],
                slot=form.chosen_slot(), route=decision.route, at=at, requester=request.user, visitor=visitor,
                record_event=not preview, recorded_at=moment_of(request),
            )
            references = request.session.get(SESSION_REFERENCES, [])[-9:]
            request.session[SESSION_REFERENCES] = [*references, ticket.reference]
            request.session[SESSION_PLAN] = data["plan"].slug
            return redirect("tickets:callback_done", reference=ticket.reference)
    elif not preview:
        # The daily visitor hash of kb.analytics: counting a view creates no session, so
        # showing the page costs one INSERT and sets no cookie.
        services.flow_event_record(kind=FlowEvent.Kind.ROUTE_SHOWN, route=decision.route, plan=plan,
                                   visitor=analytics.visitor_hash_for(request, at=at), at=at)
    steps = selectors.plan_steps(plan) if plan else None
    tz = team.zone if team else ZoneInfo("UTC")
    response = render(request, "tickets/cancel_flow.html", {
        "decision": decision,
        "route": decision.route,
        "is_open_route": decision.route == routing.CALLBACK,
        "team": team,
        "chat_team": teams.chat,
        "team_zone": tz.key,
        "zone_label": office_hours.zone_abbreviation(at.astimezone(tz)),
        "plans": plans,
        "plan": plan,
        "steps": steps,
        "picker": PlanPickerForm(plans=plans, current=plan),
        "form": form,
        "show_form": decision.offers_callback_form,
        "preview": preview,
        "preview_at": at.astimezone(tz) if preview else None,
        "at_param": request.GET.get("at", "") if preview else "",
        "status_moment": decision.callbacks.open_until or decision.callbacks.next_opening,
        "chat_moment": (decision.chat.open_until or decision.chat.next_opening) if decision.chat else None,
    })
    if request.method != "POST" and not preview:
        # What a cache hit of this page must record as the view above did (no slots: the
        # page itself has no per-visitor value but its CSRF token, which the cache fills).
        page_cache.with_slots(response, meta={"route": decision.route, "plan": plan.pk if plan else None})
    return response


def _record_cached_view(request, meta: dict) -> dict[str, str]:
    """A visitor got the page from the cache: count the view exactly as the page does."""
    at = moment_of(request)
    services.flow_event_record(kind=FlowEvent.Kind.ROUTE_SHOWN, route=meta["route"], plan_id=meta["plan"],
                               visitor=analytics.visitor_hash_for(request, at=at), at=at)
    return {}


def _minute(request) -> str:
    return moment_of(request).astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


# The busiest page of the contact flow (a price change sends everyone to "How do I
# cancel?"). Anonymous visitors without a session get the page rendered for this minute
# from the page cache; their view is still recorded (one FlowEvent each, the same row the
# page writes) and their callback form gets their own CSRF token. Anyone with a session
# (signed in, a remembered plan, a flash message) gets it rendered.
cancel_flow = page_cache.cache_anonymous_page(
    _cancel_flow, scopes=lambda **kwargs: [CANCEL_FLOW], per_request=_record_cached_view, variant=_minute,
    timeout=CACHED_PAGE_SECONDS,
)


def callback_done(request, reference: str):
    """The confirmation, only for the browser session that asked (or an agent)."""
    if reference not in request.session.get(SESSION_REFERENCES, []) and not is_agent(request.user):
        raise Http404("No such callback in this browser session.")
    callback = selectors.callback_by_reference(reference)
    if callback is None:
        raise Http404("No such callback.")
    team = callback.ticket.team
    tz = team.zone if team else ZoneInfo("UTC")
    return render(request, "tickets/callback_done.html", {
        "callback": callback,
        "ticket": callback.ticket,
        "team": team,
        "due_day": f"{callback.due_at.astimezone(tz):%A, %B} {callback.due_at.astimezone(tz).day}",
        "due_time": office_hours.format_time(callback.due_at, tz),
        "due_until": office_hours.format_time(callback.slot_ends_at, tz),
    })


@require_GET
def self_service_link(request, link_id: int):
    """Count a click on a plan's link, then go there (only to URLs agents stored)."""
    link = selectors.plan_link(link_id)
    if link is None:
        raise Http404("No such link.")
    route = request.GET.get("route", "")
    if route not in FlowEvent.Route.values:
        route = ""
    services.flow_event_record(kind=FlowEvent.Kind.LINK_CLICKED, route=route, plan=link.plan, link=link,
                               visitor=analytics.visitor_hash_for(request, at=now()), at=now())
    return HttpResponseRedirect(link.url)


def contact(request):
    """/contact/: the ways to reach us."""
    return render(request, "tickets/contact.html", {})


# --- Agents --------------------------------------------------------------------------



@agent_required
def agent_callbacks(request):
    """The callback queue: earliest due first, overdue highlighted."""
    at = now()
    queue = list(selectors.callback_queue(at=at))
    rows = []
    for callback in queue:
        team = callback.ticket.team
        tz = team.zone if team else ZoneInfo("UTC")
        rows.append({
            "callback": callback,
            "ticket": callback.ticket,
            "due_label": f"{callback.due_at.astimezone(tz):%a %b} {callback.due_at.astimezone(tz).day}, "
                         f"{office_hours.format_time(callback.due_at, tz)}",
            "mine": callback.claimed_by_id == request.user.pk,
            "can_claim": callback.claimed_by_id is None,
        })
    return render(request, "tickets/agent_callbacks.html", {"rows": rows, "overdue_count": sum(
        1 for c in queue if c.is_overdue)})


@agent_required
@require_POST
def agent_callback_claim(request, pk: int):
    callback = selectors.callback_for_agent(pk)
    if callback is None:
        raise Http404("No such callback.")
    try:
        services.callback_claim(callback=callback, agent=request.user, at=now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You claimed {callback.ticket.reference}.")
    return redirect("tickets:agent_callback", pk=pk)


def _outcome_form(request, callback, at):
    team = callback.ticket.team
    schedule = None
    slots = ()
    if team is not None:
        team = selectors.teams_with_schedules(at).get(pk=team.pk)
        schedule = selectors.schedule_for(team)
        slots = office_hours.callback_slots(schedule, at, length=timedelta(minutes=team.callback_minutes),
                                            lead=timedelta(minutes=team.callback_lead_minutes),
                                            days=routing.CLOSED_SLOT_DAYS)
    return OutcomeForm(request.POST if request.method == "POST" else None, schedule=schedule, slots=slots, at=at,
                       team_name=team.name if team else "The team", prefix_id=f"outcome{callback.pk}")


@agent_required
def agent_callback(request, pk: int):
    """One callback: details, claim, record the outcome of a call."""
    callback = selectors.callback_for_agent(pk)
    if callback is None:
        raise Http404("No such callback.")
    at = now()
    form = _outcome_form(request, callback, at)
    if request.method == "POST" and form.is_valid():
        try:
            services.callback_record_outcome(
                callback=callback, agent=request.user, outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"], retry_slot=form.chosen_retry_slot(), at=at,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Outcome recorded for {callback.ticket.reference}.")
            return redirect("tickets:agent_callbacks")
    team = callback.ticket.team
    tz = team.zone if team else ZoneInfo("UTC")
    return render(request, "tickets/agent_callback.html", {
        "callback": callback,
        "ticket": callback.ticket,
        "form": form,
        "due_label": f"{callback.due_at.astimezone(tz):%A, %B} {callback.due_at.astimezone(tz).day}, "
                     f"{office_hours.format_time(callback.due_at, tz)}",
        "is_overdue": not callback.done and callback.due_at < at,
        "can_claim": not callback.done and callback.claimed_by_id is None,
        "claimed_by_other": callback.claimed_by_id not in (None, request.user.pk),
        "can_record": not callback.done and callback.claimed_by_id in (None, request.user.pk),
        "queue_url": reverse("tickets:agent_callbacks"),
    })
