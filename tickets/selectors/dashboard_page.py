"""The deflection dashboard as the page and the CSV export show it: one presenter over
:func:`tickets.selectors.dashboard.dashboard`, so the page's figures, its charts and the
export cannot disagree. No queries of its own; the charts are SVG geometry from
:mod:`tickets.charts`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse
from django.utils import dateformat, formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kb import params

from .. import charts
from .dashboard import DEFAULT_PERIOD, GROUPINGS, PERIODS, Bucket, Dashboard, Figures, dashboard

# (Figures attribute, CSV header): the export's columns, in order.
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


def parse_period(days: str, by: str) -> tuple[int, str, list[str]]:
    """(days, by, problems) from the ``?days=&by=`` texts; unknown values fall back to the defaults."""
    problems = []
    period = params.parse_int(days, minimum=min(PERIODS), maximum=max(PERIODS))
    period = period if period in PERIODS else None
    if period is None:
        if days:
            problems.append(_("The period can be 7, 30 or 90 days; showing 30."))
        period = DEFAULT_PERIOD
    if by not in GROUPINGS:
        problems.append(_("Figures can be grouped by day or by week; showing days."))
        by = "day"
    return period, by, problems


def _short(day: date) -> str:
    return dateformat.format(day, pgettext("short date format", "M j"))


def _label(bucket: Bucket, by: str) -> str:
    return _("Week of %(day)s") % {"day": _short(bucket.start)} if by == "week" else _short(bucket.start)


def _percent(ratio: float | None) -> str:
    # The decimal separator of the active language ("12.5 %", "12,5 %").
    return "—" if ratio is None else f"{formats.number_format(ratio * 100, 1)} %"


def _score(ratio: float | None) -> str:
    return "—" if ratio is None else formats.number_format(ratio, 1)


def _csv_number(value) -> str:
    if value is None:
        return ""
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _kpis(totals: Figures) -> list[dict]:
    return [
        {"label": _("Self-service score"), "value": _score(totals.self_service_score),
         "detail": _("%(visitors)s help-center visitors ÷ %(requesters)s who submitted a request") % {
             "visitors": totals.visitors, "requesters": totals.requesters}},
        {"label": _("Deflection rate"), "value": _percent(totals.deflection_rate),
         "detail": _("%(deflections)s suggestions accepted ÷ (%(deflections)s accepted + "
                     "%(requests)s requests submitted)") % {
             "deflections": totals.deflections, "requests": totals.requests}},
        {"label": _("Auto-reply resolution rate"), "value": _percent(totals.auto_reply_resolution_rate),
         "detail": _("%(solved)s solved with a suggested article ÷ %(requests)s requests") % {
             "solved": totals.self_solved, "requests": totals.requests}},
        {"label": _("Search no-result rate"), "value": _percent(totals.no_result_rate),
         "detail": _("%(empty)s of %(searches)s searches found nothing") % {
             "empty": totals.searches_no_results, "searches": totals.searches}},
        {"label": _("Search click-through"), "value": _percent(totals.click_through_rate),
         "detail": _("%(clicked)s of %(searches)s searches had a result opened") % {
             "clicked": totals.searches_with_click, "searches": totals.searches}},
    ]


@dataclass(frozen=True)
class DashboardPage:
    """The dashboard's figures for one period and grouping, as a page and as CSV rows."""

    data: Dashboard

    @property
    def unit(self) -> str:
        return pgettext("dashboard grouping", "week") if self.data.by == "week" else pgettext("dashboard grouping", "day")

    @property
    def labels(self) -> list[str]:
        return [_label(b, self.data.by) for b in self.data.buckets]

    def _flow_rows(self) -> list[tuple[str, int]]:
        totals = self.data.totals
        return [
            (_("Callback form shown (open)"), totals.routes_callback),
            (_("Self-service steps shown (closed)"), totals.routes_self_service),
            (_("Self-service links followed"), totals.links_clicked),
            (_("Callbacks requested"), totals.callbacks_requested),
        ]

    def _charts(self) -> dict[str, charts.Chart]:
        data, unit, labels, flow_rows = self.data, self.unit, self.labels, self._flow_rows()
        series = [
            charts.Series(_("Requests submitted"), [b.figures.requests for b in data.buckets], charts.VERMILION),
            charts.Series(_("Suggestions accepted"), [b.figures.deflections for b in data.buckets], charts.BLUE),
            charts.Series(_("Solved by self-service link"), [b.figures.self_solved for b in data.buckets],
                          charts.GREEN),
        ]
        return {
            "visitors_chart": charts.time_series(
                chart_id="chart-visitors", title=_("Help-center visitors per %(unit)s") % {"unit": unit}, labels=labels, bars=True,
                series=[charts.Series(_("Visitors"), [b.figures.visitors for b in data.buckets])]),
            "requests_chart": charts.time_series(
                chart_id="chart-requests", title=_("Requests and deflections per %(unit)s") % {"unit": unit}, labels=labels,
                series=series),
            "flow_chart": charts.horizontal_bars(chart_id="chart-flow", title=_("Cancel flow: routes shown and actions"),
                                                 rows=flow_rows, color=charts.PURPLE),
            "outcomes_chart": charts.horizontal_bars(
                chart_id="chart-outcomes", title=_("Callback outcomes recorded"),
                rows=[(row["label"], row["events"]) for row in data.flow_outcomes], color=charts.GREEN),
            "views_chart": charts.horizontal_bars(
                chart_id="chart-views", title=_("Most read articles"),
                rows=[(row["title"], row["views"]) for row in data.top_viewed]),
        }

    def context(self) -> dict:
        """The template's context: figures, KPIs, links to other periods, charts."""
        data, days, by = self.data, self.data.days, self.data.by
        return {
            "data": data,
            "periods": [{"days": d, "current": d == days, "url": f"?days={d}&by={by}"} for d in PERIODS],
            "groupings": [{"by": g, "label": _("By week") if g == "week" else _("By day"), "current": g == by, "url": f"?days={days}&by={g}"}
                          for g in GROUPINGS],
            "csv_url": f"{reverse('tickets:dashboard_csv')}?days={days}&by={by}",
            "unit": self.unit,
            "kpis": _kpis(data.totals),
            "rows": [{"label": label, "bucket": b, "figures": b.figures,
                      "deflection_rate": _percent(b.figures.deflection_rate),
                      "self_service_score": _score(b.figures.self_service_score)}
                     for label, b in zip(self.labels, data.buckets, strict=True)],
            "flow_rows": self._flow_rows(),
            **self._charts(),
        }

    @property
    def csv_filename(self) -> str:
        return f"deflection-{self.data.start}-{self.data.end}-by-{self.data.by}.csv"

    def csv_rows(self) -> Iterator[list[str]]:
        """The header, one row per day or week, then the totals (ratios as 0–1 fractions,
        empty when undefined)."""
        data = self.data
        yield ["row", "period_start", "period_end", *(header for _, header in CSV_COLUMNS)]
        for bucket in data.buckets:
            yield [data.by, bucket.start.isoformat(), bucket.end.isoformat(),
                   *(_csv_number(getattr(bucket.figures, name)) for name, _ in CSV_COLUMNS)]
        yield ["total", data.start.isoformat(), data.end.isoformat(),
               *(_csv_number(getattr(data.totals, name)) for name, _ in CSV_COLUMNS)]


def dashboard_page(*, days: int, by: str, at: datetime) -> DashboardPage:
    """The dashboard for the ``days`` up to ``at``, grouped ``by`` day or week (the queries
    of :func:`tickets.selectors.dashboard.dashboard`)."""
    return DashboardPage(dashboard(days=days, by=by, at=at))
