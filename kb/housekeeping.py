"""Removing bookkeeping the site wrote once it is no longer needed: a registry of pruners.

Every follower email leaves a NotificationEvent, a Notification per follower and an
OutgoingEmail; every background job leaves a task result row; a request whose transaction
rolled back can leave its attachment's file on disk (files are written before the commit,
and nothing points to them). None of it is ever read again after a while, and none of it
was pruned: a busy help center grew these tables by the million.

kb prunes its own rows (sent and failed emails, finished task results, expired sign-ups); each app registers
what it writes from its ``AppConfig.ready()`` (articles: notifications and notification
events; tickets: orphan attachment files; api: loose article attachments and orphan
article attachment files) with :func:`register`, so kb imports no app. A pruner is a
function ``(*, cutoff, now, dry_run) -> int``: it deletes (or with ``dry_run`` only counts)
what it owns that is done with and older than ``cutoff``, and returns how many.

What is kept: anything still pending (an email not sent yet, a notification waiting for its
digest, an event not fanned out), failed emails for ``days`` (they are how an operator sees
a mail problem), everything younger than ``days``, and every file a ticket points to. Help
content, tickets, comments and analytics are never touched.

Run by ``manage.py housekeeping`` (``bin/serve`` runs it at start; run it daily from cron on
a server that stays up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet

#: Days bookkeeping rows are kept after they were last needed.
RETENTION_DAYS = 90

#: ``(*, cutoff, now, dry_run) -> int``: see the module docstring.
PruneFunction = Callable[..., int]


@dataclass(frozen=True)
class Pruner:
    name: str  # the key of its count ("emails")
    label: str  # what the count is of, in the command's report ("notification events")
    function: PruneFunction


_pruners: dict[str, Pruner] = {}


def register(name: str, label: str, function: PruneFunction) -> None:
    """Have ``housekeeping_run`` call ``function``; reported as "<count> <label>", in the
    order of registration. Registering a name again replaces it (``ready()`` may run twice)."""
    _pruners[name] = Pruner(name=name, label=label, function=function)


def pruners() -> list[Pruner]:
    return list(_pruners.values())


@dataclass
class Pruned:
    """How many of each registered kind went (or, with ``dry_run``, would go)."""

    counts: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def __str__(self):
        return ", ".join(f"{count} {self.labels[name]}" for name, count in self.counts.items())


def housekeeping_run(*, now: datetime, days: int = RETENTION_DAYS, dry_run: bool = False) -> Pruned:
    """Delete (or with ``dry_run`` only count) what is older than ``days`` and done with."""
    cutoff = now - timedelta(days=days)
    pruned = Pruned()
    for pruner in pruners():
        pruned.labels[pruner.name] = pruner.label
        pruned.counts[pruner.name] = pruner.function(cutoff=cutoff, now=now, dry_run=dry_run)
    return pruned


def queryset_prune(queryset: QuerySet, *, dry_run: bool) -> int:
    """Count, or delete, the rows of ``queryset``: the body of most pruners."""
    if dry_run:
        return queryset.count()
    with transaction.atomic():
        # Only the rows of this model (cascades are counted by their own pruner).
        return queryset.delete()[1].get(queryset.model._meta.label, 0)


def emails_prune(*, cutoff: datetime, dry_run: bool, **_) -> int:
    """Sent emails, and failed ones (kept ``days`` for the operator to see)."""
    from .models import OutgoingEmail

    return queryset_prune(OutgoingEmail.objects.filter(
        Q(status=OutgoingEmail.Status.SENT, sent_at__lt=cutoff)
        | Q(status=OutgoingEmail.Status.FAILED, created_at__lt=cutoff)
    ), dry_run=dry_run)


def task_results_prune(*, cutoff: datetime, dry_run: bool, **_) -> int:
    """Finished rows of the database task backend (django-tasks-db), when it is installed."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend keeps no rows here
        return 0
    return queryset_prune(DBTaskResult.objects.finished().filter(finished_at__lt=cutoff), dry_run=dry_run)


def pending_signups_prune(*, now: datetime, dry_run: bool, **_) -> int:
    """Sign-ups never confirmed, once their link has expired: they hold a password hash, so
    they are kept no longer than needed, whatever the retention of other bookkeeping."""
    from .accounts.services import SIGNUP_MAX_AGE
    from .models import PendingSignUp

    return queryset_prune(PendingSignUp.objects.filter(created_at__lt=now - SIGNUP_MAX_AGE), dry_run=dry_run)


def register_own() -> None:
    """kb's own pruners (called from ``KbConfig.ready()``, before the apps register theirs)."""
    register("emails", "emails", emails_prune)
    register("task_results", "task results", task_results_prune)
    register("pending_signups", "expired sign-ups", pending_signups_prune)
