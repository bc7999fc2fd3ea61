"""Readers see each category, section and article in their language where it is
translated and published, else the source with a notice; never a 404 for a missing
translation. Pages keep constant query counts.

Languages are chosen as readers choose them, by the address: URLs are reversed under
``translation.override`` (/es/...), and the page is served in the language its prefix names.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from articles import services
from articles.models import Article, Category
from articles.translations import services as translations
from kb import page_cache

from .pages import html, text


def _get(client, locale, url_of, **params):
    """GET the page ``url_of()`` names in ``locale`` (the URL reversed in that language)."""
    with translation.override(locale):
        url = url_of() if callable(url_of) else url_of
        return client.get(url, params)


def _queries(client, locale, url_of) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert _get(client, locale, url_of).status_code == 200
    return len(queries)


@pytest.fixture
def article(make_article, make_section):
    section = make_section(name="Billing")
    return make_article(title="Cancel your plan", body="Open **Billing** and choose *Cancel*.",
                        section=section, label_names=["billing"], promoted=True)


@pytest.fixture
def spanish(article, agent):
    """The article, its section and its category translated into Spanish and published."""
    translations.category_translation_save(category=article.section.category, locale="es",
                                           name="Categoría uno", description="Todo", draft=False, by=agent)
    translations.section_translation_save(section=article.section, locale="es", name="Facturación",
                                          draft=False, by=agent)
    return translations.article_translation_save(
        article=article, locale="es", title="Cancelar su plan", body="Abra **Facturación**.",
        label_names=["facturación"], draft=False, by=agent,
    )


def test_a_spanish_reader_sees_the_published_translation_with_its_slug_labels_and_breadcrumbs(
        client, article, spanish):
    response = _get(client, "es", spanish.get_absolute_url)
    assert response.status_code == 200
    page, body = text(response), html(response)
    assert "Cancelar su plan" in page and "<strong>Facturación</strong>" in body
    assert "Cancel your plan" not in page and "Open" not in page
    assert "facturación" in page and "billing" not in page
    assert "Categoría uno" in page and "Facturación" in page  # breadcrumbs
    assert 'lang="es"' in body and "translation-notice" not in body
    assert response.context["page_translations"] == {
        "en": translation.override("en")(article.get_absolute_url)(),
        "es": spanish.get_absolute_url(),
    }


def test_the_source_url_in_spanish_answers_301_to_the_translations_slug(client, article, spanish):
    response = _get(client, "es", article.get_absolute_url)
    assert response.status_code == 301
    assert response.url == spanish.get_absolute_url() and spanish.slug in response.url
    # and the translation's slug in English leads back to the source's
    with translation.override("en"):
        wrong = reverse("articles:article", kwargs={"pk": article.pk, "slug": spanish.slug})
        assert client.get(wrong).status_code == 301


def test_an_untranslated_article_shows_the_source_with_a_notice_never_a_404(client, article):
    response = _get(client, "de", article.get_absolute_url)
    assert response.status_code == 200
    page, body = text(response), html(response)
    assert "Cancel your plan" in page and "<strong>Billing</strong>" in body
    assert "translation-notice" in body and "English" in page
    assert '<div class="article-body" lang="en">' in body
    assert response.context["page_translations"] == {"en": article.get_absolute_url()}


def test_a_draft_translation_is_hidden_from_readers(client, article, customer, agent):
    draft = translations.article_translation_save(article=article, locale="es", title="Borrador secreto",
                                                  body="Texto", by=agent)
    client.force_login(customer)
    response = _get(client, "es", article.get_absolute_url)
    assert response.status_code == 200 and "Borrador secreto" not in text(response)
    assert "translation-notice" in html(response)
    assert list(response.context["page_translations"]) == ["en"]
    # nor can its slug be guessed: it answers 301 to the source's
    assert _get(client, "es", draft.get_absolute_url).status_code == 301
    assert "Borrador secreto" not in text(_get(client, "es", lambda: reverse("articles:home")))


def test_agents_preview_draft_translations_when_they_ask_and_see_the_outdated_badge(
        client, article, agent, customer):
    translations.article_translation_save(article=article, locale="es", title="Borrador", body="Texto", by=agent)
    client.force_login(agent)
    assert "Borrador" not in text(_get(client, "es", article.get_absolute_url))
    with translation.override("es"):
        url = reverse("articles:article", kwargs={"pk": article.pk, "slug": "borrador"})
    page = text(_get(client, "es", url, translation_preview="1"))
    assert "Borrador" in page and "Traducción en borrador" in page
    translations.article_translation_save(article=article, locale="es", title="Publicado", body="Texto",
                                          by=agent, draft=False)
    services.article_update(article=article, body="Open **Billing**, then *Cancel plan*.", by=agent)
    with translation.override("es"):
        url = reverse("articles:article", kwargs={"pk": article.pk, "slug": "publicado"})
    assert "Traducción desactualizada" in text(_get(client, "es", url))
    client.force_login(customer)  # readers still get the outdated translation, without the badge
    page = text(_get(client, "es", url))
    assert "Publicado" in page and "Traducción desactualizada" not in page
    # and a customer's preview parameter changes nothing
    assert "Traducción en borrador" not in text(_get(client, "es", url, translation_preview="1"))


def test_home_category_and_section_show_names_and_titles_in_the_readers_language(
        client, article, spanish, make_article):
    untranslated = make_article(title="Change your card", section=article.section)
    home = text(_get(client, "es", lambda: reverse("articles:home")))
    assert "Categoría uno" in home and "Facturación" in home and "Cancelar su plan" in home
    category = _get(client, "es", article.section.category.get_absolute_url)
    page = text(category)
    assert "Categoría uno" in page and "Facturación" in page and "Cancelar su plan" in page
    assert "Change your card" in page  # per item: the untranslated one keeps its source title
    assert "translation-notice" not in html(category)
    assert list(category.context["page_translations"]) == ["en", "es"]
    with translation.override("es"):
        section_url = reverse("articles:section", kwargs={"pk": article.section.pk, "slug": "facturacion"})
    section = _get(client, "es", section_url)
    assert section.status_code == 200
    assert "Cancelar su plan" in text(section) and untranslated.title in text(section)
    assert section.context["page_translations"]["es"] == section_url
    assert _get(client, "es", article.section.get_absolute_url).status_code == 301
    english = text(_get(client, "en", lambda: reverse("articles:home")))
    assert "Cancel your plan" in english and "Cancelar su plan" not in english


def test_related_articles_are_listed_in_the_readers_language(client, article, spanish, make_article, agent):
    other = make_article(title="Pause your plan", section=article.section)
    translations.article_translation_save(article=other, locale="es", title="Pausar su plan", body="x",
                                          draft=False, by=agent)
    page = text(_get(client, "es", spanish.get_absolute_url))
    assert "Pausar su plan" in page and "Pause your plan" not in page


def test_an_article_written_in_spanish_is_shown_to_english_readers_with_a_notice(client, make_article):
    article = make_article(title="Cómo pagar")
    Article.objects.filter(pk=article.pk).update(locale="es")
    response = _get(client, "en", article.get_absolute_url)
    assert response.status_code == 200 and "translation-notice" in html(response)
    assert "español" in text(response).lower()
    assert 'lang="es"' in html(response)


@pytest.mark.parametrize("locale", ["en", "es"])
def test_translated_pages_keep_constant_query_counts(client, make_article, make_section, agent, locale):
    """One query more than before on detail pages (the item's translations); none on listings."""
    section = make_section()
    first = make_article(title="First", section=section, label_names=["a"], promoted=True)
    pages = [lambda: reverse("articles:home"), section.category.get_absolute_url,
             section.get_absolute_url, first.get_absolute_url]
    before = [_queries(client, locale, url) for url in pages]
    category = Category.objects.create(name="More", slug="more")
    for n in range(6):
        other_section = make_section(category=category)
        translations.section_translation_save(section=other_section, locale="es", name=f"Sección {n}",
                                              draft=False)
        for m in range(4):
            other = make_article(title=f"Article {n}-{m}", section=section, promoted=True, label_names=["a"])
            translations.article_translation_save(article=other, locale="es", title=f"Artículo {n}-{m}",
                                                  body="x", draft=m % 2 == 0, label_names=["b"])
    translations.article_translation_save(article=first, locale="es", title="Primero", body="x", draft=False,
                                          label_names=["b", "c"])
    translations.section_translation_save(section=section, locale="es", name="Sección", draft=False)
    with translation.override(locale):
        first.refresh_from_db()
        pages[2] = lambda: reverse("articles:section", kwargs={"pk": section.pk,
                                                               "slug": "seccion" if locale == "es" else section.slug})
        pages[3] = lambda: reverse("articles:article", kwargs={"pk": first.pk,
                                                               "slug": "primero" if locale == "es" else first.slug})
    page_cache.bump(page_cache.CONTENT)
    assert [_queries(client, locale, url) for url in pages] == before


def test_translation_writes_invalidate_cached_pages(client, article, agent):
    assert "Cancel your plan" in text(_get(client, "es", lambda: reverse("articles:home")))
    row = translations.article_translation_save(article=article, locale="es", title="Cancelar su plan", body="x",
                                                draft=False, by=agent)
    assert "Cancelar su plan" in text(_get(client, "es", lambda: reverse("articles:home")))
    translations.translation_delete(translation=row)
    assert "Cancelar su plan" not in text(_get(client, "es", lambda: reverse("articles:home")))
