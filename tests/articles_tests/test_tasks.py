"""Saving a notification event schedules its delivery after commit: once per transaction,
and with a queue that can wait, a second run when the digest batch is due."""

from datetime import timedelta

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from articles import services
from articles.models import NotificationEvent

pytestmark = pytest.mark.django_db

DELIVER = "articles.tasks.deliver_notifications"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.KB_NOTIFY_BATCH_SECONDS = 300


def test_one_transaction_with_many_events_enqueues_one_run_now_and_one_when_the_batch_is_due(
        database_queue, make_post, make_user, django_capture_on_commit_callbacks):
    post = make_post(author=make_user("ben"))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.comment_create(author=make_user("asha"), target=post, body="One.")
        services.comment_create(author=make_user("chloe"), target=post, body="Two.")
    assert NotificationEvent.objects.count() == 2
    now_run, later_run = DBTaskResult.objects.filter(task_path=DELIVER).order_by("run_after").values_list(
        "run_after", flat=True)
    assert later_run - now_run > timedelta(seconds=300)  # the batch window, and a second to spare


def test_nothing_is_scheduled_without_a_commit(database_queue, make_post, make_user,
                                                django_capture_on_commit_callbacks):
    post = make_post(author=make_user("ben"))
    with django_capture_on_commit_callbacks(execute=False):
        services.comment_create(author=make_user("asha"), target=post, body="One.")
        assert NotificationEvent.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=DELIVER).exists()
