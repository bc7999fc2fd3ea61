"""Fixtures of the API tests: tokens, and a zenpy client pointed at the live server."""

import base64

import pytest

from api.services import api_token_create


@pytest.fixture
def make_token(db):
    """``make_token(user)`` -> the secret of a new API token for ``user``."""

    def make(user, name="test"):
        return api_token_create(user=user, name=name)[1]

    return make


@pytest.fixture
def basic_auth(make_token):
    """``basic_auth(user)`` -> headers for the Django test client, as zenpy signs in."""

    def headers(user, token=None):
        secret = token or make_token(user)
        encoded = base64.b64encode(f"{user.email}/token:{secret}".encode()).decode()
        return {"HTTP_AUTHORIZATION": f"Basic {encoded}"}

    return headers


@pytest.fixture
def zendesk(live_server, monkeypatch, make_token):
    """``zendesk(user=None)`` -> a zenpy client, unchanged, talking to kb's live server
    (anonymous without a user, else with a new API token of the user's)."""
    from zenpy import Zenpy

    monkeypatch.setenv("ZENPY_FORCE_NETLOC", live_server.url.split("://", 1)[1])
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")

    made = []

    def client(user=None, **kwargs):
        if user is None:
            made.append(Zenpy(subdomain="kb", anonymous=True, **kwargs))
        else:
            made.append(Zenpy(subdomain="kb", email=user.email, token=make_token(user), **kwargs))
        return made[-1]

    yield client
    # Kept-alive connections would keep server threads on the test database past the test.
    for zenpy in made:
        zenpy.users.session.close()


@pytest.fixture
def steady_clock(clock):
    """Time stands still: the throttle's window cannot roll over between two requests of a
    query-count test (a new window costs one more query, to clear the old ones)."""
    from django.utils import timezone

    return clock(timezone.now())
