"""The deflection dashboard: figures computed from events recorded through the real
endpoints and services, charts as accessible SVG, the CSV export, agents only, and a
constant number of queries whatever the volume."""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import analytics
from articles.models import ArticleViewDay
from kb.models import VisitorDay
from search.index import index_rebuild
from tests.beacons import logged_search
from tickets.models import Deflection, FlowEvent, Plan, Team, Ticket
from tickets.office_hours import Slot
from tickets.services import callbacks as services
from tickets.services import requests as request_services

DASHBOARD = reverse("tickets:dashboard")
CSV = reverse("tickets:dashboard_csv")
HIT = reverse("analytics:hit")
LA = ZoneInfo("America/Los_Angeles")
TODAY = datetime(2026, 6, 17, 15, 0, tzinfo=LA)  # a Wednesday


pytestmark = pytest.mark.usefixtures("whoosh_index")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def visitor(n: int) -> Client:
    return Client(REMOTE_ADDR=f"198.51.100.{n}", HTTP_USER_AGENT=f"KbTest/{n}")


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# --- who may see it ------------------------------------------------------------------------

def test_the_dashboard_and_its_export_are_for_agents_only(client, customer):
    for url in (DASHBOARD, CSV):
        assert client.get(url).status_code == 302  # anonymous: to sign in
    client.force_login(customer)
    for url in (DASHBOARD, CSV):
        assert client.get(url).status_code == 403


def test_agents_find_the_dashboard_in_the_navigation(agent_client, customer):
    assert DASHBOARD in agent_client.get(reverse("articles:home")).content.decode()
    other = Client()
    other.force_login(customer)
    assert DASHBOARD not in other.get(reverse("articles:home")).content.decode()


# --- figures from real events ---------------------------------------------------------

@pytest.fixture
def recorded_week(make_article, cancel_demo, agent, customer, mailoutbox, django_capture_on_commit_callbacks):
    """One day of a small help center, every event made through the site itself."""
    password = make_article(title="How do I reset my password?", body="Open Settings and choose Reset password.")
    export = make_article(title="Export your contacts", body="Download a CSV of every contact.")
    index_rebuild()
    # Three visitors read the help center; the first reads the password article twice.
    one, two, three = visitor(1), visitor(2), visitor(3)
    one.post(HIT, {"kind": "article", "id": password.pk})
    one.post(HIT, {"kind": "article", "id": password.pk})
    two.post(HIT, {"kind": "article", "id": export.pk})
    two.post(HIT, {"kind": "article", "id": password.pk})
    three.post(HIT, {"kind": "page"})
    # Visitor one searches (one search finds something and is clicked, one finds nothing)...
    # (each page's search is logged by its beacon, as search.js posts it)
    found = logged_search(one, one.get(reverse("search:search"), {"q": "reset password"}))
    one.post(reverse("search:click"), {"log": found, "position": 1, "key": f"article:{password.pk}"})
    logged_search(one, one.get(reverse("search:search"), {"q": "qqqzzz nothing"}))
    # ... then sends a request, and solves it with the auto-reply's link.
    with django_capture_on_commit_callbacks(execute=True):
        one.post(reverse("tickets:request_create"), {
            "email": "robin@example.com", "subject": "I cannot reset my password",
            "description": "The email never arrives.", "category": "Other", "website": "", "shown": ""})
    solved = re.search(r"(/requests/solved/\S+/)", mailoutbox[0].body).group(1)
    Client().post(solved)
    # Visitor two accepts a suggestion instead of sending the form.
    two.post(reverse("tickets:request_deflect"), {"article": export.pk, "subject": "export"})
    # A customer finds the article helpful.
    voter = Client()
    voter.force_login(customer)
    voter.post(reverse("articles:article_vote", kwargs={"pk": password.pk}), {"helpful": "yes"})
    # The cancel flow: a route shown, a link followed, a callback asked for and its outcome.
    now = timezone.now()
    plan = Plan.objects.get(slug="lumora-complete")
    services.flow_event_record(kind=FlowEvent.Kind.ROUTE_SHOWN, route=FlowEvent.Route.SELF_SERVICE, plan=plan, at=now)
    services.flow_event_record(kind=FlowEvent.Kind.LINK_CLICKED, route=FlowEvent.Route.SELF_SERVICE, plan=plan,
                               link=plan.links.first(), at=now)
    ticket = services.callback_request(
        team=Team.objects.get(slug="business-solutions"), name="Robin", email="robin@example.com",
        phone="+14155552671", plan=plan, account_email="robin@example.com", reason="price", reason_detail="",
        slot=Slot(now + timedelta(hours=1), now + timedelta(hours=1, minutes=30)), route="callback", at=now)
    services.callback_record_outcome(callback=ticket.callback, agent=agent, outcome="retained", at=now)
    return {"password": password, "export": export}


