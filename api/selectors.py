"""Reads of the API: what each caller may see, with what each row's JSON needs loaded in
a constant number of queries per page."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from articles.models import Article, Category, Label, Section, Vote
from kb.permissions import is_agent


def _vote_totals(queryset: QuerySet) -> QuerySet:
    """``vote_count`` (every answer) and ``vote_sum`` (helpful minus not helpful), as
    subqueries: no GROUP BY over the article rows, bodies included."""
    votes = Vote.objects.filter(article=OuterRef("pk")).order_by().values("article")
    count = votes.annotate(n=Count("pk")).values("n")
    up = votes.annotate(n=Count("pk", filter=Q(helpful=True))).values("n")
    return queryset.annotate(
        vote_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        vote_up=Coalesce(Subquery(up, output_field=IntegerField()), Value(0)),
    )


def articles_for(user) -> QuerySet:
    """Articles ``user`` may read over the API: all for agents, published ones for others."""
    queryset = Article.objects.all() if is_agent(user) else Article.objects.published()
    return _vote_totals(queryset).prefetch_related("labels")


def categories_all() -> QuerySet:
    return Category.objects.all()


def sections_all() -> QuerySet:
    return Section.objects.all()


def labels_all() -> QuerySet:
    return Label.objects.all()
