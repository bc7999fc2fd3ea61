"""search/bm25.py against Whoosh itself: the same ranking, scores and counts.

A real Whoosh index in a temporary directory, written by the backend (a rebuild, then
updates and deletions, so the index has several segments and deleted documents), and
random questions compared with what Whoosh's own ``searcher.search`` returns.
"""

import random
from datetime import UTC, datetime

import numpy as np
import pytest
from whoosh.query import And, Or, Term

from search.backends.base import ARTICLE, KINDS, POST, SearchDocument, SearchQuery
from search.backends.whoosh import WhooshBackend
from search.query import expand
from search.ranking import bm25
from search.synonyms import synonym_groups

WORDS = ("account billing cancel close plan invoice refund password reset email domain "  # noqa: SIM905
         "export contacts team member owner delete data privacy card payment trial upgrade "
         "downgrade report form page template sender verify").split()
NOW = datetime(2026, 11, 27, tzinfo=UTC)

pytestmark = pytest.mark.django_db  # questions are widened by the synonyms in the database


def _text(rng, low, high):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def documents(rng, first, count):
    docs = []
    for pk in range(first, first + count):
        kind = POST if rng.random() < 0.25 else ARTICLE
        section = rng.randint(1, 4)
        docs.append(SearchDocument(
            kind=kind, pk=pk, title=_text(rng, 2, 6), body=_text(rng, 0, 60), url=f"/{kind}/{pk}/",
            created_at=NOW, updated_at=NOW,
            labels=tuple(rng.sample(WORDS, rng.randint(0, 2))),
            section_id=section if kind == ARTICLE else None,
            section_name=f"Section {section}" if kind == ARTICLE else "",
            category_id=section % 2 + 1 if kind == ARTICLE else None,
            topic_id=rng.randint(1, 3) if kind == POST else None,
            official=_text(rng, 0, 12) if rng.random() < 0.3 else "",
            comments=_text(rng, 0, 20) if rng.random() < 0.5 else "",
        ))
    return docs


@pytest.fixture
def backend(tmp_path, settings):
    settings.KB_SEARCH_POSTINGS_CACHE_MB = 32
    bm25.clear_cache()
    rng = random.Random(7)
    backend = WhooshBackend({"PATH": str(tmp_path / "index")})
    backend.rebuild(documents(rng, 1, 400))
    # Updates and deletions after the rebuild: new segments, and deleted documents in the
    # first one (an update is a deletion plus a new document).
    backend.index(documents(rng, 380, 60))
    backend.delete([f"article:{pk}" for pk in range(1, 400, 9)] + [f"post:{pk}" for pk in range(2, 400, 11)])
    backend.index(documents(rng, 500, 7))
    yield backend
    backend.close()
    bm25.clear_cache()


def _rank(backend, searcher, text, *, kinds=KINDS, filters=(), limit=20):
    return bm25.rank(searcher, backend._clauses(expand(text, synonym_groups()), searcher.schema),
                     kinds={kind: ("kind", kind) for kind in KINDS}, wanted=kinds,
                     filters=list(filters), limit=limit, params=searcher.weighting.field_params,
                     namespace=str(backend.current_dir()))


def whoosh_query(backend, searcher, text) -> Or:
    """The Whoosh query bm25.rank computes: what ``searcher.search`` runs for ``text``."""
    return Or([Term(c.field, c.text, boost=c.boost) for c in backend._clauses(expand(text, synonym_groups()), searcher.schema)])


def _whoosh(backend, searcher, text, *, kinds=KINDS, filters=(), limit=20):
    """What Whoosh itself answers: the ranked top ``limit`` and the per-kind counts."""
    query = whoosh_query(backend, searcher, text)
    allow = [Term(field, value) for field, value in filters]
    ranked_filter = allow + ([Or([Term("kind", k) for k in kinds])] if set(kinds) != set(KINDS) else [])
    results = searcher.search(query, filter=And(ranked_filter) if ranked_filter else None, limit=limit)
    docs = [(hit.docnum, hit.score) for hit in results]
    matched = set(searcher.docs_for_query(query))
    for term in allow:
        matched &= set(searcher.docs_for_query(term))
    counts = {kind: len(matched & set(searcher.docs_for_query(Term("kind", kind)))) for kind in KINDS}
    return docs, counts


