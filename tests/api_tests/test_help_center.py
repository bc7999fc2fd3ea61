"""The Help Center endpoints through Django's test client: permissions, errors and bad
input in Zendesk's shape, both pagination styles at their ends, query counts, locales."""

import pytest

from articles import services
from articles.models import Article, Category, Section

pytestmark = pytest.mark.django_db

API = "/api/v2/help_center"


@pytest.fixture
def agent_headers(agent, basic_auth):
    return basic_auth(agent)


def _json(client, method, url, body=None, **headers):
    return getattr(client, method)(url, body, content_type="application/json", **headers)


# --- Reading --------------------------------------------------------------------------


def test_an_article_in_zendesk_shape(client, make_article, customer, agent):
    article = make_article(title="Reset your password", label_names=["account", "security"])
    services.vote_set(user=customer, article=article, helpful=True)
    services.vote_set(user=agent, article=article, helpful=False)

    body = client.get(f"{API}/en-us/articles/{article.pk}.json").json()["article"]

    assert body["id"] == article.pk
    assert body["url"] == f"http://testserver{API}/en-us/articles/{article.pk}.json"
    assert body["html_url"] == f"http://testserver{article.get_absolute_url()}"
    assert (body["title"], body["name"], body["locale"], body["source_locale"]) == (
        "Reset your password", "Reset your password", "en-us", "en-us")
    assert (body["vote_count"], body["vote_sum"]) == (2, 0)
    assert sorted(body["label_names"]) == ["account", "security"]
    assert body["created_at"].endswith("Z") and body["section_id"] == article.section_id
    assert body["body"] == article.body_html


@pytest.mark.parametrize("path", ["", "en-us/", "EN-US/"])
def test_the_locale_may_be_in_the_path_in_any_case(client, make_article, path):
    make_article()

    response = client.get(f"{API}/{path}articles.json")

    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("url", [f"{API}/de/articles.json", f"{API}/articles.json?locale=de"])
def test_a_served_locale_without_translations_has_no_records(client, make_article, url):
    make_article()

    response = client.get(url)

    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("url", [f"{API}/fr/articles.json", f"{API}/articles.json?locale=zz-zz"])
def test_a_locale_kb_does_not_serve_is_a_bad_parameter(client, make_article, url):
    make_article()

    response = client.get(url)

    assert response.status_code == 400
    assert response.json()["error"] == "InvalidParameter" and "locale" in response.json()["description"]


def test_lists_per_category_section_and_user(client, make_article, make_section, agent, make_user):
    writer = make_user("writer", agent=True)
    first, second = make_section(), make_section()
    in_first = make_article(title="A", section=first)
    by_writer = make_article(title="B", section=second, author=writer)

    def ids(url):
        return [a["id"] for a in client.get(url).json()["articles"]]

    assert ids(f"{API}/sections/{first.pk}/articles.json") == [in_first.pk]
    assert ids(f"{API}/categories/{second.category_id}/articles.json") == [by_writer.pk]
    assert ids(f"{API}/users/{writer.pk}/articles.json") == [by_writer.pk]
    assert ids(f"{API}/articles.json?label_names=nothing") == []


def test_anonymous_callers_never_see_drafts(client, make_article):
    draft = make_article(draft=True)

    assert client.get(f"{API}/articles.json").json()["count"] == 0
    assert client.get(f"{API}/articles/{draft.pk}.json").status_code == 404


@pytest.mark.parametrize("pk", ["0", "9223372036854775808", "99999999999999999999"])
def test_ids_past_any_key_are_404_not_500(client, pk):
    assert client.get(f"{API}/articles/{pk}.json").status_code == 404


@pytest.mark.parametrize("query", [
    "page=0", "page=-1", "page=abc", "page=%C2%B2", "page=%D9%A1", "page=99999999999999999999999",
    "per_page=0", "per_page=1e3", "page[size]=0", "page[size]=%EF%BC%91",
    "page[after]=garbage", "page[after]=WzFd", "page[after]=bnVsbA", "sort_by=body", "sort_order=up",
])
def test_bad_parameters_are_400_in_zendesk_shape(client, make_article, query):
    make_article()

    response = client.get(f"{API}/articles.json?{query}")

    assert response.status_code == 400
    assert response.json()["error"] == "InvalidParameter"
    assert response.json()["description"]


