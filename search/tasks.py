"""Background index updates (django-tasks: immediate in development, a database queue
and one worker in production). Enqueued after commit by ``signals``.

A failing index never fails a save: errors are logged here, and ``check_index --fix``
(or the next update of the same document) repairs the index later.
"""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def sync_documents(keys: list[str]) -> dict:
    """Index (or remove) the given documents so the index matches the database."""
    from search.index import index_sync

    try:
        indexed, deleted = index_sync(keys=keys)
    except Exception:
        logger.exception("Search index update failed for %d document(s): %s", len(keys),
                         ", ".join(keys[:10]))
        return {"ok": False, "keys": len(keys)}
    return {"ok": True, "indexed": indexed, "deleted": deleted}


@task()
def sync_scope(kind: str, pk: int) -> dict:
    """Re-index every document under a renamed section, category, topic or label (and
    the translations of those articles, which show the places' names too)."""
    from articles.models import Article, ArticleTranslation, Post
    from search.backends.base import make_key

    scopes = {
        "section": lambda: Article.objects.filter(section_id=pk),
        "category": lambda: Article.objects.filter(section__category_id=pk),
        "label": lambda: Article.objects.filter(labels__id=pk),
        "topic": lambda: Post.objects.filter(topic_id=pk),
    }
    model_kind = "post" if kind == "topic" else "article"
    try:
        ids = list(scopes[kind]().values_list("pk", flat=True))
    except Exception:
        logger.exception("Search index update failed for %s %s", kind, pk)
        return {"ok": False}
    keys = [make_key(model_kind, i) for i in ids]
    if model_kind == "article" and ids:
        keys += [make_key(model_kind, pk, code) for pk, code in
                 ArticleTranslation.objects.filter(article_id__in=ids).values_list("article_id", "locale")]
    return sync_documents.call(keys) if keys else {"ok": True, "indexed": 0, "deleted": 0}


@task()
def optimize_index() -> dict:
    """Compact the index after a bulk import (queued after the import's own updates)."""
    from search.backends.base import get_backend

    try:
        get_backend().optimize()
    except Exception:
        logger.exception("Search index optimisation failed")
        return {"ok": False}
    return {"ok": True}