def _questions(rng, n):
    return [" ".join(rng.sample(WORDS, rng.randint(1, 4))) for _ in range(n)]


def test_the_index_under_test_has_segments_and_deletions(backend):
    with backend.searcher() as searcher:
        leaves = list(searcher.reader().leaf_readers())
        assert len(leaves) >= 2
        assert any(reader.has_deletions() for reader, _ in leaves)


@pytest.mark.parametrize("dense_share", [0, bm25.DENSE_SHARE, 10**9],
                         ids=["sparse terms", "default", "dense terms"])
def test_same_ranking_scores_and_counts_as_whoosh(backend, monkeypatch, dense_share):
    monkeypatch.setattr(bm25, "DENSE_SHARE", dense_share)
    rng = random.Random(11)
    compared = 0
    with backend.searcher() as searcher:
        for text in _questions(rng, 60):
            mine = _rank(backend, searcher, text)
            docs, counts = _whoosh(backend, searcher, text)
            assert [doc for doc, _ in mine.docs] == [doc for doc, _ in docs], text
            assert [score for _, score in mine.docs] == pytest.approx([s for _, s in docs], rel=1e-12)
            assert mine.kind_counts == counts, text
            compared += len(docs)
    assert compared > 600  # the questions did match: the comparison is not of empty lists


@pytest.mark.parametrize("limit", [1, 10, 50, 1000])
def test_same_ranking_with_filters_kinds_and_limits(backend, limit):
    rng = random.Random(limit)
    with backend.searcher() as searcher:
        for text in _questions(rng, 25):
            kinds = rng.choice([KINDS, (ARTICLE,), (POST,)])
            filters = rng.choice([(), (("section_id", "2"),), (("category_id", "1"),),
                                  (("category_id", "2"), ("section_id", "3"))])
            mine = _rank(backend, searcher, text, kinds=kinds, filters=filters, limit=limit)
            docs, counts = _whoosh(backend, searcher, text, kinds=kinds, filters=filters, limit=limit)
            assert [doc for doc, _ in mine.docs] == [doc for doc, _ in docs], (text, kinds, filters)
            assert mine.kind_counts == counts, (text, kinds, filters)


def test_ties_are_broken_by_document_number_like_whoosh(tmp_path):
    backend = WhooshBackend({"PATH": str(tmp_path / "index")})
    same = [SearchDocument(kind=ARTICLE, pk=pk, title="Cancel your plan", body="", url="/",
                           created_at=NOW, updated_at=NOW) for pk in range(1, 41)]
    backend.rebuild(same)
    try:
        with backend.searcher() as searcher:
            mine = _rank(backend, searcher, "cancel plan", limit=7)
            docs, _ = _whoosh(backend, searcher, "cancel plan", limit=7)
        assert [doc for doc, _ in mine.docs] == [doc for doc, _ in docs] == list(range(7))
    finally:
        backend.close()


def test_cached_postings_stay_right_after_writes(backend):
    """New segments and deletions after the cache was filled: still Whoosh's answer."""
    rng = random.Random(3)
    questions = _questions(rng, 20)
    with backend.searcher() as searcher:
        before = {text: _rank(backend, searcher, text) for text in questions}
    assert bm25._cache.nbytes > 0
    backend.index(documents(rng, 900, 30))  # a new segment, and the average lengths move
    backend.delete([f"article:{pk}" for pk in range(3, 300, 5)])
    with backend.searcher() as searcher:
        for text in questions:
            mine = _rank(backend, searcher, text)
            docs, counts = _whoosh(backend, searcher, text)
            assert [doc for doc, _ in mine.docs] == [doc for doc, _ in docs], text
            assert [score for _, score in mine.docs] == pytest.approx([s for _, s in docs], rel=1e-12)
            assert mine.kind_counts == counts
    assert any(before[text].kind_counts != _counts_now(backend, text) for text in questions)


