"""Whoosh's BM25F ranking and per-kind counts, computed with NumPy over cached postings.

Why: Whoosh scores, filters and counts matches one document at a time in Python. A
question made of common words ("cancel my account", widened by synonyms to nine terms)
matches most of a large help center, and at 100k articles one such search took over a
second (bench/cost_growth.py), so a handful of visitors asking it at once timed out.

How: each term's postings are read once per *segment* into arrays (document numbers,
term frequencies, and the term's BM25 part per document) and kept in a per-process cache
bounded in bytes. A search then adds the terms' contributions into one score per document,
counts matches per kind with masks and picks the top hits with a partition: a few vector
operations over the matches instead of Python calls per match. Whoosh never rewrites a segment (deletions are a separate list,
applied here as a mask), so the cache survives index updates: a new comment writes a small
new segment whose postings are cheap to read, and the big segment's arrays stay valid.

A term missing from the cache (most terms of a varied stream of questions: a common term
of 100k articles takes ~1 MB) is read in one piece and its blocks decoded together
(``_read_w3_postings``): at 100k articles a cold search spent most of its time in
Whoosh's block-by-block matcher (bench/README.md, "Whoosh at 100k").

The scores are Whoosh's own: the same formula (:func:`whoosh.scoring.bm25`), the same
global statistics (idf over all segments, average field length), the same per-field B and
K1, the same tie-break (lower document number first). The tests compare both on random
queries over several segments with deletions. One deliberate difference: a term's cached
length normalisation is kept until the average field length moves by 0.1 % (see
``_term_part``), so right after a few writes scores may differ from Whoosh's by less than
that.
"""

from __future__ import annotations

import io
import logging
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
from django.conf import settings
from whoosh.util.numeric import byte_to_length

#: Default bound of the postings cache per process. "cancel account" (nine terms with its
#: synonyms, each in about half of 100k generated articles) takes ~8 MB; a help center's
#: searches reuse a few hundred terms, most of them far rarer.
CACHE_MB = 32

#: How far the average field length may move before a term's cached BM25 part is
#: recomputed (see ``_term_part``).
AVGFL_TOLERANCE = 1e-3
#: A term in more than 1/DENSE_SHARE of a segment's documents is kept as a dense vector.
DENSE_SHARE = 8
#: Scores sampled to bound the k-th best score before the exact cut (``_at_least_kth``).
SAMPLE = 2048

logger = logging.getLogger(__name__)

_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass(frozen=True)
class Clause:
    """One scored term: Whoosh's ``Term(field, text, boost=boost)`` in an ``Or``."""

    field: str
    text: str
    boost: float = 1.0


def _nbytes(value) -> int:
    return sum(a.nbytes for a in value if a is not None) if isinstance(value, tuple) else value.nbytes


class _Cache:
    """Arrays keyed by (segment, what), least recently used dropped past a byte budget."""

    def __init__(self):
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key, build):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                return value
        value = build()  # outside the lock: reading a long posting list takes a while
        for array in value if isinstance(value, tuple) else (value,):
            if array is not None:
                array.setflags(write=False)  # shared by every search of the process
        size = _nbytes(value)
        budget = int(getattr(settings, "KB_SEARCH_POSTINGS_CACHE_MB", CACHE_MB) * 1024 * 1024)
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self._bytes += size
                while self._bytes > budget and len(self._items) > 1:
                    _, old = self._items.popitem(last=False)
                    self._bytes -= _nbytes(old)
            return self._items[key]

    def discard(self, key):
        with self._lock:
            value = self._items.pop(key, None)
            if value is not None:
                self._bytes -= _nbytes(value)

    def clear(self):
        with self._lock:
            self._items.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        return self._bytes


_cache = _Cache()


def clear_cache() -> None:
    _cache.clear()


def _segment_key(reader, namespace) -> tuple:
    # A segment's id is unique within its index (a random name), and a rebuild writes a
    # new index: the caller's namespace (the index directory) plus the id name one
    # immutable set of postings.
    segment = reader.segment()
    return (namespace, segment.segment_id() if segment is not None else id(reader))


_EMPTY = (np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32))


