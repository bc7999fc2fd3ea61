"""Writes for the request desk: requests, replies, notes, agent changes, deflections.

Every email goes through the outbox (``kb.mail.queue_email``) inside the same
transaction, so a mail outage never loses or rolls back a ticket.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Article
from kb.mail import absolute_url as site_url
from kb.mail import queue_email
from kb.permissions import is_agent

from .models import Deflection, Ticket, TicketAttachment, TicketMessage

SOLVED_SALT = "tickets.request.solved"
# A "Yes, this solved it" link works for 30 days; after that the requester replies instead.
SOLVED_MAX_AGE = 30 * 24 * 3600


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def attachments_dir() -> Path:
    """Outside MEDIA_ROOT on purpose: nothing here is ever served by the web server."""
    return Path(settings.KB_DATA_DIR) / "attachments"




def solved_link_value(ticket: Ticket, article: Article) -> str:
    return signing.TimestampSigner(salt=SOLVED_SALT).sign(f"{ticket.pk}:{article.pk}")


def solved_link_unsign(value: str) -> tuple[int, int] | None:
    """(ticket pk, article pk) from a signed link, or None when tampered with or expired."""
    try:
        raw = signing.TimestampSigner(salt=SOLVED_SALT).unsign(value, max_age=SOLVED_MAX_AGE)
        ticket_id, article_id = raw.split(":")
        return int(ticket_id), int(article_id)
    except (signing.BadSignature, ValueError):
        return None


@dataclass(frozen=True)
class Upload:
    """A checked upload: the detected type and the bytes to store."""

    name: str
    content_type: str
    data: bytes


def _store_attachment(ticket: Ticket, upload: Upload, at: datetime) -> TicketAttachment:
    stored = secrets.token_hex(16)  # server-chosen: the visitor's file name never touches the disk
    folder = attachments_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(upload.data)
    # If the transaction rolls back, the orphan file is harmless: nothing points to it.
    return TicketAttachment.objects.create(ticket=ticket, stored_name=stored, original_name=upload.name[:200],
                                           content_type=upload.content_type, size=len(upload.data),
                                           created_at=at)


@transaction.atomic
def request_create(
    *,
    email: str,
    subject: str,
    description: str,
    category: str,
    at: datetime,
    requester=None,
    uploads: list[Upload] = (),
    from_article: Article | None = None,
    shown_article_ids: list[int] = (),
    suggestions: list[Article] = (),
) -> tuple[Ticket, str]:
    """Create a request-form ticket and queue the auto-reply; returns (ticket, private token).

    ``suggestions`` (at most 3) are listed in the auto-reply with signed "solved" links.
    """
    token = secrets.token_urlsafe(32)
    suggestions = list(suggestions)[:3]
    shown = list(dict.fromkeys([*shown_article_ids, *(a.pk for a in suggestions)]))[:20]
    ticket = Ticket.objects.create(
        source=Ticket.Source.REQUEST_FORM,
        status=Ticket.Status.NEW,
        requester=requester if requester is not None and requester.is_authenticated else None,
        requester_email=email,
        subject=subject,
        description=description,
        category=category,
        from_article=from_article,
        suggested_article_ids=shown,
        access_token_hash=token_hash(token),
        created_at=at,
        updated_at=at,
    )
    for upload in uploads:
        _store_attachment(ticket, upload, at)
    links = [{"title": a.title, "url": site_url(a.get_absolute_url()),
              "solved_url": site_url(reverse("tickets:request_solved", args=[solved_link_value(ticket, a)]))}
             for a in suggestions]
    queue_email(
        to=email,
        subject=f"We received your request — {ticket.reference}",
        body=render_to_string("tickets/emails/request_received.txt", {
            "ticket": ticket, "links": links,
            "token_url": site_url(reverse("tickets:request_token", args=[token])),
        }),
        kind="tickets.request_received",
        at=at,
    )
    return ticket, token


@transaction.atomic
def ticket_solve_by_self_service(*, ticket: Ticket, article: Article, at: datetime) -> Ticket:
    """The requester says a suggested article solved it: the ticket is solved, no agent needed."""
    if ticket.status in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
        return ticket
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.SOLVED, solved_at=at, updated_at=at,
                                               solved_by_self_service=True)
    TicketMessage.objects.create(ticket=ticket, body=f"Solved by the requester with the article “{article.title}”.",
                                 internal=True, created_at=at)
    ticket.refresh_from_db()
    return ticket


@transaction.atomic
def ticket_reply_by_requester(*, ticket: Ticket, body: str, at: datetime, author=None) -> TicketMessage:
    """The requester answers: a public message; a solved or pending ticket opens again."""
    message = TicketMessage.objects.create(
        ticket=ticket, author=author if author is not None and author.is_authenticated else None,
        author_email=ticket.requester_email, body=body, internal=False, by_agent=False, created_at=at,
    )
    changes = {"updated_at": at}
    if ticket.status in (Ticket.Status.PENDING, Ticket.Status.SOLVED):
        changes.update(status=Ticket.Status.OPEN, solved_at=None)
    Ticket.objects.filter(pk=ticket.pk).update(**changes)
    return message


def _require_agent(user) -> None:
    if not is_agent(user):
        raise PermissionDenied("Only agents work on tickets.")


@transaction.atomic
def ticket_reply_by_agent(*, ticket: Ticket, agent, body: str, internal: bool, at: datetime) -> TicketMessage:
    """An agent's public reply (emailed to the requester) or internal note (never shown to them)."""
    _require_agent(agent)
    message = TicketMessage.objects.create(ticket=ticket, author=agent, author_email=agent.email, body=body,
                                           internal=internal, by_agent=True, created_at=at)
    changes = {"updated_at": at}
    if not internal:
        if ticket.status == Ticket.Status.NEW:
            changes["status"] = Ticket.Status.OPEN
        if ticket.assignee_id is None:
            changes["assignee"] = agent
        queue_email(
            to=ticket.requester_email,
            subject=f"Re: {ticket.subject} — {ticket.reference}",
            body=render_to_string("tickets/emails/request_reply.txt", {
                "ticket": ticket, "message": message,
                # Signed-in requesters read it under My requests; the private link is in the first email.
                "url": site_url(reverse("tickets:request_detail", args=[ticket.reference]))
                if ticket.requester_id else "",
            }),
            kind="tickets.request_reply",
            at=at,
        )
    Ticket.objects.filter(pk=ticket.pk).update(**changes)
    return message


@transaction.atomic
def ticket_update(*, ticket: Ticket, agent, status: str, priority: str, assignee, at: datetime) -> Ticket:
    """Change status, priority and assignee (agents only; the assignee must be an agent)."""
    _require_agent(agent)
    if status not in Ticket.Status.values:
        raise ValidationError("Unknown status.", code="invalid_status")
    if priority not in Ticket.Priority.values:
        raise ValidationError("Unknown priority.", code="invalid_priority")
    if assignee is not None and not is_agent(assignee):
        raise ValidationError("Tickets can only be assigned to agents.", code="assignee_not_agent")
    changes = {"status": status, "priority": priority, "assignee": assignee, "updated_at": at}
    if status == Ticket.Status.SOLVED and ticket.status != Ticket.Status.SOLVED:
        changes["solved_at"] = at
    elif status not in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
        changes["solved_at"] = None
    Ticket.objects.filter(pk=ticket.pk).update(**changes)
    ticket.refresh_from_db()
    return ticket


def deflection_record(*, article: Article, query: str, visitor: str, at: datetime) -> Deflection:
    """A suggested article answered the visitor's question: no request sent."""
    return Deflection.objects.create(article=article, query=query[:200], visitor=visitor, created_at=at)
