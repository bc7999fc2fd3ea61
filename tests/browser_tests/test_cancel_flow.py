"""The cancel flow walked in a real browser, on both routes.

Which route a visitor gets depends on "now", so these tests use the agents' preview
(``?at=<ISO 8601>``, a wall time in Business Solutions' zone, America/Los_Angeles) to
stand at fixed moments of Lumora's demo schedule (Monday–Friday 8:00–17:00, closed on US
public holidays).
"""

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

import demo.tickets
from kb.models import OutgoingEmail
from tickets.models import Callback

pytestmark = pytest.mark.django_db(transaction=True)

OPEN_MOMENT = "2027-06-16T10:00"  # Wednesday 10:00 AM PT, an ordinary working day
CLOSED_MOMENT = "2026-12-25T10:00"  # Friday, Christmas Day: a US public holiday


@pytest.fixture
def lumora(db):
    """Lumora's teams, opening hours and plans, as ``manage.py load_demo`` creates them."""
    demo.tickets.load()


def cancel_url(**query):
    url = reverse("tickets:cancel_flow")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def slot_option(page, label):
    """The value of the callback slot whose label starts with ``label`` (the page's script
    may append the visitor's own time in brackets)."""
    return page.locator("#id_slot option", has_text=label).get_attribute("value")


@pytest.mark.browser_context(timezone_id="Europe/Berlin")
def test_open_route_callback_reaches_the_confirmation_and_the_agent_queue(
    page, sign_in, agent, lumora
):
    sign_in(agent)
    page.goto(cancel_url(at=OPEN_MOMENT))

    expect(page.locator("#preview-banner")).to_contain_text("Wednesday, June 16, 2027, 10:00 AM")
    expect(page.locator("#office-status")).to_have_text("Open now until 5:00 PM PT")
    # The browser is in Berlin: the page adds the closing time in the visitor's zone.
    expect(page.locator("#office-status-local")).to_contain_text("in your time zone (Europe/Berlin)")
    expect(page.get_by_role("heading", name="Talk to an advisor before you go")).to_be_visible()
    expect(page.locator("#business-phone")).to_contain_text("(555) 013-2400")

    form = page.locator("#callback-form")
    form.get_by_label("Your name").fill("Robin Vale")
    form.get_by_label("Your email").fill("robin@example.com")
    form.get_by_label("Phone number to call").fill("(415) 555-2671")
    form.get_by_label("Your plan").select_option(label="Lumora Complete")
    form.get_by_label("Email you sign in to Lumora with").fill("robin.accounts@example.com")
    form.get_by_label("Why do you want to cancel?").select_option(label="It costs too much")
    form.get_by_label("Anything you'd like us to know").fill("The Complete plan is more than we need.")
    slots = form.get_by_label("When should we call?")
    # Only today's remaining hours are offered: from 10:30 (15 minutes' notice) to 16:30.
    expect(slots.locator("optgroup")).to_have_count(1)
    expect(slots.locator("optgroup")).to_have_attribute("label", "Wednesday, June 16")
    expect(slots.locator("option").nth(1)).to_contain_text("10:30 AM PT – 11:00 AM PT")
    expect(slots.locator("option").last).to_contain_text("4:30 PM PT – 5:00 PM PT")
    expect(slots.locator("option").nth(1)).to_contain_text("your time")  # 7:30 PM in Berlin
    chosen = slot_option(page, "11:00 AM PT – 11:30 AM PT")
    slots.select_option(chosen)
    form.get_by_label("I agree that Lumora may call me").check()
    form.get_by_role("button", name="Request a callback").click()

    expect(page.get_by_role("heading", name="We'll call you")).to_be_visible()
    reference = page.locator("#callback-reference").inner_text()
    assert reference
    callback = Callback.objects.select_related("ticket", "ticket__team").get(ticket__reference=reference)
    assert callback.ticket.team.name == "Business Solutions"
    assert callback.phone == "+14155552671"
    assert callback.due_at == datetime.fromisoformat(chosen)
    assert (callback.plan.name, callback.reason, callback.account_email) == (
        "Lumora Complete", "price", "robin.accounts@example.com")
    expect(page.locator("#callback-due")).to_contain_text(
        "Business Solutions will call +14155552671 on Wednesday, June 16, between 11:00 AM PT and 11:30 AM PT"
    )
    expect(page.locator("#next-steps")).to_contain_text("emailed a confirmation to robin@example.com")
    # Written to the outbox with the ticket (sending happens after commit, see kb/mail.py).
    confirmation = OutgoingEmail.objects.get(kind="tickets.callback_confirmation")
    assert confirmation.to == ["robin@example.com"]
    assert reference in confirmation.subject and reference in confirmation.body

    page.goto(reverse("tickets:agent_callbacks"))
    row = page.locator(f"#callback-queue tr[data-reference='{reference}']")
    expect(row).to_contain_text("Wed Jun 16, 11:00 AM PT")
    expect(row).to_contain_text("Robin Vale")
    expect(row).to_contain_text("Lumora Complete")
    expect(row.get_by_role("button", name=f"Claim {reference}")).to_be_visible()


