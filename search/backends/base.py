"""The search backend API: what every backend (Whoosh, PostgreSQL, database) provides.

The database is the source of truth; a backend holds a *derived* copy of the searchable
content, made of :class:`SearchDocument` values built by :mod:`search.documents`.
Backends never decide what is public: drafts are never handed to them, and callers
(:mod:`search.selectors`) load the hits back from the database in bulk, keeping
only published content, so a stale index can never leak a draft.

Backends are picked like ``CACHES``: ``settings.KB_SEARCH_BACKEND`` is either an alias
(``"whoosh"`` — the default, ``"postgres"``, ``"database"``) or a dotted path to a
:class:`SearchBackend` subclass. ``get_backend()`` returns one instance per process.

Writing a backend: subclass :class:`SearchBackend`, implement the abstract methods, and run
the shared contract suite (``tests/articles_tests/search_backend_contract.py``) against it.
"""

from __future__ import annotations

import functools
import hashlib
import html
import logging
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

#: Kinds of document in the index. Comments are folded into their post (or article).
ARTICLE = "article"
POST = "post"
KINDS = (ARTICLE, POST)

#: ``SearchQuery.locale`` for a search of every locale (the JSON API's ``locale=*``).
ALL_LOCALES = "*"

BACKENDS = {
    "whoosh": "search.backends.whoosh.WhooshBackend",
    "postgres": "search.backends.postgres.PostgresBackend",
    "database": "search.backends.database.DatabaseBackend",
}

# Relative field weights every backend should honour (Whoosh: BM25F field weights, see
# search/whoosh.py; PostgreSQL: map to setweight A/B/C/D). Titles decide most
# "which article is it" cases. Title 4 rather than 6: on the StackFAQ dev queries a title
# at 6 bodies let a title match swamp bodies that answer the question (bench/README.md).
FIELD_BOOSTS = {
    "title": 4.0,
    "labels": 3.0,
    "official": 2.0,  # official answers weigh more than other comments
    "places": 1.5,  # section / category / topic names
    "body": 1.0,
    "comments": 0.5,
}


#: Where a backend may stop counting matches: past it, ``SearchResults.total`` and each
#: ``kind_counts`` value are at most COUNT_CAP and mean "at least" (``counts_capped``). The
#: page shows "1,000+" and pages through the first COUNT_CAP results; Zendesk's search
#: API also stops at 1,000 results. Counting every match of a word in most documents was
#: half the cost of a PostgreSQL search at 100k articles (bench/README.md, "Scale").
COUNT_CAP = 1000


def count_cap() -> int:
    """COUNT_CAP, or ``settings.KB_SEARCH_COUNT_CAP`` (tests lower it to see "1,000+"
    without writing a thousand articles)."""
    return int(getattr(settings, "KB_SEARCH_COUNT_CAP", COUNT_CAP))


class SearchUnavailable(Exception):
    """The backend cannot answer (index missing, corrupt, database down...).

    Callers catch it and fall back to the database backend.
    """


def make_key(kind: str, pk: int, translation: str | None = None) -> str:
    """The unique id of a document in every backend: ``"article:12"``, ``"post:3"`` for an
    item in its source language, ``"article:12:es"`` for its published Spanish translation.

    Source documents keep the key they always had (whatever their source locale), so the
    stored embeddings and click analytics of existing documents stay valid.
    """
    return f"{kind}:{pk}:{translation}" if translation else f"{kind}:{pk}"


def parse_key(key: str) -> tuple[str, int, str | None]:
    """(kind, pk, translation locale or None) of a document key."""
    kind, _, rest = key.partition(":")
    pk, _, translation = rest.partition(":")
    if (kind not in KINDS or not pk.isascii() or not pk.isdigit()
            or (translation and not (translation.isascii() and translation.replace("-", "").isalpha()
                                     and len(translation) <= 10))
            or (translation and kind != ARTICLE)):
        raise ValueError(f"Not a search document key: {key!r}")
    return kind, int(pk), translation or None


def split_key(key: str) -> tuple[str, int]:
    kind, pk, _ = parse_key(key)
    return kind, pk


