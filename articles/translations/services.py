"""Every write to a translation goes through these functions (views, the admin, the API,
imports, the demo and tests), like ``articles.services`` for the sources.

A translation is saved whole (title, body, labels; name and description for headings); each
save clears its ``outdated`` flag. ``translations_mark_outdated`` is called by the source's
services when the source's text changes.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from kb.i18n import locales, normalize_locale

from ..markdown import markdown_problem, render_markdown
from ..models import (
    Article,
    ArticleTranslation,
    Category,
    CategoryTranslation,
    Section,
    SectionTranslation,
)
from ..services import _slug, labels_get_or_create
from .outdated import TRANSLATION_MODELS, translations_mark_outdated


def check_translation_locale(*, source, locale) -> str:
    """``locale`` normalised, or a ValidationError when it is not served or is the source's."""
    code = normalize_locale(locale)
    if code is None:
        raise ValidationError(
            {"locale": f"Choose one of the help center's languages: {', '.join(locales())}."},
            code="invalid_locale",
        )
    if code == source.locale:
        raise ValidationError({"locale": "This is the source's own language."}, code="source_locale")
    return code


def _upsert(model, *, source, locale: str, by, fields: dict, draft: bool | None):
    code = check_translation_locale(source=source, locale=locale)
    source_field = model.source_field
    row = model.objects.select_for_update().filter(**{source_field: source, "locale": code}).first()
    if row is None:
        row = model(**{source_field: source, "locale": code}, created_by=by if _is_user(by) else None)
        if draft is None:
            draft = True
    for name, value in fields.items():
        setattr(row, name, value)
    if draft is not None:
        row.draft = draft
    row.outdated = False
    row.updated_by = by if _is_user(by) else None
    row.full_clean(exclude=[source_field, "created_by", "updated_by", "body_html"])
    row.save()
    return row


def _is_user(by) -> bool:
    return by is not None and getattr(by, "is_authenticated", False)


@transaction.atomic
def article_translation_save(
    *, article: Article, locale: str, title: str, body: str, by=None,
    label_names=None, draft: bool | None = None,
) -> ArticleTranslation:
    """Create or replace ``article``'s translation into ``locale`` (a draft when new and
    ``draft`` is not given); saving clears its outdated flag."""
    problem = markdown_problem(body)
    if problem:
        raise ValidationError({"body": problem}, code="markdown")
    title = title.strip()
    # Articles are help-center content written by agents: HTML in them is markup (sanitised),
    # as for the source (articles.services.html_allowed).
    row = _upsert(
        ArticleTranslation, source=article, locale=locale, by=by, draft=draft,
        fields={"title": title, "slug": _slug(title), "body": body,
                "body_html": render_markdown(body, allow_html=True)},
    )
    if label_names is not None:
        row.labels.set(labels_get_or_create(names=label_names))
    return row


@transaction.atomic
def section_translation_save(
    *, section: Section, locale: str, name: str, description: str = "", by=None, draft: bool | None = None,
) -> SectionTranslation:
    """Create or replace ``section``'s name and description in ``locale``."""
    name = name.strip()
    return _upsert(SectionTranslation, source=section, locale=locale, by=by, draft=draft,
                   fields={"name": name, "slug": _slug(name)[:140], "description": description})


@transaction.atomic
def category_translation_save(
    *, category: Category, locale: str, name: str, description: str = "", by=None, draft: bool | None = None,
) -> CategoryTranslation:
    """Create or replace ``category``'s name and description in ``locale``."""
    return _upsert(CategoryTranslation, source=category, locale=locale, by=by, draft=draft,
                   fields={"name": name.strip(), "description": description})


@transaction.atomic
def translation_delete(*, translation) -> None:
    """Delete one translation; readers of that language see the source again."""
    translation.delete()


__all__ = [
    "TRANSLATION_MODELS",
    "article_translation_save",
    "category_translation_save",
    "check_translation_locale",
    "section_translation_save",
    "translation_delete",
    "translations_mark_outdated",
]
