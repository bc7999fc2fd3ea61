"""Writes for the cancel flow and the callback queue. Views, the admin and tests all use these."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from kb.i18n import current_locale, normalize_locale
from kb.mail import email_language, queue_email
from kb.permissions import is_agent

from .. import office_hours
from ..models import Callback, FlowEvent, Plan, PlanLink, Team, Ticket
from ..office_hours import Slot


def flow_event_record(
    *,
    kind: str,
    at: datetime,
    route: str = "",
    plan: Plan | None = None,
    link: PlanLink | None = None,
    ticket: Ticket | None = None,
    detail: str = "",
    visitor: str = "",
    plan_id: int | None = None,
) -> FlowEvent:
    """Record one thing the cancel flow showed or the visitor did.

    ``plan_id`` stands for ``plan`` where only its id is at hand (a cached page's record of
    what it showed) and no query should be spent loading it.
    """
    return FlowEvent.objects.create(kind=kind, route=route, plan_id=plan.pk if plan is not None else plan_id,
                                    link=link, ticket=ticket, detail=detail, visitor=visitor, at=at)


def _when(team: Team, at: datetime) -> str:
    """"Monday, March 2 at 9:00 AM PT", the day in the active language's words and order."""
    local = at.astimezone(team.zone)
    day = _("%(weekday)s, %(date)s") % {
        "weekday": formats.date_format(local, "l"), "date": formats.date_format(local, "MONTH_DAY_FORMAT"),
    }
    return _("%(day)s at %(time)s") % {"day": day, "time": office_hours.format_time(at, team.zone)}


@transaction.atomic
def callback_request(
    *,
    team: Team,
    name: str,
    email: str,
    phone: str,
    plan: Plan | None,
    account_email: str,
    reason: str,
    reason_detail: str,
    slot: Slot,
    route: str,
    at: datetime,
    requester=None,
    visitor: str = "",
    record_event: bool = True,
    recorded_at: datetime | None = None,
    locale: str | None = None,
) -> Ticket:
    """Create a callback ticket for ``team``, record the flow event and queue the confirmation.

    ``at`` is the moment the flow was evaluated for (an agent's preview may choose a
    future one); ``recorded_at`` is the real time of the request, used for timestamps
    and for sending the email now rather than at the previewed moment.

    The confirmation email is written to the outbox in this transaction and sent after
    commit, so a mail outage never loses (or rolls back) the ticket. It and the "we tried
    to call you" email are in ``locale``, the requester's language (by default the active
    one: the flow's page they asked on).
    """
    recorded_at = recorded_at or at
    plan_name = plan.name if plan else "my account"
    reason_label = Callback.Reason(reason).label
    description = f"Reason: {reason_label}"
    if reason_detail:
        description += f"\n\n{reason_detail}"
    ticket = Ticket.objects.create(
        team=team,
        source=Ticket.Source.CALLBACK,
        requester=requester if requester is not None and requester.is_authenticated else None,
        requester_email=email,
        requester_name=name,
        subject=f"Callback: cancelling {plan_name}",
        description=description,
        locale=normalize_locale(locale) or current_locale(),
        created_at=recorded_at,
        updated_at=recorded_at,
    )
    callback = Callback.objects.create(
        ticket=ticket, phone=phone, plan=plan, account_email=account_email, reason=reason,
        reason_detail=reason_detail, due_at=slot.start, slot_ends_at=slot.end, consent_at=recorded_at,
    )
    if record_event:  # agents' previews create real tickets but stay out of the figures
        flow_event_record(kind=FlowEvent.Kind.CALLBACK_REQUESTED, route=route, plan=plan, ticket=ticket,
                          visitor=visitor, at=at)
    with email_language(ticket.locale):
        context = {
            "ticket": ticket, "callback": callback, "team": team, "name": name,
            "when": _when(team, slot.start), "until": office_hours.format_time(slot.end, team.zone),
            "flow_path": reverse("tickets:cancel_flow"),
        }
        queue_email(
            to=email,
            subject=_("We'll call you back — %(reference)s") % {"reference": ticket.reference},
            body=render_to_string("tickets/email/callback_confirmation.txt", context),
            kind="tickets.callback_confirmation",
            at=recorded_at,
            locale=ticket.locale,
        )
    return ticket


def _require_agent(user) -> None:
    if not is_agent(user):
        raise PermissionDenied("Only agents work the callback queue.")


@transaction.atomic
def callback_claim(*, callback: Callback, agent, at: datetime) -> Callback:
    """Claim a callback for ``agent`` (and assign its ticket). Someone else's claim is kept."""
    _require_agent(agent)
    # Conditional UPDATE: two agents clicking at once cannot both win.
    won = Callback.objects.filter(pk=callback.pk, done=False, claimed_by__isnull=True).update(
        claimed_by=agent, claimed_at=at
    )
    callback.refresh_from_db()
    if not won and callback.claimed_by_id != agent.pk:
        raise ValidationError(_("Another agent has already claimed this callback."), code="already_claimed")
    Ticket.objects.filter(pk=callback.ticket_id).update(
        assignee=agent, status=Ticket.Status.OPEN, updated_at=at
    )
    return callback


@transaction.atomic
def callback_record_outcome(
    *,
    callback: Callback,
    agent,
    outcome: str,
    note: str = "",
    retry_slot: Slot | None = None,
    at: datetime,
) -> Callback:
    """Record one call attempt and update the ticket.

    Reached (retained or cancelled) → callback done, ticket solved. No answer → the
    callback moves to ``retry_slot``, goes back to the queue unclaimed, the ticket is
    pending and the customer is told when we will try again.
    """
    _require_agent(agent)
    if callback.done:
        raise ValidationError(_("This callback is already finished."), code="already_done")
    if callback.claimed_by_id not in (None, agent.pk):
        raise ValidationError(_("Another agent has claimed this callback."), code="claimed_by_other")
    ticket = callback.ticket
    changes = {"attempts": F("attempts") + 1, "last_attempt_at": at, "outcome": outcome, "outcome_note": note}
    if outcome in (Callback.Outcome.RETAINED, Callback.Outcome.CANCELLED):
        changes.update(done=True, claimed_by=agent, claimed_at=callback.claimed_at or at)
        Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.SOLVED, solved_at=at, updated_at=at,
                                                   assignee=agent)
    elif outcome == Callback.Outcome.NO_ANSWER:
        if retry_slot is None:
            raise ValidationError(_("Choose when to try again."), code="retry_required")
        changes.update(due_at=retry_slot.start, slot_ends_at=retry_slot.end, claimed_by=None, claimed_at=None)
        Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.PENDING, updated_at=at)
        team = ticket.team
        # The requester's language, not the agent's who records the attempt.
        with email_language(ticket.locale):
            queue_email(
                to=ticket.requester_email,
                subject=_("We tried to call you — %(reference)s") % {"reference": ticket.reference},
                body=render_to_string("tickets/email/callback_retry.txt", {
                    "ticket": ticket, "team": team, "name": ticket.requester_name,
                    "when": _when(team, retry_slot.start) if team else retry_slot.start.isoformat(),
                }),
                kind="tickets.callback_retry",
                at=at,
                locale=ticket.locale,
            )
    else:
        raise ValidationError(_("Unknown outcome."), code="invalid_outcome")
    Callback.objects.filter(pk=callback.pk).update(**changes)
    flow_event_record(kind=FlowEvent.Kind.CALLBACK_OUTCOME, route="", plan=callback.plan, ticket=ticket,
                      detail=outcome, at=at)
    callback.refresh_from_db()
    return callback
