"""The outbox: emails are queued with the work that caused them, sent after commit,
and retried with backoff when the mail server fails."""

from datetime import UTC, datetime, timedelta

from django.core.management import call_command
from django.db import transaction

from kb import mail
from kb.models import OutgoingEmail

FAILING = "tests.kb_tests.email_backends.FailingEmailBackend"
T0 = datetime(2026, 6, 3, 17, 0, tzinfo=UTC)


def test_a_queued_email_is_sent_after_commit(db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = mail.queue_email(to="robin@example.com", subject="Hello", body="Body", kind="test")
        assert mailoutbox == []  # nothing leaves before commit
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 1
    assert [m.to for m in mailoutbox] == [["robin@example.com"]]


def test_a_rolled_back_transaction_sends_nothing_and_leaves_no_row(db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                mail.queue_email(to="robin@example.com", subject="Hello", body="Body")
                raise RuntimeError("the ticket failed")
        except RuntimeError:
            pass
    assert not OutgoingEmail.objects.exists() and mailoutbox == []


def test_a_failed_send_stays_pending_with_the_error_and_a_backoff(db, settings):
    settings.EMAIL_BACKEND = FAILING
    email = mail.queue_email(to="robin@example.com", subject="Hello", body="Body", at=T0)
    assert mail.email_send(email_id=email.pk, at=T0) == "retry"
    email.refresh_from_db()
    assert email.status == "pending" and email.attempts == 1
    assert "mail server unavailable" in email.last_error
    assert email.next_attempt_at == T0 + timedelta(minutes=1)
    # Not due yet: a second run a few seconds later leaves it alone.
    assert mail.send_due_emails(at=T0 + timedelta(seconds=5))["retry"] == 0
    assert mail.email_send(email_id=email.pk, at=T0 + timedelta(minutes=1)) == "retry"
    email.refresh_from_db()
    assert email.next_attempt_at == T0 + timedelta(minutes=1) + timedelta(minutes=2)


def test_the_outbox_gives_up_after_the_last_attempt(db, settings):
    settings.EMAIL_BACKEND = FAILING
    email = mail.queue_email(to="robin@example.com", subject="Hello", body="Body", at=T0)
    at = T0
    for _ in range(mail.MAX_ATTEMPTS):
        mail.email_send(email_id=email.pk, at=at)
        at += timedelta(days=1)
    email.refresh_from_db()
    assert email.status == "failed" and email.attempts == mail.MAX_ATTEMPTS


def test_a_claimed_email_is_not_sent_twice(db, mailoutbox):
    email = mail.queue_email(to="robin@example.com", subject="Hello", body="Body", at=T0)
    assert mail._claim(email.pk, T0)
    assert mail.email_send(email_id=email.pk, at=T0) == "skipped"
    assert mailoutbox == []


def test_send_queued_email_command_sends_what_is_due(db, settings, mailoutbox):
    settings.EMAIL_BACKEND = FAILING
    email = mail.queue_email(to="robin@example.com", subject="Hello", body="Body", at=T0)
    mail.email_send(email_id=email.pk, at=T0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_queued_email")  # real clock: long after T0
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2 and email.last_error == ""
    assert len(mailoutbox) == 1


def test_header_injection_in_a_subject_is_flattened(db):
    email = mail.queue_email(to="robin@example.com", subject="Hi\r\nBcc: x@example.com", body="Body")
    assert "\n" not in email.subject and "\r" not in email.subject
