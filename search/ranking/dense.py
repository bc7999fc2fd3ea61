"""Semantic retrieval: the nearest documents to a question by meaning, searched directly.

Lexical search only finds documents that share a word with the question; customers often
use none of the article's words ("how do I get my money back" for "Refund policy"). So
every search also ranks every published document by the cosine of its stored embedding
(``DocumentEmbedding``) with the question's, and ``search.ranking.fusion`` merges the
two candidate lists.

How: each process keeps all vectors as one float32 matrix (1.5 KB per document: 15 MB at
10,000 documents, 150 MB at 100,000) with their kinds, sections and categories, loaded
from the database on first use and brought up to date when the index writer announces a
change (the "embeddings" generation in the shared page cache: one cache read per search
at most every CHECK_SECONDS, no SQL; after a change, the rows written since are read). A question is then one matrix-vector product and a partial sort: about 0.5 ms at
10,000 documents and 5 ms at 100,000 on one core (bench/search_scale.py), well inside the
search budget, so no approximate-nearest-neighbour library is needed at these sizes (see
bench/README.md for the measurement). float16 rows would halve the memory but NumPy has
no fast float16 product: 77 ms at 100,000 against 5 ms.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from kb import page_cache
from search.backends.base import KINDS, make_key, parse_key

logger = logging.getLogger(__name__)

GENERATION = "embeddings"  # page-cache scope bumped when stored embeddings change
#: A process re-reads the generation at most this often (seconds), so a burst of searches
#: costs one cache read, and a change reaches every worker within this delay.
CHECK_SECONDS = 2.0

_KIND_CODES = {kind: code for code, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Neighbour:
    kind: str
    pk: int
    cosine: float
    excerpt: str
    translation: str | None = None  # the locale when this is an article's translation

    @property
    def key(self) -> str:
        return make_key(self.kind, self.pk, self.translation)


@dataclass
class _Vectors:
    generation: str
    matrix: np.ndarray  # (n, dimensions) float32, rows normalised
    kinds: np.ndarray  # int8 codes of KINDS
    pks: np.ndarray  # int64
    sections: np.ndarray  # int64, -1 when none
    categories: np.ndarray  # int64, -1 when none
    excerpts: list[str]
    rows: dict[str, int]  # key -> row
    translations: list = None  # per row: the translation's locale, or None for a source
    newest: datetime | None = None  # the latest updated_at read
    loaded: float = 0.0  # time.monotonic() of the last full load


_lock = threading.Lock()
_state: dict = {"vectors": None, "checked_at": 0.0}
_COLUMNS = ("key", "kind", "section_id", "category_id", "excerpt", "vector", "updated_at")
#: A change is read incrementally: the rows written since the newest one read, less this
#: margin (a transaction that wrote earlier but committed later is still seen). A count
#: that no longer matches (a deletion) or a copy older than FULL_RELOAD_SECONDS means a
#: full load: 0.7 s at 100,000 documents, against a few milliseconds for an edit.
OVERLAP = timedelta(minutes=2)
FULL_RELOAD_SECONDS = 600.0


def vectors_changed() -> None:
    """Called by the index writer after it changed stored embeddings: every process
    reads the change on its next search (this one at once, the others within
    CHECK_SECONDS)."""
    page_cache.bump(GENERATION)
    with _lock:
        _state["checked_at"] = 0.0


def clear() -> None:
    with _lock:
        _state["vectors"], _state["checked_at"] = None, 0.0


def _row_vector(blob) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype="<f2")


def _load(generation: str) -> _Vectors:
    from search.embeddings import DIMENSIONS
    from search.models import DocumentEmbedding

    rows = [row for row in DocumentEmbedding.objects.order_by("pk").values_list(*_COLUMNS)
            if row[1] in _KIND_CODES]
    keys = [parse_key(row[0]) for row in rows]
    matrix = np.empty((len(rows), DIMENSIONS), dtype=np.float32)
    for n, row in enumerate(rows):
        matrix[n] = _row_vector(row[5])
    return _Vectors(
        generation=generation,
        matrix=matrix,
        kinds=np.array([_KIND_CODES[row[1]] for row in rows], dtype=np.int8),
        pks=np.array([pk for _, pk, _ in keys], dtype=np.int64),
        translations=[translation for _, _, translation in keys],
        sections=np.array([-1 if row[2] is None else row[2] for row in rows], dtype=np.int64),
        categories=np.array([-1 if row[3] is None else row[3] for row in rows], dtype=np.int64),
        excerpts=[row[4] for row in rows],
        rows={row[0]: n for n, row in enumerate(rows)},
        newest=max((row[6] for row in rows), default=None),
        loaded=time.monotonic(),
    )


def _refresh(vectors: _Vectors, generation: str) -> _Vectors:
    """``vectors`` brought up to date with the rows written since it was read, or a full
    load when that cannot be done in place."""
    from search.models import DocumentEmbedding

    if vectors.newest is None or time.monotonic() - vectors.loaded > FULL_RELOAD_SECONDS:
        return _load(generation)
    changed = [row for row in DocumentEmbedding.objects.filter(updated_at__gte=vectors.newest - OVERLAP)
               .order_by("pk").values_list(*_COLUMNS) if row[1] in _KIND_CODES]
    if any(row[0] not in vectors.rows for row in changed):
        return _load(generation)  # new documents: rows to add (rare next to edits)
    if DocumentEmbedding.objects.count() != len(vectors.rows):
        return _load(generation)  # deletions
    matrix = vectors.matrix.copy()  # searches in other threads keep the copy they hold
    sections, categories = vectors.sections.copy(), vectors.categories.copy()
    excerpts = list(vectors.excerpts)
    for key, _kind, section_id, category_id, excerpt, blob, _updated in changed:
        n = vectors.rows[key]
        matrix[n] = _row_vector(blob)
        sections[n] = -1 if section_id is None else section_id
        categories[n] = -1 if category_id is None else category_id
        excerpts[n] = excerpt
    newest = max([vectors.newest, *(row[6] for row in changed)])
    return replace(vectors, generation=generation, matrix=matrix, sections=sections,
                   categories=categories, excerpts=excerpts, newest=newest)


def _vectors() -> _Vectors:
    vectors, checked_at = _state["vectors"], _state["checked_at"]
    now = time.monotonic()
    if vectors is not None and now - checked_at < CHECK_SECONDS:
        return vectors
    generation = page_cache.generation(GENERATION)
    if vectors is None:
        vectors = _load(generation)
    elif vectors.generation != generation:
        vectors = _refresh(vectors, generation)
    with _lock:
        _state["vectors"], _state["checked_at"] = vectors, now
    return vectors


def neighbours(query, *, limit: int, min_cosine: float, category_id: int | None = None,
               section_id: int | None = None) -> list[Neighbour]:
    """The ``limit`` documents (of every kind) nearest to the normalised ``query`` vector
    with a cosine of at least ``min_cosine``, best first, within a category or section."""
    vectors = _vectors()
    if not len(vectors.pks):
        return []
    cosines = vectors.matrix @ query
    keep = cosines >= min_cosine
    if category_id is not None:
        keep &= vectors.categories == category_id
    if section_id is not None:
        keep &= vectors.sections == section_id
    candidates = np.flatnonzero(keep)
    if len(candidates) > limit:
        candidates = candidates[np.argpartition(-cosines[candidates], limit - 1)[:limit]]
    # Ties (the same text twice) in a stable order: by row, i.e. oldest embedding first.
    candidates = candidates[np.lexsort((candidates, -cosines[candidates]))]
    return [Neighbour(kind=KINDS[vectors.kinds[n]], pk=int(vectors.pks[n]),
                      cosine=float(cosines[n]), excerpt=vectors.excerpts[n],
                      translation=vectors.translations[n] if vectors.translations else None)
            for n in candidates]


def cosines(query, keys) -> dict[str, float]:
    """The cosine of each of ``keys`` that has a stored embedding with ``query``."""
    vectors = _vectors()
    rows = [(key, vectors.rows[key]) for key in keys if key in vectors.rows]
    if not rows:
        return {}
    found = vectors.matrix[[n for _, n in rows]] @ query
    return {key: float(value) for (key, _), value in zip(rows, found, strict=True)}


def neighbours_of(key: str, *, limit: int, min_cosine: float) -> list[Neighbour]:
    """The documents nearest to the stored document ``key`` (itself included), or []."""
    vectors = _vectors()
    row = vectors.rows.get(key)
    if row is None:
        return []
    return neighbours(vectors.matrix[row], limit=limit, min_cosine=min_cosine)
