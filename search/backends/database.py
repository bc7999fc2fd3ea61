"""Database backend: searches the content tables directly, no index needed.

It is the fallback when the configured backend cannot answer (index missing or corrupt),
and a zero-setup choice for tiny sites (KB_SEARCH_BACKEND=database). Ranking is simple: a
document matches when any term (a stem, so "billing" finds "billed") appears in its title,
body or labels; title matches count most. It scans, so it is meant for hundreds of
articles, not hundreds of thousands.

Languages: a search in a locale reads the articles and translations written in it and the
posts in it, then (after them) sources of articles not translated into it; the query's
stems are those of every language read (substrings, so stems of several languages do).
"""

from __future__ import annotations

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from articles.markdown import plain_text
from articles.models import Article, ArticleTranslation, Post
from search.backends.base import (
    ALL_LOCALES,
    ARTICLE,
    KINDS,
    POST,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResults,
    Suggestion,
    highlight_snippet,
    query_locales,
)
from search.query import Term, analyze, expand, last_word_prefix
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
TRANSLATION = "translation"  # ranked rows of ArticleTranslation (hits of kind ARTICLE)


def _terms(query: SearchQuery) -> list[Term]:
    """The query's terms in every language the search reads."""
    terms: dict[str, Term] = {}
    for locale, _ in query_locales(query):
        for term in expand(query.text, synonym_groups(locale), locale):
            terms.setdefault(term.text, term)
    return list(terms.values())


class DatabaseBackend(SearchBackend):
    name = "database"

    def _querysets(self, query: SearchQuery, terms):
        articles = Article.objects.published().filter(_matches(terms, ARTICLE_FIELDS))
        translations = ArticleTranslation.objects.filter(
            draft=False, article__draft=False).filter(_matches(terms, ARTICLE_FIELDS))
        if query.category_id is not None:
            articles = articles.filter(section__category_id=query.category_id)
            translations = translations.filter(article__section__category_id=query.category_id)
        if query.section_id is not None:
            articles = articles.filter(section_id=query.section_id)
            translations = translations.filter(article__section_id=query.section_id)
        posts = Post.objects.filter(_matches(terms, POST_FIELDS))
        if query.category_id is not None or query.section_id is not None:
            posts = posts.none()
        if query.locale != ALL_LOCALES:
            translations = translations.filter(locale=query.locale)
            posts = posts.filter(locale=query.locale)
            translated = ArticleTranslation.objects.filter(article=OuterRef("pk"), locale=query.locale,
                                                           draft=False)
            articles = (articles.filter(locale=query.locale) if not query.fallback else
                        articles.filter(Q(locale=query.locale) | ~Exists(translated)))
        return {ARTICLE: articles, TRANSLATION: translations, POST: posts}

    def search(self, query: SearchQuery) -> SearchResults:
        terms = _terms(query)
        if not terms:
            return SearchResults(hits=[], total=0, page=query.page, per_page=query.per_page,
                                 backend=self.name)
        querysets = self._querysets(query, terms)
        fields = {ARTICLE: ARTICLE_FIELDS, TRANSLATION: ARTICLE_FIELDS, POST: POST_FIELDS}
        ranked, kind_counts = [], dict.fromkeys(KINDS, 0)
        for source in (ARTICLE, TRANSLATION, POST):
            kind = POST if source == POST else ARTICLE
            rows = list(
                querysets[source].values("pk", "locale").distinct()
                .annotate(score=Coalesce(_score(terms, fields[source]), 0))
                .order_by("-score", "pk")
                .values_list("pk", "locale", "score")[:MAX_SCANNED]
            )
            # One row per object even when several labels matched.
            seen = {}
            for pk, locale, score in rows:
                seen[pk] = (max(score, seen.get(pk, (0, ""))[0]), locale)
            kind_counts[kind] += len(seen)
            if kind in query.kinds:
                # The searcher's language first (tier 0), then sources standing in for it.
                ranked += [(int(query.locale not in (ALL_LOCALES, locale)), score, source, pk, locale)
                           for pk, (score, locale) in seen.items()]
        ranked.sort(key=lambda row: (row[0], -row[1], row[2], row[3]))
        page = ranked[query.offset: query.offset + query.per_page]
        texts = self._texts(page)
        stems = [t.text for t in terms]
        hits = []
        for _, score, source, pk, locale in page:
            title, text, article_id = texts.get((source, pk), ("", "", pk))
            hits.append(SearchHit(kind=POST if source == POST else ARTICLE, pk=article_id, score=float(score),
                                  title=title, snippet=highlight_snippet(text, stems) if query.snippets else "",
                                  locale=locale, translation=source == TRANSLATION))
        return SearchResults(hits=hits, total=len(ranked), page=query.page, per_page=query.per_page,
                             kind_counts=kind_counts, backend=self.name)

    @staticmethod
    def _texts(page):
        texts = {}
        for source, model, owner in ((ARTICLE, Article, "pk"), (POST, Post, "pk"),
                                     (TRANSLATION, ArticleTranslation, "article_id")):
            ids = [pk for _, _, s, pk, _ in page if s == source]
            if ids:
                for pk, title, html, owner_id in model.objects.filter(pk__in=ids).values_list(
                        "pk", "title", "body_html", owner):
                    texts[(source, pk)] = (title, plain_text(html), owner_id)
        return texts

    def suggest(self, text: str, *, limit: int = 5, locale: str = "en") -> list[Suggestion]:
        # Titles of articles in any language: the fallback when the index is down.
        prefix = last_word_prefix(text)
        stems = analyze(text, locale)
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
