"""Database backend: searches the content tables directly, no index needed.

It is the fallback when the configured backend cannot answer (index missing or corrupt),
and a zero-setup choice for tiny sites (KB_SEARCH_BACKEND=database). Ranking is simple: a
document matches when any term (a stem, so "billing" finds "billed") appears in its title,
body or labels; title matches count most. It scans, so it is meant for hundreds of
articles, not hundreds of thousands.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from articles.markdown import plain_text
from articles.models import Article, Post
from search.backends.base import (
    ARTICLE,
    KINDS,
    POST,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResults,
    Suggestion,
    highlight_snippet,
)
from search.query import analyze, expand, last_word_prefix
from search.synonyms import synonym_groups

MAX_SCANNED = 500  # hits ranked per kind


def _score(terms, fields):
    """Sum of weighted CASE WHEN field LIKE %term% expressions."""
    total = Value(0, output_field=IntegerField())
    for term in terms:
        for field, weight in fields:
            total = total + Case(When(**{f"{field}__icontains": term.text}, then=Value(weight)),
                                 default=Value(0), output_field=IntegerField())
    return total


def _matches(terms, fields):
    condition = Q()
    for term in terms:
        for field, _ in fields:
            condition |= Q(**{f"{field}__icontains": term.text})
    return condition


ARTICLE_FIELDS = [("title", 6), ("labels__name", 3), ("body", 1)]
POST_FIELDS = [("title", 6), ("body", 1)]


class DatabaseBackend(SearchBackend):
    name = "database"

    def _querysets(self, query: SearchQuery, terms):
        articles = Article.objects.published().filter(_matches(terms, ARTICLE_FIELDS))
        if query.category_id is not None:
            articles = articles.filter(section__category_id=query.category_id)
        if query.section_id is not None:
            articles = articles.filter(section_id=query.section_id)
        posts = Post.objects.filter(_matches(terms, POST_FIELDS))
        if query.category_id is not None or query.section_id is not None:
            posts = posts.none()
        return {ARTICLE: articles, POST: posts}

    def search(self, query: SearchQuery) -> SearchResults:
        terms = expand(query.text, synonym_groups())
        if not terms:
            return SearchResults(hits=[], total=0, page=query.page, per_page=query.per_page,
                                 backend=self.name)
        querysets = self._querysets(query, terms)
        fields = {ARTICLE: ARTICLE_FIELDS, POST: POST_FIELDS}
        ranked, kind_counts = [], {}
        for kind in KINDS:
            rows = list(
                querysets[kind].values("pk").distinct()
                .annotate(score=Coalesce(_score(terms, fields[kind]), 0))
                .order_by("-score", "pk")
                .values_list("pk", "score")[:MAX_SCANNED]
            )
            # One row per object even when several labels matched.
            seen = {}
            for pk, score in rows:
                seen[pk] = max(score, seen.get(pk, 0))
            kind_counts[kind] = len(seen)
            if kind in query.kinds:
                ranked += [(score, kind, pk) for pk, score in seen.items()]
        ranked.sort(key=lambda row: (-row[0], row[1], row[2]))
        page = ranked[query.offset: query.offset + query.per_page]
        texts = self._texts(page)
        stems = [t.text for t in terms]
        hits = [
            SearchHit(kind=kind, pk=pk, score=float(score), title=texts.get((kind, pk), ("", ""))[0],
                      snippet=highlight_snippet(texts.get((kind, pk), ("", ""))[1], stems)
                      if query.snippets else "")
            for score, kind, pk in page
        ]
        return SearchResults(hits=hits, total=len(ranked), page=query.page, per_page=query.per_page,
                             kind_counts=kind_counts, backend=self.name)

    @staticmethod
    def _texts(page):
        texts = {}
        for kind, model in ((ARTICLE, Article), (POST, Post)):
            ids = [pk for _, k, pk in page if k == kind]
            if ids:
                for pk, title, html in model.objects.filter(pk__in=ids).values_list("pk", "title", "body_html"):
                    texts[(kind, pk)] = (title, plain_text(html))
        return texts

    def suggest(self, text: str, *, limit: int = 5) -> list[Suggestion]:
        prefix = last_word_prefix(text)
        stems = analyze(text)
        condition = Q()
        for stem in stems:
            condition |= Q(title__icontains=stem)
        if prefix:
            condition |= Q(title__icontains=prefix)
        if not condition:
            return []
        rows = Article.objects.published().filter(condition).order_by("position", "title")
        return [Suggestion(pk=pk, title=title) for pk, title in rows.values_list("pk", "title")[:limit]]

    # The database is its own index: nothing to write.
    def index(self, documents) -> int:
        return len(list(documents))

    def delete(self, keys) -> int:
        return len(list(keys))

    def rebuild(self, documents) -> int:
        return 0

    def stored_versions(self) -> dict[str, str]:
        from search.documents import all_documents

        return {doc.key: doc.version for doc in all_documents()}
