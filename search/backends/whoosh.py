"""Whoosh backend: the embedded default, an index on disk under KB_SEARCH_INDEX_DIR.

Layout (every generation is a complete Whoosh index)::

    KB_SEARCH_INDEX_DIR/
        CURRENT          name of the live generation, replaced atomically (os.replace)
        gen-<time>-<id>/ a Whoosh index
        rebuild.lock     held while a rebuild runs

``rebuild`` writes a new generation beside the live one and then swaps CURRENT, so
searches keep being served from the old generation until the new one is complete. The
previous generation is kept (a reader may still hold it); older ones are removed.

Writes use one Whoosh writer at a time (a file lock shared by every process) with a lock
timeout and retries — Whoosh's AsyncWriter silently drops documents, so it is not used.
Readers: each thread keeps its own searcher per generation and refreshes it only when
the index changed.
"""

from __future__ import annotations

import fcntl
import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from math import log
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.query import And, Or, Prefix, Term
from whoosh.scoring import BM25F, BM25FScorer

from search.backends.base import (
    ARTICLE,
    FIELD_BOOSTS,
    KINDS,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
    Suggestion,
    highlight_snippet,
    iter_batches,
    parse_key,
    query_locales,
)
from search.query import (
    ENGLISH,
    analyze,
    analyzer,
    clean_text,
    expand,
    last_word_prefix,
    word_analyzer,
    words,
)
from search.ranking import bm25
from search.ranking.bm25 import Clause
from search.synonyms import synonym_groups

logger = logging.getLogger(__name__)

CURRENT = "CURRENT"
LOCK_TIMEOUT = 10.0  # seconds one writer waits for the Whoosh lock
WRITE_ATTEMPTS = 6  # ...and how many times we try again before giving up (logged)
EXCERPT_CHARS = 12_000  # stored body text used for snippets
SNIPPET_CHARS = 220
# Segments as separate files, not one compound file. Whoosh reads a compound segment
# through BytesIO copies of its parts, so every worker process held its own copy of the
# index in memory (680 MiB per gunicorn worker at 100k articles); separate files are read
# through the operating system's page cache, shared by all workers.
WRITER_OPTIONS = {"compound": False}

# Fields of indexes written before the combined "text" field (queried until a rebuild).
LEGACY_FIELDS = ("title", "labels", "places", "body", "official", "comments")

# Languages: one set of text fields per locale, each analysed with its language
# (search.query.analyzer(locale)), rather than one index per locale. One index keeps one
# writer, one rebuild and one generation swap, and a search that reads several locales
# (Spanish documents, then English sources not yet translated) reads one searcher. Each
# field only holds documents of its locale, so BM25's statistics (idf, average length)
# are per language, as they should be. English keeps the unsuffixed names ("text",
# "title"...): its ranking, and an index built before languages, stay exactly as they
# were; other locales get "text_es", "title_es"... (added by the next rebuild_index).
LOCALE_FIELDS = ("text", "comments", "title", "body", "spell", "title_words")


def locale_field(name: str, locale: str) -> str:
    return name if locale == ENGLISH else f"{name}_{locale}"


def _base_field(fieldname: str) -> str:
    if fieldname in LOCALE_FIELDS:
        return fieldname
    for name in LOCALE_FIELDS:
        if fieldname.startswith(f"{name}_") and fieldname[len(name) + 1:].isalpha():
            return name
    return fieldname


# Ranking: BM25F over one combined "text" field. Each part of a document is written into
# it as many times as its FIELD_BOOSTS weight (rounded), so a word's frequencies in title,
# labels, places, official answers and body add up *before* BM25 saturates them, under one
# length normalisation. Whoosh's per-field Term clauses instead add one saturated BM25
# score per field: a word in both title and body then counted twice, and on the StackFAQ
# dev queries that ranked worse and cost three times the clauses (see bench/README.md).
# Other comments stay in their own field at a lower boost (FIELD_BOOSTS["comments"] < 1
# cannot be a repetition count).
COMBINED_FIELDS = ("title", "labels", "places", "official", "body")
BM25_PARAMS = {"B": 0.75, "K1": 1.2, "text_B": 0.6, "text_K1": 3.0}


def repeats(field: str) -> int:
    return max(1, round(FIELD_BOOSTS[field]))


