"""Fusing the two candidate lists: lexical hits (BM25) and semantic neighbours (cosine).

Two methods, picked with ``KB_SEARCH_FUSION``; both measured in bench/README.md on the
customer-question set and on StackFAQ:

* ``weighted`` (the default): ``(1 - w) * bm25 / best bm25 + w * cosine``, with ``w`` =
  ``KB_SEARCH_SEMANTIC_WEIGHT`` (0.7). A neighbour that matched no word scores ``w *
  cosine``; a lexical hit without a stored vector yet gets the average cosine of the
  others (neither buried nor promoted until the worker has embedded it). Exact product
  words and error codes keep their lexical weight: a strong BM25 match needs a much
  closer meaning to be overtaken.
* ``rrf``: reciprocal rank fusion, ``1 / (k + lexical rank) + 1 / (k + semantic rank)``
  with ``k`` = 60 (Cormack et al., 2009): ignores the scores, only the two orders.

Pure functions of their inputs: the selectors fetch the hits and the cosines.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from search.backends.base import SearchHit

WEIGHTED = "weighted"
RRF = "rrf"
METHODS = (WEIGHTED, RRF)
RRF_K = 60


@dataclass(frozen=True)
class Explanation:
    """Why a result ranks where it does (agents' search analytics)."""

    lexical_rank: int | None  # 1-based among lexical hits; None: no word matched
    lexical: float  # BM25 as a share of the best lexical hit (0..1)
    semantic_rank: int | None  # 1-based among the candidates by cosine
    cosine: float | None  # None: not embedded yet
    score: float  # what the fused order sorts by

    @property
    def source(self) -> str:
        if self.lexical_rank is None:
            return "meaning"
        return "words + meaning" if self.semantic_rank is not None and self.cosine is not None else "words"


def fuse(lexical: list[SearchHit], neighbours: list, cosines: dict[str, float], *,
         method: str = WEIGHTED, weight: float = 0.7) -> tuple[list[SearchHit], dict[str, Explanation]]:
    """One ordered list of ``lexical`` hits (best first) and ``neighbours``
    (``search.ranking.dense.Neighbour``, best first) with each one's explanation.

    ``cosines`` holds the cosine of lexical hits that have a stored vector. A neighbour
    that is also a lexical hit counts once. Ties keep the lexical order, then the semantic.
    """
    by_key: dict[str, SearchHit] = {hit.key: hit for hit in lexical}
    cosine_of = dict(cosines)
    for neighbour in neighbours:
        cosine_of[neighbour.key] = neighbour.cosine
        if neighbour.key not in by_key:
            by_key[neighbour.key] = SearchHit(kind=neighbour.kind, pk=neighbour.pk, score=0.0,
                                              snippet=html.escape(neighbour.excerpt),
                                              locale=neighbour.translation or "",
                                              translation=bool(neighbour.translation))
    if not by_key:
        return [], {}
    lexical_rank = {hit.key: n for n, hit in enumerate(lexical, start=1)}
    known = [cosine_of[key] for key in by_key if key in cosine_of]
    neutral = sum(known) / len(known) if known else 0.0
    by_meaning = sorted((key for key in by_key if key in cosine_of), key=lambda key: -cosine_of[key])
    semantic_rank = {key: n for n, key in enumerate(by_meaning, start=1)}
    best = max((hit.score for hit in lexical), default=0.0) or 1.0

    explained = {}
    for key, hit in by_key.items():
        share = hit.score / best if key in lexical_rank else 0.0
        cosine = cosine_of.get(key)
        if method == RRF:
            score = sum(1 / (RRF_K + rank) for rank in (lexical_rank.get(key), semantic_rank.get(key)) if rank)
        else:
            score = (1 - weight) * share + weight * (neutral if cosine is None else cosine)
        explained[key] = Explanation(lexical_rank=lexical_rank.get(key), lexical=round(share, 4),
                                     semantic_rank=semantic_rank.get(key),
                                     cosine=None if cosine is None else round(cosine, 4),
                                     score=round(score, 6))
    order = sorted(by_key, key=lambda key: (-explained[key].score, lexical_rank.get(key, len(lexical) + 1),
                                            semantic_rank.get(key, len(by_key) + 1)))
    return [replace(by_key[key], score=explained[key].score) for key in order], explained
