"""PostgreSQL full-text backend: for deployments where several machines serve the site.

Documents are rows of :class:`~search.models.SearchEntry` in the site's own
database, so every web server sees the same index and a rebuild is one transaction
(readers keep seeing the old rows until it commits: MVCC makes the swap atomic).

* **Terms.** Text is analysed in Python by the same analyzer as the Whoosh backend
  (:func:`search.query.analyzer`: word tokenizer, stop words, porter2 stems), and
  the weighted ``tsvector`` is written as a literal. PostgreSQL's own parser and
  dictionaries are never involved, so both backends agree on every term, whatever the
  database's text-search configuration or locale (``C`` locale parsers drop non-ASCII
  letters), and visitor text is never parsed as tsquery syntax: queries are built from
  quoted lexemes OR-ed together.
* **Weights.** ``setweight`` classes follow ``FIELD_BOOSTS``: title A, labels and official
  answers B, body and section/category/topic names C, other comments D.
* **Ranking.** ``ts_rank`` has no notion of how rare a word is, so a query is scored term
  by term: the sum over query terms of ``boost × idf × ts_rank(weights, vector, term)``,
  BM25's idf from the locale's document frequencies stored in ``SearchTerm`` (kept with
  the rows by every write). Without the idf, "account" (in most documents) weighs as
  much as "facebook".
* **At scale** (issue 16; docs/search.md, "PostgreSQL with many documents"): only
  candidates are scored: every row holding a word of at most RARE_DOCUMENTS rows, and for
  commoner words their title matches (a GIN index on ``ts_filter(vector, '{a}')``) plus
  the rows a RUM index ranks best (``ORDER BY vector <=> word``) where the server has RUM,
  or any rows. Tab counts stop at ``COUNT_CAP`` and come from the statistics when a word
  alone passes it.
* **Languages.** Each row has its ``locale`` and is analysed in that language
  (``search.query.analyzer(locale)``: Snowball's Spanish and German stemmers and stop
  words, the algorithms behind PostgreSQL's ``spanish`` and ``german`` text search
  configurations, run in Python for the reason above; ``tests/search_tests/
  test_locales.py`` checks the stems against ``to_tsvector`` of those configurations).
  The GIN index on ``vector`` is partial, one per locale (``WHERE locale = 'es'``...,
  migration 0003), and each part of a search names its locale as a literal, so a
  Spanish search reads the Spanish index only and an English one what it read before.
  Source rows list the locales they stand in for (``fallback``, " es de "): a Spanish
  search reads Spanish rows first, then those.
* **Trigrams** (``pg_trgm``): instant suggestions fall back to titles similar to what was
  typed, and "did you mean" picks words from similar titles; both use the trigram GIN
  index on ``title`` created by the migration.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections, transaction

from search.backends.base import (
    ARTICLE,
    KINDS,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
    Suggestion,
    count_cap,
    highlight_snippet,
    iter_batches,
    parse_key,
    query_locales,
    split_key,
)
from search.models import SearchEntry, SearchTerm
from search.query import ENGLISH, analyze, analyzer, clean_text, expand, last_word_prefix, words
from search.synonyms import synonym_groups

logger = logging.getLogger(__name__)

# ts_rank weights, in PostgreSQL's order {D, C, B, A}: comments, body (and places),
# labels and official answers, title. FIELD_BOOSTS' ratios (body = 1/6 of the title) were
# the starting point; on the StackFAQ dev queries (bench/relevance.py) a body worth half a
# title ranks better: MAP 0.749 -> 0.761, MRR 0.781 -> 0.827 (see bench/README.md).
RANK_WEIGHTS = [0.1, 0.5, 0.6, 1.0]
FIELD_WEIGHT_CLASS = {
    "title": "A",
    "labels": "B",
    "official": "B",
    "places": "C",
    "body": "C",
    "comments": "D",
}
# ts_rank normalisation 1: divide by 1 + log(document length), so a long page mentioning
# a word once does not beat a short one about it.
RANK_NORMALIZATION = 1
SNIPPET_CHARS = 220
# PostgreSQL limits: positions 1..16383, at most 256 positions per lexeme, lexemes
# under 2 KB (the analyzer keeps words of at most 40 characters).
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 255
# Writes from several processes are serialised by a transaction-scoped advisory lock
# (an arbitrary constant naming "the search index writer").
WRITER_LOCK_ID = 7_240_031
# Trigram matches use pg_trgm's "<%" operator (word_similarity above
# pg_trgm.word_similarity_threshold, 0.6 by default), which the title index serves.
SPELLING_TRIGRAM_THRESHOLD = 0.45
SPELLING_CANDIDATE_TITLES = 50
# Top-k candidates before exact scoring (see PostgresBackend.search): a word in at most
# RARE_DOCUMENTS rows of a locale brings all of them; commoner words bring up to
# TITLE_CANDIDATES rows holding them in their title, and BROAD_CANDIDATES more each: those
# RUM ranks best, or without RUM (or past RUM_DOCUMENTS) any.
RARE_DOCUMENTS = 1000
BROAD_CANDIDATES = 100
TITLE_CANDIDATES = 1000
# RUM ranks a word's whole posting list (~2 µs a row here): words in more rows than this
# take any BROAD_CANDIDATES rows besides their title matches.
RUM_DOCUMENTS = 10_000
# Made by migration 0004 when the server has the RUM extension.
RUM_INDEX = "articles_searchentry_vector_en_rum"

_WORD = re.compile(r"\w+(?:'\w+)?")
_LOCALE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")


def _locale_sql(code: str) -> str:
    """A locale code (from settings, checked here) as an SQL literal. A literal, not a
    parameter: the planner picks a partial index (``WHERE locale = 'es'``) only for a
    constant it can see."""
    if not _LOCALE.fullmatch(code):
        raise ValueError(f"Not a locale code: {code!r}")
    return f"'{code}'"


def _fallback_pattern(code: str) -> str:
    return f"% {code} %"


def _quote(lexeme: str) -> str:
    """A lexeme as a tsvector/tsquery literal: in single quotes, quotes and backslashes
    escaped. Visitor text only ever reaches PostgreSQL this way (never as syntax)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(fields: Iterable[tuple[str, str]], locale: str = ENGLISH) -> str:
    """The weighted tsvector of (weight class, text) pairs in ``locale``'s language,
    positions running on across fields as ``setweight(a) || setweight(b)`` would number them."""
    positions: dict[str, list[str]] = {}
    position = 0
    analyse = analyzer(locale)
    for weight, text in fields:
        if not text:
            continue
        for token in analyse(text, positions=True):
            position = min(position + 1, MAX_POSITION)
            found = positions.setdefault(token.text, [])
            if len(found) < MAX_POSITIONS_PER_LEXEME:
                found.append(f"{position}{weight}")
        position = min(position + 1, MAX_POSITION)  # fields are not adjacent phrases
    return " ".join(f"{_quote(lexeme)}:{','.join(pos)}" for lexeme, pos in positions.items())


