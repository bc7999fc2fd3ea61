"""Related articles by meaning, for the article page (registered with
``articles.selectors.RELATED_FINDERS`` by ``SearchConfig.ready``)."""

from __future__ import annotations

import logging

from search.backends.base import ARTICLE, make_key
from search.ranking import dense, semantic

logger = logging.getLogger(__name__)

#: An article needs to be at least this close to count as related (stricter than search:
#: the article's own text is long and specific, so unrelated articles score lower).
MIN_COSINE = 0.45


def related_by_meaning(article, limit: int) -> list[int]:
    """Ids of the published articles whose embeddings are nearest to ``article``'s, best
    first; [] when semantic search is off, the article is not embedded yet, or anything
    fails (the article page then lists its section's articles)."""
    if not (semantic.enabled() and semantic.hybrid()):
        return []
    try:
        found = dense.neighbours_of(make_key(ARTICLE, article.pk), limit=limit + 1, min_cosine=MIN_COSINE)
    except Exception:
        logger.exception("Related articles by meaning failed for article %s", article.pk)
        return []
    return [n.pk for n in found if n.kind == ARTICLE and n.pk != article.pk][:limit]
