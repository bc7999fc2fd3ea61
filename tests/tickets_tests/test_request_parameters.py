"""Numbers and moments typed into requests never crash a page (issue 13): a bad value gets
a form error, a 4xx, or the page's default, and nothing stored breaks a page later."""

import pytest
from django.urls import reverse
from django.utils import timezone

from search.index import index_rebuild
from tickets.models import Ticket
from tickets.services import requests as services

from .conftest import OPEN_MOMENT

NEW = reverse("tickets:request_create")
CANCEL = reverse("tickets:cancel_flow")
BAD_NUMBERS = ["99999999999999999999", "²", "-1", "1e3", "\x00", "١٢", "0", " ", "9" * 400]
BAD_MOMENTS = ["9999-12-31T23:00", "9999-12-31T23:00+00:00", "0001-01-01T00:00", "0001-01-01T00:00-08:00",
               "2026-06-03T10:00\x00", "²", "tomorrow-ish", "1e3", "-1", "99999999999999999999"]

pytestmark = pytest.mark.usefixtures("whoosh_index")


@pytest.fixture
def article(make_article):
    made = make_article(title="How do I reset my password?", body="Open Settings and choose Reset password.")
    index_rebuild()
    return made


def send_request(client, django_capture_on_commit_callbacks, **overrides):
    data = {"email": "robin@example.com", "subject": "Invoices are missing", "description": "May is missing.",
            "category": "Other", "website": "", "shown": "", **overrides}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(NEW, data)


# --- the request form ------------------------------------------------------------------


@pytest.mark.parametrize("shown", [*BAD_NUMBERS, "1,99999999999999999999", "²,-1,1e3", "123456789"])
def test_a_request_with_junk_shown_ids_is_saved_and_its_pages_still_render(
        client, agent, article, django_capture_on_commit_callbacks, shown):
    response = send_request(client, django_capture_on_commit_callbacks, shown=shown)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert all(0 < pk < 2**63 for pk in ticket.suggested_article_ids)
    assert 123456789 not in ticket.suggested_article_ids  # only articles that exist are kept
    assert client.get(response.url).status_code == 200  # the confirmation page
    client.force_login(agent)
    assert client.get(reverse("tickets:agent_ticket", args=[ticket.reference])).status_code == 200


def test_valid_shown_ids_of_existing_articles_are_kept(client, article, django_capture_on_commit_callbacks):
    send_request(client, django_capture_on_commit_callbacks, shown=f"{article.pk},99999999999999999999")
    assert article.pk in Ticket.objects.get().suggested_article_ids


def test_a_ticket_stored_with_an_overflowing_id_still_renders(client, agent, customer):
    """Tickets saved before the fix may hold such ids: the pages read around them."""
    ticket, _ = services.request_create(email=customer.email, subject="Old", description="Saved before.",
                                        category="Other", at=timezone.now())
    Ticket.objects.filter(pk=ticket.pk).update(suggested_article_ids=[99999999999999999999])
    client.force_login(agent)
    assert client.get(reverse("tickets:agent_ticket", args=[ticket.reference])).status_code < 500


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_a_junk_from_article_is_ignored(client, article, django_capture_on_commit_callbacks, value):
    assert client.get(NEW, {"from_article": value}).status_code == 200
    response = send_request(client, django_capture_on_commit_callbacks, from_article=value)
    assert response.status_code == 302
    assert Ticket.objects.get().from_article is None


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_deflecting_with_a_junk_article_id_is_not_found(client, article, value):
    assert client.post(reverse("tickets:request_deflect"), {"article": value}).status_code == 404


# --- agents' pages ---------------------------------------------------------------------


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_the_agent_queue_ignores_junk_team_and_assignee_filters(client, agent, value):
    client.force_login(agent)
    response = client.get(reverse("tickets:agent_queue"), {"team": value, "assignee": value, "page": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_the_dashboard_falls_back_to_thirty_days_and_the_export_refuses_a_junk_period(client, agent, value):
    client.force_login(agent)
    page = client.get(reverse("tickets:dashboard"), {"days": value})
    assert page.status_code == 200
    assert "showing 30" in page.content.decode()
    assert client.get(reverse("tickets:dashboard_csv"), {"days": value}).status_code == 400  # a CSV has no page to warn on


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_escalating_with_a_junk_team_opens_the_ticket_without_a_team_choice(client, agent, make_post, value):
    client.force_login(agent)
    response = client.post(reverse("tickets:post_escalate", kwargs={"pk": make_post().pk}), {"team": value})
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize("path", [
    "/agent/callbacks/99999999999999999999/", "/agent/posts/99999999999999999999/escalate/",
    "/contact/cancel/go/99999999999999999999/", "/articles/99999999999999999999-x/",
])
def test_an_overflowing_id_in_a_path_is_not_found(client, agent, path):
    client.force_login(agent)
    assert client.get(path).status_code in (404, 405)


# --- moments: the cancel flow preview and callback slots -------------------------------


@pytest.mark.parametrize("at", BAD_MOMENTS)
def test_an_agents_unusable_preview_moment_falls_back_to_now(client, cancel_demo, clock, agent, at):
    clock(OPEN_MOMENT)
    client.force_login(agent)
    response = client.get(CANCEL, {"at": at})
    assert response.status_code == 200
    assert "is not a moment we can preview" in response.content.decode()


def test_the_year_9999_preview_typed_in_the_address_bar_falls_back_to_now(client, cancel_demo, clock, agent):
    clock(OPEN_MOMENT)
    client.force_login(agent)
    assert client.get(CANCEL + "?at=9999-12-31T23:00").status_code == 200


@pytest.mark.parametrize("slot", BAD_MOMENTS)
def test_a_callback_slot_at_the_edge_of_the_calendar_is_refused_with_a_form_error(
        client, cancel_demo, clock, callback_data, slot):
    clock(OPEN_MOMENT)
    response = client.post(CANCEL, callback_data(slot=slot))
    assert response.status_code == 200
    assert "Choose a callback time from the list." in response.content.decode()
    assert not Ticket.objects.exists()
