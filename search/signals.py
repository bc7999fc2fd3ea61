"""Keep the index in step with content: every save or delete of searchable content
schedules an index update, run after the transaction commits.

Keys changed within one transaction are collected and sent as ONE task after commit (an
import of 700 articles is one index write, not 700). ``robust=True``: if enqueueing fails
(database queue down...), the error is logged and the commit stands.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from search.backends.base import ARTICLE, POST, make_key

logger = logging.getLogger(__name__)


def _pending(connection) -> set[str]:
    pending = getattr(connection, "_kb_search_pending", None)
    if pending is None:
        pending = connection._kb_search_pending = set()
    return pending


class _Flush:
    """The on_commit callback: sends every key waiting on the connection as one task
    (later callbacks of the same commit find nothing left to send)."""

    def __init__(self, using):
        self.using = using

    def __call__(self):
        pending = _pending(transaction.get_connection(self.using))
        if pending:
            keys = sorted(pending)
            pending.clear()
            from search.tasks import sync_documents

            sync_documents.enqueue(keys)


def schedule(keys, *, using=None) -> None:
    """Index these documents ("article:3", "post:9") once the transaction commits.

    Keys wait in a per-connection set; each save registers a (cheap) on_commit callback
    and the first one to run sends the whole set as one task.
    """
    keys = set(keys)
    if not keys:
        return
    connection = transaction.get_connection(using)
    pending = _pending(connection)
    # No callback of ours is waiting: keys still in the set belong to a transaction that
    # rolled back (Django dropped its callbacks), so they must not be sent.
    # ``run_on_commit`` holds (savepoint ids, callback, robust) tuples.
    if not any(isinstance(entry[1], _Flush) for entry in connection.run_on_commit):
        pending.clear()
    pending.update(keys)
    transaction.on_commit(_Flush(using), using=using, robust=True)


def schedule_scope(kind: str, pk: int) -> None:
    """Re-index everything under a renamed section/category/topic/label after commit."""
    from search.tasks import sync_scope

    transaction.on_commit(lambda: sync_scope.enqueue(kind, pk), robust=True)


# --- receivers ------------------------------------------------------------------------

def article_changed(sender, instance, **kwargs):
    # Its translations' documents too: they follow the article's draft state and place.
    # Every served locale rather than a query for the translations that exist: a key
    # without a document is simply removed (a no-op), and an import saves no extra query.
    from kb.i18n import locales

    schedule([make_key(ARTICLE, instance.pk)]
             + [make_key(ARTICLE, instance.pk, code) for code in locales() if code != instance.locale])


def post_changed(sender, instance, **kwargs):
    schedule([make_key(POST, instance.pk)])


def comment_changed(sender, instance, **kwargs):
    if instance.article_id:
        schedule([make_key(ARTICLE, instance.article_id)])
    elif instance.post_id:
        schedule([make_key(POST, instance.post_id)])


def article_labels_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        schedule([make_key(ARTICLE, instance.pk)])
    elif action == "pre_clear":
        schedule([make_key(ARTICLE, pk) for pk in instance.articles.values_list("pk", flat=True)])
    elif pk_set:
        schedule([make_key(ARTICLE, pk) for pk in pk_set])


def translation_changed(sender, instance, **kwargs):
    """A translation's own document, and its source's, whose ``fallback`` locales change
    when a translation is published, unpublished or deleted."""
    schedule([make_key(ARTICLE, instance.article_id, instance.locale),
              make_key(ARTICLE, instance.article_id)])


def translation_labels_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or reverse:
        return  # a label's own deletion is label_deleted's (its name is indexed)
    schedule([make_key(ARTICLE, instance.article_id, instance.locale)])


def place_translation_changed(kind):
    def receiver(sender, instance, raw=False, **kwargs):
        if not raw:
            schedule_scope(kind, getattr(instance, f"{kind}_id"))

    return receiver


def place_renamed(kind):
    def receiver(sender, instance, created, raw=False, **kwargs):
        if not created and not raw:
            schedule_scope(kind, instance.pk)

    return receiver


def label_deleted(sender, instance, **kwargs):
    schedule([make_key(ARTICLE, pk) for pk in instance.articles.values_list("pk", flat=True)])
    schedule([make_key(ARTICLE, pk, code) for pk, code in
              instance.article_translations.values_list("article_id", "locale")])


def synonyms_changed(sender, **kwargs):
    from search.synonyms import clear_synonym_cache

    clear_synonym_cache()


def compact_after_import(sender, **kwargs):
    """Queue one index compaction behind a bulk import's index updates. Optional work: a
    failure is logged, never an import failure."""
    from search.tasks import optimize_index

    try:
        optimize_index.enqueue()
    except Exception:
        logger.exception("Could not queue the search index compaction")


_place_receivers = {}


def connect() -> None:
    """Wire the receivers (called from SearchConfig.ready)."""
    from django_tasks.signals import task_finished

    from articles.models import (
        Article,
        ArticleTranslation,
        Category,
        CategoryTranslation,
        Comment,
        Label,
        Post,
        Section,
        SectionTranslation,
        Topic,
    )
    from articles.signals import articles_imported
    from search import cache
    from search.models import Synonym

    uid = "kb-search"
    for model, receiver in ((Article, article_changed), (Post, post_changed),
                            (Comment, comment_changed)):
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save-{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete-{model.__name__}")
    m2m_changed.connect(article_labels_changed, sender=Article.labels.through,
                        dispatch_uid=f"{uid}-labels")
    for model, kind in ((Section, "section"), (Category, "category"), (Topic, "topic"),
                        (Label, "label")):
        receiver = _place_receivers.setdefault(kind, place_renamed(kind))
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-rename-{kind}")
    pre_delete.connect(label_deleted, sender=Label, dispatch_uid=f"{uid}-label-delete")
    # Translations: same path as the sources (keys collected per transaction, one task).
    post_save.connect(translation_changed, sender=ArticleTranslation, dispatch_uid=f"{uid}-save-translation")
    post_delete.connect(translation_changed, sender=ArticleTranslation, dispatch_uid=f"{uid}-delete-translation")
    m2m_changed.connect(translation_labels_changed, sender=ArticleTranslation.labels.through,
                        dispatch_uid=f"{uid}-translation-labels")
    for model, kind in ((SectionTranslation, "section"), (CategoryTranslation, "category")):
        receiver = _place_receivers.setdefault(f"{kind}-translation", place_translation_changed(kind))
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-translation-{kind}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-translation-delete-{kind}")
    for signal in (post_save, post_delete):
        signal.connect(synonyms_changed, sender=Synonym, dispatch_uid=f"{uid}-synonyms-{signal}")
        signal.connect(cache.synonyms_changed, sender=Synonym, dispatch_uid=f"{uid}-page-cache-{signal}")
    task_finished.connect(cache.index_updated, dispatch_uid=f"{uid}-page-cache-index")
    articles_imported.connect(compact_after_import, dispatch_uid=f"{uid}-import")
