"""Zendesk's search endpoints with their filters: articles and community posts, through
the Django test client and the real Whoosh index."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import Article, Post
from search.index import index_rebuild

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v2/help_center/articles/search.json"
POSTS = "/api/v2/help_center/community_posts/search.json"


@pytest.fixture
def billing(whoosh_index, make_article, make_section):
    """Three billing articles in two sections, written on different days."""
    first, second = make_section("Invoices"), make_section("Refunds")
    rows = {
        "invoice": make_article(title="Download an invoice", body="Billing keeps every invoice.", section=first,
                                label_names=["invoices"]),
        "refund": make_article(title="Ask for a refund", body="Billing refunds within 30 days.", section=second,
                               label_names=["refunds", "money"]),
        "card": make_article(title="Change your card", body="Billing takes a new card.", section=second),
    }
    for n, key in enumerate(["invoice", "refund", "card"]):
        day = datetime(2026, 3, 1 + n * 10, 12, tzinfo=UTC)
        Article.objects.filter(pk=rows[key].pk).update(created_at=day, updated_at=day + timedelta(days=1))
    index_rebuild()
    return rows


def ids(response):
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


def test_a_result_carries_result_type_snippet_and_zendesk_fields(client, billing):
    body = client.get(ARTICLES, {"query": "refund"}).json()

    result = body["results"][0]
    assert result["id"] == billing["refund"].pk
    assert result["result_type"] == "article"
    assert "<mark>" in result["snippet"]
    assert (result["locale"], result["section_id"]) == ("en-us", billing["refund"].section_id)
    assert sorted(result["label_names"]) == ["money", "refunds"]
    assert body["count"] == len(body["results"]) and body["next_page"] is None


def test_filters_by_category_section_and_labels(client, billing):
    refunds = billing["refund"].section

    assert sorted(ids(client.get(ARTICLES, {"query": "billing", "section": refunds.pk}))) == sorted(
        [billing["refund"].pk, billing["card"].pk])
    assert ids(client.get(ARTICLES, {"query": "billing", "category": billing["invoice"].section.category_id})) == [
        billing["invoice"].pk]
    # At least one of the labels, any case.
    assert sorted(ids(client.get(ARTICLES, {"query": "billing", "label_names": "INVOICES,money"}))) == sorted(
        [billing["invoice"].pk, billing["refund"].pk])
    # Labels alone, without words, list what they match.
    assert ids(client.get(ARTICLES, {"label_names": "money"})) == [billing["refund"].pk]


def test_filters_by_creation_and_update_days(client, billing):
    def found(**params):
        return ids(client.get(ARTICLES, {"query": "billing", "sort_by": "created_at", "sort_order": "asc",
                                         **params}))

    assert found(created_before="2026-03-11") == [billing["invoice"].pk]
    assert found(created_after="2026-03-11") == [billing["card"].pk]
    assert found(created_at="2026-03-11") == [billing["refund"].pk]
    assert found(updated_at="2026-03-12") == [billing["refund"].pk]
    assert found(updated_after="2026-03-01", updated_before="2026-03-22") == [billing["invoice"].pk,
                                                                               billing["refund"].pk]


def test_sorts_by_dates_both_ways_and_pages_to_the_end(client, billing):
    newest_first = ids(client.get(ARTICLES, {"query": "billing", "sort_by": "updated_at"}))
    pages, url = [], f"{ARTICLES}?query=billing&sort_by=created_at&sort_order=asc&per_page=2"
    while url:
        body = client.get(url).json()
        pages.append([r["id"] for r in body["results"]])
        url = body["next_page"]

    assert newest_first == [billing["card"].pk, billing["refund"].pk, billing["invoice"].pk]
    assert pages == [[billing["invoice"].pk, billing["refund"].pk], [billing["card"].pk]]


def test_another_served_locale_finds_only_its_documents_and_drafts_are_never_found(client, billing,
                                                                                   make_article):
    make_article(title="Billing draft", body="Billing secrets", draft=True)
    index_rebuild()

    # Nothing is written in Spanish; a locale the help center does not serve is a 400.
    assert ids(client.get(ARTICLES, {"query": "billing", "locale": "es"})) == []
    assert client.get(ARTICLES, {"query": "billing", "locale": "fr"}).status_code == 400
    assert len(ids(client.get(ARTICLES, {"query": "billing", "locale": "EN-US"}))) == 3
    assert len(ids(client.get(ARTICLES, {"query": "billing", "label_names": "x,invoices,refunds,money"}))) == 2
    assert "Billing draft" not in str(client.get(ARTICLES, {"query": "billing", "sort_by": "updated_at"}).json())


@pytest.mark.parametrize("params", [
    {},
    {"query": ""},
    {"query": "billing", "created_before": "yesterday"},
    {"query": "billing", "created_at": "0001-01-01"},
    {"query": "billing", "updated_after": "9999-12-31"},
    {"query": "billing", "sort_by": "title"},
    {"query": "billing", "sort_order": "up"},
    {"query": "billing", "section": "-1"},
    {"query": "billing", "category": "99999999999999999999999"},
    {"query": "billing", "page": "²"},
    {"query": "billing", "per_page": "0"},
])
def test_bad_search_parameters_are_400(client, billing, params):
    response = client.get(ARTICLES, params)

    assert response.status_code == 400
    assert response.json()["error"] == "InvalidParameter"


def test_community_posts_search_with_topic_and_sort(client, whoosh_index, make_post, topic, customer):
    from articles.models import Topic

    other = Topic.objects.create(name="Other", slug="other")
    first = make_post(title="Export my contacts", body="How do I export contacts to a file?")
    second = services.post_create(author=customer, topic=other, title="Export invoices",
                                  body="Can I export invoices?")
    Post.objects.filter(pk=first.pk).update(created_at=datetime(2026, 1, 1, tzinfo=UTC))
    index_rebuild()

    found = client.get(POSTS, {"query": "export"}).json()
    in_topic = client.get(POSTS, {"query": "export", "topic": other.pk}).json()
    oldest_first = client.get(POSTS, {"query": "export", "sort_by": "created_at", "sort_order": "asc"}).json()

    assert sorted(r["id"] for r in found["results"]) == sorted([first.pk, second.pk])
    assert {r["result_type"] for r in found["results"]} == {"post"}
    assert [r["id"] for r in in_topic["results"]] == [second.pk]
    assert [r["id"] for r in oldest_first["results"]] == [first.pk, second.pk]
    assert in_topic["results"][0]["topic_id"] == other.pk


@pytest.mark.parametrize("params", [{"query": "billing"}, {"query": "billing", "sort_by": "updated_at"},
                                    {"query": "billing", "label_names": "money,invoices,card"}])
def test_a_search_page_costs_the_same_queries_for_1_or_3_results(
        client, billing, django_assert_num_queries, steady_clock, params):
    services.labels_get_or_create(names=["card"])
    billing["card"].labels.add(*services.labels_get_or_create(names=["card"]))
    Article.objects.exclude(pk=billing["refund"].pk).update(draft=True)
    index_rebuild()
    assert len(ids(client.get(ARTICLES, params))) == 1
    with CaptureQueriesContext(connection) as one:
        client.get(ARTICLES, params)

    Article.objects.update(draft=False)
    index_rebuild()
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(ids(client.get(ARTICLES, params))) == 3


def test_search_shares_the_apis_rate_limit_and_refused_calls_log_nothing(client, settings, billing, steady_clock):
    from search.models import SearchQueryLog

    settings.KB_RATE_LIMITS = {"api.ip": "3/m"}

    statuses = [client.get(ARTICLES, {"query": "billing"}).status_code for _ in range(3)]
    statuses.append(client.get(POSTS, {"query": "billing"}).status_code)
    refused = client.get(ARTICLES, {"query": "billing"})

    assert statuses == [200, 200, 200, 429]
    assert refused.json()["error"] == "TooManyRequests" and 1 <= int(refused["Retry-After"]) <= 60
    assert SearchQueryLog.objects.count() == 3
