"""Reading translations: which text a reader sees for a category, section or article.

Pages show each item in the reader's locale when it has a published translation there,
else the source, item by item (a Spanish section page may list a few articles still in
English). The chosen text is laid over the source instance (``overlay``): templates,
breadcrumbs and ``get_absolute_url`` (which reads ``slug``) then work unchanged. Overlaid
instances are for display only; nothing saves them (the reading views never write).

Cost: listings join each row's translation in the same query (``FilteredRelation``: a
LEFT JOIN on the (source, locale) unique key, so no row is repeated); a parent's name
(the breadcrumbs' section and category) is a correlated subquery in the same query; a
detail page reads all of its item's translations in one more query, which also gives the
page's language links (``page_translations``, contract 2 of the issue-15 design).
"""

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation

from kb.i18n import locales

from ..models import Article, ArticleTranslation, Category, CategoryTranslation, Label, Section, SectionTranslation

#: The fields a translation lays over its source in listings.
LISTED_FIELDS = {
    Article: ("title", "slug"),
    Section: ("name", "slug", "description"),
    Category: ("name", "description"),
}
#: And on the item's own page.
DETAIL_FIELDS = {
    Article: ("title", "slug", "body_html"),
    Section: ("name", "slug", "description"),
    Category: ("name", "description"),
}
TRANSLATION_MODELS = {Article: ArticleTranslation, Section: SectionTranslation, Category: CategoryTranslation}
_JOIN = "shown_translation"


def translated(queryset: QuerySet, *, locale: str | None, include_drafts: bool = False,
               fields=None) -> QuerySet:
    """``queryset`` with each row's translation into ``locale`` joined (``translated_*``
    columns for ``fields``, by default ``LISTED_FIELDS``; ``include_drafts`` for agents
    previewing drafts). ``overlay`` (with the same ``fields``) applies them."""
    if locale is None:
        return queryset
    condition = Q(translations__locale=locale)
    if not include_drafts:
        condition &= Q(translations__draft=False)
    columns = {f"translated_{name}": F(f"{_JOIN}__{name}") for name in fields or LISTED_FIELDS[queryset.model]}
    columns.update(translated_id=F(f"{_JOIN}__id"), translated_draft=F(f"{_JOIN}__draft"),
                   translated_outdated=F(f"{_JOIN}__outdated"), translated_created_at=F(f"{_JOIN}__created_at"),
                   translated_updated_at=F(f"{_JOIN}__updated_at"))
    return queryset.annotate(**{_JOIN: FilteredRelation("translations", condition=condition)}).annotate(**columns)


def translated_parent(*, model, outer: str, locale: str | None, prefix: str) -> dict:
    """Annotations giving a parent's (``outer``: the column holding its id) translated
    name and slug as ``<prefix>_name``/``<prefix>_slug``: published translations only."""
    if locale is None:
        return {}
    rows = TRANSLATION_MODELS[model].objects.filter(
        **{model.__name__.lower(): OuterRef(outer)}, locale=locale, draft=False
    )
    fields = ("name", "slug") if model is Section else ("name",)
    return {f"{prefix}_{name}": Subquery(rows.values(name)[:1]) for name in fields}


def overlay(item, *, locale: str | None, translation_row=None, fields=None):
    """Lay ``item``'s translation into ``locale`` over it (from ``translated`` columns or
    ``translation_row``); sets ``shown_locale`` (the language of the text shown),
    ``shown_translation`` (the row, or None) and ``source_slug``. Returns ``item``."""
    item.source_slug = getattr(item, "slug", None)
    item.shown_locale = item.locale
    item.shown_translation = None
    if locale is None or item.locale == locale:
        return item
    fields = fields or LISTED_FIELDS[type(item)]
    if translation_row is not None:
        for name in fields:
            setattr(item, name, getattr(translation_row, name))
        item.shown_locale = locale
        item.shown_translation = translation_row
    elif getattr(item, "translated_id", None) is not None:
        for name in fields:
            setattr(item, name, getattr(item, f"translated_{name}"))
        item.shown_locale = locale
        item.shown_translation = TranslationState(
            draft=item.translated_draft, outdated=item.translated_outdated,
            created_at=item.translated_created_at, updated_at=item.translated_updated_at,
        )
    return item


class TranslationState:
    """What a listing knows of a row's translation: its draft and outdated flags, dates."""

    def __init__(self, *, draft: bool, outdated: bool, created_at=None, updated_at=None):
        self.draft = draft
        self.outdated = outdated
        self.created_at = created_at
        self.updated_at = updated_at


def overlay_parent(parent, *, row, prefix: str) -> None:
    """Copy ``row``'s ``translated_parent`` annotations onto ``parent`` (its section or
    category instance), where a published translation was found."""
    for name in ("name", "slug"):
        value = getattr(row, f"{prefix}_{name}", None)
        if value:
            if name == "slug":
                parent.source_slug = parent.slug
            setattr(parent, name, value)


def overlay_articles(articles: list[Article], *, locale: str | None) -> list[Article]:
    """Lay each article's published translation into ``locale`` over it, for lists built
    elsewhere (search hits, a request's suggestions): one query, none when every article
    is written in ``locale``."""
    wanted = [article.pk for article in articles if locale is not None and article.locale != locale]
    rows = {}
    if wanted:
        rows = {row.article_id: row for row in ArticleTranslation.objects.filter(
            article_id__in=wanted, locale=locale, draft=False).only("article_id", "title", "slug")}
    return [overlay(article, locale=locale, translation_row=rows.get(article.pk)) for article in articles]


