"""The admin translates categories, sections and articles inline, through the services,
and shows which translations exist, are missing or outdated."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import ArticleTranslation, CategoryTranslation, SectionTranslation
from articles.translations import services as translations

from .pages import html, make_agent


@pytest.fixture
def superuser(make_user):
    return make_user("root_rita", is_staff=True, is_superuser=True)


def _inline(rows, *, initial=0, **extra):
    data = {"translations-TOTAL_FORMS": len(rows), "translations-INITIAL_FORMS": initial}
    for n, row in enumerate(rows):
        data.update({f"translations-{n}-{key}": value for key, value in row.items()})
    data.update(extra)
    return data


def test_a_section_name_is_translated_in_the_admin_through_the_service(client, superuser, make_section):
    section = make_section(name="Billing")
    client.force_login(superuser)
    url = reverse("admin:articles_section_change", args=[section.pk])
    data = _inline([{"locale": "es", "name": "Facturación", "description": "Pagos", "draft": "on"}],
                   category=section.category_id, name="Billing", slug=section.slug, description="",
                   position=0, locale="en")
    response = client.post(url, data)
    assert response.status_code == 302, html(response)[:3000]
    row = SectionTranslation.objects.get()
    assert (row.locale, row.name, row.slug, row.draft, row.created_by) == (
        "es", "Facturación", "facturacion", True, superuser)


def test_a_category_translation_into_its_own_language_is_a_form_error(client, superuser, make_section):
    category = make_section().category
    client.force_login(superuser)
    url = reverse("admin:articles_category_change", args=[category.pk])
    data = _inline([{"locale": "en", "name": "Same"}], name=category.name, slug=category.slug,
                   description="", position=0, locale="en")
    response = client.post(url, data)
    assert response.status_code == 200 and not CategoryTranslation.objects.exists()
    assert "own language" in html(response)


def test_an_article_translation_saved_in_the_admin_is_rendered_and_current(client, superuser, make_article):
    article = make_article(title="Cancel", label_names=["billing"])
    row = translations.article_translation_save(article=article, locale="es", title="Viejo", body="x")
    services.article_update(article=article, title="Cancel your plan", by=superuser)
    assert ArticleTranslation.objects.get().outdated
    client.force_login(superuser)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = _inline([{"id": row.pk, "article": article.pk, "locale": "es", "title": "Cancelar su plan",
                     "body": "Abra **Facturación**"}], initial=1,
                   section=article.section_id, title="Cancel your plan", body=article.body, author=article.author_id,
                   position=0, external_id="", labels=[label.pk for label in article.labels.all()])
    response = client.post(url, data)
    assert response.status_code == 302, html(response)[:3000]
    row.refresh_from_db()
    assert (row.title, row.slug, row.outdated, row.draft) == ("Cancelar su plan", "cancelar-su-plan", False, False)
    assert "<strong>Facturación</strong>" in row.body_html


def test_deleting_an_inline_row_deletes_the_translation(client, superuser, make_article):
    article = make_article()
    row = translations.article_translation_save(article=article, locale="de", title="Titel", body="x")
    client.force_login(superuser)
    data = _inline([{"id": row.pk, "article": article.pk, "locale": "de", "title": "Titel", "body": "x",
                     "DELETE": "on"}], initial=1,
                   section=article.section_id, title=article.title, body=article.body, author=article.author_id,
                   position=0, external_id="", draft="")
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302 and not ArticleTranslation.objects.exists()


def test_the_changelist_shows_each_languages_state_in_constant_queries(client, superuser, make_article):
    first = make_article(title="First")
    translations.article_translation_save(article=first, locale="es", title="Primero", body="x", draft=False)
    client.force_login(superuser)
    url = reverse("admin:articles_article_changelist")
    with CaptureQueriesContext(connection) as before:
        body = html(client.get(url))
    assert "es: published" in body and "de: missing" in body
    for n in range(10):
        other = make_article(title=f"Other {n}")
        translations.article_translation_save(article=other, locale="de", title=f"Andere {n}", body="x")
        services.article_update(article=other, title=f"Another {n}", by=superuser)
    with CaptureQueriesContext(connection) as after:
        body = html(client.get(url))
    assert len(after) == len(before)
    assert "de: outdated" in body


def test_agents_may_translate_in_the_admin(client, make_section, db):
    agent = make_agent("admin_agent")
    agent.is_staff = True
    agent.save()
    section = make_section()
    client.force_login(agent)
    page = html(client.get(reverse("admin:articles_section_change", args=[section.pk])))
    assert "translations-TOTAL_FORMS" in page
