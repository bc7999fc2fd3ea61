"""Nothing a caller sends makes an API endpoint fail: every GET of every list, with hostile
parameters, is answered 200, 400 or 404 in Zendesk's shape, never 500."""

import base64
import json

import pytest
from django.urls import reverse

from articles import services

pytestmark = pytest.mark.django_db


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


HOSTILE = [
    {"page": "²"}, {"page": "١٢"}, {"page": "-1"}, {"page": "9" * 40}, {"per_page": "1e9"},
    {"page[size]": "0"}, {"page[size]": "9" * 40}, {"page[after]": "A" * 3000}, {"page[before]": "W10"},
    {"page[after]": "WyJ4IiwieCIsIngiXQ"}, {"page[after]": "WzEsIngiLDld"}, {"page[after]": "\x00"},
    {"sort_by": "body"}, {"sort_order": "sideways"}, {"locale": "zz-zz"}, {"label_names": "," * 500},
    {"start_time": "-5"}, {"start_time": "9" * 30}, {"query": "\x00" * 10}, {"created_before": "2026-02-30"},
    # Cursors of the API's own shape whose text no database compares (found by the fuzz
    # suite): a NUL character (PostgreSQL refuses it) and a lone surrogate (no driver encodes it).
    *[{key: _cursor(values)} for key in ("page[after]", "page[before]", "cursor")
      for values in ([0, "a\x00b", 1], [0, "\ud800", 1], ["2026-06-03T10:00:00\x00", 1])],
    {"sort_by": "title", "page[after]": _cursor(["a\x00", 1])}, {"sort_by": "title", "page[after]": _cursor(["\udfff", 1])},
]


@pytest.fixture
def content(make_article, make_post, customer):
    article = make_article(label_names=["one"])
    post = make_post()
    services.comment_create(author=customer, target=article, body="Hi")
    services.follow_set(user=customer, target=article, following=True)
    return {"article": article, "post": post, "section": article.section, "category": article.section.category,
            "user": customer}


def _urls(content):
    a, p = content["article"].pk, content["post"].pk
    hc = {"locale": "en-us"}
    return [
        reverse("api:articles", kwargs=hc), reverse("api:categories", kwargs=hc), reverse("api:sections", kwargs=hc),
        reverse("api:category_sections", kwargs={**hc, "category_pk": content["category"].pk}),
        reverse("api:category_articles", kwargs={**hc, "category_pk": content["category"].pk}),
        reverse("api:section_articles", kwargs={**hc, "section_pk": content["section"].pk}),
        reverse("api:user_articles", kwargs={**hc, "user_pk": content["user"].pk}),
        reverse("api:labels", kwargs=hc), reverse("api:article_labels", kwargs={**hc, "pk": a}),
        reverse("api:article_comments", kwargs={**hc, "source_pk": a}),
        reverse("api:article_votes", kwargs={**hc, "pk": a}),
        reverse("api:article_subscriptions", kwargs={**hc, "source_pk": a}),
        reverse("api:user_comments", kwargs={**hc, "user_pk": content["user"].pk}),
        reverse("api:incremental_articles", kwargs=hc),
        reverse("api:article_translations", kwargs={**hc, "source_pk": a}),
        reverse("api:article_attachments", kwargs={**hc, "pk": a}),
        reverse("api:topics"), reverse("api:posts"), reverse("api:post_comments", kwargs={"source_pk": p}),
        reverse("search:api_articles"), reverse("search:api_posts"),
    ]


@pytest.mark.parametrize("params", HOSTILE, ids=[str(p)[:40] for p in HOSTILE])
def test_hostile_parameters_never_fail(client, content, agent, basic_auth, params):
    headers = basic_auth(agent)
    for url in _urls(content):
        response = client.get(url, params, **headers)
        assert response.status_code in (200, 400, 404), (url, params, response.status_code)
        if response.status_code != 200:
            assert {"error", "description"} <= set(response.json()), (url, params)


@pytest.mark.parametrize("path", ["/api/v2/help_center/articles/abc.json", "/api/v2/tickets.json",
                                  "/api/v2/help_center/user_segments.json"])
def test_an_unknown_endpoint_is_a_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"error": "InvalidEndpoint", "description": "Not found"}


def test_the_search_endpoints_are_not_shadowed(client, db):
    assert client.get("/api/v2/help_center/articles/search.json?query=x").status_code == 200
    assert client.get("/api/v2/help_center/community_posts/search.json?query=x").status_code == 200


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"post":' * 50_000])
def test_json_nested_past_the_recursion_limit_is_a_400(client, customer, basic_auth, body):
    """Found by the fuzz suite: the JSON decoder's RecursionError is no ValueError, so DRF's
    parser let it through as a 500."""
    response = client.post(reverse("api:posts"), body, content_type="application/json", **basic_auth(customer))

    assert response.status_code == 400
    assert response.json()["error"] == "InvalidJSON"


@pytest.mark.parametrize("method", ["get", "post", "put"])
def test_one_article_label_answers_only_delete(client, agent, make_article, basic_auth, method):
    """Found by the fuzz suite: GET or POST on .../articles/{id}/labels/{label_id}.json called
    the list view with an argument it does not take (a 500)."""
    article = make_article(label_names=["one"])
    label = article.labels.get()
    url = reverse("api:article_label", kwargs={"pk": article.pk, "label_pk": label.pk})

    response = getattr(client, method)(url, {}, content_type="application/json", **basic_auth(agent))

    assert response.status_code == 405
    assert client.delete(url, **basic_auth(agent)).status_code == 204
    assert not article.labels.exists()
