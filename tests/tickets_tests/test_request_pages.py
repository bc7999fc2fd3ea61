"""Markup of the request-desk pages that matters to people: errors tied to their fields,
a note being fixed stays a note, and repeated buttons say which article they are for."""

import re

from django.urls import reverse
from django.utils import timezone

from tickets.services import requests as services


def make_ticket(customer):
    ticket, _token = services.request_create(
        email=customer.email, subject="Invoices are missing", description="May is missing.", category="Other",
        at=timezone.now(), requester=customer)
    return ticket


def test_an_empty_reply_shows_an_error_tied_to_the_reply_box(client, customer):
    ticket = make_ticket(customer)
    client.force_login(customer)
    page = client.post(reverse("tickets:request_detail", args=[ticket.reference]), {"body": "  "}).content.decode()
    textarea = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in textarea and 'aria-describedby="reply-body-error"' in textarea
    assert re.search(r'id="reply-body-error">[^<]*\S', page)


def test_an_agents_note_with_an_error_stays_marked_internal(client, agent, customer):
    ticket = make_ticket(customer)
    client.force_login(agent)
    url = reverse("tickets:agent_ticket", args=[ticket.reference])
    page = client.post(url, {"action": "reply", "body": "", "internal": "on"}).content.decode()
    checkbox = re.search(r"<input[^>]*id=\"agent-reply-internal\"[^>]*>", page).group(0)
    assert "checked" in checkbox
    assert 'aria-describedby="agent-reply-body-error"' in page
    # Without "internal", the box comes back unchecked.
    page = client.post(url, {"action": "reply", "body": ""}).content.decode()
    assert "checked" not in re.search(r"<input[^>]*id=\"agent-reply-internal\"[^>]*>", page).group(0)


def test_the_agents_ticket_settings_are_styled_selects_with_labels(client, agent, customer):
    ticket = make_ticket(customer)
    client.force_login(agent)
    page = client.get(reverse("tickets:agent_ticket", args=[ticket.reference])).content.decode()
    for name in ("status", "priority", "assignee"):
        assert re.search(rf'<label[^>]*for="id_{name}"', page)
        assert re.search(rf'<select[^>]*name="{name}"[^>]*class="[^"]*form-select|'
                         rf'<select[^>]*class="[^"]*form-select[^"]*"[^>]*name="{name}"', page)
