"""What ``manage.py housekeeping`` prunes of the articles app (registered with
:mod:`kb.housekeeping` in ``ArticlesConfig.ready()``): delivered follower notifications and
the events they came from."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef

from kb import housekeeping

from .models import Notification, NotificationEvent


def notifications_prune(*, cutoff: datetime, dry_run: bool, **_) -> int:
    """Notifications included in a digest before ``cutoff`` (pending ones stay)."""
    return housekeeping.queryset_prune(Notification.objects.filter(sent_at__lt=cutoff), dry_run=dry_run)


def notification_events_prune(*, cutoff: datetime, dry_run: bool, **_) -> int:
    """Events fanned out before ``cutoff`` with no notification still waiting for its digest."""
    return housekeeping.queryset_prune(
        NotificationEvent.objects.filter(fanned_out_at__lt=cutoff).exclude(
            Exists(Notification.objects.filter(event=OuterRef("pk"), sent_at__isnull=True))
        ),
        dry_run=dry_run,
    )


def register() -> None:
    # Notifications first: an event goes only once none of its notifications waits.
    housekeeping.register("notifications", "notifications", notifications_prune)
    housekeeping.register("events", "notification events", notification_events_prune)
