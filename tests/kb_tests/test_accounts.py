"""Sign-up and password reset by email (kb.accounts): no answer tells whether an address
has an account, every email goes through the outbox, links are on KB_SITE_URL."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb.housekeeping import housekeeping_run
from kb.models import OutgoingEmail, PendingSignUp

NEW_PASSWORD = "a-new-Lumora-pass-77"
SIGNUP = reverse("accounts:signup")
RESET = reverse("accounts:password_reset")
SITE = "https://help.lumora.example"
CONFIRM_LINK = re.compile(re.escape(SITE) + r"(/accounts/signup/confirm/[^/\s]+/)")
RESET_LINK = re.compile(re.escape(SITE) + r"(/accounts/reset/[^/\s]+/[^/\s]+/)")
FAILING = "tests.kb_tests.email_backends.FailingEmailBackend"
T0 = datetime(2026, 4, 7, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.KB_SITE_URL = SITE


@pytest.fixture
def sent(mailoutbox, django_capture_on_commit_callbacks):
    """Run a request and the background work it leaves (tasks, then the outbox) to the end."""

    def run(request, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(*args, **kwargs)

    return run


def sign_up(client, username, email, **extra):
    return client.post(SIGNUP, {"username": username, "email": email,
                                "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **extra})


def users_named(username):
    return get_user_model().objects.filter(username=username)


def test_sign_up_mails_a_link_that_creates_the_account_and_signs_its_owner_in(client, db, sent, mailoutbox):
    response = sent(sign_up, client, "newreader", "New.Reader@Example.COM", next="/community/")
    assert response.status_code == 302 and response.url == reverse("accounts:signup_sent")
    assert "Check your email" in client.get(response.url).content.decode()
    assert not users_named("newreader").exists()  # not before the address is confirmed
    assert "_auth_user_id" not in client.session

    [message] = mailoutbox
    assert message.to == ["New.Reader@example.com"]
    assert OutgoingEmail.objects.get().kind == "accounts.signup_confirm"
    link = CONFIRM_LINK.search(message.body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and 'value="newreader"' in page.content.decode()
    assert not users_named("newreader").exists()  # a mail scanner following the link creates nothing

    response = client.post(link, {"username": "newreader"})
    assert response.status_code == 302 and response.url == "/community/"
    user = users_named("newreader").get()
    assert user.email == "New.Reader@example.com" and user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not PendingSignUp.objects.exists()
    assert client.get(link).status_code == 400  # used once


def test_a_registered_address_gets_the_same_answer_and_its_owner_an_email(db, customer, sent, mailoutbox):
    new = sent(sign_up, Client(), "someone_new", "fresh@example.com")
    mailoutbox.clear()
    registered = sent(sign_up, Client(), "someone_else", customer.email.upper())

    assert (registered.status_code, registered.url) == (new.status_code, new.url)
    assert registered.content == new.content
    assert not users_named("someone_else").exists()
    [message] = mailoutbox
    assert [address.lower() for address in message.to] == [customer.email]  # the same mailbox
    assert "tried to sign up" in message.subject
    assert customer.username in message.body
    assert f"{SITE}/accounts/login/" in message.body and f"{SITE}/accounts/password-reset/" in message.body
    assert CONFIRM_LINK.search(message.body) is None
    assert OutgoingEmail.objects.filter(kind="accounts.signup_existing").count() == 1
    assert list(PendingSignUp.objects.values_list("username", flat=True)) == ["someone_new"]


def test_a_pending_sign_up_reserves_no_username(client, db, customer, sent):
    """Otherwise "is this username taken now?" would tell which address had an account."""
    sent(sign_up, client, "probe_name", customer.email)
    sent(sign_up, client, "probe_other", "free@example.com")
    assert sign_up(Client(), "probe_name", "third@example.com").status_code == 302
    assert sign_up(Client(), "probe_other", "fourth@example.com").status_code == 302


def test_a_taken_username_is_said_because_usernames_are_public(client, customer):
    response = sign_up(client, customer.username.upper(), "other@example.com")
    assert response.status_code == 200
    assert "A user with that username already exists" in response.content.decode()
    assert not PendingSignUp.objects.exists()


def test_a_username_taken_meanwhile_can_be_changed_when_confirming(client, db, make_user, sent, mailoutbox):
    sent(sign_up, client, "popular", "late@example.com")
    link = CONFIRM_LINK.search(mailoutbox[-1].body).group(1)
    make_user("Popular")
    refused = client.post(link, {"username": "popular"})
    assert refused.status_code == 200
    assert "Someone took this username meanwhile" in refused.content.decode()
    assert client.post(link, {"username": "popular_too"}).status_code == 302
    assert users_named("popular_too").get().email == "late@example.com"


def test_two_sign_ups_for_one_address_make_one_account(client, db, sent, mailoutbox):
    sent(sign_up, client, "twin_one", "twin@example.com")
    sent(sign_up, client, "twin_two", "TWIN@example.com")
    first, second = (CONFIRM_LINK.search(m.body).group(1) for m in mailoutbox)
    assert client.post(second, {"username": "twin_two"}).status_code == 302
    assert client.get(first).status_code == 400  # the other sign-up went with the account
    assert list(get_user_model().objects.filter(email__iexact="twin@example.com")
                .values_list("username", flat=True)) == ["twin_two"]


def test_an_offsite_next_is_not_followed_after_confirming(client, db, sent, mailoutbox):
    sent(sign_up, client, "carefulreader", "careful@example.com", next="https://evil.example/")
    link = CONFIRM_LINK.search(mailoutbox[-1].body).group(1)
    response = client.post(link, {"username": "carefulreader"})
    assert response.status_code == 302 and response.url == reverse("articles:home")


def test_a_forged_or_expired_confirmation_link_is_refused(client, db, sent, mailoutbox, monkeypatch):
    assert client.get(reverse("accounts:signup_confirm", kwargs={"token": "forged"})).status_code == 400
    sent(sign_up, client, "slowpoke", "slow@example.com")
    link = CONFIRM_LINK.search(mailoutbox[-1].body).group(1)
    monkeypatch.setattr("kb.accounts.services.SIGNUP_MAX_AGE", timedelta(seconds=-1))  # past its age
    assert client.get(link).status_code == 400
    assert client.post(link, {"username": "slowpoke"}).status_code == 400
    assert not users_named("slowpoke").exists()


def test_unconfirmed_sign_ups_are_pruned_once_their_link_expired(db):
    PendingSignUp.objects.create(username="old", email="old@example.com", password="x",
                                 created_at=T0 - timedelta(days=4))
    PendingSignUp.objects.create(username="new", email="new@example.com", password="x",
                                 created_at=T0 - timedelta(days=1))
    assert housekeeping_run(now=T0).counts["pending_signups"] == 1
    assert list(PendingSignUp.objects.values_list("username", flat=True)) == ["new"]


def test_the_pending_sign_up_holds_a_password_hash_not_the_password(client, db):
    sign_up(client, "hashed", "hashed@example.com")
    stored = PendingSignUp.objects.get().password
    assert NEW_PASSWORD not in stored and stored.startswith("md5$")  # the tests' hasher


# --- Password reset -------------------------------------------------------------------------


def test_password_reset_link_is_on_the_site_url_whatever_the_host_header(client, customer, sent, mailoutbox,
                                                                         settings):
    settings.ALLOWED_HOSTS = ["*"]  # a lax deployment: the Host header reaches the view
    response = sent(client.post, RESET, {"email": customer.email.upper()}, HTTP_HOST="evil.example")
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    [message] = mailoutbox
    assert message.to == [customer.email]
    assert "evil.example" not in message.body
    link = RESET_LINK.search(message.body).group(1)
    assert OutgoingEmail.objects.get().kind == "accounts.password_reset"

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(form_page.redirect_chain[-1][0],
                           {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_complete")
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)


def test_password_reset_answers_alike_for_an_unknown_address_and_sends_nothing(db, customer, sent, mailoutbox):
    known = sent(Client().post, RESET, {"email": customer.email})
    unknown = sent(Client().post, RESET, {"email": "nobody@example.com"})
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert [m.to for m in mailoutbox] == [[customer.email]]
    assert OutgoingEmail.objects.count() == 1


def test_the_reset_request_itself_looks_nothing_up(client, customer):
    """The lookup and the email are the task's work, after commit: the request does the
    same queries whether the address is known (session and throttle bookkeeping only)."""
    for email in (customer.email, "nobody@example.com"):  # each key's rate-limit counter exists
        client.post(RESET, {"email": email})
    with CaptureQueriesContext(connection) as known:
        client.post(RESET, {"email": customer.email})
    with CaptureQueriesContext(connection) as unknown:
        client.post(RESET, {"email": "nobody@example.com"})
    assert [q["sql"].split()[0] for q in known.captured_queries] == [
        q["sql"].split()[0] for q in unknown.captured_queries]
    assert not any("auth_user" in q["sql"] for q in known.captured_queries)


def test_a_failed_reset_email_stays_in_the_outbox_to_be_retried(client, customer, sent, mailoutbox, settings):
    settings.EMAIL_BACKEND = FAILING
    response = sent(client.post, RESET, {"email": customer.email})
    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "mail server unavailable" in email.last_error
    assert RESET_LINK.search(email.body)


def test_reset_emails_to_one_mailbox_are_rate_limited(client, customer, settings, sent, mailoutbox):
    settings.KB_RATE_LIMITS = {"password_reset.email": "2/h"}
    codes = [sent(client.post, RESET, {"email": customer.email}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert len(mailoutbox) == 2


def test_the_confirmed_account_signs_in_with_its_password(client, db, sent, mailoutbox):
    sent(sign_up, client, "fullcircle", "circle@example.com")
    client.post(CONFIRM_LINK.search(mailoutbox[-1].body).group(1), {"username": "fullcircle"})
    client.post(reverse("accounts:logout"))
    response = Client().post(reverse("accounts:login"), {"username": "fullcircle", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_sign_ups_from_one_address_are_rate_limited(client, db, settings):
    settings.KB_RATE_LIMITS = {"signup.ip": "1/h"}
    assert sign_up(client, "first", "first@example.com").status_code == 302
    assert sign_up(client, "second", "second@example.com").status_code == 429
    assert list(PendingSignUp.objects.values_list("username", flat=True)) == ["first"]
