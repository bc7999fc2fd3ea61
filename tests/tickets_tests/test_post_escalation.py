"""Agents escalate a community post to a ticket: the author becomes the requester, the
ticket links back to the post, and escalating again finds the same open ticket."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kb.models import OutgoingEmail
from tickets.models import Team, Ticket, TicketMessage
from tickets.services import requests as services


def escalate_url(post) -> str:
    return reverse("tickets:post_escalate", kwargs={"pk": post.pk})


def solve(ticket, agent):
    return services.ticket_update(ticket=ticket, agent=agent, status="solved", priority=ticket.priority,
                                  assignee=None, at=timezone.now())


# --- the service -----------------------------------------------------------------------


def test_escalating_a_post_opens_a_ticket_for_its_author_linked_to_the_post(make_post, agent, customer):
    post = make_post(title="Billing page shows the wrong plan", body="It says **Complete** but I pay for Pages.")

    ticket = services.post_escalate(post=post, by=agent, at=timezone.now())

    assert ticket.source == Ticket.Source.COMMUNITY_POST
    assert ticket.status == Ticket.Status.NEW
    assert (ticket.requester, ticket.requester_email) == (customer, customer.email)
    assert ticket.subject == "Billing page shows the wrong plan"
    assert ticket.description == "It says **Complete** but I pay for Pages."
    assert ticket.post == post
    note = TicketMessage.objects.get(ticket=ticket)
    assert note.internal and note.author == agent and post.title in note.body


def test_the_author_is_told_by_email_where_to_follow_the_ticket(make_post, agent, customer):
    ticket = services.post_escalate(post=make_post(), by=agent, at=timezone.now())
    email = OutgoingEmail.objects.get(kind="tickets.post_escalated")
    assert email.to == [customer.email]
    assert ticket.reference in email.subject
    assert reverse("tickets:request_detail", args=[ticket.reference]) in email.body


def test_escalating_twice_returns_the_same_open_ticket_and_keeps_a_second_note(make_post, agent, make_user):
    post = make_post()
    first = services.post_escalate(post=post, by=agent, note="Looks like a billing bug.", at=timezone.now())
    second = services.post_escalate(post=post, by=make_user("agent_two", agent=True), note="Seen it too.", at=timezone.now())

    assert second.pk == first.pk
    assert Ticket.objects.filter(post=post).count() == 1
    notes = list(TicketMessage.objects.filter(ticket=first, internal=True).values_list("body", flat=True))
    assert notes[1:] == ["Looks like a billing bug.", "Seen it too."]
    assert OutgoingEmail.objects.filter(kind="tickets.post_escalated").count() == 1


def test_once_its_ticket_is_solved_a_post_can_be_escalated_again(make_post, agent):
    post = make_post()
    first = services.post_escalate(post=post, by=agent, at=timezone.now())
    solve(first, agent)

    again = services.post_escalate(post=post, by=agent, at=timezone.now())

    assert again.pk != first.pk and again.status == Ticket.Status.NEW
    assert services.post_escalate(post=post, by=agent, at=timezone.now()).pk == again.pk


def test_the_database_refuses_a_second_open_ticket_for_one_post(make_post, agent, customer):
    """What keeps two agents clicking at the same moment from opening two tickets."""
    post = make_post()
    services.post_escalate(post=post, by=agent, at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(source=Ticket.Source.COMMUNITY_POST, post=post, requester=customer,
                              requester_email=customer.email, subject="Duplicate")


def test_an_escalation_can_go_straight_to_a_team(make_post, agent):
    team = Team.objects.create(name="Billing", slug="billing")
    assert services.post_escalate(post=make_post(), by=agent, team=team, at=timezone.now()).team == team


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_only_agents_may_escalate_a_post(request, make_post, who):
    with pytest.raises(PermissionDenied):
        services.post_escalate(post=make_post(), by=request.getfixturevalue(who), at=timezone.now())
    assert not Ticket.objects.exists()


# --- the view --------------------------------------------------------------------------


def test_an_agent_escalates_from_the_post_and_lands_on_the_ticket(client, make_post, agent, customer):
    post = make_post()
    client.force_login(agent)

    response = client.post(escalate_url(post), {"note": "Please call them back."})

    ticket = Ticket.objects.get(post=post)
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:agent_ticket", args=[ticket.reference])
    assert ticket.requester == customer and ticket.source == "community_post"
    page = client.get(response["Location"]).content.decode()
    assert f"Ticket {ticket.reference} is open for this post" in page
    assert post.get_absolute_url() in page  # the ticket links back to the post
    assert "Please call them back." in page

    again = client.post(escalate_url(post))
    assert again["Location"] == response["Location"]
    assert Ticket.objects.filter(post=post).count() == 1


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_a_customer_cannot_escalate_a_post(client, request, make_post, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(escalate_url(make_post())).status_code == 403
    assert not Ticket.objects.exists()


def test_a_signed_out_visitor_is_sent_to_sign_in_and_nothing_is_escalated(client, make_post):
    response = client.post(escalate_url(make_post()))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not Ticket.objects.exists()


def test_escalating_needs_a_post_request(client, make_post, agent):
    client.force_login(agent)
    assert client.get(escalate_url(make_post())).status_code == 405
    assert not Ticket.objects.exists()


def test_escalating_needs_the_csrf_token(make_post, agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.post(escalate_url(make_post())).status_code == 403
    assert not Ticket.objects.exists()


def test_an_unknown_post_is_a_404(client, agent, db):
    client.force_login(agent)
    assert client.post(reverse("tickets:post_escalate", kwargs={"pk": 999999})).status_code == 404


def test_the_author_sees_the_escalated_ticket_under_my_requests_and_the_agents_reply(
    client, make_post, agent, customer
):
    post = make_post(title="Invoices are missing for May")
    ticket = services.post_escalate(post=post, by=agent, note="Internal: check the billing export.", at=timezone.now())
    services.ticket_reply_by_agent(ticket=ticket, agent=agent, body="We re-sent the May invoice.", internal=False,
                                   at=timezone.now())
    client.force_login(customer)

    listing = client.get(reverse("tickets:request_list")).content.decode()
    assert ticket.reference in listing and "Invoices are missing for May" in listing
    detail = client.get(reverse("tickets:request_detail", args=[ticket.reference])).content.decode()
    assert "We re-sent the May invoice." in detail
    assert "check the billing export" not in detail and "Escalated from" not in detail


def test_another_customer_cannot_see_the_escalated_ticket(client, make_post, agent, other_customer):
    ticket = services.post_escalate(post=make_post(), by=agent, at=timezone.now())
    client.force_login(other_customer)
    assert ticket.reference not in client.get(reverse("tickets:request_list")).content.decode()
    assert client.get(reverse("tickets:request_detail", args=[ticket.reference])).status_code == 404


# --- the post page ---------------------------------------------------------------------


def test_agents_see_an_escalate_button_then_a_link_to_the_open_ticket(client, make_post, agent):
    post = make_post()
    client.force_login(agent)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Escalate to ticket" in page and escalate_url(post) in page

    ticket = services.post_escalate(post=post, by=agent, at=timezone.now())
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Escalate to ticket" not in page
    assert f"Ticket {ticket.reference}" in page
    assert reverse("tickets:agent_ticket", args=[ticket.reference]) in page

    solve(ticket, agent)  # a solved ticket no longer counts: the button comes back
    assert "Escalate to ticket" in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", [None, "customer", "other_customer"])
def test_readers_who_are_not_agents_see_neither_button_nor_ticket(client, request, make_post, agent, who):
    post = make_post()
    ticket = services.post_escalate(post=post, by=agent, at=timezone.now())
    if who:
        client.force_login(request.getfixturevalue(who))
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Escalate to ticket" not in page and ticket.reference not in page
    assert escalate_url(post) not in page


def _page_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries]


def test_the_escalation_costs_agents_no_extra_query_and_readers_no_ticket_lookup(client, make_post, agent):
    post = make_post()
    url = post.get_absolute_url()
    client.get(url)  # warm-up: content types and the session are cached
    anonymous = _page_queries(client, url)
    assert not any("tickets_ticket" in sql for sql in anonymous)

    client.force_login(agent)
    client.get(url)
    before = _page_queries(client, url)
    services.post_escalate(post=post, by=agent, at=timezone.now())
    after = _page_queries(client, url)
    # The open ticket's reference is a subquery in the post's own SELECT.
    assert len(after) == len(before)
    assert sum("tickets_ticket" in sql for sql in after) == 1
