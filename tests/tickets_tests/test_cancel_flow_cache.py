"""The cancel flow from the page cache: anonymous visitors get the page rendered for this
minute, the open/closed state turns at its boundary, office-hours changes show at once, every
view is still counted (by the page's beacon), and every visitor's callback form carries their own working CSRF token."""

import re
from datetime import date, datetime, time

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from tests.beacons import flow_event
from tickets.models import FlowEvent, OpeningHours, Plan, ScheduleException, Team, Ticket

from .conftest import LA, NIGHT_MOMENT, OPEN_MOMENT

URL = reverse("tickets:cancel_flow")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def cache_state(response):
    return response.headers.get("X-KB-Page-Cache")


def route_of(response):
    return re.search(r'data-route="([a-z_]+)"', response.content.decode()).group(1)


def wednesday(hour, minute, second=0):
    return datetime(2026, 6, 3, hour, minute, second, tzinfo=LA)


def test_a_second_anonymous_visitor_gets_the_cached_page_without_a_query(
        cancel_demo, clock, django_assert_num_queries):
    clock(NIGHT_MOMENT)
    first = Client().get(URL)
    assert cache_state(first) == "miss"
    with django_assert_num_queries(0):
        second = Client(REMOTE_ADDR="203.0.113.9").get(URL)
    assert cache_state(second) == "hit"
    assert "Closed — opens tomorrow at 8:00 AM PT" in second.content.decode()
    assert route_of(second) == "self_service"
    assert "sessionid" not in second.cookies


def test_every_view_of_a_cached_page_is_a_flow_event_of_its_visitor(cancel_demo, clock):
    clock(NIGHT_MOMENT)
    for visitor in [Client(), Client(), Client(REMOTE_ADDR="203.0.113.9")]:  # the first two: the same visitor
        flow_event(visitor, visitor.get(URL))
    events = list(FlowEvent.objects.order_by("pk"))
    assert [(e.kind, e.route, e.plan_id, e.at) for e in events] == [
        ("route_shown", "self_service", None, NIGHT_MOMENT)] * 3
    assert events[0].visitor == events[1].visitor != events[2].visitor
    assert all(len(e.visitor) == 64 for e in events)


def test_within_a_minute_the_page_comes_from_the_cache(cancel_demo, clock):
    clock(wednesday(7, 59, 0))
    assert cache_state(Client().get(URL)) == "miss"
    clock(wednesday(7, 59, 59))
    assert cache_state(Client().get(URL)) == "hit"


def test_the_page_opens_when_the_opening_time_passes(cancel_demo, clock):
    clock(wednesday(7, 59, 30))
    closed = Client().get(URL)
    assert route_of(closed) == "self_service" and "Closed — opens today at 8:00 AM PT, in 1 minute" in closed.content.decode()
    cached = Client().get(URL)
    assert route_of(cached) == "self_service"
    clock(wednesday(8, 0, 0))
    opened = Client().get(URL)
    assert cache_state(opened) == "miss"
    assert route_of(opened) == "callback" and "Open now until 5:00 PM PT" in opened.content.decode()
    for page in [closed, cached, opened]:  # each page's beacon records the route that page showed
        flow_event(Client(), page)
    assert [e.route for e in FlowEvent.objects.order_by("pk")] == ["self_service", "self_service", "callback"]


def test_the_page_closes_when_the_closing_time_passes(cancel_demo, clock):
    clock(wednesday(16, 59, 59))
    Client().get(URL)
    cached = Client().get(URL)
    assert cache_state(cached) == "hit" and route_of(cached) == "callback"
    clock(wednesday(17, 0, 0))
    closed = Client().get(URL)
    assert route_of(closed) == "self_service"
    assert 'id="callback-section"' in closed.content.decode()  # slots in the next openings
    assert "Open now until" not in closed.content.decode().split('id="chat-alternative"')[0]


def test_the_offered_slots_follow_the_minute(cancel_demo, clock):
    # 15-minute lead: at 10:14 the 10:30 slot is offered, at 10:16 it is too soon.
    clock(wednesday(10, 14))
    assert 'value="2026-06-03T17:30+00:00"' in Client().get(URL).content.decode()
    clock(wednesday(10, 16))
    html = Client().get(URL).content.decode()
    assert 'value="2026-06-03T17:30+00:00"' not in html and 'value="2026-06-03T18:00+00:00"' in html


def test_a_closure_added_for_today_shows_at_once(cancel_demo, clock):
    clock(OPEN_MOMENT)
    team = Team.objects.get(slug="business-solutions")
    assert route_of(Client().get(URL)) == "callback"
    closure = ScheduleException.objects.create(team=team, date=date(2026, 6, 3), kind="closed", note="Team day")
    page = Client().get(URL)
    assert cache_state(page) == "miss" and route_of(page) == "self_service"
    closure.delete()
    assert route_of(Client().get(URL)) == "callback"


