"""Translations through the API, in Zendesk's shape: list, show, create, update, delete,
missing.json; records listed in a locale; permissions as for articles; bad locales."""

import pytest

from articles import services
from articles.models import ArticleTranslation, SectionTranslation
from articles.translations import services as translations

pytestmark = pytest.mark.django_db

API = "/api/v2/help_center"


def _json(client, method, url, body=None, **headers):
    return getattr(client, method)(url, body, content_type="application/json", **headers)


@pytest.fixture
def article(make_article):
    return make_article(title="Cancel your plan", body="Open **Billing**.", label_names=["billing"])


@pytest.fixture
def agent_headers(agent, basic_auth):
    return basic_auth(agent)


def test_create_show_update_list_and_delete_an_article_translation(client, article, agent, agent_headers):
    url = f"{API}/articles/{article.pk}/translations.json"
    created = _json(client, "post", url, {"translation": {"locale": "ES", "title": "Cancelar su plan",
                                                          "body": "Abra **Facturación**.", "draft": True}},
                    **agent_headers)
    assert created.status_code == 201, created.content
    body = created.json()["translation"]
    row = ArticleTranslation.objects.get()
    assert body["locale"] == "es" and body["source_id"] == article.pk and body["source_type"] == "Article"
    assert (body["draft"], body["outdated"], body["created_by_id"], body["updated_by_id"]) == (True, False,
                                                                                            agent.pk, agent.pk)
    assert "<strong>Facturación</strong>" in body["body"] and body["created_at"].endswith("Z")
    assert body["id"] != article.pk and body["id"] != row.pk  # ids of rows of three tables never collide
    assert body["url"].endswith(f"/articles/{article.pk}/translations/es.json")

    # drafts are for agents
    assert client.get(f"{API}/articles/{article.pk}/translations/es.json").status_code == 404
    assert client.get(f"{API}/articles/{article.pk}/translations/es.json", **agent_headers).status_code == 200

    updated = _json(client, "put", f"{API}/articles/{article.pk}/translations/es.json",
                    {"translation": {"draft": False}}, **agent_headers).json()["translation"]
    assert (updated["title"], updated["draft"]) == ("Cancelar su plan", False)
    listed = client.get(url).json()
    assert [(t["locale"], t["title"]) for t in listed["translations"]] == [
        ("en-us", "Cancel your plan"), ("es", "Cancelar su plan")]
    assert client.get(f"{API}/articles/{article.pk}/translations/missing.json").json() == {"locales": ["de"]}

    services.article_update(article=article, title="Cancel your subscription", by=agent)
    assert client.get(f"{API}/articles/{article.pk}/translations/es.json").json()["translation"]["outdated"] is True

    deleted = client.delete(f"{API}/translations/{body['id']}.json", **agent_headers)
    assert deleted.status_code == 204 and not ArticleTranslation.objects.exists()


def test_section_and_category_translations_take_a_title_and_body_as_name_and_description(
        client, article, agent_headers):
    section = article.section
    response = _json(client, "post", f"{API}/sections/{section.pk}/translations.json",
                     {"translation": {"locale": "de", "title": "Abrechnung", "body": "Zahlungen"}}, **agent_headers)
    assert response.status_code == 201
    row = SectionTranslation.objects.get()
    assert (row.name, row.slug, row.description, row.draft) == ("Abrechnung", "abrechnung", "Zahlungen", False)
    category = section.category
    response = _json(client, "post", f"{API}/categories/{category.pk}/translations.json",
                     {"translation": {"locale": "de", "title": "Konto"}}, **agent_headers)
    assert response.status_code == 201 and response.json()["translation"]["title"] == "Konto"
    sections = client.get(f"{API}/de/sections.json").json()["sections"]
    assert [(s["name"], s["locale"], s["source_locale"]) for s in sections] == [("Abrechnung", "de", "en-us")]
    assert client.get(f"{API}/de/categories/{category.pk}.json").json()["category"]["name"] == "Konto"


def test_records_in_a_locale_are_those_translated_into_it(client, make_article, article, agent, agent_headers):
    other = make_article(title="Pause your plan")
    draft = make_article(title="Draft translation")
    translations.article_translation_save(article=article, locale="es", title="Cancelar su plan", body="Texto",
                                          draft=False)
    translations.article_translation_save(article=draft, locale="es", title="Borrador", body="x", draft=True)
    spanish = client.get(f"{API}/es/articles.json").json()
    assert [(a["id"], a["title"], a["locale"], a["source_locale"]) for a in spanish["articles"]] == [
        (article.pk, "Cancelar su plan", "es", "en-us")]
    assert spanish["articles"][0]["body"] == "<p>Texto</p>"
    assert spanish["articles"][0]["url"].endswith(f"/es/articles/{article.pk}.json")
    as_agent = client.get(f"{API}/articles.json?locale=es", **agent_headers).json()["articles"]
    assert sorted(a["title"] for a in as_agent) == ["Borrador", "Cancelar su plan"]
    assert next(a for a in as_agent if a["title"] == "Borrador")["draft"] is True
    assert client.get(f"{API}/es/articles/{other.pk}.json").status_code == 404
    assert client.get(f"{API}/es/articles/{article.pk}.json").json()["article"]["title"] == "Cancelar su plan"
    english = client.get(f"{API}/en-us/articles.json").json()["articles"]
    assert {a["title"] for a in english} == {"Cancel your plan", "Pause your plan", "Draft translation"}


