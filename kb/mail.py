"""The email outbox: queue in the caller's transaction, send after commit, retry on failure.

Sending inline from a view means an SMTP error either rolls back the ticket that caused
the email or is swallowed and the email is lost. Instead :func:`queue_email` writes an
:class:`~kb.models.OutgoingEmail` row in the same transaction as the ticket and, on
commit, enqueues :func:`send_outgoing_email` (django-tasks). A failed send leaves the row
pending with ``attempts``, ``last_error`` and a backed-off ``next_attempt_at``;
``manage.py send_queued_email`` (run from cron, or ``--loop``) sends whatever is due.

Every email is written in its recipient's language: callers render the subject and both
parts inside :func:`email_language` (the locale stored on the record the email is about:
the ticket, the follow, the pending sign-up), so links reverse to that language's pages
(``/es/...``) and dates use its formats. The rendered text and a ``Content-Language``
header are stored on the row, so a retry hours later sends the same words whatever
language the worker runs under.

Each send first *claims* the row by pushing ``next_attempt_at`` forward in one UPDATE, so
a task and the command running at the same moment never send the same email twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django_tasks import task

from .i18n import current_locale, default_locale, normalize_locale
from .models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A claimed row is left alone this long; a worker that dies mid-send is retried after it.
CLAIM_SECONDS = 120


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failure, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def email_language(locale: str | None):
    """Context manager: render an email in ``locale`` (the default language when unknown)."""
    return translation.override(normalize_locale(locale) or default_locale())


def queue_email(
    *,
    to: list[str] | str,
    subject: str,
    body: str,
    html_body: str = "",
    from_email: str = "",
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    kind: str = "",
    at: datetime | None = None,
    locale: str | None = None,
) -> OutgoingEmail:
    """Write the email to the outbox now; send it once the surrounding transaction commits.

    ``locale`` is the language the email was rendered in (by default the active one, which
    inside :func:`email_language` is the recipient's); it goes out as ``Content-Language``.
    """
    headers = dict(headers or {})
    headers.setdefault("Content-Language", normalize_locale(locale) or current_locale())
    email = OutgoingEmail.objects.create(
        to=[to] if isinstance(to, str) else list(to),
        # Header injection is refused by Django at send time; refuse it here, loudly.
        subject=" ".join(subject.split())[:255],
        body=body,
        html_body=html_body,
        from_email=from_email,
        reply_to=list(reply_to or []),
        headers=headers,
        kind=kind,
        next_attempt_at=at or timezone.now(),
        created_at=at or timezone.now(),
    )
    # robust=True: a broken task queue must not turn a saved ticket into a 500 page; the
    # row stays pending and send_queued_email picks it up.
    transaction.on_commit(lambda: send_outgoing_email.enqueue(email.pk), robust=True)
    return email


def _claim(email_id: int, at: datetime) -> bool:
    return bool(
        OutgoingEmail.objects.filter(
            pk=email_id, status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=at
        ).update(next_attempt_at=at + timedelta(seconds=CLAIM_SECONDS))
    )


def _message(email: OutgoingEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        reply_to=email.reply_to or None,
        headers=email.headers or None,
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def email_send(*, email_id: int, at: datetime, connection=None) -> str:
    """Try to send one due email once; returns "sent", "retry", "failed" or "skipped"."""
    if not _claim(email_id, at):
        return "skipped"
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _message(email, connection or get_connection()).send()
    except Exception as exc:  # noqa: BLE001 — any backend error: keep the row and retry later
        attempts = email.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS
        OutgoingEmail.objects.filter(pk=email_id).update(
            attempts=F("attempts") + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=at + backoff(attempts),
            status=OutgoingEmail.Status.FAILED if gave_up else OutgoingEmail.Status.PENDING,
        )
        logger.warning("Email %s to %s failed (attempt %s): %s", email_id, email.to, attempts, exc)
        return "failed" if gave_up else "retry"
    OutgoingEmail.objects.filter(pk=email_id).update(
        attempts=F("attempts") + 1, status=OutgoingEmail.Status.SENT, sent_at=at, last_error=""
    )
    return "sent"


def send_due_emails(*, at: datetime, limit: int = 200) -> dict[str, int]:
    """Send every pending email whose next attempt is due; returns counts by outcome."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    due = list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=at)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not due:
        return counts
    connection = get_connection()
    for email_id in due:
        counts[email_send(email_id=email_id, at=at, connection=connection)] += 1
    return counts


@task()
def send_outgoing_email(email_id: int) -> str:
    """Background task: send one queued email now (failures stay queued for retry)."""
    return email_send(email_id=email_id, at=timezone.now())


def absolute_url(path: str) -> str:
    """An absolute link for an email, on the site's public address (``KB_SITE_URL``)."""
    return settings.KB_SITE_URL + path
