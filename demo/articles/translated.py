"""Spanish and German translations of part of the demo help center (issue 15), through
``articles.translations.services``.

Like the rest of the demo, a run creates only the translations that are missing and never
changes one that exists, so a translator's edits in the running demo survive restarts.
"""

from collections import Counter
from collections.abc import Callable

from django.utils import translation
from django.utils.text import slugify

from articles.models import ArticleTranslation, CategoryTranslation, SectionTranslation
from articles.translations.services import (
    article_translation_save,
    category_translation_save,
    section_translation_save,
    translations_mark_outdated,
)

from .de import LOCALE as GERMAN
from .es import LOCALE as SPANISH
from .spec import DemoLocale

LOCALES: tuple[DemoLocale, ...] = (SPANISH, GERMAN)


def load(
    *, articles: dict, sections: dict, categories: dict, by, created: Counter, resolve: Callable,
) -> dict[str, dict[str, str]]:
    """Create the missing translations; returns ``{locale: {article key: URL}}`` of every
    published demo translation, for links written in that language. ``resolve(body,
    articles, sections, urls=...)`` turns the demo's references into URLs (demo.articles)."""
    urls = {}
    for spec in LOCALES:
        _load_headings(spec, sections, categories, by, created)
        urls[spec.locale] = _published_urls(spec, articles)
        existing = set(
            ArticleTranslation.objects.filter(locale=spec.locale, article__in=articles.values())
            .values_list("article_id", flat=True)
        )
        for item in spec.articles:
            article = articles[item.key]
            if article.pk in existing:
                continue
            with translation.override(spec.locale):
                body = resolve(item.body, articles, sections, urls=urls[spec.locale])
            article_translation_save(
                article=article, locale=spec.locale, title=item.title, body=body, by=by,
                label_names=item.labels, draft=item.draft,
            )
            if item.outdated:
                translations_mark_outdated(source=article)
            created["article translations"] += 1
    return urls


def _load_headings(spec: DemoLocale, sections: dict, categories: dict, by, created: Counter) -> None:
    have = set(CategoryTranslation.objects.filter(locale=spec.locale).values_list("category__slug", flat=True))
    for item in spec.categories:
        if item.slug not in have:
            category_translation_save(category=categories[item.slug], locale=spec.locale, name=item.name,
                                      description=item.description, by=by, draft=False)
            created["heading translations"] += 1
    have = set(SectionTranslation.objects.filter(locale=spec.locale).values_list("section__slug", flat=True))
    for item in spec.sections:
        if item.slug not in have:
            section_translation_save(section=sections[item.slug], locale=spec.locale, name=item.name,
                                     description=item.description, by=by, draft=False)
            created["heading translations"] += 1


def _published_urls(spec: DemoLocale, articles: dict) -> dict[str, str]:
    """Where each published translation of ``spec`` lives (or will, once saved)."""
    saved = {
        row.article_id: row
        for row in ArticleTranslation.objects.filter(locale=spec.locale, article__in=articles.values())
    }
    urls = {}
    for item in spec.articles:
        article = articles[item.key]
        row = saved.get(article.pk) or ArticleTranslation(
            article=article, locale=spec.locale, slug=slugify(item.title)[:200], draft=item.draft)
        if not row.draft:
            urls[item.key] = row.get_absolute_url()
    return urls