# --- Pagination -----------------------------------------------------------------------


def test_offset_pages_link_to_each_other_and_end_with_null(client, make_article, make_section):
    section = make_section()
    for n in range(5):
        make_article(title=f"Article {n}", section=section, position=n)

    first = client.get(f"{API}/articles.json?per_page=2").json()
    last = client.get(f"{API}/articles.json?per_page=2&page=3").json()
    beyond = client.get(f"{API}/articles.json?per_page=2&page=9").json()
    capped = client.get(f"{API}/articles.json?per_page=5000").json()

    assert (first["count"], first["page_count"], first["previous_page"]) == (5, 3, None)
    assert first["next_page"] == f"http://testserver{API}/articles.json?page=2&per_page=2"
    assert [a["title"] for a in last["articles"]] == ["Article 4"]
    assert last["next_page"] is None and last["previous_page"].endswith("page=2")
    assert beyond["articles"] == [] and beyond["next_page"] is None
    assert capped["per_page"] == 100


def test_cursor_pages_run_forwards_and_back(client, make_article, make_section):
    section = make_section()
    titles = [make_article(title=f"Article {n}", section=section, position=n).title for n in range(5)]

    seen, url = [], f"{API}/articles.json?page[size]=2"
    while url:
        body = client.get(url).json()
        seen += [a["title"] for a in body["articles"]]
        assert body["meta"]["has_more"] == (body["links"]["next"] is not None)
        url = body["links"]["next"]
    back = client.get(body["links"]["prev"]).json()

    assert seen == titles
    assert [a["title"] for a in back["articles"]] == titles[2:4]


def test_cursor_pages_neither_repeat_nor_skip_when_rows_are_added(client, make_article, make_section):
    section = make_section()
    for n in range(4):
        make_article(title=f"Article {n}", section=section, position=n * 10)

    first = client.get(f"{API}/articles.json?page[size]=2").json()
    make_article(title="Inserted before the cursor", section=section, position=5)
    second = client.get(first["links"]["next"]).json()

    assert [a["title"] for a in second["articles"]] == ["Article 2", "Article 3"]


@pytest.mark.parametrize("sort", ["sort_by=title&sort_order=desc", "sort_by=created_at", "sort_by=updated_at&sort_order=asc"])
def test_sorted_lists_page_by_cursor_in_the_same_order(client, make_article, make_section, sort):
    section = make_section()
    for n in range(5):
        make_article(title=f"Article {n}", section=section)

    whole = [a["id"] for a in client.get(f"{API}/articles.json?{sort}").json()["articles"]]
    seen, url = [], f"{API}/articles.json?{sort}&page[size]=2"
    while url:
        body = client.get(url).json()
        seen += [a["id"] for a in body["articles"]]
        url = body["links"]["next"]

    assert seen == whole and len(seen) == 5


@pytest.mark.parametrize("style", ["per_page=10", "page[size]=10"])
def test_an_article_page_costs_the_same_queries_for_1_or_10_articles(
        client, make_article, make_section, django_assert_num_queries, steady_clock, style):
    section = make_section()
    make_article(section=section, label_names=["one"])
    url = f"{API}/articles.json?{style}"
    client.get(url)  # a first request warms what is per process, not per page

    # The throttle's counter (one statement), the count (offset pages only), the rows,
    # their labels, their outdated translations' locales.
    expected = 5 if style.startswith("per_page") else 4
    with django_assert_num_queries(expected):
        client.get(url)
    for n in range(9):
        make_article(title=f"More {n}", section=section, label_names=[f"l{n}", "shared"])
    with django_assert_num_queries(expected):
        assert len(client.get(url).json()["articles"]) == 10


