"""Accounts: sign in and out, the sign-up form's refusals (tests/kb_tests/test_accounts.py
has the sign-up and password-reset flows by email)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from .pages import html, text

PASSWORD = "kb-test-pass-2026"
NEW_PASSWORD = "a-new-Lumora-pass-77"


def test_sign_up_honeypot_refuses_bots(client, db):
    response = client.post(reverse("accounts:signup"), {
        "username": "botty", "email": "bot@example.com", "website": "http://spam.example",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })
    assert response.status_code == 200
    assert "This form could not be sent" in text(response)
    assert not get_user_model().objects.filter(username="botty").exists()


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


