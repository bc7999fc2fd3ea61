"""Counting article views: daily totals per article, from the page-view beacon.

Who the visitor is stays kb's business (:mod:`kb.analytics`: a daily-salted hash, no
personal data); this module adds what the page showed. Only daily aggregates are stored
(:class:`~articles.models.ArticleViewDay`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F

from kb import analytics

from .models import Article, ArticleViewDay


def article_view_record(*, article_id: int, at: datetime) -> None:
    """Count one view of a published article on the day of ``at`` (unknown or draft: nothing)."""
    keys = {"date": analytics.day_of(at), "article_id": article_id}
    # The common case is one UPDATE: the article was already read today.
    if ArticleViewDay.objects.filter(**keys).update(views=F("views") + 1):
        return
    if Article.objects.published().filter(pk=article_id).exists():
        analytics.update_or_insert(ArticleViewDay, keys=keys, update={"views": F("views") + 1},
                                   insert={"views": 1})


@transaction.atomic
def page_view_record(*, visitor: str, kind: str, object_id: int | None, at: datetime) -> None:
    """A visitor opened a help-center page: count them for the day, and the article's view."""
    analytics.visitor_record(visitor=visitor, at=at)
    if kind == analytics.ARTICLE and object_id is not None:
        article_view_record(article_id=object_id, at=at)
