"""Semantic re-ranking: lexical search finds the candidates, sentence embeddings reorder them.

Why: customers paraphrase. "stop being billed" and "cancel my subscription" share no word,
and BM25 cannot know that "mail" and "email" or "remove" and "delete" mean the same. On the
StackFAQ dev queries the best lexical ranking reached MAP 0.76 / MRR 0.84; blending in the
cosine similarity of all-MiniLM-L6-v2 embeddings lifts that well past 0.80 / 0.87
(bench/README.md has the numbers, and a caveat about the model's training data).

How:
* Each search document gets an embedding of its title and the start of its body, computed
  by the index writer (``index_sync``/``index_fix``, so in the background task worker) and
  stored in ``DocumentEmbedding``: derived data, like the index, reused by
  ``rebuild_index`` when the text did not change, repaired by ``check_index --fix``.
* A search asks the backend for the top ``WINDOW`` lexical hits, embeds the query (about
  5-15 ms of CPU, cached per process), and ranks those hits by
  ``(1 - WEIGHT) * bm25 / best bm25 + WEIGHT * cosine``. Hits below the window keep their
  lexical order, so totals, tabs and pagination are the lexical ones.
* Optional: ``KB_SEARCH_SEMANTIC=false`` (or the model package not installed) gives the
  purely lexical ranking. Any failure here is logged and the lexical order is served: the
  layer can make results better, never make search fail.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import replace

from django.conf import settings

from search.backends.base import SearchDocument, SearchHit, iter_batches

logger = logging.getLogger(__name__)

#: Share of the final score that comes from the embeddings. On the StackFAQ dev queries
#: every step up helped (0.5: MAP 0.862, 0.7: 0.898, 0.9: 0.914), but the model saw that
#: site's questions in training, which flatters it there; product content has plan names
#: and codes it never saw, where the words must still count. 0.7 is enough for a clearly
#: better paraphrase ("stop paying each month" -> the cancel article) to beat a wordier
#: lexical match (tests/search_tests/test_semantic.py).
WEIGHT = 0.7
#: Lexical hits re-ranked per search. A wider window finds more (dev MAP at weight 0.7:
#: 20 hits 0.863, 30 0.883, 50 0.898, 100 0.909), but every hit costs a snippet and a
#: vector read on each search; 50 keeps a search within the latency budget.
WINDOW = 50
#: Characters of body embedded after the title (the model reads ~128 tokens anyway).
BODY_CHARS = 1500
BATCH = 32


def enabled() -> bool:
    """Whether searches are re-ranked and documents embedded (setting + model installed)."""
    if not getattr(settings, "KB_SEARCH_SEMANTIC", True):
        return False
    from search.embeddings import available

    return available()


def window() -> int:
    return int(getattr(settings, "KB_SEARCH_SEMANTIC_WINDOW", WINDOW))


def document_text(doc: SearchDocument) -> str:
    """What is embedded: the title, then the body's start (a post without a body: its
    official answer)."""
    body = (doc.body or doc.official)[:BODY_CHARS]
    return f"{doc.title}\n{body}".strip()


def text_version(text: str) -> str:
    """Fingerprint of the embedded text: a new comment changes the document's version but
    not this text, so it does not cost a new embedding."""
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:16]


# --- writing (index writer side) ---------------------------------------------------------


def embeddings_sync(documents: Iterable[SearchDocument], gone: Iterable[str] = ()) -> int:
    """Embed the documents whose text changed and forget ``gone`` keys. Returns how many
    were (re)computed. Raises on failure; callers log (see ``search.index``)."""
    from search.models import DocumentEmbedding

    gone = list(gone)
    if gone:
        DocumentEmbedding.objects.filter(key__in=gone).delete()
    if not enabled():
        return 0
    texts = {doc.key: document_text(doc) for doc in documents}
    if not texts:
        return 0
    stored = dict(DocumentEmbedding.objects.filter(key__in=list(texts)).values_list("key", "version"))
    todo = [(key, text) for key, text in texts.items() if stored.get(key) != text_version(text)]
    from search.embeddings import get_encoder

    encoder = get_encoder()
    for batch in iter_batches(todo, BATCH):
        vectors = encoder.encode([text for _, text in batch])
        DocumentEmbedding.objects.bulk_create(
            [DocumentEmbedding(key=key, version=text_version(text),
                               vector=vector.astype("<f2").tobytes())
             for (key, text), vector in zip(batch, vectors, strict=True)],
            update_conflicts=True, unique_fields=["key"], update_fields=["version", "vector", "updated_at"],
        )
    return len(todo)


def embeddings_check(documents: dict[str, str]) -> tuple[list[str], list[str]]:
    """Given ``{key: document_text}`` of every searchable document: (keys whose embedding
    is missing or stale, stored keys that are no longer searchable)."""
    from search.models import DocumentEmbedding

    stored = dict(DocumentEmbedding.objects.values_list("key", "version"))
    todo = []
    if enabled():
        todo = sorted(key for key, text in documents.items()
                      if stored.get(key) != text_version(text))
    orphans = sorted(set(stored) - set(documents))
    return todo, orphans


# --- reading (search side) ---------------------------------------------------------------


@functools.lru_cache(maxsize=2048)
def _query_vector(text: str):
    from search.embeddings import get_encoder

    vector = get_encoder().encode([text])[0]
    vector.setflags(write=False)  # shared by every search for the same words
    return vector


def query_vector(text: str):
    """The query's embedding; popular questions repeat, so vectors are cached per process."""
    return _query_vector(" ".join(text.lower().split()))


def clear_query_cache() -> None:
    _query_vector.cache_clear()


def rerank(text: str, hits: list[SearchHit]) -> list[SearchHit]:
    """``hits`` (lexical order, best first) reordered by the blended score. One query."""
    if len(hits) < 2:
        return hits
    try:
        return _rerank(text, hits)
    except Exception:
        logger.exception("Semantic re-ranking failed; serving the lexical order")
        return hits


def _rerank(text: str, hits: list[SearchHit]) -> list[SearchHit]:
    import numpy as np

    from search.models import DocumentEmbedding

    rows = dict(DocumentEmbedding.objects.filter(key__in=[h.key for h in hits])
                .values_list("key", "vector"))
    if not rows:
        return hits  # nothing embedded yet (the worker is catching up)
    query = query_vector(text)
    cosines = {key: float(np.frombuffer(bytes(blob), dtype="<f2").astype(np.float32) @ query)
               for key, blob in rows.items()}
    # A hit not embedded yet (just published) gets the average similarity: neither buried
    # nor promoted until the worker has embedded it.
    neutral = sum(cosines.values()) / len(cosines)
    best = max(h.score for h in hits) or 1.0
    weight = float(getattr(settings, "KB_SEARCH_SEMANTIC_WEIGHT", WEIGHT))
    scored = [((1 - weight) * h.score / best + weight * cosines.get(h.key, neutral), n, h)
              for n, h in enumerate(hits)]
    scored.sort(key=lambda item: (-item[0], item[1]))  # ties keep the lexical order
    return [replace(h, score=round(score, 6)) for score, _, h in scored]