def overlay_all(items, *, locale: str | None) -> list:
    return [overlay(item, locale=locale) for item in items]


def pick_translation(item, *, locale: str | None, include_drafts: bool = False):
    """Of ``item``'s prefetched ``translations``, the one shown in ``locale`` (None: the source)."""
    if locale is None or item.locale == locale:
        return None
    for row in item.translations.all():
        if row.locale == locale and (include_drafts or not row.draft):
            return row
    return None


def page_translations(item, *, url_name: str, kwargs) -> dict[str, str]:
    """``{locale: path}`` for the locales ``item`` exists in for readers: its source locale
    and each published translation, in the help center's order of locales (contract 2).

    ``kwargs(slug)`` gives the URL's arguments for a slug; ``item.translations`` must be
    prefetched and ``item.source_slug`` set (``overlay``).
    """
    slugs = {item.locale: getattr(item, "source_slug", None)}
    for row in item.translations.all():
        if not row.draft:
            slugs[row.locale] = getattr(row, "slug", None)
    paths = {}
    for code in locales():
        if code in slugs:
            with translation.override(code):
                paths[code] = reverse(url_name, kwargs=kwargs(slugs[code]))
    return paths


def in_locale(queryset: QuerySet, *, locale: str, include_drafts: bool = False) -> QuerySet:
    """The rows of ``queryset`` that exist in ``locale``: written in it, or translated into
    it (published translations, or any with ``include_drafts``). An EXISTS per row."""
    model = TRANSLATION_MODELS[queryset.model]
    rows = model.objects.filter(**{model.source_field: OuterRef("pk")}, locale=locale)
    if not include_drafts:
        rows = rows.filter(draft=False)
    return queryset.filter(Q(locale=locale) | Q(Exists(rows)))


def translation_prefetch(model, *, with_body: bool = False) -> QuerySet:
    """The queryset prefetching all of an item's translations (``page_translations`` and
    the one shown); only an article's shown translation needs its body."""
    rows = TRANSLATION_MODELS[model].objects.all()
    if model is Article:
        rows = rows.defer("body") if with_body else rows.defer("body", "body_html")
    return rows.order_by("locale")


def article_labels(*, article: Article, shown) -> tuple[list[Label], list[int]]:
    """The labels shown on ``article``'s page (its ``shown`` translation's, else its own)
    and the source's label ids (related articles match on them), in one query."""
    if shown is None or not isinstance(shown, ArticleTranslation):
        labels = list(article.labels.all())
        return labels, [label.pk for label in labels]
    on_source = Article.labels.through.objects.filter(article_id=article.pk, label_id=OuterRef("pk"))
    on_translation = ArticleTranslation.labels.through.objects.filter(
        articletranslation_id=shown.pk, label_id=OuterRef("pk")
    )
    rows = list(
        Label.objects.annotate(on_source=Exists(on_source), on_translation=Exists(on_translation))
        .filter(Q(on_source=True) | Q(on_translation=True))
    )
    return [label for label in rows if label.on_translation], [label.pk for label in rows if label.on_source]


# --- Agents and translators ---------------------------------------------------------------

#: A translation's state as agents see it (the article editor, the admin, the work list).
MISSING, DRAFT, PUBLISHED, OUTDATED = "missing", "draft", "published", "outdated"
WORKLIST_PER_PAGE = 50


def translation_state(row) -> str:
    """``missing`` (None), ``outdated`` (whatever its draft state: it needs work first),
    ``draft`` or ``published``."""
    if row is None:
        return MISSING
    if row.outdated:
        return OUTDATED
    return DRAFT if row.draft else PUBLISHED


def translation_states(source) -> list[tuple[str, str, object]]:
    """``(locale, state, row or None)`` for each locale other than ``source``'s, in the help
    center's order; ``source.translations`` must be prefetched (or it costs one query)."""
    rows = {row.locale: row for row in source.translations.all()}
    return [(code, translation_state(rows.get(code)), rows.get(code))
            for code in locales() if code != source.locale]


def article_for_translation(*, pk: int, locale: str):
    """The article with its labels, and its translation into ``locale`` (or None) with
    that translation's labels: three queries."""
    article = get_object_or_404(
        Article.objects.select_related("section__category").prefetch_related("labels"), pk=pk
    )
    row = ArticleTranslation.objects.filter(article=article, locale=locale).prefetch_related("labels").first()
    return article, row


def translation_worklist(*, locale: str) -> QuerySet:
    """Articles a translator into ``locale`` has to do: those without a translation there
    (``translated_id`` None) and those whose translation is outdated, drafts included,
    by section then title; each row's translation state is joined in the same query."""
    rows = Article.objects.exclude(locale=locale).select_related("section")
    rows = translated(rows, locale=locale, include_drafts=True)
    return rows.filter(Q(translated_id__isnull=True) | Q(translated_outdated=True)).order_by(
        "section__position", "section__name", "position", "title", "id"
    )


__all__ = [
    "article_for_translation",
    "article_labels",
    "in_locale",
    "overlay",
    "overlay_all",
    "overlay_parent",
    "page_translations",
    "pick_translation",
    "translated",
    "translated_parent",
    "translation_prefetch",
    "translation_state",
    "translation_states",
    "translation_worklist",
]
