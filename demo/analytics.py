"""A month of made-up history for the deflection dashboard, so it is not empty on `make run`.

Deterministic (a seeded ``random.Random``) and idempotent: it writes only while there are
no visitor rows at all, and only once the help-center demo has published articles. It
adds no tickets, so the agent queue shows only the demo requests; the figures are
illustrative, not consistent with them.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleViewDay
from kb.models import VisitorDay
from search.models import SearchClick, SearchQueryLog
from tickets.models import Deflection, FlowEvent, Plan, PlanLink

DAYS = 30
SEED = 2026
# (query, results): what customers type; a few find nothing, for the no-result rate.
QUERIES = [
    ("cancel account", 4), ("reset password", 3), ("invoice", 5), ("custom domain", 2),
    ("export contacts", 3), ("downgrade pages", 2), ("refund", 0), ("gdpr delete data", 0),
    ("webhook retry", 1), ("change billing email", 2), ("two factor", 1), ("sms campaign", 0),
]


@transaction.atomic
def load(*, stdout=None) -> int | None:
    """Write the history once; returns the number of days written, or None when skipped."""
    if VisitorDay.objects.exists():
        return None
    articles = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
    if not articles:
        return None  # the help-center demo has not run (the cancel-flow tests load only this app's demo)
    rng = random.Random(SEED)
    popular = articles[:8]
    plans = list(Plan.objects.order_by("pk"))
    links = list(PlanLink.objects.order_by("pk"))
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    visitors, views, deflections, flow, searches = [], [], [], [], []
    for age in range(DAYS, 0, -1):
        day = today - timedelta(days=age)
        weekend = day.weekday() >= 5

        def moment(day=day):
            return datetime.combine(day, time(rng.randrange(7, 22), rng.randrange(60)), tzinfo=zone)

        count = rng.randint(25, 45) if weekend else rng.randint(55, 95)
        for _ in range(count):
            # Random stand-ins for real hashes: they identify nobody, like the real ones.
            visitors.append(VisitorDay(date=day, visitor_hash=secrets.token_hex(32), saw_help_center=True,
                                       submitted_request=rng.random() < 0.05))
        for pk in rng.sample(articles, min(len(articles), 12)):
            weight = 4 if pk in popular else 1
            views.append(ArticleViewDay(date=day, article_id=pk, views=rng.randint(1, 9) * weight))
        for _ in range(rng.randint(0, 3)):
            deflections.append(Deflection(article_id=rng.choice(popular), query="cancel my account",
                                          created_at=moment()))
        for _ in range(rng.randint(2, 6)):
            plan = rng.choice(plans) if plans else None
            route = FlowEvent.Route.SELF_SERVICE if weekend or rng.random() < 0.4 else FlowEvent.Route.CALLBACK
            flow.append(FlowEvent(kind=FlowEvent.Kind.ROUTE_SHOWN, route=route, plan=plan, at=moment()))
            if route == FlowEvent.Route.SELF_SERVICE and links and rng.random() < 0.6:
                flow.append(FlowEvent(kind=FlowEvent.Kind.LINK_CLICKED, route=route, link=rng.choice(links),
                                      plan=plan, at=moment()))
            if route == FlowEvent.Route.CALLBACK and rng.random() < 0.3:
                flow.append(FlowEvent(kind=FlowEvent.Kind.CALLBACK_REQUESTED, route=route, plan=plan, at=moment()))
                flow.append(FlowEvent(kind=FlowEvent.Kind.CALLBACK_OUTCOME, plan=plan, at=moment(),
                                      detail=rng.choice(["retained", "retained", "cancelled", "no_answer"])))
        noon = datetime.combine(day, time(12), tzinfo=zone)  # one moment per day: 2 updates a day below
        for _ in range(rng.randint(4, 12)):
            query, results = rng.choice(QUERIES)
            searches.append((noon, SearchQueryLog(query=query, result_count=results, source="page"),
                             rng.randint(1, results) if results and rng.random() < 0.6 else None))
    VisitorDay.objects.bulk_create(visitors)
    ArticleViewDay.objects.bulk_create(views)
    Deflection.objects.bulk_create(deflections)
    FlowEvent.objects.bulk_create(flow)
    logs = SearchQueryLog.objects.bulk_create([log for _, log, _ in searches])
    SearchClick.objects.bulk_create([
        SearchClick(query_log=log, position=position, kind="article", object_id=rng.choice(popular))
        for (_, _, position), log in zip(searches, logs, strict=True) if position
    ])
    # created_at is auto_now_add (always "now" on insert): move the rows to their day.
    by_day: dict[datetime, list[int]] = {}
    for (at, _, _), log in zip(searches, logs, strict=True):
        by_day.setdefault(at, []).append(log.pk)
    for at, pks in by_day.items():
        SearchQueryLog.objects.filter(pk__in=pks).update(created_at=at)
        SearchClick.objects.filter(query_log__in=pks).update(created_at=at)
    if stdout is not None:
        stdout.write(f"Dashboard: {DAYS} days of demo history ({len(visitors)} visitor-days, "
                     f"{len(logs)} searches).\n")
    return DAYS
