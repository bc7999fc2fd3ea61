"""Background work for follower notifications (django-tasks).

Enqueued after commit by ``articles.notifications.event_record``; with the immediate
backend it runs in-process right after the commit, with the database backend in the
worker. ``manage.py send_notifications`` does the same from cron.
"""

import logging

from django_tasks import task

from kb import clock

logger = logging.getLogger(__name__)


@task()
def deliver_notifications() -> dict:
    """Fan out new notification events and queue the digests that are due."""
    from .notifications import notifications_deliver

    try:
        return notifications_deliver(at=clock.now())
    except Exception:
        # Never fail the request that enqueued us (immediate backend): the events stay
        # pending and the next run, or send_notifications, delivers them.
        logger.exception("Delivering follower notifications failed")
        return {"notifications": 0, "emails": 0}