@dataclass(frozen=True)
class SearchDocument:
    """Everything a backend indexes about one article or post (plain text, no HTML)."""

    kind: str  # ARTICLE or POST
    pk: int
    title: str
    body: str
    url: str
    created_at: datetime
    updated_at: datetime
    labels: tuple[str, ...] = ()
    # Articles: section and category. Posts: topic (section_id/category_id stay None).
    section_id: int | None = None
    section_name: str = ""
    category_id: int | None = None
    category_name: str = ""
    topic_id: int | None = None
    topic_name: str = ""
    # Official answers (agents' comments marked official) and the other comments.
    official: str = ""
    comments: str = ""
    # The document's language (a Django code: "en", "es"), which decides how its text is
    # analysed. ``translation``: this is a published translation of article ``pk``, not
    # its source. ``fallback``: the locales this source document stands in for because the
    # article has no published translation into them (searchers in those locales see it
    # after the documents written in their language).
    locale: str = "en"
    translation: bool = False
    fallback: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return make_key(self.kind, self.pk, self.locale if self.translation else None)

    @property
    def places(self) -> str:
        return " ".join(p for p in (self.section_name, self.category_name, self.topic_name) if p)

    @property
    def version(self) -> str:
        """Fingerprint of the indexed content: backends store it, ``check_index`` compares.

        A fingerprint rather than ``updated_at``: renaming a section or marking a comment
        official changes what is indexed without touching the article's timestamp.
        """
        digest = hashlib.sha1()
        for part in (self.title, self.body, "\x1f".join(self.labels), self.places,
                     str(self.section_id), str(self.category_id), str(self.topic_id),
                     self.official, self.comments, self.url, self.locale,
                     " ".join(self.fallback)):
            digest.update(part.encode("utf-8", "replace"))
            digest.update(b"\x1e")
        return digest.hexdigest()[:16]


@dataclass(frozen=True)
class SearchQuery:
    """A visitor's search, already bounded (see :func:`search.query.clean_text`).

    ``text`` is raw visitor text: backends must never interpret it as query syntax; use
    :func:`search.query.analyze` / :func:`~search.query.expand` to turn
    it into plain terms (stemmed, stop words removed, synonyms added).
    """

    text: str
    kinds: tuple[str, ...] = KINDS
    category_id: int | None = None
    section_id: int | None = None
    page: int = 1  # 1-based
    per_page: int = 10
    # Snippet HTML for each hit (costly on some backends; the JSON API and page need it).
    snippets: bool = True
    # The searcher's locale: documents in it, analysed in its language, come first; then,
    # when ``fallback``, source documents of articles not translated into it (analysed in
    # their own language). ALL_LOCALES: every document, each analysed in its language.
    locale: str = "en"
    fallback: bool = True

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class SearchHit:
    """One ranked result. ``snippet`` is safe HTML: escaped text plus ``<mark>`` only."""

    kind: str
    pk: int
    score: float
    title: str = ""
    snippet: str = ""
    locale: str = ""  # the document's language ("" when the backend cannot say)
    translation: bool = False  # a translation of article ``pk``, not its source

    @property
    def key(self) -> str:
        return make_key(self.kind, self.pk, self.locale if self.translation else None)


@dataclass
class SearchResults:
    """One page of hits plus totals.

    ``total`` counts every match (all pages) for the query and filters; ``kind_counts``
    counts matches per kind ignoring the kind filter (for the "Articles (4) · Community
    (2)" tabs). ``suggestion`` is a corrected query ("pasword resett" -> "password reset")
    when the backend thinks the visitor misspelled, else None. ``counts_capped``: the
    backend stopped counting at :func:`count_cap`; a count equal to it means "at least".
    """

    hits: list[SearchHit]
    total: int
    page: int = 1
    per_page: int = 10
    kind_counts: dict[str, int] = field(default_factory=dict)
    suggestion: str | None = None
    backend: str = ""
    # Filled by the fusion of lexical and semantic candidates (search.selectors), not by
    # backends: {key: search.ranking.fusion.Explanation}.
    explain: dict = field(default_factory=dict)
    counts_capped: bool = False


@dataclass(frozen=True)
class Suggestion:
    """An instant suggestion: a published article's title (``url`` is filled by callers)."""

    pk: int
    title: str
    kind: str = ARTICLE
    locale: str = ""
    translation: bool = False


