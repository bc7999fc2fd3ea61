"""Security headers on every response and sign-in throttling (django-axes), through the real stack."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.conftest import PASSWORD

ADMIN_LOGIN = "/admin/login/"
ATTACKER_IP = "203.0.113.7"
OTHER_IP = "198.51.100.20"


@pytest.fixture
def staff(make_user):
    return make_user("staff_sam", is_staff=True)


def sign_in(client, username, password, ip=ATTACKER_IP):
    return client.post(
        f"{ADMIN_LOGIN}?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def is_signed_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_pages_forbid_framing_sniffing_and_leaking_the_referrer(client):
    response = client.get(ADMIN_LOGIN)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_content_security_policy_allows_only_our_own_scripts_and_styles(client):
    csp = client.get(ADMIN_LOGIN)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp


@pytest.mark.django_db
def test_the_help_center_home_page_carries_the_policy_too(client):
    response = client.get(reverse("articles:home"))

    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_five_failed_sign_ins_lock_out_even_the_right_password(client, staff):
    for _ in range(4):
        assert sign_in(client, "staff_sam", "wrong-password").status_code == 200
    assert sign_in(client, "staff_sam", "wrong-password").status_code == 429  # the fifth locks

    refused = sign_in(client, "staff_sam", PASSWORD)

    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode()
    assert "15 minutes" in refused.content.decode()
    assert int(refused["Retry-After"]) == 15 * 60
    assert not is_signed_in(client)
    assert AccessAttempt.objects.get(username="staff_sam", ip_address=ATTACKER_IP).failures_since_start >= 5


def test_four_failed_sign_ins_still_let_the_right_password_in(client, staff):
    for _ in range(4):
        sign_in(client, "staff_sam", "wrong-password")

    response = sign_in(client, "staff_sam", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_lockout_is_per_username_and_address_so_the_owner_elsewhere_can_still_sign_in(client, staff):
    for _ in range(5):
        sign_in(client, "staff_sam", "wrong-password", ip=ATTACKER_IP)

    response = sign_in(client, "staff_sam", PASSWORD, ip=OTHER_IP)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_lockout_ends_after_the_cool_off(client, staff):
    for _ in range(5):
        sign_in(client, "staff_sam", "wrong-password")
    assert sign_in(client, "staff_sam", PASSWORD).status_code == 429

    # Sixteen minutes later: move the recorded attempt back in time rather than sleeping.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))

    assert sign_in(client, "staff_sam", PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_client_login_in_tests_is_not_throttled(client, staff):
    """Authentication without a request (test client, shell) has no address to lock."""
    assert client.login(username="staff_sam", password=PASSWORD)


def test_the_help_center_sign_in_page_locks_out_after_five_failures_too(client, customer):
    login_url = reverse("accounts:login")
    for _ in range(5):
        client.post(login_url, {"username": customer.username, "password": "wrong-password"}, REMOTE_ADDR=ATTACKER_IP)

    refused = client.post(login_url, {"username": customer.username, "password": PASSWORD}, REMOTE_ADDR=ATTACKER_IP)

    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode()
    assert not is_signed_in(client)
