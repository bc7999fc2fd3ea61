"""The OpenAPI 3 description of the API (``/api/v2/openapi.json``), made by drf-spectacular
from the views, with what it cannot see added here: the search endpoints (plain Django
views in ``search``), and the ways to sign in."""

import functools
import re

from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes

SEARCH_PARAMETERS = [
    ("query", "string", "The words (needed unless a filter such as category, section, topic or label_names is given)."),
    ("category", "integer", "Articles in this category."),
    ("section", "integer", "Articles in this section."),
    ("topic", "integer", "Posts in this community topic."),
    ("label_names", "string", "Comma-separated: articles with at least one of the labels."),
    ("locale", "string", "en-us or *; another locale finds nothing."),
    *[(name, "string", "A day, YYYY-MM-DD (UTC).") for name in (
        "created_before", "created_after", "created_at", "updated_before", "updated_after", "updated_at")],
    ("sort_by", "string", "created_at or updated_at (default: relevance)."),
    ("sort_order", "string", "asc or desc."),
    ("page", "integer", "Offset page, from 1."),
    ("per_page", "integer", "Results a page, at most 100."),
]


def api_paths_only(endpoints):
    """Only the API's own endpoints: not the site's pages or the attachment downloads."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v2/")]


def _search_operation(kind: str, summary: str) -> dict:
    return {
        "operationId": f"search_{kind}",
        "summary": summary,
        "tags": ["search"],
        "parameters": [{"name": name, "in": "query", "required": False, "description": text,
                        "schema": {"type": kind_}} for name, kind_, text in SEARCH_PARAMETERS],
        "security": [{}],
        "responses": {
            "200": {"description": f"A page of {kind}: results with result_type and snippet, offset pagination.",
                    "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/Error"},
            "429": {"$ref": "#/components/responses/Error"},
        },
    }


def add_search_and_errors(result, generator, request, public):
    """Postprocessing hook: the search endpoints, Zendesk's error body, the sign-in schemes."""
    paths = result.setdefault("paths", {})
    paths[reverse("search:api_articles")] = {"get": _search_operation("articles", "Search articles")}
    paths[reverse("search:api_posts")] = {"get": _search_operation("posts", "Search community posts")}
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = {
        "type": "object",
        "required": ["error", "description"],
        "properties": {"error": {"type": "string"}, "description": {"type": "string"},
                       "details": {"type": "object", "additionalProperties": True}},
    }
    components.setdefault("responses", {})["Error"] = {
        "description": "Zendesk's error body (400, 401, 403, 404, 422, 429).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    return result


class ZendeskSchema(AutoSchema):
    """The views answer Zendesk's JSON shapes (docs/api.md), built by ``api.serializers``'
    ``shape()`` functions rather than by DRF serializers: bodies are described as JSON
    objects, and each operation by its view's docstring, its path and its errors."""

    def get_request_serializer(self):
        return OpenApiTypes.OBJECT if self.method in ("POST", "PUT") else None

    def get_response_serializers(self):
        return None if self.method == "DELETE" else OpenApiTypes.OBJECT

    def get_operation_id(self):
        # The path and the method: unique, and stable for client generators.
        words = re.sub(r"[{}]", "", self.path.removeprefix("/api/v2/").removesuffix(".json"))
        return re.sub(r"[^A-Za-z0-9]+", "_", words).strip("_") + "_" + self.method.lower()

    def get_tags(self):
        parts = self.path.removeprefix("/api/v2/").split("/")
        return [parts[1].removesuffix(".json") if parts[0] in ("help_center", "community") else parts[0]]

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        bodies["4XX"] = {"$ref": "#/components/responses/Error"}
        return bodies


class TokenBasicScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenBasicAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic",
                "description": "User name EMAIL/token, password an API token (made on the account page)."}


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer API_TOKEN."}


@functools.cache
def openapi_schema() -> dict:
    """Made once a process: it depends on the code only (paths are relative to the host)."""
    return SchemaGenerator().get_schema(request=None, public=True)
