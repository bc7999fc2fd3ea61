"""Signing in to the API as Zendesk's clients do, tokens, and the api_token command."""

import base64
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

DRAFT_URL = "/api/v2/help_center/articles/{}.json"


def _basic(login, secret):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{login}:{secret}".encode()).decode()}


def test_a_token_is_stored_only_as_a_keyed_hash(agent):
    token, secret = api_token_create(user=agent, name="zenpy script")

    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.token_hash, stored.prefix, stored.name)
    assert len(stored.token_hash) == 64 and stored.prefix == secret[:6]


def test_basic_email_slash_token_signs_in_and_notes_the_use(client, agent, make_article):
    draft = make_article(draft=True)
    token, secret = api_token_create(user=agent)

    response = client.get(DRAFT_URL.format(draft.pk), **_basic(f"{agent.email.upper()}/token", secret))

    assert response.status_code == 200
    assert response.json()["article"]["draft"] is True
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_bearer_token_signs_in(client, agent, make_article):
    draft = make_article(draft=True)
    _, secret = api_token_create(user=agent)

    response = client.get(DRAFT_URL.format(draft.pk), HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200


@pytest.mark.parametrize("headers", [
    lambda user, secret: _basic(f"{user.email}/token", "wrong"),
    lambda user, secret: _basic("someone.else@example.com/token", secret),  # the token, another address
    lambda user, secret: _basic(user.email, "kb-test-pass-2026"),  # a password: not on the API
    lambda user, secret: {"HTTP_AUTHORIZATION": "Basic !!!not-base64"},
    lambda user, secret: {"HTTP_AUTHORIZATION": "Bearer wrong"},
    lambda user, secret: {"HTTP_AUTHORIZATION": "Bearer " + "x" * 5000},
], ids=["wrong-token", "other-address", "password", "not-base64", "wrong-bearer", "huge-bearer"])
def test_bad_credentials_get_401_in_zendesk_shape(client, agent, headers):
    _, secret = api_token_create(user=agent)

    response = client.get("/api/v2/help_center/articles.json", **headers(agent, secret))

    assert response.status_code == 401
    assert response.json()["error"] == "Couldn't authenticate you"
    assert response.json()["description"]
    assert response["WWW-Authenticate"].startswith("Basic")


def test_a_revoked_token_or_inactive_user_signs_nobody_in(client, agent):
    from django.utils import timezone

    token, secret = api_token_create(user=agent)
    api_token_revoke(token=token, at=timezone.now())
    assert client.get("/api/v2/help_center/articles.json", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401

    _, other = api_token_create(user=agent)
    agent.is_active = False
    agent.save()
    assert client.get("/api/v2/help_center/articles.json", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 401


def test_last_use_is_rewritten_at_most_every_few_minutes(client, agent, clock):
    from django.utils import timezone

    token, secret = api_token_create(user=agent)
    start = clock(timezone.now())
    client.get("/api/v2/help_center/articles.json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    clock(start + timedelta(minutes=1))
    client.get("/api/v2/help_center/articles.json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    token.refresh_from_db()
    assert token.last_used_at == start

    later = clock(start + timedelta(minutes=6))
    client.get("/api/v2/help_center/articles.json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    token.refresh_from_db()
    assert token.last_used_at == later


def test_api_token_command_prints_a_working_token(client, agent, make_article):
    draft = make_article(draft=True)
    out = StringIO()

    call_command("api_token", agent.username, "--name", "migration", stdout=out, stderr=StringIO())

    secret = out.getvalue().strip()
    assert ApiToken.objects.get(user=agent).name == "migration"
    assert client.get(DRAFT_URL.format(draft.pk), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_api_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "nobody", stdout=StringIO(), stderr=StringIO())


def test_tokens_are_revoked_in_the_admin(client, admin_user, agent):
    token, secret = api_token_create(user=agent)
    client.force_login(admin_user)

    listing = client.get("/admin/api/apitoken/")
    assert secret[:6] in listing.content.decode()
    response = client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get("/api/v2/help_center/articles.json", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_browser_session_cannot_write_through_the_api_without_a_csrf_token(customer, make_article):
    """A signed-in visitor's cookies alone must not let another site write in their name."""
    from django.test import Client

    from articles.models import Comment

    article = make_article()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer)
    url = f"/api/v2/help_center/articles/{article.pk}/comments.json"

    response = browser.post(url, {"comment": {"body": "Posted by another site"}}, content_type="application/json")

    assert response.status_code == 403
    assert not Comment.objects.exists()
    with_token = Client(enforce_csrf_checks=True)
    _, secret = api_token_create(user=customer)
    created = with_token.post(url, {"comment": {"body": "From my script"}}, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert created.status_code == 201, created.content  # a token is not a cookie: no CSRF needed