def _read_postings(reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, term frequencies) of one term in one segment, deleted documents
    included: they are masked per search (``_live``), so these arrays never change."""
    if (field, text) not in reader:
        return _EMPTY
    found = _read_w3_postings(reader, field, text)
    if found is not None:
        return found
    return postings_slow(raw_postings(reader, field, text))


_BLOCK_LENGTH = struct.Struct("!i")  # whoosh.system's int: a block's size, negative for the last


def _read_w3_postings(reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The postings of a Whoosh 3 segment read in one piece and decoded block by block,
    or None when the segment is not one (another codec, or postings inlined in the term).

    Why not Whoosh's matcher: it reads each block's header and data with separate seeks,
    decodes each block's document numbers in a Python loop, and its filter of deleted
    documents reads the first block twice; cold terms at 100k articles spent most of a
    search there (bench/README.md, "Whoosh at 100k"). Layout (whoosh.codec.whoosh3,
    ``W3PostingsWriter._write_block``): a 4-byte tag, then per block its size, a pickled
    info tuple (count, last id, ...; compression level 4th) and the data: a pickled
    (id deltas from 0 within the block, weights: None for all 1.0, one float for all
    equal, else a tuple; values), zlib-compressed when the level is not 0. Any surprise
    falls back to Whoosh's matcher.
    """
    from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermsReader

    terms = getattr(reader, "_terms", None)
    if not isinstance(terms, W3TermsReader) or not hasattr(reader, "_text_to_bytes"):
        return None
    try:
        info = terms.term_info(field, reader._text_to_bytes(field, text))
        if info.is_inlined():
            return None
        offset, length = info.extent()
        if isinstance(length, tuple):  # Whoosh 2.7 keeps the unpacked struct tuple
            length = length[0]
        raw = terms._postfile.get(offset, length)
        if raw[:4] != WHOOSH3_HEADER_MAGIC:
            return None
        stream = io.BytesIO(raw)
        position, total = 4, 0
        id_parts, weight_parts, last_ids = [], [], []
        while True:
            (size,) = _BLOCK_LENGTH.unpack_from(raw, position)
            position += _BLOCK_LENGTH.size
            end = position + abs(size)
            stream.seek(position)
            count, last_id, _max_weight, compression = pickle.load(stream)[:4]
            data = raw[stream.tell():end]
            ids, weights = pickle.loads(zlib.decompress(data) if compression else data)[:2]
            if len(ids) != count:
                return None
            id_parts.append(ids)
            weight_parts.append(repeat(1.0, count) if weights is None
                                else repeat(weights, count) if isinstance(weights, float) else weights)
            last_ids.append(last_id)
            total += count
            position = end
            if size < 0:
                break
        if position != length:
            return None
    except Exception:  # anything unexpected: Whoosh's own reader decides
        logger.debug("postings of %s:%r read through Whoosh's matcher", field, text, exc_info=True)
        return None
    deltas = np.fromiter(chain.from_iterable(id_parts), dtype=np.int64, count=total)
    if len(id_parts) > 1:
        # Each block's deltas start from 0: its first one becomes the gap from the
        # previous block's last id, and one running sum gives every document number.
        starts = np.cumsum([len(part) for part in id_parts[:-1]])
        deltas[starts] -= np.array(last_ids[:-1], dtype=np.int64)
    ids = np.cumsum(deltas).astype(np.int32)
    weights = np.fromiter(chain.from_iterable(weight_parts), dtype=np.float32, count=total)
    return ids, weights


