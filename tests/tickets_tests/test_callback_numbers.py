"""Toll fraud (issue 13): callbacks go only to mobile and landline numbers in the countries
the team calls (``Team.callback_countries``), never to premium-rate, satellite or toll-free
numbers."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.articles_tests.migrations import at_migration
from tickets import phones
from tickets.models import Team, Ticket

from .conftest import OPEN_MOMENT

URL = reverse("tickets:cancel_flow")
GOOD_SLOT = "2026-06-03T18:00+00:00"  # 11:00 AM PT on the open Wednesday
US_AND_CANADA = "We can call mobile and landline numbers in the United States and Canada."


def submit(client, clock, data):
    clock(OPEN_MOMENT)
    page = client.post(URL, data)
    return page, html.unescape(page.content.decode())


@pytest.mark.parametrize("phone", [
    pytest.param("+1 900 555 0100", id="US premium rate 900"),
    pytest.param("(900) 555-0100", id="US premium rate 900, written nationally"),
    pytest.param("+44 909 879 0000", id="UK premium rate 909"),
    pytest.param("+881 6 1234 5678", id="Iridium satellite +881 6"),
    pytest.param("+8816 1234 5678", id="satellite written +8816"),
    # Toll-free numbers cost us nothing, but they are a business's line, not the customer's
    # own phone: the callback is a conversation with this customer, so they are refused.
    pytest.param("+1 800 555 0100", id="US toll-free 800"),
    pytest.param("+1 876 555 1234", id="Jamaica shares +1 but is not called"),
])
def test_numbers_a_fraudster_profits_from_are_refused_with_the_numbers_we_call(
        client, cancel_demo, clock, callback_data, phone):
    page, text = submit(client, clock, callback_data(slot=GOOD_SLOT, phone=phone))
    assert page.status_code == 200
    assert US_AND_CANADA in text
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(("phone", "stored"), [
    ("(415) 555-2671", "+14155552671"),          # a US number, written nationally
    ("+1 415 555 2671", "+14155552671"),
    ("613-555-0123", "+16135550123"),            # Ottawa, Canada: national format works too
])
def test_us_and_canadian_numbers_are_accepted_and_normalised(
        client, cancel_demo, clock, callback_data, phone, stored):
    page, _ = submit(client, clock, callback_data(slot=GOOD_SLOT, phone=phone))
    assert page.status_code == 302
    assert Ticket.objects.get().callback.phone == stored


def test_a_number_of_another_country_is_refused_until_the_team_calls_that_country(
        client, cancel_demo, clock, callback_data):
    page, text = submit(client, clock, callback_data(slot=GOOD_SLOT, phone="+44 20 7946 0958"))
    assert page.status_code == 200 and US_AND_CANADA in text
    assert not Ticket.objects.exists()

    team = Team.objects.get(slug="business-solutions")
    team.callback_countries = "US,CA,GB"
    team.save()  # also invalidates the cached page
    page, text = submit(client, clock, callback_data(slot=GOOD_SLOT, phone="+44 20 7946 0958"))
    assert page.status_code == 302
    assert Ticket.objects.get().callback.phone == "+442079460958"


def test_the_form_says_up_front_whose_numbers_are_called(client, cancel_demo, clock):
    clock(OPEN_MOMENT)
    text = html.unescape(client.get(URL).content.decode())
    assert "Mobile or landline in the United States or Canada, as you usually write it." in text


def test_numbers_without_a_country_code_are_read_as_the_first_countrys():
    assert phones.normalise_phone("020 7946 0958", ["GB", "US"]) == "+442079460958"
    assert phones.normalise_phone("+1 415 555 2671", ["GB", "US"]) == "+14155552671"
    with pytest.raises(ValidationError) as error:
        phones.normalise_phone("+44 20 7946 0958", ["DE"])
    assert error.value.code == "phone_country_not_called"
    assert error.value.messages == ["We can call mobile and landline numbers in Germany."]
    with pytest.raises(ValidationError) as error:
        phones.normalise_phone("+1 900 555 0100", ["US"])
    assert error.value.code == "phone_type_not_called"


def test_the_help_text_says_how_to_write_numbers_of_the_other_countries():
    assert phones.phone_help_text(["US", "CA"]) == (
        "Mobile or landline in the United States or Canada, as you usually write it.")
    assert phones.phone_help_text(["US", "GB"]) == (
        "Mobile or landline in the United States or the United Kingdom, as you usually write it. "
        "Outside the United States, start with + and the country code.")


def test_callback_countries_are_validated_and_normalised(db):
    team = Team(name="X", slug="x", callback_countries=" us, ca ,us")
    team.full_clean()
    assert team.callback_countries == "US,CA"
    for bad in ("", "ZZ", "US,XX", "USA"):
        with pytest.raises(ValidationError) as error:
            Team(name="X", slug="x", callback_countries=bad).full_clean()
        assert "callback_countries" in error.value.message_dict


def test_a_new_team_calls_the_default_countries(db):
    assert Team.objects.create(name="X", slug="x").callback_regions == ["US"]


def test_loading_the_demo_gives_existing_teams_us_and_canada(db):
    Team.objects.create(name="Old", slug="business-solutions", callback_countries="GB")
    from demo import tickets as demo

    demo.load()
    demo.load()
    assert set(Team.objects.values_list("callback_countries", flat=True)) == {"US,CA"}


def admin_data(team, **overrides):
    data = {
        "name": team.name, "slug": team.slug, "cancel_flow_role": "", "time_zone": "America/Los_Angeles",
        "holiday_country": "US", "holiday_subdivision": "", "phone": "", "phone_note": "", "chat_url": "",
        "callback_minutes": 30, "callback_lead_minutes": 15, "callback_countries": "US",
        "opening_hours-TOTAL_FORMS": 0, "opening_hours-INITIAL_FORMS": 0,
        "schedule_exceptions-TOTAL_FORMS": 0, "schedule_exceptions-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_the_admin_refuses_unknown_region_codes_and_saves_good_ones(admin_client, db):
    team = Team.objects.create(name="Night desk", slug="night-desk")
    url = f"/admin/tickets/team/{team.pk}/change/"
    page = admin_client.post(url, admin_data(team, callback_countries="US, XX, Narnia"))
    assert page.status_code == 200
    assert "XX, NARNIA: not a country code with phone numbers" in html.unescape(page.content.decode())
    team.refresh_from_db()
    assert team.callback_countries == "US"
    page = admin_client.post(url, admin_data(team, callback_countries="ca us"))
    assert page.status_code == 302
    team.refresh_from_db()
    assert team.callback_countries == "CA,US"


def test_the_admin_team_page_offers_the_callback_countries(admin_client, db):
    team = Team.objects.create(name="Night desk", slug="night-desk")
    page = admin_client.get(f"/admin/tickets/team/{team.pk}/change/").content.decode()
    assert 'name="callback_countries"' in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_teams_the_default_countries():
    with at_migration("tickets", "0003_ticket_post") as apps:
        apps.get_model("tickets", "Team").objects.create(name="Old team", slug="old-team")
    assert Team.objects.get(slug="old-team").callback_countries == "US"