def test_an_agents_page_costs_the_same_queries_for_1_or_10_articles(
        client, make_article, make_section, agent_headers, django_assert_num_queries, steady_clock):
    section = make_section()
    make_article(section=section, draft=True)
    url = f"{API}/articles.json?page[size]=10"
    client.get(url, **agent_headers)

    # Besides the anonymous page's 4: the token with its user, the user's permissions
    # (user's own and groups').
    with django_assert_num_queries(7):
        client.get(url, **agent_headers)
    for n in range(9):
        make_article(title=f"More {n}", section=section, draft=True)
    with django_assert_num_queries(7):
        assert len(client.get(url, **agent_headers).json()["articles"]) == 10


# --- Writing --------------------------------------------------------------------------


def test_only_agents_write(client, customer, basic_auth, make_section):
    section = make_section()
    body = {"article": {"title": "Mine", "body": "text", "locale": "en-us"}}

    anonymous = _json(client, "post", f"{API}/sections/{section.pk}/articles.json", body)
    customer_try = _json(client, "post", f"{API}/sections/{section.pk}/articles.json", body, **basic_auth(customer))

    assert anonymous.status_code == 401
    assert customer_try.status_code == 403
    assert customer_try.json()["error"] == "Forbidden"
    assert not Article.objects.exists()


def test_an_agent_writes_categories_sections_and_articles(client, agent, agent_headers):
    category = _json(client, "post", f"{API}/categories.json", {"category": {"name": "Billing"}}, **agent_headers)
    assert category.status_code == 201
    category_id = category.json()["category"]["id"]
    section = _json(client, "post", f"{API}/en-us/categories/{category_id}/sections.json",
                    {"section": {"name": "Refunds", "position": 2}}, **agent_headers)
    assert section.status_code == 201
    section_id = section.json()["section"]["id"]
    article = _json(client, "post", f"{API}/sections/{section_id}/articles.json",
                    {"article": {"title": "Refunds", "body": "Within 30 days.", "draft": True,
                                 "label_names": ["money"]}, "notify_subscribers": False}, **agent_headers)
    assert article.status_code == 201
    article_id = article.json()["article"]["id"]

    renamed = _json(client, "put", f"{API}/categories/{category_id}.json", {"category": {"name": "Money"}},
                    **agent_headers)
    moved = _json(client, "put", f"{API}/articles/{article_id}.json",
                  {"article": {"title": "Refund policy", "draft": False, "position": 3}}, **agent_headers)

    assert renamed.json()["category"]["name"] == "Money"
    assert Category.objects.get(pk=category_id).slug == "money"
    stored = Article.objects.get(pk=article_id)
    assert (stored.title, stored.draft, stored.position, stored.author) == ("Refund policy", False, 3, agent)
    assert moved.json()["article"]["label_names"] == ["money"]
    assert Section.objects.get(pk=section_id).published_count == 1


def test_a_non_empty_section_or_category_is_not_deleted(client, agent_headers, make_article):
    article = make_article()

    section = client.delete(f"{API}/sections/{article.section_id}.json", **agent_headers)
    category = client.delete(f"{API}/categories/{article.section.category_id}.json", **agent_headers)

    assert (section.status_code, category.status_code) == (422, 422)
    assert section.json()["error"] == "RecordInvalid"
    services.article_delete(article=article)
    assert client.delete(f"{API}/sections/{article.section_id}.json", **agent_headers).status_code == 204
    assert client.delete(f"{API}/categories/{article.section.category_id}.json", **agent_headers).status_code == 204
    assert not Category.objects.exists()


@pytest.mark.parametrize("body", [
    {},
    {"article": "not an object"},
    {"article": {"body": "no title"}},
    {"article": {"title": "x" * 201}},
    {"article": {"title": "ok", "position": -1}},
    {"article": {"title": "ok", "position": 2**70}},
    {"article": {"title": "ok", "locale": "fr"}},
    {"article": {"title": "ok", "label_names": "not-a-list"}},
    {"article": {"title": "ok", "body": "[" * 5000}},
])
def test_invalid_articles_are_422_with_details(client, agent_headers, make_section, body):
    section = make_section()

    response = _json(client, "post", f"{API}/sections/{section.pk}/articles.json", body, **agent_headers)

    assert response.status_code == 422
    assert response.json()["error"] == "RecordInvalid"
    assert response.json()["details"]
    assert not Article.objects.exists()


