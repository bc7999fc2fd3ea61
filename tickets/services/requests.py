"""Writes for the request desk: requests, replies, notes, agent changes, deflections.

Every email goes through the outbox (``kb.mail.queue_email``) inside the same
transaction, so a mail outage never loses or rolls back a ticket. Each is written in the
requester's language (``Ticket.locale``, the language active when they asked), whoever
causes it: an agent reading the desk in English replies to a Spanish requester in Spanish
(the agent's own words aside) with links to the Spanish pages.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.models import Article, Post
from articles.translations.localized import article_links
from kb import analytics, storage
from kb.i18n import current_locale, normalize_locale
from kb.mail import absolute_url as site_url
from kb.mail import email_language, queue_email
from kb.params import ID_MAX
from kb.permissions import is_agent

from ..models import OPEN_STATUSES, Deflection, Team, Ticket, TicketAttachment, TicketMessage

SOLVED_SALT = "tickets.request.solved"
# A "Yes, this solved it" link works for 30 days; after that the requester replies instead.
SOLVED_MAX_AGE = 30 * 24 * 3600


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()






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
    # On the private storage, at its top (kb.storage: never a URL, only the access-checked
    # download reads it), under a server-chosen name: the visitor's file name never
    # touches the storage. If the transaction rolls back, the orphan file is harmless:
    # nothing points to it, and housekeeping removes it (tickets.housekeeping).
    stored = storage.private_storage().save(secrets.token_hex(16), ContentFile(upload.data))
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
    visitor: str = "",
    locale: str | None = None,
) -> tuple[Ticket, str]:
    """Create a request-form ticket and queue the auto-reply; returns (ticket, private token).

    ``suggestions`` (at most 3) are listed in the auto-reply with signed "solved" links.
    ``visitor`` is the daily visitor hash (``kb.analytics.visitor_hash_for``), counted as
    having submitted a request for the self-service score. ``locale`` is the requester's
    language (by default the active one: the language of the form they sent).
    """
    token = secrets.token_urlsafe(32)
    suggestions = list(suggestions)[:3]
    shown = list(dict.fromkeys([*shown_article_ids, *(a.pk for a in suggestions)]))[:20]
    # Stored ids are read back with ``pk__in`` on every visit to the ticket: keep only
    # articles that exist (an id past the database's integers would break those pages).
    shown = [pk for pk in shown if 0 < pk <= ID_MAX]
    if shown:
        existing = set(Article.objects.filter(pk__in=shown).values_list("pk", flat=True))
        shown = [pk for pk in shown if pk in existing]
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
        locale=normalize_locale(locale) or current_locale(),
        created_at=at,
        updated_at=at,
    )
    for upload in uploads:
        _store_attachment(ticket, upload, at)
    analytics.request_submitted_record(visitor=visitor, at=at)
    with email_language(ticket.locale):
        titles = article_links(articles=suggestions, locale=ticket.locale)
        links = [{"title": titles[a.pk][0], "url": site_url(titles[a.pk][1]),
                  "solved_url": site_url(reverse("tickets:request_solved", args=[solved_link_value(ticket, a)]))}
                 for a in suggestions]
        queue_email(
            to=email,
            subject=_("We received your request — %(reference)s") % {"reference": ticket.reference},
            body=render_to_string("tickets/emails/request_received.txt", {
                "ticket": ticket, "links": links,
                "token_url": site_url(reverse("tickets:request_token", args=[token])),
            }),
            kind="tickets.request_received",
            at=at,
            locale=ticket.locale,
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
    if not internal and ticket.requester_email:  # an escalated post's author may have no email address
        # In the requester's language, not the agent's: the agent acts under theirs.
        with email_language(ticket.locale):
            queue_email(
                to=ticket.requester_email,
                subject=_("Re: %(subject)s — %(reference)s") % {
                    "subject": ticket.subject, "reference": ticket.reference},
                body=render_to_string("tickets/emails/request_reply.txt", {
                    "ticket": ticket, "message": message,
                    # Signed-in requesters read it under My requests; the private link is in the first email.
                    "url": site_url(reverse("tickets:request_detail", args=[ticket.reference]))
                    if ticket.requester_id else "",
                }),
                kind="tickets.request_reply",
                at=at,
                locale=ticket.locale,
            )
    Ticket.objects.filter(pk=ticket.pk).update(**changes)
    return message


@transaction.atomic
def ticket_update(*, ticket: Ticket, agent, status: str, priority: str, assignee, at: datetime) -> Ticket:
    """Change status, priority and assignee (agents only; the assignee must be an agent)."""
    _require_agent(agent)
    if status not in Ticket.Status.values:
        raise ValidationError(_("Unknown status."), code="invalid_status")
    if priority not in Ticket.Priority.values:
        raise ValidationError(_("Unknown priority."), code="invalid_priority")
    if assignee is not None and not is_agent(assignee):
        raise ValidationError(_("Tickets can only be assigned to agents."), code="assignee_not_agent")
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


def _open_ticket_of(post: Post) -> Ticket | None:
    return Ticket.objects.filter(post=post, status__in=OPEN_STATUSES).order_by("-created_at", "-pk").first()


@transaction.atomic
def post_escalate(*, post: Post, by, at: datetime, team: Team | None = None, note: str = "") -> Ticket:
    """Turn a community post into a ticket for its author (agents only).

    Idempotent: while the post has an open ticket (new, open or pending), that ticket is
    returned and no other is made; a note given again is added to it, so nothing typed is
    lost. The author is the requester, so the ticket appears under their "My requests".
    """
    _require_agent(by)
    note = note.strip()
    ticket = _open_ticket_of(post)
    if ticket is None:
        author = post.author
        try:
            # A savepoint: if another agent escalated the same post a moment ago, the
            # one_open_ticket_per_post constraint refuses this row and we return theirs.
            with transaction.atomic():
                ticket = Ticket.objects.create(
                    source=Ticket.Source.COMMUNITY_POST,
                    status=Ticket.Status.NEW,
                    team=team,
                    post=post,
                    requester=author,
                    requester_email=author.email,
                    requester_name=(author.get_full_name() or author.get_username())[:100],
                    subject=post.title[:200],
                    description=post.body,
                    # The author wrote in the post's language: the agent's language says nothing.
                    locale=post.locale,
                    created_at=at,
                    updated_at=at,
                )
        except IntegrityError:
            ticket = _open_ticket_of(post)
            if ticket is None:
                raise
        else:
            TicketMessage.objects.create(
                ticket=ticket, author=by, author_email=by.email, internal=True, by_agent=True, created_at=at,
                body=f"Escalated from the community post “{post.title}” by {by.get_username()}.",
            )
            if author.email:
                with email_language(ticket.locale):
                    queue_email(
                        to=author.email,
                        subject=_("Your question is now a support request — %(reference)s") % {
                            "reference": ticket.reference},
                        body=render_to_string("tickets/emails/post_escalated.txt", {
                            "ticket": ticket, "post_url": site_url(post.get_absolute_url()),
                            "url": site_url(reverse("tickets:request_detail", args=[ticket.reference])),
                        }),
                        kind="tickets.post_escalated",
                        at=at,
                        locale=ticket.locale,
                    )
    if note:
        TicketMessage.objects.create(ticket=ticket, author=by, author_email=by.email, body=note[:10000],
                                     internal=True, by_agent=True, created_at=at)
    return ticket
