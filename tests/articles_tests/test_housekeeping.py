"""Housekeeping of the articles app: delivered notifications go, pending ones survive and
are still delivered (the registry and the command: tests/kb_tests/test_housekeeping.py)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import NotificationEvent
from articles.tasks import deliver_notifications
from kb.housekeeping import RETENTION_DAYS, housekeeping_run

pytestmark = pytest.mark.django_db

NOW = timezone.now()
OLD = NOW - timedelta(days=RETENTION_DAYS + 5)


def test_a_pending_notification_survives_and_is_still_delivered(make_post, customer, agent, settings,
                                                                  django_capture_on_commit_callbacks, mailoutbox):
    """Housekeeping in the middle of a digest window loses nobody's email."""
    settings.KB_NOTIFY_BATCH_SECONDS = 0
    post = make_post(author=customer)
    services.comment_create(author=agent, target=post, body="Here is how.")
    NotificationEvent.objects.update(created_at=OLD)
    housekeeping_run(now=NOW + timedelta(days=RETENTION_DAYS + 1))
    with django_capture_on_commit_callbacks(execute=True):
        deliver_notifications.call()
    call_command("send_queued_email", stdout=StringIO())
    assert [m.to for m in mailoutbox] == [[customer.email]]