def test_the_dashboard_shows_the_figures_of_what_visitors_did(agent_client, recorded_week):
    response = agent_client.get(DASHBOARD, {"days": 7})
    assert response.status_code == 200
    totals = response.context["data"].totals
    assert (totals.visitors, totals.requesters, totals.requests, totals.self_solved, totals.deflections) == (
        3, 1, 1, 1, 1)
    assert totals.self_service_score == 3.0  # 3 visitors ÷ 1 who sent a request
    assert totals.deflection_rate == 0.5  # 1 accepted ÷ (1 accepted + 1 request)
    assert totals.auto_reply_resolution_rate == 1.0
    assert (totals.searches, totals.searches_no_results, totals.searches_with_click) == (2, 1, 1)
    assert (totals.routes_self_service, totals.links_clicked, totals.callbacks_requested) == (1, 1, 1)
    data = response.context["data"]
    assert [(row["title"], row["views"]) for row in data.top_viewed] == [
        ("How do I reset my password?", 3), ("Export your contacts", 1)]
    assert [(row["title"], row["helpful"], row["total"]) for row in data.top_helpful] == [
        ("How do I reset my password?", 1, 1)]
    assert {row["outcome"]: row["events"] for row in data.flow_outcomes}["retained"] == 1
    assert {row["outcome"]: row["callbacks"] for row in data.callback_status}["retained"] == 1
    html = response.content.decode()
    for shown in ("3.0", "50.0 %", "100.0 %", "How do I reset my password?"):
        assert shown in html