def document_vector(doc: SearchDocument) -> str:
    return tsvector_literal([
        (FIELD_WEIGHT_CLASS["title"], doc.title),
        (FIELD_WEIGHT_CLASS["labels"], " ".join(doc.labels)),
        (FIELD_WEIGHT_CLASS["places"], doc.places),
        (FIELD_WEIGHT_CLASS["official"], doc.official),
        (FIELD_WEIGHT_CLASS["body"], doc.body),
        (FIELD_WEIGHT_CLASS["comments"], doc.comments),
    ], doc.locale)


def _entry(doc: SearchDocument) -> SearchEntry:
    return SearchEntry(
        key=doc.key,
        kind=doc.kind,
        object_id=doc.pk,
        title=doc.title[: SearchEntry._meta.get_field("title").max_length],
        body=doc.body,
        labels=" ".join(doc.labels),
        places=doc.places,
        official=doc.official,
        comments=doc.comments,
        url=doc.url[: SearchEntry._meta.get_field("url").max_length],
        section_id=doc.section_id,
        category_id=doc.category_id,
        topic_id=doc.topic_id,
        version=doc.version,
        created_at=doc.created_at,
        updated_at=doc.updated_at,
        locale=doc.locale,
        fallback=f" {' '.join(doc.fallback)} " if doc.fallback else "",
        vector=document_vector(doc),
    )


