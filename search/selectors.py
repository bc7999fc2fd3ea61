"""Reading search results: ask the backend, fall back to the database when it cannot
answer, and load the hits back from the database in bulk (published content only).

Loading hits from the database costs a constant number of queries per page (articles,
their labels when asked, translations when a hit is one, posts) and guarantees a stale
index never shows a draft or a deleted post.

Languages: searches follow the visitor's language (``kb.i18n.current_locale()``). A
Spanish searcher sees what is written in Spanish first (articles written in Spanish,
published Spanish translations, posts written in Spanish), then the articles that have
no Spanish translation yet, in their source language (a help center half translated
still answers every question; the article page shows them with its "not translated"
notice). Posts in other languages are not shown: a thread is a conversation in one
language. The JSON API's ``locale`` filter is strict (that locale only, or ``*``).
Re-ranking by meaning applies to languages the embedding model knows (English).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from articles.models import Article, ArticleTranslation, Category, Post, Section
from articles.translations.selectors import overlay_parent, translated_parent
from kb.i18n import current_locale
from search.backends.base import (
    ARTICLE,
    KINDS,
    POST,
    SearchQuery,
    SearchResults,
    Suggestion,
    count_cap,
    get_backend,
)
from search.query import clean_text
from search.ranking import dense, fusion, semantic

logger = logging.getLogger(__name__)

MAX_PER_PAGE = 100
MAX_PAGE = 1000  # deep pages cost the backend; nobody reads page 1,001


@dataclass
class ResultItem:
    kind: str
    # Loaded with only _ARTICLE_FIELDS / _POST_FIELDS: reading another field (the body)
    # costs a query per result; add it there instead.
    obj: Article | Post
    position: int  # 1-based over all pages (what analytics records)
    title: str
    url: str
    snippet: SafeString
    breadcrumb: list[tuple[str, str]] = field(default_factory=list)  # (name, url)
    locale: str = ""  # the language of the document found ("" when the backend could not say)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.obj.pk}"


@dataclass
class SearchPage:
    query: str
    items: list[ResultItem]
    total: int
    page: int
    per_page: int
    kind_counts: dict[str, int]
    suggestion: str | None = None
    backend: str = ""
    degraded: bool = False  # answered by the database fallback
    # The backend stopped counting (search.backends.base.COUNT_CAP): a count equal to the
    # cap means "at least"; the page shows "1,000+".
    counts_capped: bool = False
    # Each hit's lexical and semantic contribution (search.ranking.fusion.Explanation),
    # by key, for the hits the fusion ranked.
    explain: dict = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def page_obj(self) -> Page:
        """This page as a Django ``Page`` (over hit positions, no rows), for the one
        pagination include."""
        return Paginator(range(self.total), self.per_page).get_page(self.page)


def _backend_search(query: SearchQuery) -> tuple[SearchResults, bool]:
    backend = get_backend()
    try:
        return backend.search(query), False
    except Exception as exc:  # SearchUnavailable, or anything a broken index raises
        logger.warning("Search backend %r failed (%s); answering from the database",
                       backend.name, exc)
    from search.backends.database import DatabaseBackend

    return DatabaseBackend().search(query), True


def _locale(locale: str | None) -> str:
    return locale or current_locale()


def search_run(*, text: str, kinds=KINDS, category_id: int | None = None,
               section_id: int | None = None, page: int = 1, per_page: int = 10,
               with_labels: bool = False, locale: str | None = None,
               fallback: bool = True) -> SearchPage:
    """One page of published results for visitor ``text`` in ``locale`` (default: the
    active language; "*" for every language), then, when ``fallback``, sources
    of articles not translated into it."""
    locale = _locale(locale)
    text = clean_text(text)
    page = min(max(1, page), MAX_PAGE)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    kinds = tuple(k for k in KINDS if k in kinds) or KINDS
    if not text:
        return SearchPage(query="", items=[], total=0, page=page, per_page=per_page,
                          kind_counts={k: 0 for k in KINDS})
    query = SearchQuery(text=text, kinds=kinds, category_id=category_id, section_id=section_id,
                        page=page, per_page=per_page, locale=locale, fallback=fallback)
    if semantic.supports(locale):
        results, degraded = _hybrid_search(query)
    else:
        results, degraded = _backend_search(query)
    items = _hydrate(results, offset=query.offset, with_labels=with_labels)
    return SearchPage(query=text, items=items, total=results.total, page=page, per_page=per_page,
                      kind_counts=results.kind_counts, suggestion=results.suggestion,
                      backend=results.backend, degraded=degraded, explain=results.explain,
                      counts_capped=results.counts_capped)


def search_ranked_ids(*, text: str, kind: str, limit: int, category_id: int | None = None,
                      section_id: int | None = None, locale: str | None = None,
                      fallback: bool = True) -> list[int]:
    """Ids of the first ``limit`` documents of ``kind`` matching ``text`` by words, best
    first, without snippets: candidates for filters the backends do not know (the JSON
    API's labels and dates), which callers apply in the database. May include rows no
    longer public: callers load published rows only."""
    text = clean_text(text)
    if not text:
        return []
    query = SearchQuery(text=text, kinds=(kind,), category_id=category_id, section_id=section_id,
                        page=1, per_page=limit, snippets=False, locale=_locale(locale), fallback=fallback)
    results, _ = _backend_search(query)
    return list(dict.fromkeys(hit.pk for hit in results.hits if hit.kind == kind))


def _hybrid_search(query: SearchQuery) -> tuple[SearchResults, bool]:
    """The page of ``query`` from both candidate sources, fused (search.ranking.fusion).

    The head of the ranking is the top ``window`` lexical hits plus the nearest documents
    by meaning (``dense``, filtered like the query), fused; after it come the remaining
    lexical hits in their own order, without the ones already shown. Totals and tabs add
    the neighbours that matched no word. If the model fails, the lexical page is served.
    """
    window = semantic.window()
    try:
        vector = semantic.query_vector(query.text)
        near = (dense.neighbours(vector, limit=semantic.neighbour_limit(), min_cosine=semantic.min_cosine(),
                                 category_id=query.category_id, section_id=query.section_id)
                if semantic.hybrid() else [])
    except Exception:
        logger.exception("Semantic retrieval failed; serving the lexical order")
        return _backend_search(query)
    fetch = replace(query, page=1, per_page=max(window, query.offset + query.per_page + len(near)))
    results, degraded = _backend_search(fetch)
    matched = {hit.key for hit in results.hits}
    others = {n.kind for n in near} - set(query.kinds)
    if others:
        # Tabs count every kind: which neighbours of the other kinds matched words too?
        other_hits, _ = _backend_search(replace(fetch, kinds=tuple(k for k in KINDS if k in others),
                                                snippets=False))
        matched |= {hit.key for hit in other_hits.hits}
    extra = [n for n in near if n.key not in matched]  # found by meaning alone (as far as fetched)
    for neighbour in extra:
        results.kind_counts[neighbour.kind] = results.kind_counts.get(neighbour.kind, 0) + 1
    near = [n for n in near if n.kind in query.kinds]
    results.total += sum(1 for n in extra if n.kind in query.kinds)
    if results.counts_capped:  # "at least" counts stay within the cap
        cap = count_cap()
        results.total = min(results.total, cap)
        results.kind_counts = {kind: min(n, cap) for kind, n in results.kind_counts.items()}
    lexical = results.hits[:window]
    try:
        cosines = dense.cosines(vector, [hit.key for hit in lexical])
    except Exception:
        # Totals above already count the neighbours: serve the plain lexical page instead.
        logger.exception("Reading stored embeddings failed; serving the lexical order")
        return _backend_search(query)
    head, results.explain = fusion.fuse(lexical, near, cosines, method=semantic.fusion_method(),
                                        weight=semantic.weight())
    shown = {hit.key for hit in head}
    hits = head + [hit for hit in results.hits[window:] if hit.key not in shown]
    results.hits = hits[query.offset:query.offset + query.per_page]
    results.page, results.per_page = query.page, query.per_page
    return results, degraded


# Columns a result needs (the JSON API adds dates and labels): not the bodies, whose
# Markdown source and HTML are most of each row.
_ARTICLE_FIELDS = ("id", "slug", "title", "section_id", "created_at", "updated_at", "locale",
                   "author_id", "draft", "promoted", "position",
                   "section__id", "section__slug", "section__name", "section__category_id",
                   "section__category__id", "section__category__slug",
                   "section__category__name")
_POST_FIELDS = ("id", "slug", "title", "topic_id", "locale", "topic__id", "topic__slug", "topic__name",
                "author_id", "comment_total", "created_at", "updated_at")


def _hydrate(results: SearchResults, *, offset: int, with_labels: bool) -> list[ResultItem]:
    locale = current_locale()
    ids = {kind: [h.pk for h in results.hits if h.kind == kind] for kind in KINDS}
    articles, posts = {}, {}
    if ids[ARTICLE]:
        # The breadcrumbs' section and category in the reader's language (their published
        # translations, else their own names): subqueries of the same query.
        qs = (Article.objects.published().filter(pk__in=ids[ARTICLE])
              .select_related("section__category").only(*_ARTICLE_FIELDS)
              .annotate(**translated_parent(model=Section, outer="section_id", locale=locale, prefix="section_t"),
                        **translated_parent(model=Category, outer="section__category_id", locale=locale,
                                            prefix="category_t")))
        if with_labels:
            qs = qs.prefetch_related("labels")
        articles = qs.in_bulk()
    if ids[POST]:
        posts = Post.objects.filter(pk__in=ids[POST]).select_related("topic").only(
            *_POST_FIELDS).in_bulk()
    translations = _translations([(h.pk, h.locale) for h in results.hits if h.translation])
    # Breadcrumbs are the same for every hit of a section or topic: built once each.
    breadcrumbs: dict[tuple[str, int], list[tuple[str, str]]] = {}
    items = []
    for position, hit in enumerate(results.hits, start=offset + 1):
        obj = (articles if hit.kind == ARTICLE else posts).get(hit.pk)
        if obj is None:  # deleted or unpublished since it was indexed
            continue
        place = (hit.kind, obj.section_id if hit.kind == ARTICLE else obj.topic_id)
        breadcrumb = breadcrumbs.get(place)
        if breadcrumb is None:
            if hit.kind == ARTICLE:
                section = obj.section
                overlay_parent(section, row=obj, prefix="section_t")
                overlay_parent(section.category, row=obj, prefix="category_t")
                breadcrumb = [(section.category.name, section.category.get_absolute_url()),
                              (section.name, section.get_absolute_url())]
            else:
                breadcrumb = [(gettext("Community"), reverse("articles:topics")),
                              (obj.topic.name, obj.topic.get_absolute_url())]
            breadcrumbs[place] = breadcrumb
        title, url = obj.title, obj.get_absolute_url()
        if hit.translation:
            translation = translations.get((hit.pk, hit.locale))
            if translation is None:  # unpublished since it was indexed
                continue
            title, url = translation.title, translation.get_absolute_url()
        items.append(ResultItem(kind=hit.kind, obj=obj, position=position, title=title,
                                url=url, breadcrumb=breadcrumb, locale=hit.locale,
                                snippet=mark_safe(hit.snippet)))  # backend snippets are escaped
    return items


def _translations(pairs: list[tuple[int, str]]) -> dict[tuple[int, str], ArticleTranslation]:
    """{(article id, locale): published translation} for ``pairs``, in one query (none
    when there is no pair)."""
    if not pairs:
        return {}
    rows = ArticleTranslation.objects.filter(
        draft=False, article_id__in={pk for pk, _ in pairs}, locale__in={code for _, code in pairs},
    ).only("id", "article_id", "locale", "title", "slug")
    wanted = set(pairs)
    return {(row.article_id, row.locale): row for row in rows if (row.article_id, row.locale) in wanted}


def search_suggest(*, text: str, limit: int = 5, locale: str | None = None) -> list[dict]:
    """Instant suggestions: [{"title", "url"}] of published articles in ``locale`` (default:
    the active language; then sources not translated into it): titles that complete what
    is typed, then articles nearest by meaning to it (from two words on, in languages
    the model knows)."""
    locale = _locale(locale)
    text = clean_text(text)
    if len(text) < 2:
        return []
    backend = get_backend()
    try:
        found: list[Suggestion] = backend.suggest(text, limit=limit, locale=locale)
    except Exception as exc:
        logger.warning("Search backend %r failed on suggest (%s); using the database",
                       backend.name, exc)
        from search.backends.database import DatabaseBackend

        found = DatabaseBackend().suggest(text, limit=limit, locale=locale)
    ids = [s.pk for s in found]
    translated = {s.pk: s.locale for s in found if s.translation}
    if (len(ids) < limit and len(text.split()) >= 2 and semantic.supports(locale)
            and semantic.hybrid()):
        ids += [pk for pk in _meaning_suggestions(text, limit) if pk not in ids][:limit - len(ids)]
    if not ids:
        return []
    articles = Article.objects.published().filter(pk__in=ids).only("pk", "slug", "title").in_bulk()
    translations = _translations(list(translated.items()))
    suggestions = []
    for pk in ids:
        shown = translations.get((pk, translated[pk])) if pk in translated else articles.get(pk)
        if pk in articles and shown is not None:
            suggestions.append({"title": shown.title, "url": shown.get_absolute_url()})
    return suggestions


def _meaning_suggestions(text: str, limit: int) -> list[int]:
    try:
        near = dense.neighbours(semantic.query_vector(text), limit=limit * 2,
                                min_cosine=semantic.min_cosine())
    except Exception:
        logger.exception("Semantic suggestions failed; offering title matches only")
        return []
    return [n.pk for n in near if n.kind == ARTICLE][:limit]


def search_explain(*, text: str, limit: int = 20) -> list[dict]:
    """The first ``limit`` results of ``text`` with each one's lexical and semantic
    contribution (agents' search analytics): [{"title", "url", "kind", "explanation"}]."""
    page = search_run(text=text, page=1, per_page=limit)
    return [{"title": item.title, "url": item.url, "kind": item.kind, "position": item.position,
             "explanation": page.explain.get(item.key)} for item in page.items]


def filter_choices() -> list[dict]:
    """Categories with their sections for the search page's filter menus, in one query (a
    LEFT JOIN, so a category without sections is still offered)."""
    rows = Category.objects.order_by("position", "name", "pk", "sections__position",
                                     "sections__name").values_list(
        "pk", "name", "sections__pk", "sections__name")
    categories: dict[int, dict] = {}
    for pk, name, section_pk, section_name in rows:
        category = categories.setdefault(pk, {"pk": pk, "name": name, "sections": []})
        if section_pk is not None:
            category["sections"].append({"pk": section_pk, "name": section_name})
    return list(categories.values())


def result_url(*, kind: str, pk: int) -> str | None:
    """Where a clicked result leads now: its page while it is still public, else None."""
    target = (Article.objects.published() if kind == ARTICLE else Post.objects).filter(pk=pk).first()
    return target.get_absolute_url() if target else None
