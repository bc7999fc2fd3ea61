"""The cancel flow at fixed moments: callback form while Business Solutions is open,
self-service steps while closed, agent previews, plan switching and flow events."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from kb.models import OutgoingEmail
from tests.beacons import flow_event, page_attribute
from tickets.models import Callback, FlowEvent, Team, Ticket

from .conftest import HOLIDAY_MOMENT, NIGHT_MOMENT, OPEN_MOMENT, WEEKEND_MOMENT

URL = reverse("tickets:cancel_flow")


def test_the_cancel_flow_lives_at_the_plain_contact_cancel_path():
    assert reverse("tickets:cancel_flow") == "/contact/cancel/"
    assert reverse("tickets:contact") == "/contact/"


def test_while_open_the_flow_offers_the_callback_form_and_the_phone_number(client, cancel_demo, clock):
    clock(OPEN_MOMENT)
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-route="callback"' in html
    assert "Open now until 5:00 PM PT" in html
    assert 'id="callback-form"' in html
    assert "(555) 013-2400" in html and "option 1" in html
    # Today's remaining slots only: 10:15 is too soon (15-minute lead), 10:30 is first.
    slots = page.context["decision"].slots
    assert slots[0].value == "2026-06-03T17:30+00:00"
    assert all(s.start.astimezone(OPEN_MOMENT.tzinfo).date() == OPEN_MOMENT.date() for s in slots)
    assert 'data-utc="2026-06-03T17:30+00:00"' in html


@pytest.mark.parametrize("moment", [NIGHT_MOMENT, WEEKEND_MOMENT, HOLIDAY_MOMENT], ids=["night", "weekend", "holiday"])
def test_while_closed_the_flow_offers_self_service_steps_and_the_next_opening(client, cancel_demo, clock, moment):
    clock(moment)
    html = client.get(URL + "?plan=lumora-complete").content.decode()
    assert 'data-route="self_service"' in html
    assert "Closed — opens" in html
    assert 'id="plan-steps"' in html and "Close my account completely" in html
    assert 'id="export-reminder"' in html
    assert 'id="chat-alternative"' in html
    assert 'id="callback-form"' in html  # for the next opening periods


def test_closed_on_christmas_names_monday_as_the_next_opening(client, cancel_demo, clock):
    clock(HOLIDAY_MOMENT)
    page = client.get(URL)
    assert "Closed — opens Monday 8:00 AM PT, in 2 days 22 hours" in page.content.decode()
    first = page.context["decision"].slots[0]
    assert first.start == datetime(2026, 12, 28, 16, 0, tzinfo=UTC)


def test_closed_callback_slots_are_only_in_the_next_two_opening_days(client, cancel_demo, clock):
    clock(WEEKEND_MOMENT)
    slots = client.get(URL).context["decision"].slots
    days = {s.start.astimezone(WEEKEND_MOMENT.tzinfo).date().isoformat() for s in slots}
    assert days == {"2026-06-08", "2026-06-09"}


def test_chat_alternative_states_its_own_hours(client, cancel_demo, clock):
    clock(datetime(2026, 6, 3, 17, 30, tzinfo=OPEN_MOMENT.tzinfo))  # advisors closed, chat open
    html = client.get(URL).content.decode()
    assert 'data-route="self_service"' in html
    assert "Open now until 6:00 PM PT" in html
    assert 'id="chat-start"' in html


def test_plan_switcher_works_without_javascript_and_is_remembered(client, cancel_demo, clock):
    clock(NIGHT_MOMENT)
    html = client.get(URL + "?plan=lumora-pages-premium").content.decode()
    assert "Steps for Lumora Pages Premium" in html and "Select this plan" in html
    assert 'id="export-reminder"' not in html
    html = client.get(URL).content.decode()
    assert "Steps for Lumora Pages Premium" in html
    assert client.session["cancel_flow_plan"] == "lumora-pages-premium"


def test_a_tampered_plan_slug_shows_a_message_and_no_steps(client, cancel_demo, clock):
    clock(NIGHT_MOMENT)
    html = client.get(URL + "?plan=../../etc").content.decode()
    assert "know that plan" in html
    assert 'id="plan-steps"' not in html


def test_plan_steps_are_rendered_through_the_sanitising_markdown_renderer(client, cancel_demo, clock):
    from tickets.models import Plan

    Plan.objects.filter(slug="lumora-complete").update(cancel_steps="1. Click <script>alert(1)</script> **Account**")
    clock(NIGHT_MOMENT)
    html = client.get(URL + "?plan=lumora-complete").content.decode()
    assert "<strong>Account</strong>" in html
    assert "<script>alert" not in html


def test_a_never_open_schedule_still_offers_self_service_and_says_so(client, cancel_demo, clock):
    Team.objects.get(slug="business-solutions").opening_hours.all().delete()
    clock(OPEN_MOMENT)
    html = client.get(URL + "?plan=lumora-complete").content.decode()
    assert 'data-route="self_service"' in html
    assert 'id="never-open-notice"' in html
    assert "Closed — no opening hours are scheduled" in html
    assert 'id="plan-steps"' in html
    assert 'id="callback-form"' not in html


def test_without_any_configured_team_the_flow_still_shows_self_service(client, db, clock):
    from demo import tickets as demo

    demo.load()
    Team.objects.update(cancel_flow_role="")
    clock(OPEN_MOMENT)
    html = client.get(URL + "?plan=lumora-complete").content.decode()
    assert 'data-route="self_service"' in html and 'id="plan-steps"' in html


# --- Agent preview ---------------------------------------------------------------------


@pytest.fixture
def agent_preview(client, cancel_demo, clock, agent):
    """agent_preview(now, at): the flow an agent sees with ``?at=`` when it is ``now``.

    ``at`` goes into the query string as written, unencoded, as a typed address would."""
    def get(now, at):
        clock(now)
        client.force_login(agent)
        return client.get(URL + "?at=" + at)

    return get


def test_agents_preview_any_moment_with_an_offset(agent_preview):
    html = agent_preview(OPEN_MOMENT, "2026-12-25T10:00-08:00").content.decode()
    assert 'id="preview-banner"' in html
    assert 'data-route="self_service"' in html
    assert not FlowEvent.objects.exists()  # previews are not recorded


def test_agents_preview_a_wall_time_in_the_teams_zone(agent_preview):
    page = agent_preview(NIGHT_MOMENT, "2026-06-03T10:00")
    assert page.context["decision"].at == OPEN_MOMENT
    assert 'data-route="callback"' in page.content.decode()


def test_a_plus_offset_that_became_a_space_in_the_query_still_parses(agent_preview):
    # Unencoded "+05:30" arrives as " 05:30": 22:30 in Kolkata is 10:00 in Los Angeles.
    page = agent_preview(NIGHT_MOMENT, "2026-06-03T22:30+05:30")
    assert page.context["decision"].route == "callback"


def test_an_unusable_preview_moment_falls_back_to_now_with_a_message(agent_preview):
    html = agent_preview(NIGHT_MOMENT, "tomorrow-ish").content.decode()
    assert "is not a moment we can preview" in html
    assert 'data-route="self_service"' in html


def test_the_preview_parameter_is_ignored_for_visitors_and_customers(client, cancel_demo, clock, customer):
    clock(NIGHT_MOMENT)
    assert 'data-route="self_service"' in client.get(URL + "?at=2026-06-03T10:00-07:00").content.decode()
    client.force_login(customer)
    html = client.get(URL + "?at=2026-06-03T10:00-07:00").content.decode()
    assert 'data-route="self_service"' in html and 'id="preview-banner"' not in html


# --- Flow events -----------------------------------------------------------------------


def test_showing_a_route_is_recorded_for_the_deflection_figures(client, cancel_demo, clock):
    clock(NIGHT_MOMENT)
    page = client.get(URL + "?plan=lumora-complete")
    assert not FlowEvent.objects.exists()  # the page writes nothing: its beacon records
    assert flow_event(client, page).status_code == 204
    event = FlowEvent.objects.get()
    assert (event.kind, event.route, event.plan.slug, event.at) == (
        "route_shown", "self_service", "lumora-complete", NIGHT_MOMENT)
    assert len(event.visitor) == 64 and client.session.session_key not in event.visitor


def test_a_self_service_link_click_is_recorded_by_the_beacon_and_the_link_only_redirects(
        client, cancel_demo, clock, django_assert_num_queries):
    from tickets.models import PlanLink

    clock(NIGHT_MOMENT)
    link = PlanLink.objects.get(plan__slug="lumora-complete", kind="video", locale="")
    page = client.get(URL + "?plan=lumora-complete")
    assert f'data-link="{link.pk}"' in page.content.decode()
    with django_assert_num_queries(1):  # the link, read; nothing written
        followed = client.get(reverse("tickets:self_service_link", args=[link.pk]))
    assert followed.status_code == 302 and followed["Location"] == link.url
    assert not FlowEvent.objects.exists()
    assert flow_event(client, page, link=link.pk).status_code == 204
    event = FlowEvent.objects.get(kind="link_clicked")
    assert (event.route, event.link_id, event.plan.slug, event.at) == (
        "self_service", link.pk, "lumora-complete", NIGHT_MOMENT)


def test_a_link_the_page_did_not_show_is_refused(client, cancel_demo, clock):
    from tickets.models import PlanLink

    clock(NIGHT_MOMENT)
    other_plan = PlanLink.objects.exclude(plan__slug="lumora-complete").first()
    page = client.get(URL + "?plan=lumora-complete")
    for link in [other_plan.pk, 999999, "x"]:
        assert flow_event(client, page, link=link).status_code == 400
    assert not FlowEvent.objects.exists()


def test_an_unknown_link_is_404_and_records_nothing(client, cancel_demo):
    assert client.get(reverse("tickets:self_service_link", args=[999999])).status_code == 404
    assert not FlowEvent.objects.exists()


def test_the_event_beacon_refuses_forged_and_old_tokens(client, cancel_demo, clock):
    from django.core import signing

    from tickets.selectors.cancel_flow import EVENT_TOKEN_MAX_AGE

    clock(NIGHT_MOMENT)
    page = client.get(URL)
    token = page_attribute(page, "data-event-token")
    forged = signing.dumps({"at": int(NIGHT_MOMENT.timestamp()), "data": {"route": "callback", "plan": None}},
                           salt="kb.beacons.tickets.cancel_flow", key="not-our-key")
    events = reverse("tickets:cancel_flow_event")
    for bad in ["", "x", forged, token[:-2] + ("aa" if not token.endswith("aa") else "bb")]:
        assert client.post(events, {"token": bad}).status_code == 400
    clock(NIGHT_MOMENT + EVENT_TOKEN_MAX_AGE + timedelta(seconds=1))
    assert client.post(events, {"token": token}).status_code == 400
    assert not FlowEvent.objects.exists()
    assert client.get(events).status_code == 405


def test_the_event_beacon_is_limited_per_address_without_a_row(client, cancel_demo, clock, settings):
    settings.KB_RATE_LIMITS = {"cancel_flow_event.ip": "2/h"}
    clock(NIGHT_MOMENT)
    page = client.get(URL)
    assert [flow_event(client, page).status_code for _ in range(3)] == [204, 204, 429]
    assert FlowEvent.objects.count() == 2


def test_the_event_beacon_is_limited_per_signed_in_visitor(client, cancel_demo, clock, customer, settings):
    settings.KB_RATE_LIMITS = {"cancel_flow_event.visitor": "1/h"}
    clock(NIGHT_MOMENT)
    client.force_login(customer)
    page = client.get(URL)
    assert flow_event(client, page, REMOTE_ADDR="198.51.100.1").status_code == 204
    assert flow_event(client, page, REMOTE_ADDR="198.51.100.2").status_code == 429
    assert FlowEvent.objects.count() == 1


def test_agents_views_are_not_recorded(client, cancel_demo, clock, agent):
    clock(NIGHT_MOMENT)
    client.force_login(agent)
    assert flow_event(client, client.get(URL)).status_code == 204
    assert not FlowEvent.objects.exists()


def test_an_agents_preview_carries_no_token(agent_preview):
    assert page_attribute(agent_preview(OPEN_MOMENT, "2026-12-25T10:00-08:00"), "data-event-token") == ""


# --- Submitting a callback -------------------------------------------------------------


def test_submitting_a_callback_while_open_creates_a_ticket_for_business_solutions(
        client, cancel_demo, clock, callback_data, django_capture_on_commit_callbacks, mailoutbox):
    clock(OPEN_MOMENT)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(URL, callback_data(slot="2026-06-03T18:00+00:00"))
    ticket = Ticket.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse("tickets:callback_done", args=[ticket.reference])
    assert (ticket.team.slug, ticket.source, ticket.status) == ("business-solutions", "callback", "new")
    callback = ticket.callback
    assert callback.due_at == datetime(2026, 6, 3, 18, 0, tzinfo=UTC)
    assert callback.phone == "+14155552671"
    assert callback.account_email == "robin@example.com"
    assert FlowEvent.objects.filter(kind="callback_requested", ticket=ticket, route="callback").exists()
    # The confirmation went out through the outbox.
    assert OutgoingEmail.objects.get().status == "sent"
    assert len(mailoutbox) == 1 and ticket.reference in mailoutbox[0].body
    assert "11:00 AM PT" in mailoutbox[0].body

    done = client.get(page["Location"]).content.decode()
    assert ticket.reference in done and "What happens next" in done
    assert "Wednesday, June 3, between 11:00 AM PT and 11:30 AM PT" in done


def test_submitting_a_callback_while_closed_books_the_next_opening(client, cancel_demo, clock, callback_data):
    clock(WEEKEND_MOMENT)
    page = client.post(URL, callback_data(slot="2026-06-08T15:00+00:00"))  # Monday 08:00 PT
    assert page.status_code == 302
    callback = Callback.objects.get()
    assert callback.due_at == datetime(2026, 6, 8, 15, 0, tzinfo=UTC)
    assert FlowEvent.objects.get(kind="callback_requested").route == "self_service"


def test_the_confirmation_page_is_only_for_the_session_that_asked(client, cancel_demo, clock, callback_data):
    from django.test import Client

    clock(OPEN_MOMENT)
    location = client.post(URL, callback_data(slot="2026-06-03T18:00+00:00"))["Location"]
    assert Client().get(location).status_code == 404


def test_a_callback_cannot_be_posted_when_no_opening_is_scheduled(client, cancel_demo, clock, callback_data):
    Team.objects.get(slug="business-solutions").opening_hours.all().delete()
    clock(OPEN_MOMENT)
    page = client.post(URL, callback_data(slot="2026-06-03T18:00+00:00"), follow=True)
    assert "Callbacks are not available right now" in page.content.decode()
    assert not Ticket.objects.exists()


def test_the_cancel_page_renders_in_constant_queries(client, cancel_demo, clock, django_assert_num_queries):
    from datetime import date, timedelta

    from tickets.models import Plan, PlanLink, ScheduleException

    clock(NIGHT_MOMENT)
    client.get(URL + "?plan=lumora-complete")  # the session exists and remembers the plan
    # teams, hours, exceptions, plans, links, session
    with django_assert_num_queries(6) as few:
        client.get(URL)
    team = Team.objects.get(slug="business-solutions")
    for n in range(15):
        plan = Plan.objects.create(name=f"Plan {n}", slug=f"plan-{n}", cancel_steps="1. Click **Go**")
        PlanLink.objects.bulk_create(PlanLink(plan=plan, kind="other", label=f"L{i}", url="https://lumora.example/")
                                     for i in range(3))
        ScheduleException.objects.create(team=team, date=date(2026, 6, 10) + timedelta(days=n), kind="closed")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(URL)
    assert len(page.context["plans"]) == 17


def test_a_callback_booked_in_a_preview_is_confirmed_by_email_now_not_at_the_previewed_moment(
        client, cancel_demo, clock, agent, callback_data, django_capture_on_commit_callbacks, mailoutbox):
    from tickets.models import Ticket

    real_now = clock(NIGHT_MOMENT)
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(URL + "?at=2026-06-10T10:00", callback_data(slot="2026-06-10T11:00"))
    assert page.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.created_at == real_now
    assert ticket.callback.consent_at == real_now
    assert [m.to for m in mailoutbox] == [["robin@example.com"]]


def test_viewing_the_cancel_flow_is_counted_without_giving_the_visitor_a_session(client, cancel_demo, clock):
    clock(NIGHT_MOMENT)
    response = client.get(URL)
    counted = flow_event(client, response)
    assert "sessionid" not in response.cookies and "sessionid" not in counted.cookies
    assert FlowEvent.objects.filter(kind="route_shown").count() == 1
