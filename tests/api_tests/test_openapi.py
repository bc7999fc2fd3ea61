"""The OpenAPI 3 description at /api/v2/openapi.json: a valid document listing every
endpoint under /api/v2/ (the search endpoints of search/ included) with the methods it
takes; and the readable API page, linked from every page's footer."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

SAMPLE = {"locale": None, "translation_locale": "en-us"}


def api_patterns(patterns=None, namespace=""):
    """(name, pattern) of every route of the project whose path starts with api/v2/."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from api_patterns(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and str(entry.pattern).lstrip("^").startswith("api/v2/"):
            yield f"{namespace}:{entry.name}", entry


def sample_url(name: str, pattern: URLPattern) -> str:
    kwargs = {key: SAMPLE.get(key, "1") for key in pattern.pattern.regex.groupindex}
    return reverse(name, kwargs={k: v for k, v in kwargs.items() if v is not None})


def schema_route(schema: dict, url: str) -> str | None:
    # A literal segment wins over a placeholder (articles/labels.json is not articles/{id}.json).
    for path in sorted(schema["paths"], key=lambda p: p.count("{")):
        parts = re.split(r"(\{[^}]+\})", path)
        if re.fullmatch("".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts), url):
            return path
    return None


@pytest.fixture
def schema(client):
    response = client.get("/api/v2/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_the_description_is_valid_openapi_3(schema):
    validate(schema)  # raises on any error

    assert schema["openapi"].startswith("3.")
    assert {"apiToken", "bearerToken"} <= set(schema["components"]["securitySchemes"])


def test_every_api_route_is_described_with_the_methods_it_takes(schema, client):
    routes = [(name, p) for name, p in api_patterns() if name != "api:unknown"]
    assert len(routes) > 60

    for name, pattern in routes:
        url = sample_url(name, pattern)
        path = schema_route(schema, url)
        assert path is not None, (name, url)
        allowed = client.options(url)
        if allowed.status_code == 200:  # DRF views answer OPTIONS with their methods
            methods = {m.strip().lower() for m in allowed["Allow"].split(",")} - {"options", "head"}
            assert methods == set(schema["paths"][path]), (name, methods, set(schema["paths"][path]))


def test_the_search_endpoints_are_described_with_zendesks_filters(schema):
    search = schema["paths"]["/api/v2/help_center/articles/search.json"]["get"]

    names = {p["name"] for p in search["parameters"]}
    assert {"query", "category", "section", "label_names", "locale", "created_before", "updated_after",
            "sort_by", "sort_order", "page", "per_page"} <= names
    assert "/api/v2/help_center/community_posts/search.json" in schema["paths"]


def test_errors_are_described_in_zendesks_shape(schema):
    operation = schema["paths"]["/api/v2/help_center/articles/{id}.json"]["get"]

    assert operation["responses"]["4XX"] == {"$ref": "#/components/responses/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["error", "description"]


def test_the_api_page_is_linked_from_the_footer_and_lists_every_endpoint(client, schema, django_assert_max_num_queries):
    home = client.get(reverse("articles:home")).content.decode()
    assert f'href="{reverse("api:developers")}"' in home

    with django_assert_max_num_queries(3):
        page = client.get(reverse("api:developers"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>" not in html and "cdn" not in html.lower()
    assert 'href="/api/v2/openapi.json"' in html
    assert "<table" in html and "Article attachments" in html  # the guide, docs/api.md
    for path in schema["paths"]:
        assert f"<code>{path}</code>" in html, path
