"""The outbox keeps each email's language: it goes out with ``Content-Language`` and the
text rendered when it was queued, whatever language the worker that sends or retries it
runs under."""

from datetime import UTC, datetime, timedelta

from django.utils import translation

from kb import mail
from kb.models import OutgoingEmail

FAILING = "tests.kb_tests.email_backends.FailingEmailBackend"
T0 = datetime(2026, 6, 3, 17, 0, tzinfo=UTC)


def test_an_email_queued_under_a_language_goes_out_with_its_content_language(db, mailoutbox,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), mail.email_language("de"):
        mail.queue_email(to="robin@example.com", subject="Hallo", body="Text")
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "de"


def test_an_explicit_locale_wins_over_the_active_language(db):
    with translation.override("de"):
        email = mail.queue_email(to="robin@example.com", subject="Hola", body="Texto", locale="es-MX")
    assert email.headers["Content-Language"] == "es"


def test_an_unknown_locale_renders_in_the_default_language(db):
    with mail.email_language("xx"):
        assert translation.get_language() == "en"
    with mail.email_language(None):
        assert translation.get_language() == "en"


def test_a_retry_hours_later_under_another_language_sends_the_same_spanish_email(db, settings, mailoutbox):
    settings.EMAIL_BACKEND = FAILING
    with mail.email_language("es"):
        email = mail.queue_email(to="robin@example.com", subject="Hemos recibido su solicitud",
                                 body="Cuerpo", html_body="<p>Cuerpo</p>", at=T0)
    assert mail.email_send(email_id=email.pk, at=T0) == "retry"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with translation.override("en"):  # the worker that retries runs under English
        assert mail.send_due_emails(at=T0 + timedelta(hours=3))["sent"] == 1
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "es"
    assert (message.subject, message.body) == ("Hemos recibido su solicitud", "Cuerpo")
    assert OutgoingEmail.objects.get().status == "sent"