@pytest.mark.parametrize("body", [
    {"translation": {"locale": "fr", "title": "Titre"}},
    {"translation": {"locale": "x" * 300, "title": "T"}},
    {"translation": {"locale": ["es"], "title": "T"}},
    {"translation": {"title": "Sin idioma"}},
])
def test_a_bad_locale_is_a_400_in_zendesks_shape(client, article, agent_headers, body):
    response = _json(client, "post", f"{API}/articles/{article.pk}/translations.json", body, **agent_headers)
    assert response.status_code in (400, 422)
    assert {"error", "description"} <= set(response.json())
    assert not ArticleTranslation.objects.exists()


def test_unserved_locales_in_paths_are_400(client, article, agent_headers):
    for url in (f"{API}/articles/{article.pk}/translations/fr.json", f"{API}/fr/sections.json"):
        response = client.get(url, **agent_headers)
        assert response.status_code == 400
        assert response.json()["error"] == "InvalidParameter"


def test_the_source_language_and_a_second_translation_are_refused(client, article, agent_headers):
    url = f"{API}/articles/{article.pk}/translations.json"
    assert _json(client, "post", url, {"translation": {"locale": "en-us", "title": "T"}},
                 **agent_headers).status_code == 422
    assert _json(client, "post", url, {"translation": {"locale": "es", "title": "Uno", "body": "x"}},
                 **agent_headers).status_code == 201
    again = _json(client, "post", url, {"translation": {"locale": "es", "title": "Dos", "body": "y"}}, **agent_headers)
    assert again.status_code == 422 and again.json()["error"] == "RecordInvalid"
    assert ArticleTranslation.objects.get().title == "Uno"
    assert _json(client, "put", f"{API}/articles/{article.pk}/translations/de.json",
                 {"translation": {"title": "Neu"}}, **agent_headers).status_code == 404


def test_a_sources_own_translation_cannot_be_deleted(client, article, agent_headers):
    response = client.delete(f"{API}/translations/{article.pk}.json", **agent_headers)
    assert response.status_code == 422
    assert client.delete(f"{API}/translations/{10**15 + 999}.json", **agent_headers).status_code == 404


def test_customers_and_anonymous_callers_cannot_write_translations(client, article, customer, basic_auth):
    row = translations.article_translation_save(article=article, locale="es", title="Uno", body="x", draft=False)
    url = f"{API}/articles/{article.pk}/translations.json"
    body = {"translation": {"locale": "de", "title": "Hijacked"}}
    for headers in ({}, basic_auth(customer)):
        assert _json(client, "post", url, body, **headers).status_code in (401, 403)
        assert _json(client, "put", f"{API}/articles/{article.pk}/translations/es.json",
                     {"translation": {"title": "Hijacked"}}, **headers).status_code in (401, 403)
        listed = client.get(url).json()["translations"]
        assert client.delete(f"{API}/translations/{listed[1]['id']}.json", **headers).status_code in (401, 403)
    row.refresh_from_db()
    assert row.title == "Uno" and ArticleTranslation.objects.count() == 1


def test_a_drafts_translations_are_not_found_by_readers(client, make_article):
    draft = make_article(title="Secret", draft=True)
    translations.article_translation_save(article=draft, locale="es", title="Secreto", body="x", draft=False)
    assert client.get(f"{API}/articles/{draft.pk}/translations.json").status_code == 404
    assert client.get(f"{API}/es/articles.json").json()["articles"] == []


def test_a_page_in_a_locale_costs_the_same_queries_for_1_or_10_articles(
        client, make_article, make_section, django_assert_num_queries, steady_clock):
    section = make_section()
    first = make_article(section=section, label_names=["one"])
    translations.article_translation_save(article=first, locale="es", title="Uno", body="x", draft=False)
    url = f"{API}/es/articles.json?page[size]=10"
    client.get(url)
    # As in the source language: the throttle's counter, the rows (translations joined), labels,
    # outdated translations' locales.
    with django_assert_num_queries(4):
        client.get(url)
    for n in range(9):
        other = make_article(title=f"More {n}", section=section, label_names=[f"l{n}"])
        translations.article_translation_save(article=other, locale="es", title=f"Más {n}", body="x", draft=False)
    with django_assert_num_queries(4):
        assert len(client.get(url).json()["articles"]) == 10


def test_articles_report_their_outdated_locales(client, make_article, agent):
    """``outdated_locales``: the languages whose translation the source has outrun."""
    from articles import services as article_services
    from articles.translations.services import article_translation_save

    article = make_article(title="Cancel your plan", body="Open Billing.", draft=False)
    article_translation_save(article=article, locale="es", title="Cancelar", body="Abra.", draft=False, by=agent)
    article_translation_save(article=article, locale="de", title="Kündigen", body="Öffnen.", draft=False, by=agent)
    listing = client.get("/api/v2/help_center/articles.json").json()["articles"]
    assert [row["outdated_locales"] for row in listing] == [[]]
    article_services.article_update(article=article, body="Open Billing, then Plans.", by=agent)
    listing = client.get("/api/v2/help_center/articles.json").json()["articles"]
    assert [row["outdated_locales"] for row in listing] == [["de", "es"]]
    one = client.get(f"/api/v2/help_center/articles/{article.pk}.json").json()["article"]
    assert one["outdated_locales"] == ["de", "es"]
