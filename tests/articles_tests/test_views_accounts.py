"""Accounts: sign up, sign in and out, password reset by email."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from .pages import html, text

PASSWORD = "kb-test-pass-2026"
NEW_PASSWORD = "a-new-Lumora-pass-77"


def test_visitor_signs_up_and_is_signed_in(client, db):
    page = client.get(reverse("accounts:signup"))
    assert page.status_code == 200
    assert 'for="id_email"' in html(page) and 'for="id_username"' in html(page)
    response = client.post(reverse("accounts:signup"), {
        "username": "newreader", "email": "new@example.com",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "next": "/community/",
    })
    assert response.status_code == 302 and response.url == "/community/"
    user = get_user_model().objects.get(username="newreader")
    assert user.email == "new@example.com"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_refuses_a_used_email_and_keeps_the_username(client, customer):
    response = client.post(reverse("accounts:signup"), {
        "username": "another", "email": customer.email.upper(),
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })
    assert response.status_code == 200
    assert "An account with this email exists" in text(response)
    assert 'value="another"' in html(response)
    assert not get_user_model().objects.filter(username="another").exists()


def test_sign_up_honeypot_refuses_bots(client, db):
    response = client.post(reverse("accounts:signup"), {
        "username": "botty", "email": "bot@example.com", "website": "http://spam.example",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })
    assert response.status_code == 200
    assert "This form could not be sent" in text(response)
    assert not get_user_model().objects.filter(username="botty").exists()


def test_sign_up_ignores_an_offsite_next(client, db):
    response = client.post(reverse("accounts:signup"), {
        "username": "carefulreader", "email": "careful@example.com",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "next": "https://evil.example/",
    })
    assert response.status_code == 302 and response.url == reverse("articles:home")


def test_sign_up_with_a_next_that_is_not_a_path_lands_on_the_home_page(client, db):
    """redirect() reads a bare word as a URL name: once a 500 (found by the fuzz suite)."""
    response = client.post(reverse("accounts:signup") + "?next=billing", {
        "username": "wordyreader", "email": "wordy@example.com",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })
    assert response.status_code == 302 and response.url == reverse("articles:home")


def test_sign_in_and_out(client, customer):
    page = client.get(reverse("accounts:login") + "?next=/community/")
    assert 'value="/community/"' in html(page)
    assert reverse("accounts:password_reset") in html(page)
    response = client.post(reverse("accounts:login"), {"username": customer.username, "password": PASSWORD,
                                                       "next": "/community/"})
    assert response.status_code == 302 and response.url == "/community/"
    assert "Signed in as customer_casey" in text(client.get(reverse("articles:home")))
    assert client.get(reverse("accounts:logout")).status_code == 405  # sign out is POST only
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_a_clear_error(client, customer):
    response = client.post(reverse("accounts:login"), {"username": customer.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in text(response)


def test_password_reset_by_email(client, customer):
    response = client.post(reverse("accounts:password_reset"), {"email": customer.email})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.email]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in text(form_page)
    response = client.post(form_page.redirect_chain[-1][0],
                           {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_complete")
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_email_sends_nothing_and_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_sign_ups_from_one_address_are_rate_limited(client, db, settings):
    settings.KB_RATE_LIMITS = {"signup.ip": "1/h"}
    first = client.post(reverse("accounts:signup"), {
        "username": "first", "email": "first@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert first.status_code == 302
    client.logout()
    second = client.post(reverse("accounts:signup"), {
        "username": "second", "email": "second@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert second.status_code == 429
    assert not get_user_model().objects.filter(username="second").exists()


def test_reset_emails_to_one_mailbox_are_rate_limited(client, customer, settings):
    settings.KB_RATE_LIMITS = {"password_reset.email": "2/h"}
    codes = [client.post(reverse("accounts:password_reset"), {"email": customer.email}).status_code
             for _ in range(3)]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2
