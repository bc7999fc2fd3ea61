"""Views of the cancel flow, the contact page and the agent callback queue: thin shells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kb import analytics, beacons, clock, page_cache, params, throttle
from kb.permissions import agent_required, is_agent

from ..cache import CANCEL_FLOW
from ..forms.callbacks import CallbackForm, FlowEventForm, OutcomeForm, PlanPickerForm
from ..limits import (
    CALLBACK_IP_RATE,
    CALLBACK_PHONE_RATE,
    FLOW_EVENT_ADDRESS_RATE,
    FLOW_EVENT_SCOPE,
    FLOW_EVENT_VISITOR_RATE,
    PUBLIC_FORM_SCOPE,
    by_ip,
)
from ..models import FlowEvent
from ..selectors import callbacks as selectors
from ..selectors.cancel_flow import CancelFlowPage, cancel_flow_page, flow_event_from_token, preview_zone
from ..services import callbacks as services

SESSION_PLAN = "cancel_flow_plan"
SESSION_REFERENCES = "cancel_flow_callbacks"
# Cached pages are keyed by the minute (see tickets.cache): one older than that is never
# looked up again, so it need not outlive it by much.
CACHED_PAGE_SECONDS = 120


def moment_of(request) -> datetime:
    """This request's "now", read once: the page cache keys the page by its minute, and the
    view then renders that same moment, even if a minute turns meanwhile."""
    moment = getattr(request, "_cancel_flow_now", None)
    if moment is None:
        moment = request._cancel_flow_now = clock.now()
    return moment


# How far from now an agent may preview the flow: schedules and holidays are planned
# within years, and the bound keeps every moment convertible to any zone.
PREVIEW_RANGE = timedelta(days=20 * 366)


def flow_moment(request) -> tuple[datetime, bool, str]:
    """(moment, is_preview, problem): agents may preview any moment with ``?at=``."""
    value = request.GET.get("at", "")
    if not value or not is_agent(request.user):
        return moment_of(request), False, ""
    now = moment_of(request)
    # A "+" in a query string arrives as a space: "T10:00 01:00" means "T10:00+01:00".
    moment = params.parse_moment(value.strip().replace(" ", "+"), tz=preview_zone(),
                                 earliest=now - PREVIEW_RANGE, latest=now + PREVIEW_RANGE)
    if moment is None:
        return now, False, _("“%(value)s” is not a moment we can preview; showing the current time.") % {"value": value}
    return moment, True, ""


def _plan_slug(request) -> str | None:
    """The plan asked for with ``?plan=``, else the one remembered in the session."""
    requested = request.GET.get("plan")
    return requested if requested is not None else request.session.get(SESSION_PLAN)


def _remember_plan(request, page: CancelFlowPage) -> None:
    """Remember a plan chosen with ``?plan=`` in the session; say so when it is unknown."""
    if request.GET.get("plan") is None:
        return
    if page.plan is None:
        messages.warning(request, _("We don't know that plan. Please choose yours from the list."))
    elif request.session.get(SESSION_PLAN) != page.plan.slug:
        request.session[SESSION_PLAN] = page.plan.slug


def _request_callback(request, page: CancelFlowPage, form: CallbackForm, *, preview: bool):
    """Handle the callback form's POST: a redirect or the 429 page, or None to show the form's errors."""
    if not page.takes_callbacks:
        messages.error(request, _("Callbacks are not available right now. The steps below work at any time."))
        return redirect(request.get_full_path())
    if limited := throttle.limit_response(request, scope=PUBLIC_FORM_SCOPE, what=_("callback requests"),
                                          limits=by_ip(request, CALLBACK_IP_RATE)):
        return limited
    if not form.is_valid():
        return None
    data = form.cleaned_data
    if limited := throttle.limit_response(request, scope=PUBLIC_FORM_SCOPE,
                                          what=_("callback requests for this number"),
                                          limits=[throttle.Limit("phone", data["phone"], CALLBACK_PHONE_RATE)]):
        return limited
    ticket = services.callback_request(
        team=page.team, name=data["name"], email=data["email"], phone=data["phone"], plan=data["plan"],
        account_email=data["account_email"], reason=data["reason"], reason_detail=data["reason_detail"],
        slot=form.chosen_slot(), route=page.decision.route, at=page.at, requester=request.user,
        visitor="" if preview else analytics.visitor_hash_for(request, at=moment_of(request)),
        record_event=not preview, recorded_at=moment_of(request),
    )
    references = request.session.get(SESSION_REFERENCES, [])[-9:]
    request.session[SESSION_REFERENCES] = [*references, ticket.reference]
    request.session[SESSION_PLAN] = data["plan"].slug
    return redirect("tickets:callback_done", reference=ticket.reference)


def _cancel_flow(request):
    """The cancel flow: callback form while Business Solutions is open, self-service while closed."""
    at, preview, preview_problem = flow_moment(request)
    if preview_problem:
        messages.warning(request, preview_problem)
    page = cancel_flow_page(at=at, plan_slug=_plan_slug(request))
    _remember_plan(request, page)
    form = CallbackForm(request.POST if request.method == "POST" else None, action=request.get_full_path(),
                        **page.callback_form_options())
    if request.method == "POST" and (response := _request_callback(request, page, form, preview=preview)):
        return response
    # The view itself is recorded by the page's beacon (cancel_flow_event), not here.
    return render(request, "tickets/cancel_flow.html", {
        **page.context(preview=preview, at_param=request.GET.get("at", "")),
        "picker": PlanPickerForm(plans=page.plans, current=page.plan),
        "form": form,
    })


def _minute(request) -> str:
    return moment_of(request).astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


# The busiest page of the contact flow (a price change sends everyone to "How do I
# cancel?"). Anonymous visitors without a session get the page rendered for this minute
# from the page cache; their view is recorded by the page's beacon and their callback form
# gets their own CSRF token. Anyone with a session (signed in, a remembered plan, a flash
# message) gets it rendered. It reads ``?plan=``; ``?at=`` only for agents, who never get a
# cached page.
cancel_flow = page_cache.cache_anonymous_page(
    _cancel_flow, scopes=lambda **kwargs: [CANCEL_FLOW], params=("plan",), variant=_minute,
    timeout=CACHED_PAGE_SECONDS,
)


# CSRF-exempt like every beacon (kb.beacons): it records only what the token says the page
# showed, within the limits.
@csrf_exempt
@require_POST
def cancel_flow_event(request):
    """The page's beacon: with ``token`` alone, the route was shown; with ``link`` too, that
    self-service link was followed. 204; 400 for a forged or old token or a link the page did
    not show; 429 over the limits."""
    form = FlowEventForm(request.POST)
    at = clock.now()
    shown = flow_event_from_token(form.cleaned_data["token"], at=at) if form.is_valid() else None
    if shown is None or shown[0] not in FlowEvent.Route.values:
        return JsonResponse({"error": "InvalidParameter", "fields": sorted(form.errors) or ["token"]}, status=400)
    route, plan_id = shown
    link = None
    if form.cleaned_data["link"] is not None:
        link = selectors.plan_link(form.cleaned_data["link"])
        if link is None or link.plan_id != plan_id:
            return JsonResponse({"error": "InvalidParameter", "fields": ["link"]}, status=400)
    if limited := beacons.limited_response(request, scope=FLOW_EVENT_SCOPE, at=at,
                                           address=FLOW_EVENT_ADDRESS_RATE, visitor=FLOW_EVENT_VISITOR_RATE):
        return limited
    if is_agent(request.user):  # agents trying the flow are not customers leaving
        return beacons.no_content()
    # The daily visitor hash of kb.analytics: counting creates no session and sets no cookie.
    visitor = analytics.visitor_hash_for(request, at=at)
    if link is None:
        services.flow_event_record(kind=FlowEvent.Kind.ROUTE_SHOWN, route=route, plan_id=plan_id,
                                   visitor=visitor, at=at)
    else:
        services.flow_event_record(kind=FlowEvent.Kind.LINK_CLICKED, route=route, plan=link.plan, link=link,
                                   visitor=visitor, at=at)
    return beacons.no_content()


def callback_done(request, reference: str):
    """The confirmation, only for the browser session that asked (or an agent)."""
    if reference not in request.session.get(SESSION_REFERENCES, []) and not is_agent(request.user):
        raise Http404("No such callback in this browser session.")
    callback = selectors.callback_by_reference(reference)
    if callback is None:
        raise Http404("No such callback.")
    return render(request, "tickets/callback_done.html", selectors.callback_confirmation(callback))


@require_GET
def self_service_link(request, link_id: int):
    """Go to a plan's link (only to URLs agents stored). The click is counted by the page's
    beacon (cancel_flow_event), since a GET writes nothing."""
    link = selectors.plan_link(link_id)
    if link is None:
        raise Http404("No such link.")
    return HttpResponseRedirect(link.url)


def contact(request):
    """The contact page: the ways to reach us."""
    return render(request, "tickets/contact.html", {})


# --- Agents --------------------------------------------------------------------------


@agent_required
def agent_callbacks(request):
    """The callback queue: earliest due first, overdue highlighted."""
    return render(request, "tickets/agent_callbacks.html",
                  selectors.callback_queue_page(at=clock.now(), agent=request.user))


@agent_required
@require_POST
def agent_callback_claim(request, pk: int):
    callback = selectors.callback_for_agent(pk)
    if callback is None:
        raise Http404("No such callback.")
    try:
        services.callback_claim(callback=callback, agent=request.user, at=clock.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You claimed %(reference)s.") % {"reference": callback.ticket.reference})
    return redirect("tickets:agent_callback", pk=pk)


@agent_required
def agent_callback(request, pk: int):
    """One callback: details, claim, record the outcome of a call."""
    callback = selectors.callback_for_agent(pk)
    if callback is None:
        raise Http404("No such callback.")
    at = clock.now()
    form = OutcomeForm(request.POST if request.method == "POST" else None, prefix_id=f"outcome{callback.pk}",
                       **selectors.callback_outcome_options(callback, at=at))
    if request.method == "POST" and form.is_valid():
        try:
            services.callback_record_outcome(
                callback=callback, agent=request.user, outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"], retry_slot=form.chosen_retry_slot(), at=at,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Outcome recorded for %(reference)s.") % {"reference": callback.ticket.reference})
            return redirect("tickets:agent_callbacks")
    return render(request, "tickets/agent_callback.html",
                  {**selectors.agent_callback_page(callback, at=at, agent=request.user), "form": form})