def test_the_csv_export_has_the_same_figures(agent_client, recorded_week):
    response = agent_client.get(CSV, {"days": 7, "by": "day"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = csv_rows(response)
    assert len(rows) == 8  # 7 days and the totals
    total = rows[-1]
    assert total["row"] == "total"
    assert (total["help_center_visitors"], total["visitors_who_submitted_a_request"], total["requests_submitted"],
            total["suggestions_accepted"], total["solved_by_self_service_link"]) == ("3", "1", "1", "1", "1")
    assert (total["self_service_score"], total["deflection_rate"], total["auto_reply_resolution_rate"]) == (
        "3.0000", "0.5000", "1.0000")
    assert (total["searches"], total["searches_without_results"], total["search_click_through_rate"]) == (
        "2", "1", "0.5000")
    today = rows[-2]
    assert today["period_end"] == timezone.localdate().isoformat()
    assert today["help_center_visitors"] == "3"


# --- grouping by day and week -----------------------------------------------------------

@pytest.fixture
def spread_over_days(make_article):
    """Events on different days, through the services (which take the moment as an argument)."""
    article = make_article()
    for days_ago, visitors in ((0, 4), (1, 2), (8, 5)):
        at = TODAY - timedelta(days=days_ago)
        for n in range(visitors):
            analytics.page_view_record(visitor=f"{days_ago}-{n}".ljust(64, "0"), kind="article",
                                       object_id=article.pk, at=at)
    request_services.request_create(email="a@example.com", subject="Help", description="", category="Other",
                                    at=TODAY - timedelta(days=1), visitor="1-0".ljust(64, "0"))
    for days_ago in (0, 0, 8, 40):
        request_services.deflection_record(article=article, query="help", visitor="",
                                           at=TODAY - timedelta(days=days_ago))
    return article


def test_figures_are_grouped_by_day(agent_client, clock, spread_over_days):
    clock(TODAY)
    rows = csv_rows(agent_client.get(CSV, {"days": 30, "by": "day"}))
    by_day = {row["period_start"]: row for row in rows if row["row"] == "day"}
    assert len(by_day) == 30
    assert by_day["2026-06-17"]["help_center_visitors"] == "4"
    assert by_day["2026-06-17"]["suggestions_accepted"] == "2"
    assert by_day["2026-06-16"]["help_center_visitors"] == "2"
    assert by_day["2026-06-16"]["requests_submitted"] == "1"
    assert by_day["2026-06-16"]["visitors_who_submitted_a_request"] == "1"
    assert by_day["2026-06-09"]["help_center_visitors"] == "5"
    assert rows[-1]["suggestions_accepted"] == "3"  # the one 40 days ago is outside the period
    assert ArticleViewDay.objects.filter(date="2026-06-09").get().views == 5


def test_figures_are_grouped_by_week_starting_on_monday(agent_client, clock, spread_over_days):
    clock(TODAY)
    rows = csv_rows(agent_client.get(CSV, {"days": 30, "by": "week"}))
    weeks = {row["period_start"]: row for row in rows if row["row"] == "week"}
    # Monday June 15 to today (Wednesday 17th); the first week is clipped to the period.
    assert weeks["2026-06-15"]["period_end"] == "2026-06-17"
    assert weeks["2026-06-15"]["help_center_visitors"] == "6"
    assert weeks["2026-06-08"]["help_center_visitors"] == "5"
    assert weeks["2026-06-08"]["suggestions_accepted"] == "1"
    assert min(weeks) == "2026-05-19"  # 30 days back from June 17 is May 19, a Tuesday
    assert rows[-1]["help_center_visitors"] == "11"


def test_a_short_period_leaves_older_events_out(agent_client, clock, spread_over_days):
    clock(TODAY)
    totals = agent_client.get(DASHBOARD, {"days": 7}).context["data"].totals
    assert (totals.visitors, totals.deflections) == (6, 2)


def test_unknown_periods_fall_back_with_a_message_and_the_export_refuses_them(agent_client):
    response = agent_client.get(DASHBOARD, {"days": "365", "by": "year"})
    assert response.status_code == 200
    assert (response.context["data"].days, response.context["data"].by) == (30, "day")
    html = response.content.decode()
    assert "7, 30 or 90 days" in html and "by day or by week" in html
    assert agent_client.get(CSV, {"days": "365"}).status_code == 400


# --- charts -------------------------------------------------------------------------------

def test_charts_are_inline_svg_with_titles_descriptions_and_no_inline_styles_or_scripts(
        agent_client, clock, spread_over_days):
    clock(TODAY)
    html = agent_client.get(DASHBOARD, {"days": 7}).content.decode()
    for chart in ("chart-visitors", "chart-requests", "chart-flow", "chart-outcomes", "chart-views"):
        svg = re.search(rf'<svg[^>]*id="{chart}"[^>]*>.*?</svg>', html, re.DOTALL).group(0)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in svg
        assert f'<title id="{chart}-title">' in svg and f'<desc id="{chart}-desc">' in svg
    visitors_desc = re.search(r'<desc id="chart-visitors-desc">(.*?)</desc>', html, re.DOTALL).group(1)
    assert "Visitors: 6 in all, most 4 (Jun 17)" in visitors_desc
    assert len(re.findall(r'<rect [^>]*fill=', re.search(r'id="chart-visitors".*?</svg>', html, re.DOTALL).group(0))) == 7
    assert "style=" not in html  # the CSP forbids inline styles
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)  # and inline scripts
    assert "<table" in html  # the data table alternative


# --- a constant number of queries ---------------------------------------------------------

def _seed(count: int, article) -> None:
    at = timezone.now()
    Ticket.objects.bulk_create(
        Ticket(reference=f"LUM-BULK{n:06d}", source=Ticket.Source.REQUEST_FORM, requester_email="x@example.com",
               subject=f"Request {n}", created_at=at - timedelta(minutes=n), updated_at=at,
               solved_by_self_service=n % 3 == 0)
        for n in range(count))
    Deflection.objects.bulk_create(Deflection(article=article, created_at=at - timedelta(minutes=n))
                                   for n in range(count // 10))
    VisitorDay.objects.bulk_create(VisitorDay(date=timezone.localdate() - timedelta(days=n % 30),
                                              visitor_hash=f"{n:064d}", saw_help_center=True)
                                   for n in range(count))


def test_the_dashboard_costs_the_same_queries_for_ten_or_ten_thousand_tickets(
        agent_client, make_article, django_assert_num_queries):
    article = make_article()
    _seed(10, article)
    # Session, user, the agent permission check (2), and the dashboard's 8 aggregates.
    with django_assert_num_queries(12):
        small = agent_client.get(DASHBOARD, {"days": 90, "by": "week"})
    Ticket.objects.all().delete()
    Deflection.objects.all().delete()
    VisitorDay.objects.all().delete()
    _seed(10_000, article)
    with django_assert_num_queries(12):
        large = agent_client.get(DASHBOARD, {"days": 90, "by": "week"})
    assert small.context["data"].totals.requests == 10
    assert large.context["data"].totals.requests == 10_000
    with django_assert_num_queries(12):
        agent_client.get(CSV, {"days": 90, "by": "day"})


# --- the demo -----------------------------------------------------------------------------

def test_the_demo_gives_the_dashboard_a_month_of_history_once(agent_client):
    from demo import articles as articles_demo
    from demo import tickets as demo

    articles_demo.load()
    demo.load()
    counts = (VisitorDay.objects.count(), ArticleViewDay.objects.count(), Deflection.objects.count(),
              FlowEvent.objects.count())
    demo.load()
    assert (VisitorDay.objects.count(), ArticleViewDay.objects.count(), Deflection.objects.count(),
            FlowEvent.objects.count()) == counts
    data = agent_client.get(DASHBOARD, {"days": 30}).context["data"]
    assert data.totals.visitors > 500 and data.totals.searches > 50 and data.totals.routes_self_service > 0
    assert data.totals.searches_no_results > 0 and data.totals.searches_with_click > 0
    assert len(data.top_viewed) == 10


def test_the_cancel_flow_demo_alone_writes_no_history(cancel_demo):
    assert not VisitorDay.objects.exists() and not FlowEvent.objects.exists()