def _counts_now(backend, text):
    with backend.searcher() as searcher:
        return _rank(backend, searcher, text).kind_counts


def test_a_tiny_cache_budget_evicts_and_still_answers_right(backend, settings):
    settings.KB_SEARCH_POSTINGS_CACHE_MB = 0.001  # about 1 KB: most entries are evicted
    rng = random.Random(5)
    with backend.searcher() as searcher:
        for text in _questions(rng, 10):
            mine = _rank(backend, searcher, text)
            docs, _ = _whoosh(backend, searcher, text)
            assert [doc for doc, _ in mine.docs] == [doc for doc, _ in docs]
    assert bm25._cache.nbytes <= 64 * 1024  # one entry may exceed the budget, never many


def test_block_reader_equals_whooshs_posting_by_posting_reader(backend):
    with backend.searcher() as searcher:
        checked = 0
        for reader, _ in searcher.reader().leaf_readers():
            for word in ("cancel", "account", "refund", "nonexistent"):
                for field in ("text", "comments"):
                    ids, tf = bm25._read_postings(reader, field, word)
                    if (field, word) in reader:
                        slow_ids, slow_tf = bm25.postings_slow(bm25.raw_postings(reader, field, word))
                        checked += len(slow_ids)
                    else:
                        slow_ids, slow_tf = np.array([], dtype=np.int32), np.array([], dtype=np.float32)
                    assert ids.tolist() == slow_ids.tolist()
                    assert tf.tolist() == slow_tf.tolist()
            lengths = bm25._read_lengths(reader, "text")
            assert lengths.tolist() == [reader.doc_field_length(n, "text", 0) or 0
                                        for n in range(reader.doc_count_all())]
        assert checked > 100
        assert any(reader.has_deletions() for reader, _ in searcher.reader().leaf_readers())


def test_backend_search_pages_match_whoosh_order(backend):
    """Through the backend API: pages are consecutive slices of Whoosh's ranking."""
    with backend.searcher() as searcher:
        docs, counts = _whoosh(backend, searcher, "cancel account refund", limit=30)
        keys = [searcher.stored_fields(doc)["key"] for doc, _ in docs]
    pages = [backend.search(SearchQuery(text="cancel account refund", page=page, per_page=10))
             for page in (1, 2, 3)]
    assert [hit.key for page in pages for hit in page.hits] == keys
    assert pages[0].total == sum(counts.values())
    assert pages[0].kind_counts == counts


@pytest.mark.parametrize("k", [1, 10, 50, 400])
@pytest.mark.parametrize("order", ["random", "ascending", "descending"])
def test_the_cut_keeps_every_candidate_scoring_at_least_the_kth_best(k, order):
    """The sampled bound (used past 16 * SAMPLE candidates) never drops a top-k document,
    ties at the cut included."""
    rng = np.random.default_rng(k)
    scores = rng.integers(0, 3000, size=120_000).astype(float)  # many equal scores
    if order != "random":
        scores = np.sort(scores)[:: 1 if order == "ascending" else -1]
    candidates = np.arange(len(scores)) + 7
    kept, kept_scores = bm25._at_least_kth(candidates, scores, k)
    kth = np.sort(scores)[-k]
    assert kept.tolist() == (np.flatnonzero(scores >= kth) + 7).tolist()
    assert kept_scores.tolist() == scores[scores >= kth].tolist()
    assert len(kept) < len(scores) // 10  # and it did cut