class _Weighting(BM25F):
    """BM25F with a K1 per field as well as a B per field (``text_K1``)."""

    def field_params(self, fieldname) -> tuple[float, float]:
        # Every locale's "text_<locale>" ranks with the parameters of "text".
        base = fieldname if fieldname in self._field_B else _base_field(fieldname)
        return self._field_B.get(base, self.B), BM25_PARAMS.get(f"{base}_K1", self.K1)

    def idf(self, searcher, fieldname, text):
        # Per language: a word's rarity among the documents of its locale (those that
        # have the field), not among all. Adding Spanish translations then changes no
        # English score; with one language it is Whoosh's own formula and value.
        parent = searcher.get_parent()
        documents = _locale_documents(parent, fieldname)
        if documents is None:
            return super().idf(searcher, fieldname, text)
        return log(documents / (parent.doc_frequency(fieldname, text) + 1)) + 1

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf=qf)
        return BM25FScorer(searcher, fieldname, text, *self.field_params(fieldname), qf=qf)


def _locale_documents(searcher, fieldname) -> int | None:
    """How many documents of the locale whose field ``fieldname`` is (None: not a
    per-locale field, or an index without locales)."""
    base = _base_field(fieldname)
    if base not in LOCALE_FIELDS or "locale" not in searcher.schema:
        return None
    locale = fieldname[len(base) + 1:] if fieldname != base else ENGLISH
    return searcher.doc_frequency("locale", locale) or searcher.doc_count_all()


def avg_field_length(searcher):
    """The average length of a field over the documents of its locale (Whoosh divides by
    every document, so other languages' documents, which lack the field, would shorten
    it and change BM25's length normalisation)."""

    def average(fieldname):
        documents = _locale_documents(searcher, fieldname)
        if documents is None:
            return searcher.avg_field_length(fieldname)
        return searcher.reader().field_length(fieldname) / documents if documents else 0

    return average


def weighting() -> BM25F:
    return _Weighting(**{k: v for k, v in BM25_PARAMS.items() if not k.endswith("_K1")})


def schema_locales() -> list[str]:
    from kb.i18n import locales

    return [ENGLISH] + [code for code in locales() if code != ENGLISH]


def build_schema() -> Schema:
    fields = {
        "key": ID(unique=True, stored=True),
        "kind": ID(stored=True),
        "locale": ID(stored=True),
        # The locales a source document stands in for (SearchDocument.fallback).
        "fallback": KEYWORD,
        "category_id": ID,
        "section_id": ID,
        "topic_id": ID,
        "excerpt": STORED,
        "version": STORED,
    }
    # phrase=False: frequencies without word positions. Nothing here queries phrases, and
    # positions made up most of each postings block: at 100k articles the index went from
    # 504 to 178 MB and a term's postings read ~2.5 times faster (search/ranking/bm25.py
    # reads them whole for every cold term). Scores do not change (BM25 reads frequencies).
    for locale in schema_locales():
        text = analyzer(locale)
        fields.update({
            locale_field("text", locale): TEXT(analyzer=text, phrase=False),  # the ranked field: see COMBINED_FIELDS
            locale_field("comments", locale): TEXT(analyzer=text, phrase=False),
            # Title and body on their own: instant suggestions rank titles first.
            locale_field("title", locale): TEXT(analyzer=text, stored=True, phrase=False),
            locale_field("body", locale): TEXT(analyzer=text, phrase=False),
            # Unstemmed words: spelling corrections ("pasword" -> "password") and prefixes
            # of title words for instant suggestions.
            locale_field("spell", locale): TEXT(analyzer=word_analyzer(locale), phrase=False),
            locale_field("title_words", locale): TEXT(analyzer=word_analyzer(locale), phrase=False),
        })
    return Schema(**fields)


def _combined(doc: SearchDocument) -> str:
    parts = {"title": doc.title, "labels": " ".join(doc.labels), "places": doc.places,
             "official": doc.official, "body": doc.body}
    # A blank line between parts, so no part's last word runs into the next one's first.
    return "\n\n".join("\n\n".join([parts[f]] * repeats(f))
                        for f in COMBINED_FIELDS if parts[f])


def _fields(doc: SearchDocument) -> dict:
    def ident(value):
        return str(value) if value is not None else ""

    locale = doc.locale if doc.locale in schema_locales() else ENGLISH

    def field(name):
        return locale_field(name, locale)

    return {
        "key": doc.key,
        "kind": doc.kind,
        "locale": locale,
        "fallback": " ".join(doc.fallback),
        "category_id": ident(doc.category_id),
        "section_id": ident(doc.section_id),
        "topic_id": ident(doc.topic_id),
        field("text"): _combined(doc),
        field("comments"): doc.comments,
        field("title"): doc.title,
        field("body"): doc.body,
        field("spell"): " ".join((doc.title, " ".join(doc.labels), doc.body)),
        field("title_words"): doc.title,
        "excerpt": (doc.body or doc.official)[:EXCERPT_CHARS],
        "version": doc.version,
    }


