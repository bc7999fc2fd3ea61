"""Search analytics: what visitors search for, what finds nothing, what nobody clicks.

Logged: the normalised query, the result count, and a salted hash of the session key
(never an IP address or the raw session key). Clicks reference the logged search and
the result's position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from kb.hashing import keyed_hash
from search.models import SearchClick, SearchQueryLog
from search.query import normalize

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
TOP = 20
POSITIONS = 10


def session_hash(session_key: str | None) -> str:
    if not session_key:
        return ""
    return keyed_hash("search", session_key)


def query_log_create(*, text: str, result_count: int, source: str = "page",
                     session_key: str | None = None) -> SearchQueryLog | None:
    """Record a search; empty queries are not recorded."""
    query = normalize(text)
    if not query:
        return None
    return SearchQueryLog.objects.create(query=query, result_count=result_count, source=source,
                                         session_hash=session_hash(session_key))


def click_create(*, query_log_id: int, position: int, kind: str, object_id: int) -> SearchClick | None:
    """Record that result ``position`` of a logged search was opened (unknown logs ignored)."""
    if position < 1 or not SearchQueryLog.objects.filter(pk=query_log_id).exists():
        return None
    return SearchClick.objects.create(query_log_id=query_log_id, position=position, kind=kind,
                                      object_id=object_id)


@dataclass
class SearchReport:
    days: int
    since: datetime
    searches: int
    searches_with_click: int
    top_queries: list[dict]  # {"query", "searches", "results" (latest count), "clicks"}
    no_results: list[dict]  # {"query", "searches"}
    no_clicks: list[dict]  # {"query", "searches"} — had results, nobody clicked
    positions: list[dict]  # {"position", "clicks", "rate"} rate = clicks / searches with results

    @property
    def click_through(self) -> float:
        return self.searches_with_click / self.searches if self.searches else 0.0

    @property
    def click_through_percent(self) -> float:
        return round(self.click_through * 100, 1)


def search_report(*, days: int, at: datetime) -> SearchReport:
    """Analytics over the ``days`` before ``at`` (a constant number of queries)."""
    since = at - timedelta(days=days)
    logs = SearchQueryLog.objects.filter(created_at__gte=since, created_at__lte=at)
    clicked = Exists(SearchClick.objects.filter(query_log=OuterRef("pk")))
    totals = logs.aggregate(searches=Count("pk"), with_results=Count("pk", filter=Q(result_count__gt=0)))
    searches_with_click = logs.filter(clicked).count()
    top = list(
        logs.values("query")
        .annotate(searches=Count("pk", distinct=True), clicks=Count("clicks"))
        .order_by("-searches", "query")[:TOP]
    )
    no_results = list(
        logs.filter(result_count=0).values("query").annotate(searches=Count("pk"))
        .order_by("-searches", "query")[:TOP]
    )
    no_clicks = list(
        logs.filter(result_count__gt=0).exclude(clicked).values("query")
        .annotate(searches=Count("pk")).order_by("-searches", "query")[:TOP]
    )
    by_position = dict(
        SearchClick.objects.filter(query_log__in=logs, position__lte=POSITIONS)
        .values_list("position").annotate(n=Count("pk")).values_list("position", "n")
    )
    with_results = totals["with_results"] or 0
    positions = [
        {"position": p, "clicks": by_position.get(p, 0),
         "rate": (rate := by_position.get(p, 0) / with_results if with_results else 0.0),
         "percent": round(rate * 100, 1)}
        for p in range(1, POSITIONS + 1)
    ]
    return SearchReport(days=days, since=since, searches=totals["searches"] or 0,
                        searches_with_click=searches_with_click, top_queries=top,
                        no_results=no_results, no_clicks=no_clicks, positions=positions)
