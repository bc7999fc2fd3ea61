"""manage.py housekeeping: old bookkeeping goes, anything pending, recent or referenced stays.

kb prunes its own rows and the apps register theirs (kb.housekeeping is a registry); these
tests run the whole site's set, as the command does."""

import os
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Notification, NotificationEvent
from articles.tasks import deliver_notifications
from kb import housekeeping, storage
from kb.housekeeping import RETENTION_DAYS, housekeeping_run
from kb.models import OutgoingEmail
from tickets.models import Ticket, TicketAttachment

pytestmark = pytest.mark.django_db

NOW = timezone.now()
OLD = NOW - timedelta(days=RETENTION_DAYS + 5)
RECENT = NOW - timedelta(days=3)


def email(status, *, at, sent=False):
    return OutgoingEmail.objects.create(to=["a@example.com"], subject="s", body="b", status=status,
                                        created_at=at, sent_at=at if sent else None)


@pytest.fixture
def mail_rows():
    return {
        "old sent": email(OutgoingEmail.Status.SENT, at=OLD, sent=True),
        "old failed": email(OutgoingEmail.Status.FAILED, at=OLD),
        "old pending": email(OutgoingEmail.Status.PENDING, at=OLD),  # still being retried: kept
        "recent sent": email(OutgoingEmail.Status.SENT, at=RECENT, sent=True),
    }


@pytest.fixture
def notification_rows(make_post, customer):
    post = make_post()

    def event(*, fanned_out):
        return NotificationEvent.objects.create(kind=NotificationEvent.Kind.COMMENT, post=post, actor=customer,
                                                created_at=fanned_out, fanned_out_at=fanned_out)

    done, waiting, recent = event(fanned_out=OLD), event(fanned_out=OLD), event(fanned_out=RECENT)
    rows = {
        "done sent": Notification.objects.create(event=done, email="x@example.com", via="post", created_at=OLD,
                                                 sent_at=OLD),
        "waiting sent": Notification.objects.create(event=waiting, email="x@example.com", via="post",
                                                    created_at=OLD, sent_at=OLD),
        # Its digest has not gone yet: the notification and its event stay.
        "waiting pending": Notification.objects.create(event=waiting, email="y@example.com", via="post",
                                                       created_at=OLD),
        "recent sent": Notification.objects.create(event=recent, email="x@example.com", via="post",
                                                   created_at=RECENT, sent_at=RECENT),
    }
    return {"events": {"done": done, "waiting": waiting, "recent": recent}, "notifications": rows}


@pytest.fixture
def task_rows(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old, recent, queued = (deliver_notifications.enqueue() for _ in range(3))
    DBTaskResult.objects.filter(pk=old.id).update(status="SUCCESSFUL", finished_at=OLD)
    DBTaskResult.objects.filter(pk=recent.id).update(status="SUCCESSFUL", finished_at=RECENT)
    return {"old": old.id, "recent": recent.id, "queued": queued.id}


@pytest.fixture
def attachment_files(customer):
    files_storage = storage.private_storage()
    ticket = Ticket.objects.create(source=Ticket.Source.REQUEST_FORM, requester_email="a@example.com",
                                   subject="s", description="d", created_at=NOW, updated_at=NOW)
    files = {}
    for name, age, referenced in (("orphan-old", OLD, False), ("orphan-new", NOW, False),
                                  ("kept-old", OLD, True)):
        path = Path(files_storage.path(files_storage.save(name, ContentFile(b"%PDF-1.4"))))
        os.utime(path, (age.timestamp(), age.timestamp()))
        if referenced:
            TicketAttachment.objects.create(ticket=ticket, stored_name=name, original_name="a.pdf",
                                            content_type="application/pdf", size=8, created_at=age)
        files[name] = path
    return files


def test_old_done_rows_go_and_everything_pending_recent_or_referenced_stays(
        mail_rows, notification_rows, task_rows, attachment_files):
    pruned = housekeeping_run(now=NOW)

    assert pruned.counts == {"emails": 2, "task_results": 1, "pending_signups": 0, "notifications": 2, "events": 1,
                             "attachment_files": 1, "loose_article_attachments": 0, "article_attachment_files": 0}
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {
        mail_rows["old pending"].pk, mail_rows["recent sent"].pk}
    notifications = notification_rows["notifications"]
    assert set(Notification.objects.values_list("pk", flat=True)) == {
        notifications["waiting pending"].pk, notifications["recent sent"].pk}
    events = notification_rows["events"]
    assert set(NotificationEvent.objects.values_list("pk", flat=True)) == {events["waiting"].pk, events["recent"].pk}
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {task_rows["recent"], task_rows["queued"]}
    assert {name for name, path in attachment_files.items() if path.exists()} == {"orphan-new", "kept-old"}

    assert str(housekeeping_run(now=NOW)) == ("0 emails, 0 task results, 0 expired sign-ups, 0 notifications, "
                                              "0 notification events, 0 orphan attachment files, "
                                              "0 unassociated article attachments, 0 orphan article attachment files")


def test_the_command_dry_run_counts_and_deletes_nothing(mail_rows, notification_rows, attachment_files):
    out = StringIO()
    call_command("housekeeping", "--dry-run", stdout=out)
    assert out.getvalue().strip() == ("Would delete 2 emails, 0 task results, 0 expired sign-ups, 2 notifications, "
                                      "1 notification events, 1 orphan attachment files, "
                                      "0 unassociated article attachments, 0 orphan article attachment files.")
    assert OutgoingEmail.objects.count() == 4
    assert all(path.exists() for path in attachment_files.values())

    out = StringIO()
    call_command("housekeeping", "--days", "1", stdout=out)  # the recent rows are 3 days old
    assert out.getvalue().startswith("Deleted 3 emails, 0 task results, 0 expired sign-ups, 3 notifications, 2 notification events")
    assert list(OutgoingEmail.objects.values_list("status", flat=True)) == [OutgoingEmail.Status.PENDING]


def test_kb_prunes_its_own_rows_and_every_app_registers_what_it_writes():
    """The report's order is the order of registration: kb's own, then the apps' in
    INSTALLED_APPS order."""
    assert [(p.name, p.label) for p in housekeeping.pruners()] == [
        ("emails", "emails"), ("task_results", "task results"), ("pending_signups", "expired sign-ups"),
        ("notifications", "notifications"), ("events", "notification events"),
        ("attachment_files", "orphan attachment files"),
        ("loose_article_attachments", "unassociated article attachments"),
        ("article_attachment_files", "orphan article attachment files"),
    ]


def test_a_registered_pruner_gets_the_cutoff_the_moment_and_dry_run_and_is_reported_by_its_label(monkeypatch):
    monkeypatch.setattr(housekeeping, "_pruners", {})
    calls = []

    def widgets_prune(**kwargs):
        calls.append(kwargs)
        return 4

    housekeeping.register("widgets", "stale widgets", widgets_prune)
    housekeeping.register("widgets", "stale widgets", widgets_prune)  # ready() twice: still one
    assert str(housekeeping_run(now=NOW, days=10, dry_run=True)) == "4 stale widgets"
    assert calls == [{"cutoff": NOW - timedelta(days=10), "now": NOW, "dry_run": True}]