def test_closed_route_offers_self_service_steps_that_follow_the_plan_switcher(page, sign_in, agent, lumora):
    sign_in(agent)
    page.goto(cancel_url(at=CLOSED_MOMENT))

    expect(page.locator("#office-status")).to_contain_text("Closed — opens Monday 8:00 AM PT")
    expect(page.locator("#chat-status")).to_contain_text("Closed — opens Monday 6:00 AM PT")
    expect(page.get_by_role("heading", name="Talk to an advisor before you go")).to_have_count(0)
    expect(page.get_by_role("heading", name="Cancel it yourself, any time")).to_be_visible()
    expect(page.locator("#plan-steps-empty")).to_be_visible()
    # The callback form offers only the next opening day, Monday after Christmas.
    expect(page.locator("#id_slot optgroup").first).to_have_attribute("label", "Monday, December 28")

    picker = page.get_by_label("Which plan do you have?")
    picker.select_option(label="Lumora Complete")
    page.get_by_role("button", name="Show the steps").click()
    steps = page.locator("#plan-steps")
    expect(steps.get_by_role("heading")).to_have_text("Steps for Lumora Complete")
    expect(steps).to_contain_text("Close my account completely")
    expect(page.locator("#export-reminder")).to_contain_text("Export your data first.")
    expect(steps.locator(".plan-link")).to_contain_text(["Export your data"])

    picker.select_option(label="Lumora Pages Premium")
    page.get_by_role("button", name="Show the steps").click()
    expect(steps.get_by_role("heading")).to_have_text("Steps for Lumora Pages Premium")
    expect(steps).to_contain_text("Lumora Pages Free")
    expect(steps).not_to_contain_text("Close my account completely")
    expect(page.locator("#export-reminder")).to_have_count(0)
    # The preview moment travels with the switcher: still the closed route.
    assert parse_qs(urlsplit(page.url).query)["at"] == [CLOSED_MOMENT]
    expect(page.locator("#office-status")).to_contain_text("Closed")

    # The choice is remembered in the session.
    page.goto(cancel_url(at=CLOSED_MOMENT))
    expect(page.locator("#plan-steps").get_by_role("heading")).to_have_text("Steps for Lumora Pages Premium")
    expect(page.get_by_label("Which plan do you have?")).to_have_value("lumora-pages-premium")


def test_visitor_reaches_the_flow_from_home_and_switches_plans_without_signing_in(page, lumora):
    page.goto(reverse("articles:home"))
    page.get_by_role("link", name="Cancel or change your plan").click()
    expect(page.get_by_role("heading", name="Cancel your account", level=1)).to_be_visible()
    assert urlsplit(page.url).path == cancel_url()

    # Whatever the real time (either route), the self-service steps and switcher are shown.
    page.goto(cancel_url(at=CLOSED_MOMENT))
    expect(page.locator("#preview-banner")).to_have_count(0)  # ?at= is for agents only

    page.get_by_label("Which plan do you have?").select_option(label="Lumora Pages Premium")
    page.get_by_role("button", name="Show the steps").click()
    expect(page.locator("#plan-steps").get_by_role("heading")).to_have_text("Steps for Lumora Pages Premium")
    page.get_by_label("Which plan do you have?").select_option(label="Lumora Complete")
    page.get_by_role("button", name="Show the steps").click()
    expect(page.locator("#plan-steps").get_by_role("heading")).to_have_text("Steps for Lumora Complete")
    expect(page).to_have_url(re.compile(r"plan=lumora-complete"))
