"""Demo data and the schedule rules agents edit in the admin."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from demo import tickets as demo
from tickets.models import OpeningHours, Plan, PlanLink, ScheduleException, Team


def test_loading_the_demo_twice_gives_the_same_data(db):
    demo.load()
    demo.load()
    assert Team.objects.count() == 2 and Plan.objects.count() == 2
    assert OpeningHours.objects.filter(team__slug="business-solutions").count() == 5
    assert PlanLink.objects.filter(plan__slug="lumora-complete", locale="").count() == 4
    business = Team.objects.get(slug="business-solutions")
    assert (business.time_zone, business.holiday_country, business.cancel_flow_role) == (
        "America/Los_Angeles", "US", "callbacks")


def test_load_reports_what_it_made(db):
    import io

    out = io.StringIO()
    demo.load(stdout=out)
    assert "Business Solutions" in out.getvalue()


@pytest.fixture
def team(db):
    return Team.objects.create(name="Night desk", slug="night-desk")


def test_opening_hours_must_be_on_quarter_hours(team):
    with pytest.raises(ValidationError) as error:
        OpeningHours(team=team, weekday=0, opens=time(8, 10), closes=time(17)).full_clean()
    assert "quarter hours" in str(error.value)


def test_an_interval_cannot_open_and_close_at_the_same_time_except_the_whole_day(team):
    with pytest.raises(ValidationError):
        OpeningHours(team=team, weekday=0, opens=time(9), closes=time(9)).full_clean()
    OpeningHours(team=team, weekday=0, opens=time(0), closes=time(0)).full_clean()
    OpeningHours(team=team, weekday=0, opens=time(22), closes=time(2)).full_clean()  # overnight is fine


def test_an_extra_opening_needs_hours_and_a_closure_needs_both_or_neither(team):
    with pytest.raises(ValidationError):
        ScheduleException(team=team, date="2026-06-06", kind="open").full_clean()
    with pytest.raises(ValidationError):
        ScheduleException(team=team, date="2026-06-06", kind="closed", opens=time(9)).full_clean()
    ScheduleException(team=team, date="2026-06-06", kind="closed").full_clean()


def test_time_zone_and_holiday_country_are_validated(db):
    with pytest.raises(ValidationError) as error:
        Team(name="X", slug="x", time_zone="Mars/Olympus", holiday_country="ZZ").full_clean()
    assert set(error.value.message_dict) == {"time_zone", "holiday_country"}


def test_only_one_team_takes_the_cancel_flow_callbacks(db):
    from django.db import IntegrityError, transaction

    Team.objects.create(name="A", slug="a", cancel_flow_role="callbacks")
    Team.objects.create(name="B", slug="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(name="C", slug="c", cancel_flow_role="callbacks")


def test_the_admin_refuses_overlapping_intervals_on_one_weekday(admin_client, team):
    data = {
        "name": team.name, "slug": team.slug, "cancel_flow_role": "", "time_zone": "America/Los_Angeles",
        "holiday_country": "US", "holiday_subdivision": "", "phone": "", "phone_note": "", "chat_url": "",
        "callback_minutes": 30, "callback_lead_minutes": 15, "callback_countries": "US",
        "opening_hours-TOTAL_FORMS": 2, "opening_hours-INITIAL_FORMS": 0,
        "opening_hours-0-weekday": 0, "opening_hours-0-opens": "08:00", "opening_hours-0-closes": "12:00",
        "opening_hours-1-weekday": 0, "opening_hours-1-opens": "11:00", "opening_hours-1-closes": "17:00",
        "schedule_exceptions-TOTAL_FORMS": 0, "schedule_exceptions-INITIAL_FORMS": 0,
    }
    page = admin_client.post(f"/admin/tickets/team/{team.pk}/change/", data)
    assert page.status_code == 200
    assert "overlap" in page.content.decode()
    assert not OpeningHours.objects.exists()
    data["opening_hours-1-opens"] = "13:00"
    page = admin_client.post(f"/admin/tickets/team/{team.pk}/change/", data)
    assert page.status_code == 302
    assert OpeningHours.objects.count() == 2


def test_the_admin_team_page_shows_status_and_upcoming_holidays(admin_client, db):
    demo.load()
    team = Team.objects.get(slug="business-solutions")
    html = admin_client.get(f"/admin/tickets/team/{team.pk}/change/").content.decode()
    assert "Thanksgiving" in html or "Christmas Day" in html
    assert f"{reverse('tickets:cancel_flow')}?at=2026-12-25T10:00" in html  # how to preview a moment
