"""Every agent URL refuses visitors and customers, for every method, and writes nothing.

The list of URLs is read from the resolver, not written here: an agent page added later is
checked without anyone remembering to add it.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from tickets.services import requests as request_services

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
AGENT_PREFIXES = ("agent/",)


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def agent_routes() -> list[str]:
    return sorted({route for route in _patterns(get_resolver().url_patterns) if route.startswith(AGENT_PREFIXES)})


def test_the_resolver_has_agent_routes_to_check():
    routes = agent_routes()
    # Not vacuous: the queue, the dashboard, the editor and search analytics are among them.
    for expected in ("agent/tickets/", "agent/dashboard/", "agent/articles/new/", "agent/search/analytics/"):
        assert expected in routes


@pytest.fixture
def route_values(make_article, make_post, customer):
    article = make_article()
    post = make_post()
    ticket, _token = request_services.request_create(
        email=customer.email, subject="Invoices are missing", description="May is missing.", category="Other",
        at=article.created_at, requester=customer)
    return {"pk": str(article.pk), "post_pk": str(post.pk), "reference": ticket.reference}


def _url(route: str, values: dict) -> str:
    def fill(match):
        name = match.group(2)
        if name == "pk" and "posts/" in route:
            return values["post_pk"]
        return values.get(name, "1")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def _refused(response, *, signed_in: bool) -> bool:
    if signed_in:
        return response.status_code in (403, 405)
    if response.status_code in (403, 405):
        return True
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "customer"])
def test_every_agent_url_refuses_non_agents_and_writes_nothing(client, customer, route_values, signed_in):
    if signed_in:
        client.force_login(customer)
    for route in agent_routes():
        url = _url(route, route_values)
        for method in ("get", "post"):
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(url, {"action": "reply", "body": "x", "content": "x"})
            assert _refused(response, signed_in=signed_in), (method, url, response.status_code)
            writes = [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]
            assert not writes, (method, url, writes)
