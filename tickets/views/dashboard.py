"""The deflection dashboard for agents and its CSV export: shells around one presenter,
:mod:`tickets.selectors.dashboard_page`, so the page and the export show the same figures."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kb import clock
from kb.permissions import agent_required

from ..selectors.dashboard_page import dashboard_page, parse_period


def _period(request) -> tuple[int, str, list[str]]:
    return parse_period(request.GET.get("days", ""), request.GET.get("by", "day"))


@agent_required
@require_GET
def dashboard(request):
    """What customers solved themselves, and what still reached us, with charts."""
    days, by, problems = _period(request)
    for problem in problems:
        messages.warning(request, problem)
    page = dashboard_page(days=days, by=by, at=clock.now())
    return render(request, "tickets/dashboard.html", page.context())


@agent_required
@require_GET
def dashboard_csv(request):
    """The dashboard's figures, one row per day or week, then the totals."""
    days, by, problems = _period(request)
    if problems:
        return HttpResponse(" ".join(problems), status=400, content_type="text/plain; charset=utf-8")
    page = dashboard_page(days=days, by=by, at=clock.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{page.csv_filename}"'
    response["Cache-Control"] = "private, no-store"
    csv.writer(response).writerows(page.csv_rows())
    return response
