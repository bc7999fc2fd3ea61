"""Translations of articles, sections and categories: saved through the services, marked
outdated when their source's text changes."""

import pytest
from django.core.exceptions import ValidationError

from articles import services
from articles.models import ArticleTranslation, SectionTranslation
from articles.translations import services as translations


@pytest.fixture
def article(make_article):
    return make_article(title="Cancel your plan", body="Open **Billing**.", draft=False)


def test_article_translation_is_a_draft_with_rendered_body_and_its_own_slug(article, agent):
    row = translations.article_translation_save(
        article=article, locale="es", title="Cancelar su plan", body="Abra **Facturación**.",
        label_names=["facturación"], by=agent,
    )
    assert row.draft is True and row.outdated is False
    assert row.slug == "cancelar-su-plan"
    assert "<strong>Facturación</strong>" in row.body_html
    assert row.created_by == agent and row.updated_by == agent
    assert [label.name for label in row.labels.all()] == ["facturación"]


def test_saving_again_replaces_the_translation_and_keeps_its_state_unless_told(article, agent):
    translations.article_translation_save(article=article, locale="es", title="Uno", body="a", draft=False)
    translations.article_translation_save(article=article, locale="ES", title="Dos", body="b", by=agent)
    row = ArticleTranslation.objects.get()
    assert (row.title, row.draft, row.locale) == ("Dos", False, "es")


@pytest.mark.parametrize("locale", ["en", "fr", "", "x" * 30, None])
def test_translation_into_the_source_language_or_an_unserved_one_is_refused(article, locale):
    with pytest.raises(ValidationError) as error:
        translations.article_translation_save(article=article, locale=locale, title="T", body="b")
    assert "locale" in error.value.message_dict
    assert not ArticleTranslation.objects.exists()


def test_editing_the_source_text_marks_its_translations_outdated(article, agent):
    row = translations.article_translation_save(article=article, locale="de", title="Kündigen", body="x")
    services.article_update(article=article, body="Open **Billing** > Plans.", by=agent)
    row.refresh_from_db()
    assert row.outdated is True
    translations.article_translation_save(article=article, locale="de", title="Kündigen", body="y")
    row.refresh_from_db()
    assert row.outdated is False


def test_minor_edits_and_unrelated_fields_leave_translations_current(article, agent):
    row = translations.article_translation_save(article=article, locale="de", title="Kündigen", body="x")
    services.article_update(article=article, body="Open **Billing**!", by=agent, minor=True)
    services.article_update(article=article, promoted=True, by=agent)
    row.refresh_from_db()
    assert row.outdated is False
    services.article_update(article=article, label_names=["billing"], by=agent)
    row.refresh_from_db()
    assert row.outdated is True


def test_renaming_a_section_marks_its_translations_outdated(make_section):
    section = make_section()
    row = translations.section_translation_save(section=section, locale="es", name="Facturación")
    services.section_update(section=section, position=3)
    assert SectionTranslation.objects.get(pk=row.pk).outdated is False
    services.section_update(section=section, name="Billing and plans")
    assert SectionTranslation.objects.get(pk=row.pk).outdated is True