def test_a_small_write_reuses_the_cached_parts_within_the_tolerance(backend, monkeypatch):
    """One new document barely moves the average length: the cached parts are kept (no
    re-read per write), and every score stays within the tolerance of Whoosh's. (1 %
    here: in a corpus of 460 documents one document moves the average by ~0.1 %.)"""
    monkeypatch.setattr(bm25, "AVGFL_TOLERANCE", 0.01)
    rng = random.Random(9)
    questions = _questions(rng, 15)
    with backend.searcher() as searcher:
        for text in questions:
            _rank(backend, searcher, text)
        before = searcher.avg_field_length("text")
    cached = {key: value for key, value in bm25._cache._items.items() if key[1] == "t"}
    backend.index(documents(rng, 2000, 1))
    with backend.searcher() as searcher:
        moved = abs(searcher.avg_field_length("text") - before) / before
        assert 0 < moved < bm25.AVGFL_TOLERANCE
        for text in questions:
            mine = _rank(backend, searcher, text, limit=30)
            query = whoosh_query(backend, searcher, text)
            exact = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
            assert mine.docs
            for doc, score in mine.docs:
                assert score == pytest.approx(exact[doc], rel=bm25.AVGFL_TOLERANCE)
        live = {bm25._segment_key(reader, str(backend.current_dir()))
                for reader, _ in searcher.reader().leaf_readers()}
    still_live = [key for key in cached if key[0] in live]
    assert still_live  # the first, big segment stays
    assert all(bm25._cache._items.get(key) is cached[key] for key in still_live)  # not recomputed


def _compare_readers(reader, field, words):
    """bm25's one-piece reader against Whoosh's own matcher, posting by posting; returns
    how many postings were compared and how many came from more than one block."""
    compared, multi_block = 0, 0
    for word in words:
        if (field, word) not in reader:
            continue
        fast = bm25._read_w3_postings(reader, field, word)
        slow_ids, slow_tf = bm25.postings_slow(bm25.raw_postings(reader, field, word))
        if len(slow_ids) > 1:  # a single posting is inlined in the term: Whoosh's path
            assert fast is not None, (field, word)
        if fast is None:
            continue
        assert fast[0].tolist() == slow_ids.tolist(), (field, word)
        assert fast[1].tolist() == slow_tf.tolist(), (field, word)
        compared += len(slow_ids)
        multi_block += len(slow_ids) > 128  # Whoosh writes blocks of 128 postings
    return compared, multi_block


def test_one_piece_postings_reader_equals_whooshs_matcher(backend):
    """The reader that decodes a term's blocks in one piece gives Whoosh's document
    numbers and frequencies, over several segments, deleted documents and terms spanning
    several blocks."""
    compared = multi_block = 0
    with backend.searcher() as searcher:
        for reader, _ in searcher.reader().leaf_readers():
            for field in ("text", "comments", "title", "body"):
                done, multi = _compare_readers(reader, field, WORDS)
                compared += done
                multi_block += multi
        assert any(reader.has_deletions() for reader, _ in searcher.reader().leaf_readers())
    assert compared > 5000
    assert multi_block > 10


def test_one_piece_reader_reads_indexes_written_with_positions(tmp_path):
    """Indexes built before the text fields stopped storing positions (their blocks also
    hold each posting's positions) read the same until rebuild_index replaces them."""
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema

    from search.query import analyzer

    schema = Schema(key=ID(unique=True, stored=True), text=TEXT(analyzer=analyzer("en"), phrase=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    rng = random.Random(4)
    writer = ix.writer()
    for n in range(600):
        writer.add_document(key=str(n), text=_text(rng, 5, 80))
    writer.commit()
    writer = ix.writer()
    for n in range(0, 600, 7):
        writer.delete_by_term("key", str(n))
    writer.commit()
    with ix.searcher() as searcher:
        (reader, _), = searcher.reader().leaf_readers()
        assert reader.has_deletions()
        compared, multi_block = _compare_readers(reader, "text", [w[:5] for w in WORDS] + WORDS)
    assert compared > 5000
    assert multi_block > 10


def test_text_fields_store_no_positions(backend):
    """Nothing queries phrases: the index keeps frequencies only (smaller, read faster)."""
    from whoosh.formats import Frequency

    with backend.searcher() as searcher:
        for name, field in searcher.schema.items():
            if name.split("_")[0] in ("text", "comments", "title", "body", "spell"):
                assert type(field.format) is Frequency, name
