"""Reading search results: ask the backend, fall back to the database when it cannot
answer, and load the hits back from the database in bulk (published content only).

Loading hits from the database costs a constant number of queries per page (articles,
their labels when asked, posts) and guarantees a stale index never shows a draft or a
deleted post.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, replace

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Category, Post
from search.backends.base import (
    ARTICLE,
    KINDS,
    POST,
    SearchQuery,
    SearchResults,
    Suggestion,
    get_backend,
)
from search.query import clean_text
from search.ranking import semantic

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


def search_run(*, text: str, kinds=KINDS, category_id: int | None = None,
               section_id: int | None = None, page: int = 1, per_page: int = 10,
               with_labels: bool = False) -> SearchPage:
    """One page of published results for visitor ``text``."""
    text = clean_text(text)
    page = min(max(1, page), MAX_PAGE)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    kinds = tuple(k for k in KINDS if k in kinds) or KINDS
    if not text:
        return SearchPage(query="", items=[], total=0, page=page, per_page=per_page,
                          kind_counts={k: 0 for k in KINDS})
    query = SearchQuery(text=text, kinds=kinds, category_id=category_id, section_id=section_id,
                        page=page, per_page=per_page)
    window = semantic.window() if semantic.enabled() else 0
    if query.offset < window:
        results, degraded = _reranked_search(query, window)
    else:
        results, degraded = _backend_search(query)
    items = _hydrate(results, offset=query.offset, with_labels=with_labels)
    return SearchPage(query=text, items=items, total=results.total, page=page, per_page=per_page,
                      kind_counts=results.kind_counts, suggestion=results.suggestion,
                      backend=results.backend, degraded=degraded)


def _reranked_search(query: SearchQuery, window: int) -> tuple[SearchResults, bool]:
    """The page of ``query`` after re-ranking the top ``window`` lexical hits semantically.

    Asks the backend for the first ``window`` hits (or more, when the page reaches past
    it), reorders the top ``window`` and cuts the page out. Hits past the window keep the
    lexical order, so every page shows each hit once.
    """
    fetch = replace(query, page=1, per_page=max(window, query.offset + query.per_page))
    results, degraded = _backend_search(fetch)
    hits = semantic.rerank(query.text, results.hits[:window]) + results.hits[window:]
    results.hits = hits[query.offset:query.offset + query.per_page]
    results.page, results.per_page = query.page, query.per_page
    return results, degraded


# Columns a result needs (the JSON API adds dates and labels): not the bodies, whose
# Markdown source and HTML are most of each row.
_ARTICLE_FIELDS = ("id", "slug", "title", "section_id", "created_at", "updated_at",
                   "section__id", "section__slug", "section__name", "section__category_id",
                   "section__category__id", "section__category__slug",
                   "section__category__name")
_POST_FIELDS = ("id", "slug", "title", "topic_id", "topic__id", "topic__slug", "topic__name")


def _hydrate(results: SearchResults, *, offset: int, with_labels: bool) -> list[ResultItem]:
    ids = {kind: [h.pk for h in results.hits if h.kind == kind] for kind in KINDS}
    articles, posts = {}, {}
    if ids[ARTICLE]:
        qs = (Article.objects.published().filter(pk__in=ids[ARTICLE])
              .select_related("section__category").only(*_ARTICLE_FIELDS))
        if with_labels:
            qs = qs.prefetch_related("labels")
        articles = qs.in_bulk()
    if ids[POST]:
        posts = Post.objects.filter(pk__in=ids[POST]).select_related("topic").only(
            *_POST_FIELDS).in_bulk()
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
                breadcrumb = [(section.category.name, section.category.get_absolute_url()),
                              (section.name, section.get_absolute_url())]
            else:
                breadcrumb = [("Community", reverse("articles:topics")),
                              (obj.topic.name, obj.topic.get_absolute_url())]
            breadcrumbs[place] = breadcrumb
        items.append(ResultItem(kind=hit.kind, obj=obj, position=position, title=obj.title,
                                url=obj.get_absolute_url(), breadcrumb=breadcrumb,
                                snippet=mark_safe(hit.snippet)))  # backend snippets are escaped
    return items


def search_suggest(*, text: str, limit: int = 5) -> list[dict]:
    """Instant suggestions: [{"title", "url"}] of published articles."""
    text = clean_text(text)
    if len(text) < 2:
        return []
    backend = get_backend()
    try:
        found: list[Suggestion] = backend.suggest(text, limit=limit)
    except Exception as exc:
        logger.warning("Search backend %r failed on suggest (%s); using the database",
                       backend.name, exc)
        from search.backends.database import DatabaseBackend

        found = DatabaseBackend().suggest(text, limit=limit)
    if not found:
        return []
    articles = Article.objects.published().filter(pk__in=[s.pk for s in found]).only(
        "pk", "slug", "title").in_bulk()
    return [{"title": articles[s.pk].title, "url": articles[s.pk].get_absolute_url()}
            for s in found if s.pk in articles]


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
