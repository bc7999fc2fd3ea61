"""Removing what kb wrote for its own bookkeeping once it is no longer needed.

Every follower email leaves a NotificationEvent, a Notification per follower and an
OutgoingEmail; every background job leaves a task result row; a request whose transaction
rolled back can leave its attachment's file on disk (files are written before the commit,
and nothing points to them). None of it is ever read again after a while, and none of it
was pruned: a busy help center grew these tables by the million.

What is kept: anything still pending (an email not sent yet, a notification waiting for its
digest, an event not fanned out), failed emails for ``days`` (they are how an operator sees
a mail problem), everything younger than ``days``, and every file a ticket points to. Help
content, tickets, comments and analytics are never touched.

Run by ``manage.py housekeeping`` (``bin/serve`` runs it at start; run it daily from cron on
a server that stays up).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

#: Days bookkeeping rows are kept after they were last needed.
RETENTION_DAYS = 90
#: Age of an unreferenced attachment file before it counts as an orphan: a request being
#: saved right now has written its file but not committed its row yet.
ORPHAN_GRACE = timedelta(days=1)


@dataclass
class Pruned:
    emails: int = 0
    notifications: int = 0
    events: int = 0
    task_results: int = 0
    attachment_files: int = 0

    def __str__(self):
        return (f"{self.emails} emails, {self.notifications} notifications, {self.events} "
                f"notification events, {self.task_results} task results, "
                f"{self.attachment_files} orphan attachment files")


def housekeeping_run(*, now: datetime, days: int = RETENTION_DAYS, dry_run: bool = False) -> Pruned:
    """Delete (or with ``dry_run`` only count) what is older than ``days`` and done with."""
    from articles.models import Notification, NotificationEvent
    from kb.models import OutgoingEmail

    cutoff = now - timedelta(days=days)
    pruned = Pruned()
    querysets = {
        "emails": OutgoingEmail.objects.filter(
            Q(status=OutgoingEmail.Status.SENT, sent_at__lt=cutoff)
            | Q(status=OutgoingEmail.Status.FAILED, created_at__lt=cutoff)
        ),
        "notifications": Notification.objects.filter(sent_at__lt=cutoff),
        # Fanned out long ago and with no notification still waiting for its digest.
        "events": NotificationEvent.objects.filter(fanned_out_at__lt=cutoff).exclude(
            Exists(Notification.objects.filter(event=OuterRef("pk"), sent_at__isnull=True))
        ),
        "task_results": _finished_task_results(cutoff),
    }
    for name, queryset in querysets.items():
        if queryset is None:
            continue
        if dry_run:
            setattr(pruned, name, queryset.count())
        else:
            with transaction.atomic():
                # Only the rows of this model (cascades are counted by their own line).
                setattr(pruned, name, queryset.delete()[1].get(queryset.model._meta.label, 0))
    pruned.attachment_files = _prune_orphan_attachments(now=now, dry_run=dry_run)
    return pruned


def _finished_task_results(cutoff: datetime):
    """Finished rows of the database task backend (django-tasks-db), when it is installed."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend keeps no rows here
        return None
    return DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)


def _prune_orphan_attachments(*, now: datetime, dry_run: bool) -> int:
    from tickets.models import TicketAttachment
    from tickets.services.requests import attachments_dir

    folder = attachments_dir()
    if not folder.is_dir():
        return 0
    # Listed before the rows are read: a file written after this listing is never seen,
    # and one written before it is old enough only past the grace period.
    oldest = now.timestamp() - ORPHAN_GRACE.total_seconds()
    candidates = [entry for entry in os.scandir(folder)
                  if entry.is_file() and entry.stat().st_mtime < min(oldest, time.time())]
    if not candidates:
        return 0
    referenced = set(TicketAttachment.objects.filter(stored_name__in=[e.name for e in candidates])
                     .values_list("stored_name", flat=True))
    orphans = [entry for entry in candidates if entry.name not in referenced]
    if not dry_run:
        for entry in orphans:
            try:
                os.unlink(entry.path)
            except FileNotFoundError:
                pass
    return len(orphans)