def test_broken_json_is_400(client, agent_headers, make_section):
    section = make_section()

    response = client.post(f"{API}/sections/{section.pk}/articles.json", "{not json", content_type="application/json",
                           **agent_headers)

    assert response.status_code == 400
    assert response.json()["error"] == "InvalidJSON"


def test_a_new_name_keeps_slugs_unique(client, agent_headers):
    Category.objects.create(name="Billing", slug="billing")

    response = _json(client, "post", f"{API}/categories.json", {"category": {"name": "Billing"}}, **agent_headers)

    assert response.status_code == 201
    assert Category.objects.get(pk=response.json()["category"]["id"]).slug == "billing-2"


# --- Labels ---------------------------------------------------------------------------


def test_labels_listed_added_and_removed(client, agent_headers, make_article):
    article = make_article(label_names=["billing"])

    added = _json(client, "post", f"{API}/articles/{article.pk}/labels.json", {"label": {"name": "Refunds"}},
                  **agent_headers)
    again = _json(client, "post", f"{API}/articles/{article.pk}/labels.json", {"label": {"name": "refunds"}},
                  **agent_headers)
    names = [x["name"] for x in client.get(f"{API}/articles/{article.pk}/labels.json").json()["labels"]]

    assert added.status_code == again.status_code == 201
    assert added.json()["label"]["id"] == again.json()["label"]["id"]
    assert sorted(names) == ["Refunds", "billing"]
    assert sorted(x["name"] for x in client.get(f"{API}/articles/labels.json").json()["labels"]) == [
        "Refunds", "billing"]
    removed = client.delete(f"{API}/articles/{article.pk}/labels/{added.json()['label']['id']}.json", **agent_headers)
    assert removed.status_code == 204
    assert [x.name for x in article.labels.all()] == ["billing"]


# --- Heavy use ------------------------------------------------------------------------


def test_heavy_use_gets_429_with_retry_after(client, settings, steady_clock):
    settings.KB_RATE_LIMITS = {"api.ip": "3/m"}

    statuses = [client.get(f"{API}/categories.json").status_code for _ in range(4)]
    refused = client.get(f"{API}/categories.json")

    assert statuses == [200, 200, 200, 429]
    assert refused.json()["error"] == "TooManyRequests"
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_label_names_lists_articles_with_any_of_the_labels(client, make_article):
    billing = make_article(title="Billing", label_names=["Billing"])
    refunds = make_article(title="Refunds", label_names=["refunds", "billing"])
    make_article(title="Other", label_names=["other"])

    found = client.get(f"{API}/articles.json?label_names=BILLING,nothing&sort_by=title").json()

    assert [a["id"] for a in found["articles"]] == [billing.pk, refunds.pk]
    assert found["count"] == 2


def test_the_source_translation_answers_in_its_locale_and_only_agents_change_it(
        client, make_article, customer, basic_auth):
    article = make_article(title="Reset your password")

    shown = client.get(f"{API}/articles/{article.pk}/translations/EN-US.json")
    missing = client.get(f"{API}/articles/{article.pk}/translations/de.json")
    unserved = client.get(f"{API}/articles/{article.pk}/translations/fr.json")
    by_customer = _json(client, "put", f"{API}/articles/{article.pk}/translations/en-us.json",
                        {"translation": {"title": "Hijacked"}}, **basic_auth(customer))

    assert shown.json()["translation"]["title"] == "Reset your password"
    assert missing.status_code == 404 and unserved.status_code == 400
    assert by_customer.status_code == 403
    article.refresh_from_db()
    assert article.title == "Reset your password"