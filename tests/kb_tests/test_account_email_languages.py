"""Sign-up and password reset emails are in the language of the page they were asked on,
although a background task writes them later, under no request's language."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from kb.accounts import services
from kb.models import OutgoingEmail, PendingSignUp
from tests import email_languages
from tests.email_languages import in_language, visiting_in

rendered_in = email_languages.rendered_in  # the fixture, for this module's tests
SITE = "https://help.lumora.example"
PASSWORD = "a-new-Lumora-pass-77"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.KB_SITE_URL = SITE


def later_under_english(callbacks):
    """Run what the request left for after commit (the tasks, then the outbox) under English."""
    with translation.override("en"):
        for callback in callbacks:
            callback()


def test_a_sign_up_in_spanish_is_confirmed_in_spanish_when_the_task_runs_later_under_english(
        client, db, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    with visiting_in("es"), django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("accounts:signup"), {"username": "lucia", "email": "lucia@example.com",
                                                            "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    pending = PendingSignUp.objects.get()
    assert pending.locale == "es"
    assert mailoutbox == [] and rendered_in == {}  # nothing written before the task runs

    with django_capture_on_commit_callbacks(execute=True):
        later_under_english(callbacks)
    assert rendered_in == {"registration/signup_confirm_email.txt": ["es"]}
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "es"
    # The token is signed with the time it was made: read it from the email, not remade here.
    token = re.search(r"/signup/confirm/([^/\s]+)/\n", message.body).group(1)
    assert services.signup_read(token) == pending
    link = in_language("es", lambda: reverse("accounts:signup_confirm", kwargs={"token": token}))
    assert f"{SITE}{link}\n" in message.body  # /es/accounts/signup/confirm/... once locale URLs exist


def test_a_sign_up_in_german_for_a_registered_address_is_told_so_in_german(
        customer, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_request(username="someone", email=customer.email, password=PASSWORD, locale="de")
    assert rendered_in == {"registration/signup_existing_email.txt": ["de"]}
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "de"
    assert f"{SITE}{in_language('de', lambda: reverse('accounts:password_reset'))}\n" in message.body


def test_a_password_reset_asked_in_german_is_written_in_german(
        client, customer, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    with visiting_in("de"), django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("accounts:password_reset"), {"email": customer.email})
    with django_capture_on_commit_callbacks(execute=True):
        later_under_english(callbacks)
    assert rendered_in == {"registration/password_reset_subject.txt": ["de"],
                           "registration/password_reset_email.txt": ["de"]}
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "de"
    uid, token = re.search(r"/reset/([^/\s]+)/([^/\s]+)/\n", message.body).groups()
    link = in_language("de", lambda: reverse("accounts:password_reset_confirm",
                                             kwargs={"uidb64": uid, "token": token}))
    assert f"{SITE}{link}\n" in message.body  # /de/accounts/reset/... once locale URLs exist
    assert OutgoingEmail.objects.get().kind == "accounts.password_reset"


def test_an_english_sign_up_stays_english(client, db, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    with visiting_in("en"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), {"username": "emma", "email": "emma@example.com",
                                                 "password1": PASSWORD, "password2": PASSWORD})
    assert rendered_in == {"registration/signup_confirm_email.txt": ["en"]}
    assert mailoutbox[0].extra_headers["Content-Language"] == "en"
    assert "Confirm your" in mailoutbox[0].subject
