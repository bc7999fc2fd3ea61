"""API tokens on a person's own account page: agents and customers list, make (the secret
shown once) and revoke their tokens; nobody reaches anyone else's."""

import base64
import re

import pytest
from django.urls import reverse

from api.forms import MAX_ACTIVE_TOKENS
from api.models import ApiToken
from api.services import api_token_create

pytestmark = pytest.mark.django_db

PAGE = "/accounts/api-tokens/"


def basic(user, secret):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{user.email}/token:{secret}".encode()).decode()}


def made_secret(response) -> str:
    return re.search(r'<code class="user-select-all fs-6" id="new-token">([^<]+)</code>',
                     response.content.decode()).group(1)


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("who", ["customer", "agent"])
def test_a_token_made_on_the_page_is_shown_once_and_signs_in_as_its_maker(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    made = client.post(PAGE, {"name": "nightly  export"})
    secret = made_secret(made)
    again = client.get(PAGE).content.decode()

    assert made.status_code == 201
    assert made["Cache-Control"].startswith("max-age=0") and "no-store" in made["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.prefix) == ("nightly export", secret[:6])
    assert token.token_hash != secret and secret not in token.token_hash
    assert secret not in again and f"{token.prefix}…" in again and "nightly export" in again
    me = client.get("/api/v2/users/me.json", **basic(user, secret))
    assert me.json()["user"]["id"] == user.pk


def test_revoking_on_the_page_stops_the_token_at_once(client, customer):
    token, secret = api_token_create(user=customer, name="old script")
    client.force_login(customer)

    response = client.post(reverse("api:token_revoke", kwargs={"pk": token.pk}), follow=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in response.content.decode()
    client.logout()
    assert client.get("/api/v2/users/me.json", **basic(customer, secret)).status_code == 401


def test_nobody_sees_or_revokes_anyone_elses_tokens(client, customer, other_customer, agent):
    theirs, _ = api_token_create(user=other_customer, name="their secret script")
    client.force_login(customer)

    page = client.get(PAGE).content.decode()
    revoke = client.post(reverse("api:token_revoke", kwargs={"pk": theirs.pk}))
    client.force_login(agent)
    by_agent = client.post(reverse("api:token_revoke", kwargs={"pk": theirs.pk}))

    assert "their secret script" not in page and theirs.prefix not in page
    assert revoke.status_code == 404 and by_agent.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_revoking_is_a_post(client, customer):
    token, _ = api_token_create(user=customer)
    client.force_login(customer)

    assert client.get(reverse("api:token_revoke", kwargs={"pk": token.pk})).status_code == 405


def test_active_tokens_are_capped(client, customer):
    for n in range(MAX_ACTIVE_TOKENS):
        api_token_create(user=customer, name=f"t{n}")
    client.force_login(customer)

    response = client.post(PAGE, {"name": "one more"})

    assert response.status_code == 400
    assert "revoke one first" in response.content.decode()
    assert ApiToken.objects.filter(user=customer).count() == MAX_ACTIVE_TOKENS


def test_a_name_too_long_is_a_form_error(client, customer):
    client.force_login(customer)

    response = client.post(PAGE, {"name": "x" * 101})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_page_costs_the_same_queries_for_1_or_10_tokens(client, customer, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api_token_create(user=customer)
    client.force_login(customer)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as one:
        client.get(PAGE)
    queries = len(one.captured_queries)
    for _ in range(9):
        api_token_create(user=customer)
    with django_assert_num_queries(queries):
        assert client.get(PAGE).content.decode().count("Revoke<span") == 10


def test_the_header_links_the_signed_in_person_to_their_account_page(client, customer):
    client.force_login(customer)

    assert f'href="{PAGE}"' in client.get(reverse("articles:home")).content.decode()