class PostgresBackend(SearchBackend):
    """Full-text search in PostgreSQL over ``SearchEntry`` rows.

    Options (``settings.KB_SEARCH_OPTIONS``): ``DATABASE``, the database alias (default
    ``"default"``).
    """

    name = "postgres"

    def __init__(self, params=None):
        super().__init__(params)
        self.using = self.params.get("DATABASE", "default")
        self._rum: bool | None = None
        vendor = connections[self.using].vendor
        if vendor != "postgresql":
            raise ImproperlyConfigured(
                f"The postgres search backend needs a PostgreSQL database (database "
                f"{self.using!r} is {vendor}). Set DATABASE_URL, or KB_SEARCH_BACKEND=whoosh."
            )

    @property
    def table(self) -> str:
        return connections[self.using].ops.quote_name(SearchEntry._meta.db_table)

    @property
    def terms_table(self) -> str:
        return connections[self.using].ops.quote_name(SearchTerm._meta.db_table)

    def _read(self, sql: str, params) -> list[tuple]:
        """Run one read; any database failure becomes SearchUnavailable (callers fall
        back) and, thanks to the savepoint, leaves the caller's transaction usable."""
        try:
            with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        except DatabaseError as exc:
            raise SearchUnavailable(f"PostgreSQL search failed: {exc}") from exc

    # --- reads --------------------------------------------------------------------------
    @property
    def rum(self) -> bool:
        """Whether common words are ranked through RUM indexes (migration 0004 made them,
        and neither ``KB_SEARCH_OPTIONS["RUM"]`` nor ``KB_SEARCH_POSTGRES_RUM`` is off).
        Looked up once per process (``reset_backends`` forgets it)."""
        if self._rum is None:
            wanted = self.params.get("RUM", getattr(settings, "KB_SEARCH_POSTGRES_RUM", True))
            self._rum = bool(wanted) and bool(self._read(
                "SELECT 1 FROM pg_indexes WHERE indexname = %s", [RUM_INDEX]))
        return self._rum

    def _statistics(self, wanted: set[tuple[str, str]]) -> tuple[dict[tuple[str, str, str], int], float]:
        """({(locale, kind, term): rows of that kind holding it}, rows in all) from
        SearchTerm, for the (locale, term) pairs ``wanted``."""
        if not wanted:
            return {}, 0.0
        locales, terms = zip(*sorted(wanted))
        rows = self._read(
            f"""SELECT locale, kind, term, documents FROM {self.terms_table} WHERE term = ''
                UNION ALL SELECT locale, kind, term, documents FROM {self.terms_table}
                WHERE (term, locale) IN (SELECT * FROM unnest(%s::text[], %s::text[]))""",
            [list(terms), list(locales)])
        found = {(locale, kind, term): documents for locale, kind, term, documents in rows}
        documents = float(sum(n for (_, _, term), n in found.items() if term == ""))
        return found, documents

    def search(self, query: SearchQuery) -> SearchResults:
        empty = SearchResults(hits=[], total=0, page=query.page, per_page=query.per_page,
                              kind_counts={kind: 0 for kind in KINDS}, backend=self.name)
        filters, filter_params = [], []
        if query.category_id is not None:
            filters.append("category_id = %s")
            filter_params.append(query.category_id)
        if query.section_id is not None:
            filters.append("section_id = %s")
            filter_params.append(query.section_id)
        where = "".join(f" AND {f}" for f in filters)
        # One part per locale read (search.backends.base.query_locales): the searcher's
        # locale (tier 0), then source rows standing in for missing translations (tier 1),
        # each with the query analysed in the part's language.
        parts = []
        for locale, fallback_for in query_locales(query):
            terms = expand(query.text, synonym_groups(locale), locale)
            if terms:
                parts.append((locale, fallback_for, terms))
        if not parts:
            return empty
        frequency, documents = self._statistics({(locale, t.text) for locale, _, terms in parts for t in terms})
        cap = count_cap()
        # Enough candidates for the page asked for (the hybrid ranking asks for ~50).
        depth = max(BROAD_CANDIDATES, query.offset + query.per_page)
        ranked_sql, ranked_params, count_sql, count_params, stems = [], [], [], [], []
        known_counts: dict[tuple[int, str], int] = {}  # (part, kind) -> count, past the cap
        for part, (tier_locale, fallback_for, terms) in enumerate(parts):
            stems += [t.text for t in terms]
            locale = _locale_sql(tier_locale)
            scope = f"locale = {locale}" + (" AND fallback LIKE %s" if fallback_for else "") + where
            scope_params = ([_fallback_pattern(fallback_for)] if fallback_for else []) + filter_params
            literals = [_quote(t.text) for t in terms]
            by_kind = {kind: [frequency.get((tier_locale, kind, t.text), 0) for t in terms] for kind in KINDS}
            df = [sum(by_kind[kind][j] for kind in KINDS) for j in range(len(terms))]
            rare = [q for q, d in zip(literals, df) if d <= RARE_DOCUMENTS]
            common = [(q, d) for q, d in zip(literals, df) if d > RARE_DOCUMENTS]
            # Candidates: every row holding a rare word (its idf dominates the score),
            # plus, for the common words, rows holding them in their title and the rows
            # RUM ranks best (without RUM: any). Only candidates get the exact score.
            candidates, candidate_params = [], []
            if rare:
                candidates.append(f"SELECT id FROM {self.table} WHERE {scope} AND vector @@ %s::tsquery")
                candidate_params += [*scope_params, " | ".join(rare)]
            if common:
                common_query = " | ".join(q for q, _ in common)
                # Short documents with the word in their title score best (title weight,
                # length normalisation): the title index (migration 0004) finds them.
                candidates.append(
                    f"""SELECT id FROM (SELECT id FROM {self.table}
                        WHERE {scope} AND ts_filter(vector, '{{a}}') @@ %s::tsquery LIMIT %s) t""")
                candidate_params += [*scope_params, common_query, max(TITLE_CANDIDATES, depth)]
                # RUM reads the rows its own rank (term frequency and weight, without
                # length normalisation) puts first straight from the index, word by word;
                # it ranks a word's whole posting list to do so, so the commonest words
                # (where the title matches are plenty) take any rows instead.
                ranked_words = [q for q, d in common if d <= RUM_DOCUMENTS] if self.rum else []
                for word in ranked_words:
                    candidates.append(
                        f"""SELECT id FROM (SELECT id FROM {self.table}
                            WHERE {scope} AND vector @@ %s::tsquery
                            ORDER BY vector <=> %s::tsquery LIMIT %s) b""")
                    candidate_params += [*scope_params, word, word, depth]
                if len(ranked_words) < len(common):
                    candidates.append(
                        f"""SELECT id FROM (SELECT id FROM {self.table}
                            WHERE {scope} AND vector @@ %s::tsquery LIMIT %s) s""")
                    candidate_params += [*scope_params, " | ".join(q for q, _ in common
                                                                   if q not in ranked_words), depth]
            # BM25's idf from the stored document frequencies, times the term's boost.
            weights = [t.boost * math.log(1 + (documents - d + 0.5) / (d + 0.5)) for t, d in zip(terms, df)]
            score = " + ".join(
                f"%s * ts_rank(%s::float4[], e.vector, %s::tsquery, {RANK_NORMALIZATION})" for _ in terms)
            ranked_sql.append(f"""SELECT {1 if fallback_for else 0} AS tier, {locale} AS locale,
                       e.kind, e.object_id, {score} AS score, e.id
                FROM {self.table} e WHERE e.id IN ({" UNION ".join(candidates)}) AND e.kind = ANY(%s)""")
            for weight, literal in zip(weights, literals):
                ranked_params += [weight, RANK_WEIGHTS, literal]
            ranked_params += [*candidate_params, list(query.kinds)]
            # Tab counts, each stopping at the cap: a word in at least cap rows of the
            # kind (and no filter narrowing them) needs no counting.
            for kind in KINDS:
                if not fallback_for and not filters and max(by_kind[kind]) >= cap:
                    known_counts[(part, kind)] = cap
                    continue
                count_sql.append(f"""(SELECT count(*) FROM (SELECT 1 FROM {self.table}
                    WHERE {scope} AND kind = %s AND vector @@ %s::tsquery LIMIT %s) c)""")
                count_params += [*scope_params, kind, " | ".join(literals), cap]
        counts = "".join(f"{sql}, " for sql in count_sql)
        sql = f"""
            SELECT {counts}r.locale, r.kind, r.object_id, r.score, r.id
            FROM (SELECT 1) one LEFT JOIN LATERAL (
                SELECT * FROM ({" UNION ALL ".join(ranked_sql)}) u
                ORDER BY tier, score DESC, kind, object_id
                LIMIT %s OFFSET %s
            ) r ON true
        """
        rows = self._read(sql, [*count_params, *ranked_params, query.per_page, query.offset])
        counted = iter(rows[0][:len(count_sql)] if rows else [0] * len(count_sql))
        found = {(part, kind): known_counts[(part, kind)] if (part, kind) in known_counts else next(counted)
                 for part in range(len(parts)) for kind in KINDS}
        kind_counts = {kind: sum(n for (_, k), n in found.items() if k == kind) for kind in KINDS}
        capped = any(n >= cap for n in [*found.values(), *kind_counts.values()])
        total = sum(kind_counts.get(kind, 0) for kind in query.kinds)
        if capped:
            kind_counts = {kind: min(n, cap) for kind, n in kind_counts.items()}
            total = min(total, cap)
        ranked = [row[-5:] for row in rows if row[-4] is not None]
        spell_locale = ENGLISH if query.locale == "*" else query.locale
        hits = self._hits(ranked, stems, snippets=query.snippets)
        suggestion = self.spelling(query.text, spell_locale) if total < 3 or not hits else None
        return SearchResults(hits=hits, total=total, page=query.page, per_page=query.per_page,
                             kind_counts=kind_counts, suggestion=suggestion, backend=self.name,
                             counts_capped=capped)

    def _hits(self, ranked, stems, *, snippets: bool) -> list[SearchHit]:
        """The page's hits from ``ranked`` (locale, kind, object id, score, row id) rows."""
        if not ranked:
            return []
        columns = ["id", "key", "title"] + (["body", "official", "comments"] if snippets else [])
        stored = {row["id"]: row for row in SearchEntry.objects.using(self.using).filter(
            pk__in=[row_id for *_, row_id in ranked]).values(*columns)}
        hits = []
        for locale, kind, pk, score, row_id in ranked:
            row = stored.get(row_id, {})
            translation = parse_key(row["key"])[2] if row else None
            snippet = ""
            if snippets:
                # The body, unless only an answer holds the words.
                text = next((row.get(f) for f in ("body", "official", "comments")
                             if row.get(f) and _mentions(row[f], stems)), row.get("body") or "")
                snippet = highlight_snippet(text, stems, length=SNIPPET_CHARS)
            hits.append(SearchHit(kind=kind, pk=pk, score=float(score or 0.0),
                                  title=row.get("title", ""), snippet=snippet,
                                  locale=locale, translation=bool(translation)))
        return hits

    def suggest(self, text: str, *, limit: int = 5, locale: str = ENGLISH) -> list[Suggestion]:
        text = clean_text(text)
        if not text:
            return []
        prefix = last_word_prefix(text)
        found: list[tuple[str, str, str]] = []  # (key, title, locale)
        parts = query_locales(SearchQuery(text=text, locale=locale))
        # Titles in the visitor's locale, then sources standing in for missing translations.
        for doc_locale, fallback_for in parts:
            if len(found) >= limit:
                break
            stems = analyze(text[: len(text) - len(prefix)] if prefix else text, doc_locale)
            clauses = [_quote(s) for s in stems]
            if prefix:
                # An unfinished word matches stems it starts ("passw" -> "password"); a
                # finished one also by its own stem ("billing" -> "bill").
                clauses += [f"{_quote(p)}:*" for p in {prefix, *analyze(prefix, doc_locale)}]
            if not clauses:
                continue
            fallback = " AND fallback LIKE %s" if fallback_for else ""
            found += self._read(
                f"""SELECT key, title, locale FROM {self.table}
                    WHERE kind = %s AND locale = {_locale_sql(doc_locale)}{fallback}
                      AND vector @@ %s::tsquery
                    ORDER BY ts_rank(%s::float4[], vector, %s::tsquery, {RANK_NORMALIZATION}) DESC,
                             object_id
                    LIMIT %s""",
                [ARTICLE, *([_fallback_pattern(fallback_for)] if fallback_for else []),
                 " | ".join(clauses), [0.0, 0.05, 0.2, 1.0], " | ".join(clauses), limit - len(found)],
            )
        if len(found) < limit:
            # Misspelled or partial words: titles that look like what was typed.
            seen = [key for key, _, _ in found] or [""]
            visible = " OR ".join(
                f"(locale = {_locale_sql(code)}{' AND fallback LIKE %s' if fallback_for else ''})"
                for code, fallback_for in parts)
            found += self._read(
                f"""SELECT key, title, locale FROM {self.table}
                    WHERE kind = %s AND %s <%% title AND ({visible}) AND NOT (key = ANY(%s))
                    ORDER BY word_similarity(%s, title) DESC, object_id
                    LIMIT %s""",
                [ARTICLE, text, *[_fallback_pattern(f) for _, f in parts if f], seen, text,
                 limit - len(found)],
            )
        suggestions, seen_pks = [], set()
        for key, title, doc_locale in found:
            _, pk, translation = parse_key(key)
            if pk not in seen_pks:
                seen_pks.add(pk)
                suggestions.append(Suggestion(pk=pk, title=title, locale=doc_locale,
                                              translation=bool(translation)))
        return suggestions

    def spelling(self, text: str, locale: str = ENGLISH) -> str | None:
        typed = words(text, locale)
        candidates = [w for w in typed if len(w) >= 3 and w.isalpha()]
        if not candidates:
            return None
        # Words whose stem is somewhere in the locale's rows are not misspelled.
        stems = {w: (analyze(w, locale) or [w])[0] for w in candidates}
        literals = {_quote(stem): stem for stem in stems.values()}
        known_rows = self._read(
            f"""SELECT q FROM unnest(%s::text[]) AS q
                WHERE EXISTS (SELECT 1 FROM {self.table}
                              WHERE locale = {_locale_sql(locale)} AND vector @@ q::tsquery)""",
            [sorted(literals)],
        )
        known = {literals[q] for (q,) in known_rows}
        corrected, changed = [], False
        for word in typed:
            if word not in stems or stems[word] in known:
                corrected.append(word)
                continue
            better = self._closest_title_word(word, locale)
            if better and better != word:
                corrected.append(better)
                changed = True
            else:
                corrected.append(word)
        return " ".join(corrected) if changed else None

    def _closest_title_word(self, word: str, locale: str = ENGLISH) -> str | None:
        # The trigram index finds titles holding a similar word; the best such word wins
        # (ties go to the word found in more titles). Titles of the locale only: a
        # Spanish searcher is offered Spanish words.
        titles = self._read(
            f"""SELECT title FROM {self.table} WHERE %s <%% title AND locale = {_locale_sql(locale)}
                ORDER BY word_similarity(%s, title) DESC LIMIT %s""",
            [word, word, SPELLING_CANDIDATE_TITLES],
        )
        counts = Counter(w for (title,) in titles for w in set(_WORD.findall(title.lower())))
        best, best_key = None, None
        for candidate, seen in counts.items():
            similarity = _trigram_similarity(word, candidate)
            if similarity >= SPELLING_TRIGRAM_THRESHOLD:
                key = (similarity, seen, -abs(len(candidate) - len(word)))
                if best_key is None or key > best_key:
                    best, best_key = candidate, key
        return best

    def stored_versions(self) -> dict[str, str]:
        try:
            return dict(SearchEntry.objects.using(self.using).values_list("key", "version"))
        except DatabaseError as exc:
            raise SearchUnavailable(f"PostgreSQL search failed: {exc}") from exc

    # --- writes -------------------------------------------------------------------------
    # Each write keeps SearchTerm in step with the rows, in the same transaction and under
    # the writer lock: readers see rows and statistics of the same moment.
    def _lock(self, cursor):
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK_ID])

    def _count_terms(self, cursor, keys: list[str], sign: int) -> None:
        """Add (``sign`` 1) or take away (-1) the terms of the rows of ``keys`` to or from
        SearchTerm, the empty term counting the rows."""
        cursor.execute(
            f"""INSERT INTO {self.terms_table} AS s (locale, kind, term, documents)
                SELECT locale, kind, term, %s * count(*) FROM (
                    SELECT locale, kind, unnest(tsvector_to_array(vector)) AS term FROM {self.table}
                    WHERE key = ANY(%s)
                    UNION ALL SELECT locale, kind, '' FROM {self.table} WHERE key = ANY(%s)) t
                GROUP BY locale, kind, term
                ON CONFLICT (locale, term, kind) DO UPDATE SET documents = s.documents + excluded.documents""",
            [sign, keys, keys])
        if sign < 0:
            cursor.execute(f"DELETE FROM {self.terms_table} WHERE documents <= 0")

    def _fill_terms(self, cursor) -> None:
        """SearchTerm from every row, with PostgreSQL's ts_stat (after a rebuild)."""
        cursor.execute(f"DELETE FROM {self.terms_table}")
        cursor.execute(f"SELECT DISTINCT locale, kind FROM {self.table}")
        for code, kind in cursor.fetchall():
            if kind not in KINDS:
                continue
            cursor.execute(
                f"INSERT INTO {self.terms_table} (locale, kind, term, documents) "
                f"SELECT %s, %s, word, ndoc FROM ts_stat(%s)",
                [code, kind, (f"SELECT vector FROM {self.table} WHERE locale = {_locale_sql(code)} "
                             f"AND kind = '{kind}' AND vector IS NOT NULL")])
        cursor.execute(f"INSERT INTO {self.terms_table} (locale, kind, term, documents) "
                       f"SELECT locale, kind, '', count(*) FROM {self.table} GROUP BY locale, kind")

    def index(self, documents: Iterable[SearchDocument]) -> int:
        count = 0
        for batch in iter_batches(documents, 500):
            # Last one wins when a batch names the same document twice.
            entries = list({doc.key: _entry(doc) for doc in batch}.values())
            keys = [e.key for e in entries]
            with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
                self._lock(cursor)
                self._count_terms(cursor, keys, -1)
                SearchEntry.objects.using(self.using).filter(key__in=keys).delete()
                SearchEntry.objects.using(self.using).bulk_create(entries)
                self._count_terms(cursor, keys, 1)
            count += len(batch)
        return count

    def delete(self, keys: Iterable[str]) -> int:
        keys = [key for key in keys if _valid_key(key)]
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            self._lock(cursor)
            for batch in iter_batches(keys, 1000):
                self._count_terms(cursor, batch, -1)
                SearchEntry.objects.using(self.using).filter(key__in=batch).delete()
        return len(keys)

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        # One transaction: searches see the old rows until the new ones are all written.
        # DELETE rather than TRUNCATE, whose exclusive lock would block those searches.
        count = 0
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            self._lock(cursor)
            SearchEntry.objects.using(self.using).all().delete()
            for batch in iter_batches(documents, 500):
                entries = list({doc.key: _entry(doc) for doc in batch}.values())
                SearchEntry.objects.using(self.using).bulk_create(entries)
                count += len(batch)
            self._fill_terms(cursor)
        return count


def _valid_key(key: str) -> bool:
    try:
        split_key(key)
    except ValueError:
        return False
    return True


def _mentions(text: str, stems: list[str]) -> bool:
    lowered = text.lower()
    return any(stem in lowered for stem in stems)


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def _trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity() of two single words, computed here for a handful of words."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0

