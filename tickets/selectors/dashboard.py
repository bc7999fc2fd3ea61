"""Reads for the deflection dashboard: what customers solved themselves, and what reached us.

Everything is aggregated in SQL, grouped by day or week (``TruncDate``/``TruncWeek`` in the
site's time zone), so the dashboard costs the same few queries for 10 tickets or 10 million:
one per source of events, never one per row or per day.

Where the figures come from:

- visitors: :class:`kb.models.VisitorDay` (the page beacon, and the request service);
- requests and self-service solves: :class:`tickets.models.Ticket` (request form);
- deflections: :class:`tickets.models.Deflection` ("This answered my question");
- the cancel flow: :class:`tickets.models.FlowEvent` and :class:`tickets.models.Callback`;
- search: ``SearchQueryLog`` and ``SearchClick``;
- articles: :class:`articles.models.ArticleViewDay` and ``Vote``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DateField, Exists, F, FloatField, OuterRef, Q, Sum
from django.db.models.functions import Cast, TruncDate, TruncWeek
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleViewDay, Vote
from kb.models import VisitorDay
from search.models import SearchClick, SearchQueryLog

from ..models import Callback, Deflection, FlowEvent, Ticket

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
GROUPINGS = ("day", "week")
TOP_ARTICLES = 10


@dataclass
class Figures:
    """The counts of one bucket (a day or a week) or of the whole period, and their ratios."""

    visitors: int = 0  # help-center visitors (counted per day)
    requesters: int = 0  # visitors who sent the request form
    requests: int = 0  # request-form tickets
    self_solved: int = 0  # of those, solved with a "Yes, this solved it" link
    deflections: int = 0  # suggestions accepted instead of sending the form
    searches: int = 0
    searches_no_results: int = 0
    searches_with_click: int = 0
    routes_callback: int = 0  # cancel flow shown with the callback form (open)
    routes_self_service: int = 0  # cancel flow shown with self-service steps (closed)
    links_clicked: int = 0  # self-service links followed in the cancel flow
    callbacks_requested: int = 0

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @staticmethod
    def _ratio(numerator: int, denominator: int) -> float | None:
        return numerator / denominator if denominator else None

    @property
    def self_service_score(self) -> float | None:
        """Help-center visitors per visitor who still sent a request (higher is better)."""
        return self._ratio(self.visitors, self.requesters)

    @property
    def deflection_rate(self) -> float | None:
        return self._ratio(self.deflections, self.deflections + self.requests)

    @property
    def auto_reply_resolution_rate(self) -> float | None:
        return self._ratio(self.self_solved, self.requests)

    @property
    def no_result_rate(self) -> float | None:
        return self._ratio(self.searches_no_results, self.searches)

    @property
    def click_through_rate(self) -> float | None:
        return self._ratio(self.searches_with_click, self.searches)


@dataclass
class Bucket:
    start: date
    end: date  # inclusive; a week is clipped to the period
    figures: Figures = field(default_factory=Figures)


@dataclass
class Dashboard:
    days: int
    by: str
    start: date
    end: date  # inclusive
    buckets: list[Bucket]
    totals: Figures
    flow_outcomes: list[dict]  # {"outcome", "label", "events"} callback outcomes recorded (FlowEvent)
    callback_status: list[dict]  # {"outcome", "label", "callbacks"} where this period's callbacks stand now
    top_viewed: list[dict]  # {"title", "url", "views"}
    top_helpful: list[dict]  # {"title", "url", "helpful", "total", "percent"}


def period_bounds(*, days: int, at: datetime) -> tuple[date, date, datetime, datetime]:
    """The last ``days`` local days up to and including today: dates and aware datetimes."""
    end = timezone.localdate(at)
    start = end - timedelta(days=days - 1)
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    return start, end, since, until


def _bucket_start(day: date, by: str) -> date:
    return day - timedelta(days=day.weekday()) if by == "week" else day


def _bucket_of_datetime(name: str, by: str):
    if by == "week":
        return TruncWeek(name, output_field=DateField())
    return TruncDate(name)


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _empty_buckets(start: date, end: date, by: str) -> dict[date, Bucket]:
    buckets = {}
    day = _bucket_start(start, by)
    step = timedelta(days=7 if by == "week" else 1)
    while day <= end:
        buckets[day] = Bucket(start=max(day, start), end=min(day + step - timedelta(days=1), end))
        day += step
    return buckets


def _article_url(pk: int, slug: str) -> str:
    return reverse("articles:article", kwargs={"pk": pk, "slug": slug})


def dashboard(*, days: int, by: str, at: datetime) -> Dashboard:
    """Every figure of the dashboard for the ``days`` up to ``at``, grouped ``by`` day or week.

    Eight queries, whatever the volume.
    """
    start, end, since, until = period_bounds(days=days, at=at)
    buckets = _empty_buckets(start, end, by)

    def into(key) -> Figures:
        return buckets[_bucket_start(_as_date(key), by)].figures

    # 1. Visitors (VisitorDay.date is already a local date).
    visitor_bucket = TruncWeek("date", output_field=DateField()) if by == "week" else F("date")
    for row in (VisitorDay.objects.filter(date__gte=start, date__lte=end)
                .annotate(bucket=visitor_bucket).values("bucket")
                .annotate(visitors=Count("pk", filter=Q(saw_help_center=True)),
                          requesters=Count("pk", filter=Q(submitted_request=True)))
                .order_by()):
        figures = into(row["bucket"])
        figures.visitors += row["visitors"]
        figures.requesters += row["requesters"]

    # 2. Request-form tickets, and those solved by the requester's "Yes, this solved it".
    request_form = Q(source=Ticket.Source.REQUEST_FORM)
    for row in (Ticket.objects.filter(request_form, created_at__gte=since, created_at__lt=until)
                .annotate(bucket=_bucket_of_datetime("created_at", by)).values("bucket")
                .annotate(requests=Count("pk"), self_solved=Count("pk", filter=Q(solved_by_self_service=True)))
                .order_by()):
        figures = into(row["bucket"])
        figures.requests += row["requests"]
        figures.self_solved += row["self_solved"]

    # 3. Deflections.
    for row in (Deflection.objects.filter(created_at__gte=since, created_at__lt=until)
                .annotate(bucket=_bucket_of_datetime("created_at", by)).values("bucket")
                .annotate(n=Count("pk")).order_by()):
        into(row["bucket"]).deflections += row["n"]

    # 4. Searches: without results, and with at least one result opened.
    clicked = Exists(SearchClick.objects.filter(query_log=OuterRef("pk")))
    for row in (SearchQueryLog.objects.filter(created_at__gte=since, created_at__lt=until)
                .annotate(bucket=_bucket_of_datetime("created_at", by), clicked=clicked).values("bucket")
                .annotate(searches=Count("pk"), no_results=Count("pk", filter=Q(result_count=0)),
                          with_click=Count("pk", filter=Q(clicked=True)))
                .order_by()):
        figures = into(row["bucket"])
        figures.searches += row["searches"]
        figures.searches_no_results += row["no_results"]
        figures.searches_with_click += row["with_click"]

    # 5. The cancel flow: routes shown, links followed, callbacks asked for, outcomes recorded.
    outcome_events: dict[str, int] = {}
    for row in (FlowEvent.objects.filter(at__gte=since, at__lt=until)
                .annotate(bucket=_bucket_of_datetime("at", by)).values("bucket", "kind", "route", "detail")
                .annotate(n=Count("pk")).order_by()):
        figures, kind, n = into(row["bucket"]), row["kind"], row["n"]
        if kind == FlowEvent.Kind.ROUTE_SHOWN and row["route"] == FlowEvent.Route.CALLBACK:
            figures.routes_callback += n
        elif kind == FlowEvent.Kind.ROUTE_SHOWN and row["route"] == FlowEvent.Route.SELF_SERVICE:
            figures.routes_self_service += n
        elif kind == FlowEvent.Kind.LINK_CLICKED:
            figures.links_clicked += n
        elif kind == FlowEvent.Kind.CALLBACK_REQUESTED:
            figures.callbacks_requested += n
        elif kind == FlowEvent.Kind.CALLBACK_OUTCOME:
            outcome_events[row["detail"]] = outcome_events.get(row["detail"], 0) + n

    # 6. Where the callbacks requested in the period stand now.
    status = dict(Callback.objects.filter(ticket__created_at__gte=since, ticket__created_at__lt=until)
                  .values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n").order_by())

    # 7. Most read articles.
    top_viewed = [
        {"title": row["article__title"], "url": _article_url(row["article_id"], row["article__slug"]),
         "views": row["views"]}
        for row in (ArticleViewDay.objects.filter(date__gte=start, date__lte=end, article__draft=False)
                    .values("article_id", "article__title", "article__slug")
                    .annotate(views=Sum("views")).order_by("-views", "article__title")[:TOP_ARTICLES])
    ]

    # 8. Most helpful articles, by votes given or changed in the period. Ranked by the share
    # of "yes" with one yes and one no added (Laplace), so 1 of 1 does not beat 40 of 42.
    yes = Count("pk", filter=Q(helpful=True))
    top_helpful = [
        {"title": row["article__title"], "url": _article_url(row["article_id"], row["article__slug"]),
         "helpful": row["helpful"], "total": row["total"], "percent": round(100 * row["helpful"] / row["total"])}
        for row in (Vote.objects.filter(updated_at__gte=since, updated_at__lt=until, article__draft=False)
                    .values("article_id", "article__title", "article__slug")
                    .annotate(helpful=yes, total=Count("pk"))
                    .annotate(score=(Cast("helpful", FloatField()) + 1.0) / (Cast("total", FloatField()) + 2.0))
                    .order_by("-score", "-total", "article__title")[:TOP_ARTICLES])
    ]

    totals = Figures()
    for bucket in buckets.values():
        totals.add(bucket.figures)
    return Dashboard(
        days=days, by=by, start=start, end=end, buckets=list(buckets.values()), totals=totals,
        flow_outcomes=[{"outcome": value, "label": label, "events": outcome_events.get(value, 0)}
                       for value, label in Callback.Outcome.choices if value],
        callback_status=[{"outcome": value, "label": label, "callbacks": status.get(value, 0)}
                         for value, label in Callback.Outcome.choices],
        top_viewed=top_viewed,
        top_helpful=top_helpful,
    )
