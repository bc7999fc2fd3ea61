"""Search analytics: what visitors search for, what finds nothing, what nobody clicks.

Logged: the normalised query, the result count, and a salted hash of the session key
(never an IP address or the raw session key). Clicks reference the logged search and
the result's position.

Nothing is written while a page is served (see kb.beacons): the search page carries a
signed token of the search it ran (``search_token``); search.js posts it to ``search:log``,
which records the search and answers with a signed reference to it (``click_ref``) that
the click beacon sends back. Both beacons are rate limited per address and per visitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from kb import beacons, throttle
from kb.hashing import keyed_hash
from search.models import SearchClick, SearchQueryLog
from search.query import normalize

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
TOP = 20
POSITIONS = 10

# Beacons (rate-limit scopes, overridable as e.g. KB_RATE_LIMITS["search_log.ip"]). An
# office behind one address searches a lot; one person rarely more than once a minute.
LOG_SCOPE = "search_log"
LOG_ADDRESS_RATE = throttle.Rate(300, timedelta(hours=1))
LOG_VISITOR_RATE = throttle.Rate(60, timedelta(hours=1))
CLICK_SCOPE = "search_click"
CLICK_ADDRESS_RATE = throttle.Rate(600, timedelta(hours=1))
CLICK_VISITOR_RATE = throttle.Rate(120, timedelta(hours=1))
# A cached result page keeps its token for as long as the browser keeps the page (a 304
# revalidates it): a day covers a tab left open, and replays are bounded by the limits.
TOKEN_MAX_AGE = timedelta(days=1)
_LOG_SALT = "search.log"
_CLICK_SALT = "search.click"


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


def search_token(*, text: str, result_count: int, at: datetime) -> str:
    """What the search page carries for its log beacon; "" for a search not to be logged."""
    query = normalize(text)
    return beacons.sign({"q": query, "n": result_count}, salt=_LOG_SALT, at=at) if query else ""


def search_from_token(token: str, *, at: datetime) -> tuple[str, int] | None:
    """(query, result count) of a token the search page made, or None if forged or too old."""
    payload = beacons.unsign(token, salt=_LOG_SALT, max_age=TOKEN_MAX_AGE, at=at)
    if payload is None or not isinstance(payload.get("q"), str) or not isinstance(payload.get("n"), int):
        return None
    return payload["q"], payload["n"]


def click_ref(log: SearchQueryLog, *, at: datetime) -> str:
    """What the click beacon sends to name a logged search: only a logged search's own
    visitor learns it, so clicks cannot be pinned on other people's searches."""
    return beacons.sign({"log": log.pk}, salt=_CLICK_SALT, at=at)


def log_id_from_ref(ref: str, *, at: datetime) -> int | None:
    payload = beacons.unsign(ref, salt=_CLICK_SALT, max_age=TOKEN_MAX_AGE, at=at)
    log_id = payload.get("log") if payload else None
    return log_id if isinstance(log_id, int) else None


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
