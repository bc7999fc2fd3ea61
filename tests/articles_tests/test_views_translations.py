"""Agents translate articles side by side with the source, see each language's state in
the article editor, mark edits minor, and find what is missing or outdated per language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles import services
from articles.models import ArticleTranslation
from articles.translations import services as translations

from .pages import html, text


@pytest.fixture
def article(make_article):
    return make_article(title="Cancel your plan", body="Open **Billing**.", label_names=["billing"])


def _editor(article, locale="es"):
    return reverse("articles:agent_translation", kwargs={"pk": article.pk, "locale": locale})


def test_the_editor_shows_the_source_beside_an_empty_form_and_saves_a_draft(client, agent, article):
    client.force_login(agent)
    page = client.get(_editor(article))
    assert page.status_code == 200
    body = html(page)
    assert "<strong>Billing</strong>" in body and 'lang="en"' in body and 'lang="es"' in body
    assert "markdownx/js/markdownx" in body and "Missing" in text(page)
    response = client.post(_editor(article), {"title": "Cancelar su plan", "body": "Abra **Facturación**.",
                                              "labels": "facturación", "action": "draft"})
    assert response.status_code == 302 and response.url == _editor(article)
    row = ArticleTranslation.objects.get()
    assert (row.locale, row.title, row.draft, row.created_by) == ("es", "Cancelar su plan", True, agent)
    assert [label.name for label in row.labels.all()] == ["facturación"]
    page = client.get(_editor(article))
    assert 'value="Cancelar su plan"' in html(page) and "saved as a draft" in text(page)
    with translation.override("es"):  # the URL's /es/ prefix does this once locale URLs exist
        preview = client.get(f"{row.get_absolute_url()}?translation_preview=1")
    assert f'href="{row.get_absolute_url()}?translation_preview=1"' in html(page)
    assert preview.status_code == 200 and "Cancelar su plan" in text(preview)


def test_publishing_and_deleting_a_translation(client, agent, article):
    client.force_login(agent)
    client.post(_editor(article), {"title": "Cancelar", "body": "Texto", "action": "publish"})
    assert ArticleTranslation.objects.get().draft is False
    delete = reverse("articles:agent_translation_delete", kwargs={"pk": article.pk, "locale": "es"})
    assert client.get(delete).status_code == 405
    response = client.post(delete)
    assert response.status_code == 302 and not ArticleTranslation.objects.exists()


def test_bad_input_is_a_form_error_not_a_500(client, agent, article):
    client.force_login(agent)
    response = client.post(_editor(article), {"title": "", "body": "[" * 5000, "labels": "x" * 61})
    assert response.status_code == 200
    assert not ArticleTranslation.objects.exists()
    assert "Please give the translation a title." in text(response)


@pytest.mark.parametrize("locale", ["en", "fr", "ES", "es-mx", "x" * 300])
def test_the_source_language_or_an_unserved_one_is_404(client, agent, article, locale):
    client.force_login(agent)
    assert client.get(_editor(article, locale)).status_code == 404
    assert client.post(_editor(article, locale), {"title": "T", "body": "b"}).status_code == 404


def test_customers_get_403_and_visitors_are_sent_to_sign_in(client, customer, article):
    urls = [_editor(article), reverse("articles:agent_translations")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url
    client.force_login(customer)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(_editor(article), {"title": "T", "body": "b", "action": "publish"}).status_code == 403
    delete = reverse("articles:agent_translation_delete", kwargs={"pk": article.pk, "locale": "es"})
    assert client.post(delete).status_code == 403
    assert not ArticleTranslation.objects.exists()


def test_the_article_editor_lists_each_languages_state(client, agent, article):
    translations.article_translation_save(article=article, locale="es", title="Cancelar", body="x", draft=False)
    client.force_login(agent)
    page = client.get(reverse("articles:agent_article_edit", kwargs={"pk": article.pk}))
    body = html(page)
    assert _editor(article, "es") in body and _editor(article, "de") in body
    assert "translation-state-published" in body and "translation-state-missing" in body
    services.article_update(article=article, title="Cancel your subscription", by=agent)
    body = html(client.get(reverse("articles:agent_article_edit", kwargs={"pk": article.pk})))
    assert "translation-state-outdated" in body


@pytest.mark.parametrize("minor, outdated", [(True, False), (False, True)])
def test_a_minor_edit_leaves_translations_current(client, agent, article, minor, outdated):
    translations.article_translation_save(article=article, locale="es", title="Cancelar", body="x", draft=False)
    client.force_login(agent)
    data = {"section": article.section_id, "title": "Cancel your plan", "body": "Open **Billing** now.",
            "labels": "billing", "position": 0}
    if minor:
        data["minor"] = "on"
    response = client.post(reverse("articles:agent_article_edit", kwargs={"pk": article.pk}), data)
    assert response.status_code == 302
    assert ArticleTranslation.objects.get().outdated is outdated


def test_the_new_article_form_has_no_minor_box(client, agent, article):
    client.force_login(agent)
    assert "Minor change" not in text(client.get(reverse("articles:agent_article_create")))
    assert "Minor change" in text(client.get(reverse("articles:agent_article_edit", kwargs={"pk": article.pk})))


def test_the_work_list_shows_missing_and_outdated_per_language(client, agent, make_article, article):
    done = make_article(title="Already done")
    outdated = make_article(title="Changed since")
    translations.article_translation_save(article=done, locale="es", title="Hecho", body="x", draft=False)
    translations.article_translation_save(article=outdated, locale="es", title="Cambiado", body="x", draft=False)
    services.article_update(article=outdated, body="New text", by=agent)
    client.force_login(agent)
    page = text(client.get(reverse("articles:agent_translations"), {"locale": "es"}))
    assert "Cancel your plan" in page and "Missing" in page
    assert "Changed since" in page and "Outdated" in page and "Already done" not in page
    assert "2 articles need" in page
    german = text(client.get(reverse("articles:agent_translations"), {"locale": "de"}))
    assert "Already done" in german and "3 articles need" in german
    # junk is the default language list, never an error
    assert client.get(reverse("articles:agent_translations"), {"locale": "xx", "page": "²"}).status_code == 200


def test_the_work_list_pages_in_constant_queries(client, agent, make_article, make_section):
    section = make_section()
    make_article(title="One", section=section)
    client.force_login(agent)
    url = reverse("articles:agent_translations")
    with CaptureQueriesContext(connection) as first:
        client.get(url, {"locale": "es"})
    for n in range(60):
        other = make_article(title=f"Article {n:02d}", section=section)
        if n % 3 == 0:
            translations.article_translation_save(article=other, locale="es", title=f"A {n}", body="x")
            services.article_update(article=other, body="changed", by=agent)
    with CaptureQueriesContext(connection) as second:
        response = client.get(url, {"locale": "es", "page": "2"})
    assert len(second) == len(first)
    assert "Page 2 of 2" in text(response)