class SearchBackend(ABC):
    """Base class of search backends. Instances are shared by every thread of a process.

    Writes (``index``/``delete``/``rebuild``) are called from background tasks and
    management commands; they may raise, and callers log and carry on — a save never
    fails because of the index. Reads raise :class:`SearchUnavailable` when the backend
    cannot answer; callers then fall back to the database backend.
    """

    #: Short name shown in logs and ``SearchResults.backend``.
    name = "base"

    def __init__(self, params: dict | None = None):
        self.params = params or {}

    # --- reads --------------------------------------------------------------------------
    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResults:
        """Rank documents for ``query``: OR of the query's terms (synonyms expanded),
        title weighted most; filters by kind/category/section; one page of hits. Documents
        of ``query.locale`` rank first, then the fallback documents (``query_locales``);
        each part's terms are the query analysed in that part's language."""

    @abstractmethod
    def suggest(self, text: str, *, limit: int = 5, locale: str = "en") -> list[Suggestion]:
        """Top matching *articles* for a partly typed query (the last word may be a
        prefix: "passw" suggests "Reset your password"), in ``locale`` first, then sources
        standing in for missing translations. Must be fast (< ~20 ms)."""

    def spelling(self, text: str, locale: str = "en") -> str | None:
        """A corrected version of ``text`` if some words look misspelled in ``locale``'s
        vocabulary, else None."""
        return None

    # --- writes -------------------------------------------------------------------------
    @abstractmethod
    def index(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents (by key). Returns how many were written."""

    @abstractmethod
    def delete(self, keys: Iterable[str]) -> int:
        """Remove documents by key; unknown keys are ignored. Returns how many were asked."""

    @abstractmethod
    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index with ``documents``, atomically for readers: searches
        keep being answered from the old index until the new one is complete."""

    @abstractmethod
    def stored_versions(self) -> dict[str, str]:
        """``{key: SearchDocument.version}`` of every stored document (for check_index)."""

    def clear(self) -> None:
        """Remove every document."""
        self.rebuild([])

    def optimize(self) -> None:
        """Compact the index after a bulk write (``import_articles``). Optional."""

    def healthy(self) -> bool:
        """Whether reads can be served (the index exists and opens)."""
        try:
            self.stored_versions()
        except Exception:
            return False
        return True

    def close(self) -> None:
        """Release open files/connections (tests and settings changes call this)."""


# --- Snippets shared by backends without a native highlighter ----------------------------

_SNIPPET_CHARS = 240


@functools.lru_cache(maxsize=512)
def _snippet_pattern(words: frozenset[str]) -> re.Pattern | None:
    # One pattern per query, not per hit: a search builds up to 50 snippets.
    if not words:
        return None
    return re.compile(r"\b(?:%s)\w*" % "|".join(re.escape(w) for w in
                                                sorted(words, key=lambda w: (-len(w), w))),
                      re.IGNORECASE)


def highlight_snippet(text: str, words: Iterable[str], *, length: int = _SNIPPET_CHARS) -> str:
    """Escaped excerpt of ``text`` around the first match, matches wrapped in ``<mark>``.

    ``words`` are lowercase *prefixes* (stems work: "bill" marks "billing").
    """
    if not text:
        return ""
    pattern = _snippet_pattern(frozenset(w.lower() for w in words if w))
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - length // 3) if first else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    excerpt = text[start:start + length]
    parts, last = [], 0
    if pattern:
        for match in pattern.finditer(excerpt):
            parts.append(html.escape(excerpt[last:match.start()], quote=False))
            parts.append(f"<mark>{html.escape(match.group(0), quote=False)}</mark>")
            last = match.end()
    parts.append(html.escape(excerpt[last:], quote=False))
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(text) else ""
    return prefix + "".join(parts) + suffix


# --- Picking the backend ----------------------------------------------------------------

_lock = threading.Lock()
_backends: dict[str, SearchBackend] = {}


def backend_path(alias: str | None = None) -> str:
    alias = alias or getattr(settings, "KB_SEARCH_BACKEND", "whoosh") or "whoosh"
    return BACKENDS.get(alias, alias)


def get_backend(alias: str | None = None) -> SearchBackend:
    """The process-wide backend instance for ``alias`` (default: settings)."""
    path = backend_path(alias)
    backend = _backends.get(path)
    if backend is None:
        with _lock:
            backend = _backends.get(path)
            if backend is None:
                backend = import_string(path)(getattr(settings, "KB_SEARCH_OPTIONS", {}))
                _backends[path] = backend
    return backend


def reset_backends() -> None:
    """Forget backend instances (settings changed, e.g. between tests)."""
    with _lock:
        for backend in _backends.values():
            try:
                backend.close()
            except Exception:
                logger.debug("closing search backend %r failed", backend, exc_info=True)
        _backends.clear()


def query_locales(query: SearchQuery) -> list[tuple[str, str | None]]:
    """The parts of a search, in the order their results are shown: (documents' locale,
    fallback-for locale or None). A search in "es" reads Spanish documents, then source
    documents in every other locale that stand in for a missing Spanish translation."""
    from kb.i18n import locales

    served = locales()
    if query.locale == ALL_LOCALES:
        return [(locale, None) for locale in served]
    parts = [(query.locale, None)]
    if query.fallback:
        parts += [(locale, query.locale) for locale in served if locale != query.locale]
    return parts


def iter_batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
