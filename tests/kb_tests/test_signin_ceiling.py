"""The address-wide sign-in ceiling (kb.security): password spraying from one address,
one attempt per username, is refused once that address has failed 30 times in the hour,
on top of axes' lockout of one username+address pair."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

SPRAYER = "203.0.113.66"
NEIGHBOUR = "198.51.100.7"
T0 = datetime(2026, 3, 2, 10, 5, tzinfo=UTC)
LOGIN = reverse("accounts:login")


def sign_in(username, password, ip):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


@pytest.fixture
def sprayed(db, clock, make_user):
    """One password tried once each on 30 usernames from one address: every pair stays
    under axes' limit of 5, so only the address-wide ceiling can stop it."""
    clock(T0)
    victim = make_user("victim_vera")
    codes = [sign_in(f"someone{n}", "Summer2026!", SPRAYER).status_code for n in range(30)]
    assert codes == [200] * 30  # each a plain "wrong username or password"
    return victim


def test_the_31st_username_from_one_address_is_refused(sprayed):
    refused = sign_in("someone31", "Summer2026!", SPRAYER)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 55 * 60  # the hour's window ends at 11:00
    assert "sign-in attempts" in refused.content.decode()


def test_past_the_ceiling_even_a_correct_password_from_that_address_is_refused(sprayed):
    response = sign_in(sprayed.username, PASSWORD, SPRAYER)
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_another_address_is_not_affected(sprayed):
    response = sign_in(sprayed.username, PASSWORD, NEIGHBOUR)
    assert response.status_code == 302
    assert response.client.session["_auth_user_id"] == str(sprayed.pk)


def test_the_address_may_sign_in_again_when_the_window_ends(sprayed, clock):
    clock(T0 + timedelta(hours=1))
    response = sign_in(sprayed.username, PASSWORD, SPRAYER)
    assert response.status_code == 302


def test_successful_sign_ins_do_not_count(db, clock, make_user):
    clock(T0)
    user = make_user("regular_rita")
    for _ in range(40):
        assert sign_in(user.username, PASSWORD, SPRAYER).status_code == 302


def test_the_ceiling_is_configurable(db, clock, settings, make_user):
    settings.KB_RATE_LIMITS = {"signin.ip": "3/h"}
    clock(T0)
    user = make_user("office_olga")
    for n in range(3):
        assert sign_in(f"typo{n}", "wrong", SPRAYER).status_code == 200
    assert sign_in(user.username, PASSWORD, SPRAYER).status_code == 429



@pytest.mark.parametrize("username", ["ali\x00ce", "x" * 400])
def test_a_username_the_database_cannot_store_is_a_failed_sign_in_not_a_500(db, clock, username):
    """Axes records failed attempts with their username: NUL characters and lone surrogates
    (refused by PostgreSQL text) and names past its 255-character column never reach it as sent."""
    from axes.models import AccessAttempt

    clock(T0)
    assert sign_in(username, "wrong", NEIGHBOUR).status_code == 200
    for attempt in AccessAttempt.objects.all():
        assert "\x00" not in attempt.username and len(attempt.username) <= 255


@pytest.mark.parametrize("agent", ["\x00" * 50, "Mozilla\x00/5.0", "x" * 400])
def test_a_user_agent_the_database_cannot_store_is_a_failed_sign_in_not_a_500(db, clock, agent):
    from axes.models import AccessAttempt

    clock(T0)
    response = Client(REMOTE_ADDR=NEIGHBOUR, HTTP_USER_AGENT=agent, HTTP_ACCEPT="text/html\x00").post(
        LOGIN, {"username": "someone", "password": "wrong"})
    assert response.status_code == 200
    [attempt] = AccessAttempt.objects.all()
    assert "\x00" not in attempt.user_agent + attempt.http_accept


@pytest.mark.parametrize(("remote", "forwarded"), [("999.1.1.1", None), ("x" * 300, None),
                                                   (NEIGHBOUR, "999.1.1.1"), (NEIGHBOUR, "unknown")])
def test_an_address_that_is_not_an_address_is_not_a_500(db, clock, settings, remote, forwarded):
    """A REMOTE_ADDR, or behind a trusted proxy an X-Forwarded-For, that is not an IP
    address counts as none for axes (PostgreSQL types its column inet)."""
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        settings.KB_TRUSTED_PROXY_COUNT = 1
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    clock(T0)
    response = Client(**headers).post(LOGIN, {"username": "someone", "password": "wrong"})
    assert response.status_code == 200
