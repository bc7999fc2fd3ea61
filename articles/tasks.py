"""Background work for follower notifications (django-tasks).

Scheduled after commit whenever a :class:`~articles.models.NotificationEvent` is saved
(:func:`event_saved`, a ``post_save`` receiver connected in ``ArticlesConfig.ready()``);
with the immediate backend it runs in-process right after the commit, with the database
backend in the worker. ``manage.py send_notifications`` does the same from cron.

The dependency goes one way: this module calls :mod:`articles.notifications`, which writes
the event and knows nothing of tasks.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django_tasks import task

from kb import clock

from .notifications import batch_window, notifications_deliver

logger = logging.getLogger(__name__)


@task()
def deliver_notifications() -> dict:
    """Fan out new notification events and queue the digests that are due."""
    try:
        return notifications_deliver(at=clock.now())
    except Exception:
        # Never fail the request that enqueued us (immediate backend): the events stay
        # pending and the next run, or send_notifications, delivers them.
        logger.exception("Delivering follower notifications failed")
        return {"notifications": 0, "emails": 0}


def event_saved(sender, instance, created, raw=False, using=None, **kwargs) -> None:
    """``post_save`` of NotificationEvent: deliver after commit, once per transaction."""
    if not created or raw:
        return
    # One delivery per transaction, however many events it recorded (an import): every
    # event registers a cheap callback, and the first to run takes the flag.
    transaction.get_connection(using)._kb_notify_pending = True
    # robust=True: a broken task queue must not turn a saved comment into a 500 page;
    # the event stays pending and ``send_notifications`` picks it up.
    transaction.on_commit(lambda: delivery_schedule(using=using), using=using, robust=True)


def delivery_schedule(*, using=None) -> None:
    """The on_commit callback: enqueue the delivery task (see module docstring)."""
    connection = transaction.get_connection(using)
    if not getattr(connection, "_kb_notify_pending", False):
        return
    connection._kb_notify_pending = False

    backend = deliver_notifications.get_backend()
    if backend.supports_defer:
        # A queue that can wait (the database backend): one run when the batch is due.
        # The run now fans out, so nothing depends on a worker that sleeps.
        deliver_notifications.enqueue()
        deliver_notifications.using(
            run_after=clock.now() + batch_window() + timedelta(seconds=1)
        ).enqueue()
    else:
        # The immediate backend (development): fan out and send whatever is already due.
        deliver_notifications.enqueue()


def connect() -> None:
    from django.db.models.signals import post_save

    from .models import NotificationEvent

    post_save.connect(event_saved, sender=NotificationEvent, dispatch_uid="articles-notification-delivery")
