"""The deflection dashboard for agents (/agent/dashboard/) and its CSV export. Shells
around :mod:`tickets.selectors.dashboard`; the charts are SVG drawn on the server."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kb.permissions import agent_required

from .. import charts
from ..selectors import dashboard as selectors

CSV_COLUMNS = [
    ("visitors", "help_center_visitors"),
    ("requesters", "visitors_who_submitted_a_request"),
    ("self_service_score", "self_service_score"),
    ("requests", "requests_submitted"),
    ("deflections", "suggestions_accepted"),
    ("deflection_rate", "deflection_rate"),
    ("self_solved", "solved_by_self_service_link"),
    ("auto_reply_resolution_rate", "auto_reply_resolution_rate"),
    ("searches", "searches"),
    ("searches_no_results", "searches_without_results"),
    ("no_result_rate", "search_no_result_rate"),
    ("searches_with_click", "searches_with_a_click"),
    ("click_through_rate", "search_click_through_rate"),
    ("routes_callback", "cancel_flow_callback_route_shown"),
    ("routes_self_service", "cancel_flow_self_service_route_shown"),
    ("links_clicked", "cancel_flow_self_service_links_followed"),
    ("callbacks_requested", "cancel_flow_callbacks_requested"),
]


def now():
    """The clock of the dashboard (tests replace it with monkeypatch)."""
    return timezone.now()



def _period(request) -> tuple[int, str, list[str]]:
    """(days, by, problems) from ?days=&by=; unknown values fall back to the defaults."""
    problems = []
    raw_days, by = request.GET.get("days", ""), request.GET.get("by", "day")
    days = int(raw_days) if raw_days.isdigit() and int(raw_days) in selectors.PERIODS else None
    if days is None:
        if raw_days:
            problems.append("The period can be 7, 30 or 90 days; showing 30.")
        days = selectors.DEFAULT_PERIOD
    if by not in selectors.GROUPINGS:
        problems.append("Figures can be grouped by day or by week; showing days.")
        by = "day"
    return days, by, problems


def _label(bucket: selectors.Bucket, by: str) -> str:
    return f"Week of {_short(bucket.start)}" if by == "week" else _short(bucket.start)


def _short(day: date) -> str:
    return f"{day:%b} {day.day}"


def _percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.1f} %"


def _score(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.1f}"


def _csv_number(value) -> str:
    if value is None:
        return ""
    return f"{value:.4f}" if isinstance(value, float) else str(value)


@agent_required
@require_GET
def dashboard(request):
    """What customers solved themselves, and what still reached us, with charts."""
    days, by, problems = _period(request)
    for problem in problems:
        messages.warning(request, problem)
    data = selectors.dashboard(days=days, by=by, at=now())
    totals = data.totals
    labels = [_label(b, by) for b in data.buckets]
    unit = "week" if by == "week" else "day"
    flow_rows = [
        ("Callback form shown (open)", totals.routes_callback),
        ("Self-service steps shown (closed)", totals.routes_self_service),
        ("Self-service links followed", totals.links_clicked),
        ("Callbacks requested", totals.callbacks_requested),
    ]
    return render(request, "tickets/dashboard.html", {
        "data": data,
        "periods": [{"days": d, "current": d == days, "url": f"?days={d}&by={by}"} for d in selectors.PERIODS],
        "groupings": [{"by": g, "label": f"By {g}", "current": g == by, "url": f"?days={days}&by={g}"}
                      for g in selectors.GROUPINGS],
        "csv_url": f"{reverse('tickets:dashboard_csv')}?days={days}&by={by}",
        "unit": unit,
        "kpis": [
            {"label": "Self-service score", "value": _score(totals.self_service_score),
             "detail": f"{totals.visitors} help-center visitors ÷ {totals.requesters} who submitted a request"},
            {"label": "Deflection rate", "value": _percent(totals.deflection_rate),
             "detail": f"{totals.deflections} suggestions accepted ÷ ({totals.deflections} accepted + "
                       f"{totals.requests} requests submitted)"},
            {"label": "Auto-reply resolution rate", "value": _percent(totals.auto_reply_resolution_rate),
             "detail": f"{totals.self_solved} solved with a suggested article ÷ {totals.requests} requests"},
            {"label": "Search no-result rate", "value": _percent(totals.no_result_rate),
             "detail": f"{totals.searches_no_results} of {totals.searches} searches found nothing"},
            {"label": "Search click-through", "value": _percent(totals.click_through_rate),
             "detail": f"{totals.searches_with_click} of {totals.searches} searches had a result opened"},
        ],
        "rows": [{"label": label, "bucket": b, "figures": b.figures,
                  "deflection_rate": _percent(b.figures.deflection_rate),
                  "self_service_score": _score(b.figures.self_service_score)}
                 for label, b in zip(labels, data.buckets, strict=True)],
        "visitors_chart": charts.time_series(
            chart_id="chart-visitors", title=f"Help-center visitors per {unit}", labels=labels, bars=True,
            series=[charts.Series("Visitors", [b.figures.visitors for b in data.buckets])]),
        "requests_chart": charts.time_series(
            chart_id="chart-requests", title=f"Requests and deflections per {unit}", labels=labels,
            series=[
                charts.Series("Requests submitted", [b.figures.requests for b in data.buckets], charts.VERMILION),
                charts.Series("Suggestions accepted", [b.figures.deflections for b in data.buckets], charts.BLUE),
                charts.Series("Solved by self-service link", [b.figures.self_solved for b in data.buckets],
                              charts.GREEN),
            ]),
        "flow_rows": flow_rows,
        "flow_chart": charts.horizontal_bars(chart_id="chart-flow", title="Cancel flow: routes shown and actions",
                                             rows=flow_rows, color=charts.PURPLE),
        "outcomes_chart": charts.horizontal_bars(
            chart_id="chart-outcomes", title="Callback outcomes recorded",
            rows=[(row["label"], row["events"]) for row in data.flow_outcomes], color=charts.GREEN),
        "views_chart": charts.horizontal_bars(
            chart_id="chart-views", title="Most read articles",
            rows=[(row["title"], row["views"]) for row in data.top_viewed]),
    })


@agent_required
@require_GET
def dashboard_csv(request):
    """The dashboard's figures, one row per day or week, then the totals (ratios as 0–1
    fractions, empty when undefined)."""
    days, by, problems = _period(request)
    if problems:
        return HttpResponse(" ".join(problems), status=400, content_type="text/plain; charset=utf-8")
    data = selectors.dashboard(days=days, by=by, at=now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deflection-{data.start}-{data.end}-by-{by}.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(["row", "period_start", "period_end", *(header for _, header in CSV_COLUMNS)])
    for bucket in data.buckets:
        writer.writerow([by, bucket.start.isoformat(), bucket.end.isoformat(),
                         *(_csv_number(getattr(bucket.figures, name)) for name, _ in CSV_COLUMNS)])
    writer.writerow(["total", data.start.isoformat(), data.end.isoformat(),
                     *(_csv_number(getattr(data.totals, name)) for name, _ in CSV_COLUMNS)])
    return response