def test_changed_opening_hours_team_details_and_plans_show_at_once(cancel_demo, clock):
    clock(wednesday(18, 30))
    team = Team.objects.get(slug="business-solutions")
    assert route_of(Client().get(URL)) == "self_service"
    OpeningHours.objects.create(team=team, weekday=2, opens=time(18, 0), closes=time(20, 0))
    assert route_of(Client().get(URL)) == "callback"
    team.phone = "(555) 013-9999"
    team.save()
    assert "(555) 013-9999" in Client().get(URL).content.decode()
    Plan.objects.create(name="Lumora Starter", slug="lumora-starter", cancel_steps="1. Click **Cancel**")
    assert "Lumora Starter" in Client().get(URL).content.decode()


def test_an_unrelated_save_keeps_the_page_cached(cancel_demo, clock, callback_data):
    clock(OPEN_MOMENT)
    Client().get(URL)
    Client().post(URL, callback_data(slot="2026-06-03T18:00+00:00"))  # a ticket, a callback, an event
    assert Ticket.objects.count() == 1
    assert cache_state(Client().get(URL)) == "hit"


def test_the_csrf_token_of_a_cached_page_works_for_a_callback(cancel_demo, clock, callback_data):
    clock(OPEN_MOMENT)
    filler = Client()
    filler_token = TOKEN.search(filler.get(URL).content.decode()).group(1)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(URL)
    assert cache_state(page) == "hit"
    token = TOKEN.search(page.content.decode()).group(1)
    # The visitor's own token: it unmasks to the secret in the cookie they were just given.
    assert token != filler_token
    assert _unmask_cipher_token(token) == page.cookies["csrftoken"].value
    sent = visitor.post(URL, callback_data(slot="2026-06-03T18:00+00:00", csrfmiddlewaretoken=token))
    ticket = Ticket.objects.get()
    assert sent.status_code == 302 and sent["Location"].endswith(f"/{ticket.reference}/")


def test_another_visitors_token_is_refused(cancel_demo, clock, callback_data):
    clock(OPEN_MOMENT)
    other = TOKEN.search(Client().get(URL).content.decode()).group(1)
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(URL)
    sent = visitor.post(URL, callback_data(slot="2026-06-03T18:00+00:00", csrfmiddlewaretoken=other))
    assert sent.status_code == 403
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("who", ["customer", "agent"])
def test_signed_in_visitors_never_get_the_cached_page(client, cancel_demo, clock, request, who):
    clock(NIGHT_MOMENT)
    Client().get(URL)
    Client().get(URL)
    client.force_login(request.getfixturevalue(who))
    page = client.get(URL)
    assert cache_state(page) is None
    assert f"Signed in as <strong>{page.context['user'].get_username()}</strong>" in page.content.decode()


def test_an_agents_preview_is_never_shown_to_visitors(client, cancel_demo, clock, agent):
    clock(NIGHT_MOMENT)
    client.force_login(agent)
    preview = client.get(URL + "?at=2026-06-03T10:00")
    assert 'id="preview-banner"' in preview.content.decode()
    visitor = Client().get(URL + "?at=2026-06-03T10:00")
    assert cache_state(visitor) == "miss"
    assert 'id="preview-banner"' not in visitor.content.decode() and route_of(visitor) == "self_service"


def test_a_visitors_at_and_unknown_parameters_share_the_plain_page(cancel_demo, clock):
    """``?at=`` is read for agents only: a visitor's shares the plain page (and its form
    posts to the plain URL); ``?plan=`` is read, so it keys a page of its own."""
    clock(OPEN_MOMENT)
    Client().get(URL)
    visitor = Client().get(URL + "?at=2027-01-01T10:00&utm_source=ad-71x")
    assert cache_state(visitor) == "hit"
    body = visitor.content.decode()
    assert "2027-01-01" not in body and "ad-71x" not in body and f'action="{URL}"' in body
    with_plan = Client().get(URL + "?utm_source=ad&plan=lumora-complete")
    assert cache_state(with_plan) is None  # remembering the plan writes the session: rendered
    assert "Lumora Complete" in with_plan.content.decode()


def test_a_visitor_with_a_remembered_plan_gets_their_steps_not_the_cached_page(client, cancel_demo, clock):
    clock(NIGHT_MOMENT)
    Client().get(URL)  # the plain page, cached
    client.get(URL + "?plan=lumora-complete")
    page = client.get(URL)
    assert cache_state(page) is None
    assert "Steps for Lumora Complete" in page.content.decode()
    assert "Steps for" not in Client().get(URL).content.decode()


def test_a_cached_page_answers_conditional_gets_now_that_it_holds_nothing_per_visitor(cancel_demo, clock):
    clock(NIGHT_MOMENT)
    first = Client().get(URL)
    again = Client().get(URL, HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert again.status_code == 304 and cache_state(again) == "hit"
    assert not FlowEvent.objects.exists()