def _known(schema, fields: dict) -> dict:
    # An index built before languages lacks "locale", "text_es"...: it keeps taking
    # English updates until rebuild_index gives it every locale's fields.
    return {name: value for name, value in fields.items() if name in schema}


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def __init__(self, params=None):
        super().__init__(params)
        self._indexes: dict[Path, object] = {}  # generation dir -> whoosh Index
        self._pointer: dict[Path, tuple] = {}  # root -> (stat signature, generation dir)
        self._local = threading.local()  # per thread: {generation dir: searcher}
        self._lock = threading.Lock()

    # --- locations ----------------------------------------------------------------------
    @property
    def root(self) -> Path:
        return Path(self.params.get("PATH") or settings.KB_SEARCH_INDEX_DIR)

    def current_dir(self) -> Path | None:
        """The live generation directory, or None when there is no index."""
        root = self.root
        pointer = root / CURRENT
        try:
            st = pointer.stat()
        except FileNotFoundError:
            return None
        signature = (st.st_ino, st.st_mtime_ns, st.st_size)
        cached = self._pointer.get(root)
        if cached and cached[0] == signature:
            return cached[1]
        name = pointer.read_text().strip()
        if not name or "/" in name or name.startswith("."):
            raise SearchUnavailable(f"Search index pointer {pointer} is invalid")
        generation = root / name
        self._pointer[root] = (signature, generation)
        return generation

    def _open(self, generation: Path):
        ix = self._indexes.get(generation)
        if ix is None:
            with self._lock:
                ix = self._indexes.get(generation)
                if ix is None:
                    ix = whoosh_index.open_dir(str(generation))
                    self._indexes[generation] = ix
        return ix

    def _index(self):
        try:
            generation = self.current_dir()
            if generation is None:
                raise SearchUnavailable(f"No search index in {self.root}")
            return self._open(generation)
        except SearchUnavailable:
            raise
        except Exception as exc:
            raise SearchUnavailable(f"Search index in {self.root} cannot be opened: {exc!r}") from exc

    @contextmanager
    def searcher(self):
        """A searcher of the live index, reused by this thread while it is up to date."""
        ix = self._index()
        cache = getattr(self._local, "searchers", None)
        if cache is None:
            cache = self._local.searchers = {}
        try:
            searcher = cache.get(ix)
            if searcher is None:
                # Forget searchers of generations that are no longer live.
                for old in list(cache):
                    cache.pop(old).close()
                searcher = cache[ix] = ix.searcher(weighting=weighting())
            elif not searcher.up_to_date():
                # A fresh searcher, not searcher.refresh(): refresh() reuses the reader of
                # a segment whose deletions changed, so deleted documents keep matching.
                searcher.close()
                searcher = cache[ix] = ix.searcher(weighting=weighting())
            yield searcher
        except SearchUnavailable:
            raise
        except Exception as exc:
            cache.pop(ix, None)
            raise SearchUnavailable(f"Search index in {self.root} failed: {exc!r}") from exc

    def close(self):
        cache = getattr(self._local, "searchers", None) or {}
        for searcher in cache.values():
            searcher.close()
        cache.clear()
        self._indexes.clear()
        self._pointer.clear()

    # --- reads --------------------------------------------------------------------------
    @staticmethod
    def _clauses(terms, schema, locale: str = ENGLISH) -> list[Clause]:
        clauses = []
        text, comments = locale_field("text", locale), locale_field("comments", locale)
        if text in schema:
            for term in terms:
                clauses.append(Clause(text, term.text, term.boost))
                clauses.append(Clause(comments, term.text, FIELD_BOOSTS["comments"] * term.boost))
        elif locale != ENGLISH:
            pass  # built before this locale was served: nothing of it is indexed yet
        else:  # an index built by an older version: rebuild_index upgrades it
            for term in terms:
                clauses += [Clause(field, term.text, FIELD_BOOSTS[field] * term.boost)
                            for field in LEGACY_FIELDS if field in schema]
        return clauses

    @staticmethod
    def _filters(query: SearchQuery) -> list[tuple[str, str]]:
        filters = []
        if query.category_id is not None:
            filters.append(("category_id", str(query.category_id)))
        if query.section_id is not None:
            filters.append(("section_id", str(query.section_id)))
        return filters

    def search(self, query: SearchQuery) -> SearchResults:
        # The searcher's locale first, then the source documents standing in for missing
        # translations (search.backends.base.query_locales): two rankings, shown in turn.
        tiers: dict[str | None, list] = {}
        stems: list[str] = []
        for locale, fallback_for in query_locales(query):
            terms = expand(query.text, synonym_groups(locale), locale)
            tiers.setdefault(fallback_for, []).append((locale, terms))
            stems += [t.text for t in terms]
        if not stems:
            return SearchResults(hits=[], total=0, page=query.page, per_page=query.per_page,
                                 suggestion=None, backend=self.name)
        limit = query.offset + query.per_page
        with self.searcher() as searcher:
            kind_counts = dict.fromkeys(KINDS, 0)
            docs = []
            for fallback_for, parts in tiers.items():
                clauses = [clause for locale, terms in parts
                           for clause in self._clauses(terms, searcher.schema, locale)]
                filters = self._filters(query)
                if fallback_for:
                    if "fallback" not in searcher.schema:
                        continue
                    filters.append(("fallback", fallback_for))
                # Whoosh's BM25F ranking and the per-kind counts for the tabs (whatever
                # kind is selected), in NumPy over cached postings: see search/bm25.py.
                ranked = bm25.rank(
                    searcher, clauses, kinds={kind: ("kind", kind) for kind in KINDS},
                    wanted=query.kinds, filters=filters, limit=max(1, limit - len(docs)),
                    params=searcher.weighting.field_params, namespace=str(self.current_dir()),
                    avg_length=avg_field_length(searcher))
                for kind, count in ranked.kind_counts.items():
                    kind_counts[kind] = kind_counts.get(kind, 0) + count
                docs += ranked.docs[:max(0, limit - len(docs))]
            total = sum(kind_counts[kind] for kind in query.kinds if kind in kind_counts)
            hits = []
            spell_locale = query.locale if query.locale in schema_locales() else ENGLISH
            stems += words(query.text, spell_locale)
            for docnum, score in docs[query.offset:]:
                stored = searcher.stored_fields(docnum)
                kind, pk, translation = parse_key(stored["key"])
                locale = stored.get("locale") or ENGLISH
                # Snippets only for the page shown, by a cheap scan of the stored excerpt
                # for the query's stems: Whoosh's highlighter re-analyses every body and
                # cost more than the search itself.
                snippet = (highlight_snippet(stored.get("excerpt") or "", stems,
                                             length=SNIPPET_CHARS)
                           if query.snippets else "")
                hits.append(SearchHit(kind=kind, pk=pk, score=score,
                                      title=stored.get(locale_field("title", locale), ""),
                                      snippet=snippet, locale=locale, translation=bool(translation)))
            suggestion = (self._spelling(searcher, query.text, spell_locale)
                          if total < 3 or not hits else None)
        return SearchResults(hits=hits, total=total, page=query.page, per_page=query.per_page,
                             kind_counts=kind_counts, suggestion=suggestion, backend=self.name)

    def spelling(self, text: str, locale: str = ENGLISH) -> str | None:
        with self.searcher() as searcher:
            return self._spelling(searcher, text, locale)

    @staticmethod
    def _spelling(searcher, text: str, locale: str = ENGLISH) -> str | None:
        # Each locale's own vocabulary: a Spanish searcher is offered Spanish words.
        field = locale_field("spell", locale)
        typed = words(text, locale)
        if not typed or field not in searcher.schema:
            return None
        corrector = searcher.corrector(field)
        corrected, changed = [], False
        for word in typed:
            if len(word) < 3 or not word.isalpha() or searcher.doc_frequency(field, word):
                corrected.append(word)
                continue
            found = corrector.suggest(word, limit=1, maxdist=2, prefix=1)
            if found and found[0] != word:
                corrected.append(found[0])
                changed = True
            else:
                corrected.append(word)
        return " ".join(corrected) if changed else None

    def suggest(self, text: str, *, limit: int = 5, locale: str = ENGLISH) -> list[Suggestion]:
        text = clean_text(text)
        prefix = last_word_prefix(text)
        found: list[Suggestion] = []
        with self.searcher() as searcher:
            # Titles in the visitor's locale, then sources standing in for missing translations.
            for doc_locale, fallback_for in query_locales(SearchQuery(text=text, locale=locale)):
                if len(found) >= limit:
                    break
                title, body = locale_field("title", doc_locale), locale_field("body", doc_locale)
                if title not in searcher.schema:
                    continue
                stems = analyze(text, doc_locale)
                if prefix:
                    # The last word may be unfinished: match it as a prefix of a title word.
                    stems = analyze(text[: len(text) - len(prefix)], doc_locale) if len(stems) else []
                clauses = [Term(title, s, boost=3.0) for s in stems]
                clauses += [Term(body, s) for s in stems]
                if prefix:
                    clauses.append(Prefix(locale_field("title_words", doc_locale), prefix, boost=2.0))
                if not clauses:
                    continue
                only = Term("kind", ARTICLE)
                if fallback_for:
                    only = And([only, Term("fallback", fallback_for)])
                seen = {s.pk for s in found}
                for hit in searcher.search(Or(clauses), filter=only, limit=limit):
                    _kind, pk, translation = parse_key(hit["key"])
                    if pk not in seen and len(found) < limit:
                        found.append(Suggestion(pk=pk, title=hit[title], locale=doc_locale,
                                                translation=bool(translation)))
        return found

    def stored_versions(self) -> dict[str, str]:
        with self.searcher() as searcher:
            return {fields["key"]: fields.get("version", "") for fields in searcher.all_stored_fields()}

    # --- writes -------------------------------------------------------------------------
    @contextmanager
    def _writer(self, *, optimize: bool = False):
        """The one writer of the live index; waits for the lock, retries, then raises."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                ix = self._index()
                writer = ix.writer(timeout=LOCK_TIMEOUT, delay=0.05, **WRITER_OPTIONS)
                break
            except LockError:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise
                logger.info("Search index busy; retrying (attempt %s)", attempt + 1)
                time.sleep(0.2 * (attempt + 1))
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=optimize)

    def optimize(self) -> None:
        # Whoosh's default merge policy only merges segments of under ~10 documents, so an
        # import committed 100 lines at a time leaves one segment per 100 articles, and
        # every query then runs once per segment (the StackFAQ import: 8 segments, about
        # two thirds of the search time spent setting up per-segment matchers).
        if self._ensure_index():
            return  # just built from the database: one segment already
        generation = self.current_dir()
        with self._writer(optimize=True):
            pass
        self._after_write(generation, lambda: None)

    def _ensure_index(self) -> bool:
        """Build the index from the database if there is none. True when it was built."""
        if self.current_dir() is not None:
            return False
        from search.documents import all_documents

        logger.warning("No search index in %s: building it from the database", self.root)
        self.rebuild(all_documents())
        return True

    def index(self, documents: Iterable[SearchDocument]) -> int:
        return self._write(list(documents), lambda writer, doc: writer.update_document(
            **_known(writer.schema, _fields(doc))))

    def delete(self, keys: Iterable[str]) -> int:
        return self._write(list(keys), lambda writer, key: writer.delete_by_term("key", key))

    def _write(self, items: list, apply) -> int:
        """``apply(writer, item)`` for each item, in one writer of the current generation."""
        if not items or self._ensure_index():
            # Empty, or the index was just built from the database, which holds the items.
            return len(items)
        generation = self.current_dir()
        with self._writer() as writer:
            for item in items:
                apply(writer, item)
        self._after_write(generation, lambda: self._write(items, apply))
        return len(items)

    def _after_write(self, generation, redo):
        # A rebuild swapped generations while we wrote: write again into the new one.
        self._pointer.pop(self.root, None)
        if self.current_dir() != generation:
            redo()

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        root = self.root
        root.mkdir(parents=True, exist_ok=True)
        with open(root / "rebuild.lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            previous = self.current_dir() if (root / CURRENT).exists() else None
            name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
            generation = root / name
            generation.mkdir()
            count = 0
            try:
                ix = whoosh_index.create_in(str(generation), build_schema())
                writer = ix.writer(limitmb=128, **WRITER_OPTIONS)
                try:
                    for batch in iter_batches(documents, 500):
                        for doc in batch:
                            writer.add_document(**_fields(doc))
                        count += len(batch)
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit(optimize=True)
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)
                raise
            tmp = root / f".{CURRENT}.{name}"
            tmp.write_text(name)
            with open(tmp) as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, root / CURRENT)
            self._pointer.pop(root, None)
            self._remove_old_generations(keep={name, previous.name if previous else ""})
        return count

    def _remove_old_generations(self, keep: set[str]):
        for path in self.root.iterdir():
            if path.is_dir() and path.name.startswith("gen-") and path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
                self._indexes.pop(path, None)
