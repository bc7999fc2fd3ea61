"""What pages record, in a real browser: the pages write nothing, their scripts post the
signed tokens the pages carry (static/js/search.js, static/js/cancel_flow.js)."""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

import demo.tickets
from articles import services as article_services
from articles.models import Category, Section
from search.backends.base import reset_backends
from search.index import index_rebuild
from search.models import SearchClick, SearchQueryLog
from tickets.models import FlowEvent, PlanLink

pytestmark = pytest.mark.django_db(transaction=True)

# A closed moment of Lumora's demo schedule: the cancel flow shows the self-service route.
NIGHT = datetime(2026, 6, 3, 20, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


@pytest.fixture(autouse=True)
def _fresh_search_backend():
    """The backend instance is process-wide; each test has its own index directory."""
    reset_backends()
    yield
    reset_backends()


@pytest.fixture(autouse=True)
def _page_views_not_counted(page):
    """The page-view beacon is answered by the browser itself here. The test database is an
    in-memory SQLite shared with the live server's threads, where two beacons writing at once
    lock each other out (a file database in WAL mode waits instead); the beacons under test
    are then the only writers, and the test reads only once they are answered."""
    page.route("**" + reverse("analytics:hit"), lambda route: route.fulfill(status=204))


def beacon_answered(page, path):
    """Expect the answer to the beacon ``path``: also one sent while the page is left."""
    return page.context.expect_event("requestfinished", lambda request: request.url.endswith(path))


def _eventually(read, seconds=10.0):
    """What ``read()`` answers once it answers something, within ``seconds``."""
    deadline = time.monotonic() + seconds
    while (found := read()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert found is not None, "the beacon's row never appeared"
    return found


def test_a_search_is_logged_by_its_beacon_and_a_result_click_is_attributed_to_it(page, agent):
    section = Section.objects.create(category=Category.objects.create(name="Security", slug="security"),
                                     name="Keys", slug="keys")
    article = article_services.article_create(author=agent, section=section, title="Rotate the Quillmark keys",
                                              body="Open Settings and choose Rotate keys.", draft=False)
    index_rebuild()
    with beacon_answered(page, reverse("search:log")) as logged:
        page.goto(reverse("search:search") + "?q=quillmark")
    assert logged.value.response().status == 200
    results = page.locator(".search-results")
    expect(results).to_have_attribute("data-search-logged", "true")
    log = SearchQueryLog.objects.get()
    assert (log.query, log.result_count, log.source) == ("quillmark", 1, "page")

    results.get_by_role("link", name="Rotate the Quillmark keys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rotate the Quillmark keys")
    # A beacon sent as the page is left is not always reported to Playwright as finished:
    # the row it writes is what counts.
    click = _eventually(lambda: SearchClick.objects.first())
    assert (click.query_log_id, click.position, click.object_id) == (log.pk, 1, article.pk)


def test_the_cancel_flow_records_the_route_shown_and_a_followed_link(page, clock, live_server):
    demo.tickets.load()
    clock(NIGHT)
    link = PlanLink.objects.get(plan__slug="lumora-complete", label="Export your data")
    # A link within the site: the test has no network, and a beacon sent while the browser
    # swaps to another site's process is not always reported to Playwright.
    link.url = live_server.url + reverse("tickets:contact")
    link.save()
    events = reverse("tickets:cancel_flow_event")
    with beacon_answered(page, events) as recorded:
        page.goto(reverse("tickets:cancel_flow") + "?plan=lumora-complete")
    assert recorded.value.response().status == 204
    expect(page.locator("#cancel-flow")).to_have_attribute("data-route", "self_service")
    shown = FlowEvent.objects.get(kind="route_shown")
    assert (shown.route, shown.plan.slug, shown.at) == ("self_service", "lumora-complete", NIGHT)

    page.locator("#plan-links").get_by_role("link", name="Export your data").click()
    expect(page).to_have_url(link.url)
    clicked = _eventually(lambda: FlowEvent.objects.filter(kind="link_clicked").first())
    assert (clicked.route, clicked.link_id, clicked.visitor) == ("self_service", link.pk, shown.visitor)
