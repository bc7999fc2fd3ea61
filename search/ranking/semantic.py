"""The semantic side of search: document embeddings (written), query embeddings (read),
and the settings of hybrid retrieval.

Why: customers paraphrase. "stop being billed" and "cancel my subscription" share no word,
and BM25 cannot know that "mail" and "email" or "remove" and "delete" mean the same.

How:
* Each search document gets an embedding of its title and the start of its body, computed
  by the index writer (``index_sync``/``index_fix``, so in the background task worker) and
  stored in ``DocumentEmbedding`` with the document's kind, place and an excerpt: derived
  data, like the index, reused by ``rebuild_index`` when the text did not change,
  repaired by ``check_index --fix``.
* A search embeds the question (cached per process), takes the top ``WINDOW`` lexical
  hits and the ``NEIGHBOURS`` nearest documents by meaning (``search.ranking.dense``),
  and fuses both lists (``search.ranking.fusion``); see ``search.selectors.search_run``.
  bench/README.md has the measurements (customer questions and StackFAQ).
* Optional: ``KB_SEARCH_SEMANTIC=false`` (or the model package not installed) gives the
  purely lexical ranking; ``KB_SEARCH_HYBRID=false`` keeps only the re-ranking of the
  lexical window. Any failure here is logged and the lexical order is served: the layer
  can make results better, never make search fail.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from search.backends.base import SearchDocument, iter_batches

logger = logging.getLogger(__name__)

#: Share of the fused score that comes from the embeddings (search.ranking.fusion). On
#: the customer questions written for the demo (bench/customer_relevance.py), with hybrid
#: retrieval: 0.7 P@1 0.649 / success@3 0.828, 0.8 0.694 / 0.866, 0.85 0.701 / 0.888,
#: 0.875 0.679 / 0.896, 0.9 0.679 / 0.910; questions using the product's own words keep
#: P@1 0.952 at every one of them (a strong BM25 match is hard to overtake). 0.875 is the
#: first weight at which hybrid beats dense retrieval alone on all three figures; chosen
#: on that set, so StackFAQ dev is the check (bench/README.md).
WEIGHT = 0.875
#: Lexical hits re-ranked per search. A wider window finds more (dev MAP at weight 0.7:
#: 20 hits 0.863, 30 0.883, 50 0.898, 100 0.909), but every hit costs a snippet and a
#: vector read on each search; 50 keeps a search within the latency budget.
WINDOW = 50
#: Documents found by meaning that join the lexical window as candidates, at most, and
#: the cosine they need: below it a "neighbour" is merely the least unrelated document
#: (a nonsense query must still find nothing: gibberish such as "asdfgh jkl" reaches
#: 0.22 with the demo's articles, "test" 0.32). The customer questions gain nothing from
#: more than 20, and lose a little above 0.3 (bench/customer_relevance.py).
NEIGHBOURS = 20
MIN_COSINE = 0.3
#: Characters of body embedded after the title (the model reads ~128 tokens anyway).
BODY_CHARS = 1500
BATCH = 32


def enabled() -> bool:
    """Whether searches are re-ranked and documents embedded (setting + model installed)."""
    if not getattr(settings, "KB_SEARCH_SEMANTIC", True):
        return False
    from search.embeddings import available

    return available()


#: Languages the installed model understands. all-MiniLM-L6-v2 was trained on English
#: sentence pairs only: Spanish and German searches are ranked by words alone, and their
#: documents are not embedded (bench/relevance_locales.py measures each locale). A
#: multilingual model would be listed here through KB_SEARCH_SEMANTIC_LOCALES.
MODEL_LOCALES = ("en",)


def model_locales() -> tuple[str, ...]:
    return tuple(getattr(settings, "KB_SEARCH_SEMANTIC_LOCALES", MODEL_LOCALES))


def supports(locale: str) -> bool:
    """Whether searches in ``locale`` are re-ranked by meaning (on, and the model knows it)."""
    return locale in model_locales() and enabled()


def embeds(doc: SearchDocument) -> bool:
    """Whether ``doc`` gets an embedding: only documents in a language the model knows."""
    return doc.locale in model_locales()


def window() -> int:
    """Lexical hits that take part in the fusion (those past it keep the lexical order)."""
    return int(getattr(settings, "KB_SEARCH_SEMANTIC_WINDOW", WINDOW))


def hybrid() -> bool:
    """Whether documents found by meaning alone are candidates too (else the semantic
    score only re-orders the lexical window, as before kb had hybrid retrieval)."""
    return bool(getattr(settings, "KB_SEARCH_HYBRID", True))


def neighbour_limit() -> int:
    return int(getattr(settings, "KB_SEARCH_SEMANTIC_NEIGHBOURS", NEIGHBOURS))


def min_cosine() -> float:
    return float(getattr(settings, "KB_SEARCH_SEMANTIC_MIN_COSINE", MIN_COSINE))


def weight() -> float:
    return float(getattr(settings, "KB_SEARCH_SEMANTIC_WEIGHT", WEIGHT))


def fusion_method() -> str:
    """``KB_SEARCH_FUSION`` when it names a method of search.ranking.fusion, else the default."""
    from search.ranking import fusion

    method = getattr(settings, "KB_SEARCH_FUSION", fusion.WEIGHTED)
    return method if method in fusion.METHODS else fusion.WEIGHTED


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


EXCERPT_CHARS = 240


def document_meta(doc: SearchDocument) -> dict:
    """What dense retrieval filters on and shows, stored beside the vector."""
    excerpt = " ".join((doc.body or doc.official)[:EXCERPT_CHARS + 60].split())
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    return {"kind": doc.kind, "section_id": doc.section_id, "category_id": doc.category_id,
            "excerpt": excerpt}


META_FIELDS = ("kind", "section_id", "category_id", "excerpt")


def embeddings_sync(documents: Iterable[SearchDocument], gone: Iterable[str] = ()) -> int:
    """Embed the documents whose text changed, refresh the stored place and excerpt of the
    others, and forget ``gone`` keys. Returns how many were (re)computed. Raises on
    failure; callers log (see ``search.index``)."""
    from search.models import DocumentEmbedding

    documents = list(documents)
    # A document in a language the model does not know is not embedded (and loses the
    # embedding it may have had).
    gone = list(gone) + [doc.key for doc in documents if not embeds(doc)]
    documents = [doc for doc in documents if embeds(doc)]
    changed = False
    if gone:
        changed = bool(DocumentEmbedding.objects.filter(key__in=gone).delete()[0])
    if not enabled():
        _announce(changed)
        return 0
    documents = {doc.key: doc for doc in documents}
    texts = {key: document_text(doc) for key, doc in documents.items()}
    if not texts:
        _announce(changed)
        return 0
    stored = {row[0]: row[1:] for row in DocumentEmbedding.objects.filter(key__in=list(texts))
              .values_list("key", "version", *META_FIELDS)}
    todo = [(key, text) for key, text in texts.items() if stored.get(key, ("",))[0] != text_version(text)]
    # Same text, new place (an article moved to another section) or excerpt: no new vector.
    moved = 0
    for key, row in stored.items():
        meta = document_meta(documents[key])
        if row[0] == text_version(texts[key]) and tuple(meta[f] for f in META_FIELDS) != row[1:]:
            # updated_at by hand: update() skips auto_now, and search.ranking.dense reads
            # changes by it.
            moved += DocumentEmbedding.objects.filter(key=key).update(**meta, updated_at=timezone.now())
    from search.embeddings import get_encoder

    encoder = get_encoder() if todo else None
    for batch in iter_batches(todo, BATCH):
        vectors = encoder.encode([text for _, text in batch])
        DocumentEmbedding.objects.bulk_create(
            [DocumentEmbedding(key=key, version=text_version(text),
                               vector=vector.astype("<f2").tobytes(), **document_meta(documents[key]))
             for (key, text), vector in zip(batch, vectors, strict=True)],
            update_conflicts=True, unique_fields=["key"],
            update_fields=["version", "vector", "updated_at", *META_FIELDS],
        )
    _announce(changed or bool(todo) or bool(moved))
    return len(todo)


def _announce(changed: bool) -> None:
    """Tell every process's in-memory vectors (search.ranking.dense) to reload."""
    if changed:
        from search.ranking import dense

        dense.vectors_changed()


def embeddings_check(documents: dict[str, tuple[str, dict]]) -> tuple[list[str], list[str]]:
    """Given ``{key: (document_text, document_meta)}`` of every searchable document:
    (keys whose embedding is missing, stale or misplaced, stored keys that are no longer
    searchable)."""
    from search.models import DocumentEmbedding

    stored = {row[0]: row[1:] for row in DocumentEmbedding.objects.values_list("key", "version", *META_FIELDS)}
    todo = []
    if enabled():
        todo = sorted(key for key, (text, meta) in documents.items()
                      if stored.get(key) != (text_version(text), *(meta[f] for f in META_FIELDS)))
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