def raw_postings(reader, field: str, text: str):
    """Whoosh's matcher of a term without its filter of deleted documents."""
    from whoosh.matching.wrappers import FilterMatcher

    matcher = reader.postings(field, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
        matcher.reset()  # the filter already moved it past the deleted documents at the start
    return matcher


def postings_slow(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Any Whoosh matcher (inline postings of rare terms, other codecs), one by one."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32)


def _read_lengths(reader, field: str) -> np.ndarray:
    """Every document's length of ``field`` in one segment, as Whoosh's scorer sees it
    (quantised to a byte, like ``doc_field_length``)."""
    count = reader.doc_count_all()
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        raw = column._dbfile.get(column._basepos, column._count)
    except Exception:  # another codec: the public per-document call
        return np.array([reader.doc_field_length(n, field, 0) or 0 for n in range(count)],
                        dtype=np.float64)
    codes = np.zeros(count, dtype=np.uint8)
    stored = np.frombuffer(raw, dtype=np.uint8)[:count]
    codes[:len(stored)] = stored
    return _BYTE_TO_LENGTH[codes]


def _postings(segment, reader, field, text):
    return _cache.get((segment, "p", field, text), lambda: _read_postings(reader, field, text))


def _lengths(segment, reader, field):
    return _cache.get((segment, "l", field), lambda: _read_lengths(reader, field))


def _term_mask(segment, reader, field, text, count) -> np.ndarray:
    def build():
        mask = np.zeros(count, dtype=bool)
        mask[_postings(segment, reader, field, text)[0]] = True
        return mask

    return _cache.get((segment, "m", field, text), build)


def _mask(segment, reader, terms: list[tuple[str, str]], count: int) -> np.ndarray | None:
    """Documents of this segment matching *every* ``(field, text)`` (filters), or None."""
    mask = None
    for field, text in terms:
        term_mask = _term_mask(segment, reader, field, text, count)
        mask = term_mask if mask is None else mask & term_mask
    return mask


def _term_part(segment, reader, field, text, avgfl, B, K1) -> tuple[np.ndarray | None, np.ndarray]:
    """(document numbers, BM25 term-frequency part) of one term in one segment; for a
    common term (None, the part of every document).

    The part depends on the average field length, which every write moves a little (a new
    comment lengthens one post). It is kept with the average it was computed for and
    recomputed, from the cached postings, once that average moved by more than
    ``AVGFL_TOLERANCE``: recomputing after every write would make every search that follows
    a comment pay for its terms again (several ms each at 100k articles), and a 0.1 % older
    average shifts every score by well under 0.1 %, the same way for all documents.
    """
    key = (segment, "t", field, text)
    cached = _cache.get(key, lambda: _compute_part(segment, reader, field, text, avgfl, B, K1))
    old_avgfl, old_B, old_K1 = cached[2]
    if abs(old_avgfl - avgfl) > AVGFL_TOLERANCE * avgfl or old_B != B or old_K1 != K1:
        _cache.discard(key)
        cached = _cache.get(key, lambda: _compute_part(segment, reader, field, text, avgfl, B, K1))
    return cached[0], cached[1]


def _compute_part(segment, reader, field, text, avgfl, B, K1):
    ids, tf = _postings(segment, reader, field, text)
    fl = _lengths(segment, reader, field)[ids]
    tf = tf.astype(np.float64)
    # whoosh.scoring.bm25 operation for operation (without the idf, a per-query scalar),
    # so the scores equal Whoosh's to the last bit.
    part = (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))
    count = reader.doc_count_all()
    if len(ids) * DENSE_SHARE > count:
        # A common term: one value per document (zero where absent), added to the scores
        # as a whole vector (about five times faster than a scattered add).
        dense = np.zeros(count)
        dense[ids] = part
        ids, part = None, dense
    return ids, part, np.array([avgfl, B, K1])


def _live(segment, reader, count: int) -> np.ndarray | None:
    """False for deleted documents of this segment (None when it has none)."""
    if not reader.has_deletions():
        return None
    # Deletions only grow within a segment, so their number identifies the set.
    info = reader.segment()
    key = (segment, "d", info.deleted_count() if info is not None else reader.doc_count())

    def build():
        if info is not None:
            deleted = np.fromiter(info.deleted_docs(), dtype=np.int64)
        else:
            deleted = np.array([n for n in range(count) if reader.is_deleted(n)], dtype=np.int64)
        live = np.ones(count, dtype=bool)
        live[deleted] = False
        return live

    return _cache.get(key, build)


def _at_least_kth(candidates, scores, k):
    """The candidates scoring at least the k-th best score (so every tie at the cut stays,
    for the caller to decide by document number, as Whoosh's collector does)."""
    if k <= SAMPLE // 4 and len(scores) > 16 * SAMPLE:
        # The k-th best of any k or more candidates is a lower bound of the k-th best of
        # all: filtering by a sample's first keeps a few thousand candidates, and the exact
        # cut is then taken over those (a full partition of 100k scores costs ~1 ms).
        sample = scores[:: len(scores) // SAMPLE]
        bound = np.partition(sample, len(sample) - k)[len(sample) - k]
        keep = scores >= bound
        candidates, scores = candidates[keep], scores[keep]
    if len(scores) > k:
        cut = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= cut
        candidates, scores = candidates[keep], scores[keep]
    return candidates, scores


@dataclass
class Ranked:
    """The top documents (global document numbers, best first) and the per-kind counts."""

    docs: list[tuple[int, float]]
    kind_counts: dict[str, int]


def rank(searcher, clauses: list[Clause], *, kinds: dict[str, tuple[str, str]],
         wanted: tuple[str, ...], filters: list[tuple[str, str]], limit: int,
         params, namespace: str = "", avg_length=None) -> Ranked:
    """Score ``Or(clauses)`` like Whoosh's BM25F searcher.

    ``kinds`` maps each kind to the term marking its documents (``("kind", "post")``);
    ``kind_counts`` counts matches of each kind within ``filters`` (terms every document
    must have: category, section), and ``docs`` ranks only the ``wanted`` kinds.
    ``params(field)`` gives ``(B, K1)`` of a field; ``namespace`` names the index (its
    directory) in the postings cache. ``avg_length(field)``, when given, replaces Whoosh's
    average field length (the Whoosh backend's is per language).
    """
    avg_length = avg_length or searcher.avg_field_length
    stats = []
    for clause in clauses:
        df = searcher.doc_frequency(clause.field, clause.text)
        if not df:
            continue
        B, K1 = params(clause.field)
        stats.append((clause, searcher.idf(clause.field, clause.text),
                      avg_length(clause.field) or 1, B, K1))
    counts = dict.fromkeys(kinds, 0)
    best: list[tuple[float, int]] = []
    if not stats:
        return Ranked(docs=[], kind_counts=counts)
    for reader, offset in searcher.reader().leaf_readers():
        count = reader.doc_count_all()
        if not count:
            continue
        segment = _segment_key(reader, namespace)
        scores, scratch = np.zeros(count), None
        for clause, idf, avgfl, B, K1 in stats:
            ids, part = _term_part(segment, reader, clause.field, clause.text, avgfl, B, K1)
            if not len(part):
                continue
            if ids is None:
                # Into one scratch vector: a new 800 KB array per term costs more than the sum.
                if scratch is None:
                    scratch = np.empty(count)
                contribution = np.multiply(part, idf, out=scratch)
            else:
                contribution = part * idf
            if clause.boost != 1:
                contribution *= clause.boost  # after the idf, as Whoosh's Term boost
            if ids is None:
                scores += contribution
            else:
                # A term's document numbers are unique, so a fancy-indexed add is exact.
                scores[ids] += contribution
        # Every contribution is positive (idf > 0 whatever the document frequency).
        matched = scores > 0
        live = _live(segment, reader, count)
        if live is not None:
            matched &= live
        allow = _mask(segment, reader, filters, count)
        if allow is not None:
            matched &= allow
        eligible = np.zeros(count, dtype=bool)
        for kind, term in kinds.items():
            of_kind = matched & _mask(segment, reader, [term], count)
            counts[kind] += int(np.count_nonzero(of_kind))
            if kind in wanted:
                eligible |= of_kind
        candidates = np.flatnonzero(eligible)
        if not len(candidates) or limit <= 0:
            continue
        candidate_scores = scores[candidates]
        if len(candidates) > limit:
            candidates, candidate_scores = _at_least_kth(candidates, candidate_scores, limit)
        order = np.lexsort((candidates, -candidate_scores))[:limit]
        best.extend((float(candidate_scores[i]), int(candidates[i]) + offset) for i in order)
    best.sort(key=lambda item: (-item[0], item[1]))
    return Ranked(docs=[(doc, score) for score, doc in best[:limit]], kind_counts=counts)
