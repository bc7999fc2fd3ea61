"""The agent callback queue: earliest due first, overdue highlighted, claim, outcomes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from kb.models import OutgoingEmail
from tickets.models import Callback, FlowEvent, Plan, Team, Ticket
from tickets.office_hours import Slot
from tickets.selectors import callbacks as selectors
from tickets.services import callbacks as services

from .conftest import OPEN_MOMENT

QUEUE = reverse("tickets:agent_callbacks")


@pytest.fixture
def make_callback(cancel_demo):
    team = Team.objects.get(slug="business-solutions")
    plan = Plan.objects.get(slug="lumora-complete")

    def make(due: datetime, name="Robin Example", at=OPEN_MOMENT - timedelta(days=1)):
        ticket = services.callback_request(
            team=team, name=name, email="robin@example.com", phone="+14155552671", plan=plan,
            account_email="robin@example.com", reason="price", reason_detail="", route="callback",
            slot=Slot(due, due + timedelta(minutes=30)), at=at,
        )
        return ticket.callback

    return make


def test_the_queue_is_for_agents_only(client, cancel_demo, customer):
    assert client.get(QUEUE).status_code == 302  # to sign in
    client.force_login(customer)
    assert client.get(QUEUE).status_code == 403


def test_the_queue_lists_callbacks_by_due_time_and_highlights_overdue_ones(client, make_callback, clock, agent):
    later = make_callback(OPEN_MOMENT + timedelta(hours=2), name="Later Person")
    overdue = make_callback(OPEN_MOMENT - timedelta(hours=1), name="Overdue Person")
    soon = make_callback(OPEN_MOMENT + timedelta(minutes=30), name="Soon Person")
    clock(OPEN_MOMENT)
    client.force_login(agent)
    page = client.get(QUEUE)
    html = page.content.decode()
    assert [row["callback"].pk for row in page.context["rows"]] == [overdue.pk, soon.pk, later.pk]
    assert html.index("Overdue Person") < html.index("Soon Person") < html.index("Later Person")
    assert f'id="callback-{overdue.pk}" class="callback-row table-danger overdue"' in html
    assert f'id="callback-{soon.pk}" class="callback-row"' in html
    assert "1 overdue" in html
    assert "Wed Jun 3, 9:00 AM PT" in html


def test_a_submitted_callback_appears_in_the_queue_with_its_due_time(client, cancel_demo, clock, callback_data, agent):
    clock(OPEN_MOMENT)
    client.post(reverse("tickets:cancel_flow"), callback_data(slot="2026-06-03T18:00+00:00"))
    client.force_login(agent)
    html = client.get(QUEUE).content.decode()
    assert Ticket.objects.get().reference in html
    assert "Wed Jun 3, 11:00 AM PT" in html


def test_claiming_assigns_the_ticket_and_a_second_agent_cannot_claim(client, make_callback, clock, agent, make_user):
    callback = make_callback(OPEN_MOMENT + timedelta(hours=1))
    clock(OPEN_MOMENT)
    client.force_login(agent)
    page = client.post(reverse("tickets:agent_callback_claim", args=[callback.pk]))
    assert page.status_code == 302
    callback.refresh_from_db()
    assert callback.claimed_by == agent
    assert (callback.ticket.assignee, callback.ticket.status) == (agent, "open")

    other = make_user("agent_bea", agent=True)
    client.force_login(other)
    page = client.post(reverse("tickets:agent_callback_claim", args=[callback.pk]), follow=True)
    assert "Another agent has already claimed this callback." in page.content.decode()
    callback.refresh_from_db()
    assert callback.claimed_by == agent


def test_customers_cannot_claim_or_record_outcomes(client, make_callback, customer):
    callback = make_callback(OPEN_MOMENT)
    client.force_login(customer)
    assert client.post(reverse("tickets:agent_callback_claim", args=[callback.pk])).status_code == 403
    assert client.post(reverse("tickets:agent_callback", args=[callback.pk]), {"outcome": "retained"}).status_code == 403
    callback.refresh_from_db()
    assert callback.claimed_by is None and callback.outcome == ""


@pytest.mark.parametrize("outcome", ["retained", "cancelled"])
def test_reaching_the_customer_solves_the_ticket(client, make_callback, clock, agent, outcome):
    callback = make_callback(OPEN_MOMENT)
    clock(OPEN_MOMENT)
    client.force_login(agent)
    page = client.post(reverse("tickets:agent_callback", args=[callback.pk]), {"outcome": outcome, "note": "Talked"})
    assert page.status_code == 302
    callback.refresh_from_db()
    assert (callback.done, callback.outcome, callback.attempts) == (True, outcome, 1)
    assert (callback.ticket.status, callback.ticket.assignee) == ("solved", agent)
    assert FlowEvent.objects.filter(kind="callback_outcome", detail=outcome).exists()
    assert str(callback.pk) not in [str(r["callback"].pk) for r in client.get(QUEUE).context["rows"]]


def test_no_answer_moves_the_callback_to_the_retry_slot_and_tells_the_customer(client, make_callback, clock, agent):
    callback = make_callback(OPEN_MOMENT)
    clock(OPEN_MOMENT)
    client.force_login(agent)
    client.post(reverse("tickets:agent_callback_claim", args=[callback.pk]))
    url = reverse("tickets:agent_callback", args=[callback.pk])
    page = client.post(url, {"outcome": "no_answer"})
    assert "Choose when to try again." in page.content.decode()
    page = client.post(url, {"outcome": "no_answer", "retry_slot": "2026-06-03T22:00+00:00"})  # 3:00 PM PT
    assert page.status_code == 302
    callback.refresh_from_db()
    assert callback.due_at == datetime(2026, 6, 3, 22, 0, tzinfo=UTC)
    assert (callback.done, callback.attempts, callback.claimed_by) == (False, 1, None)
    assert callback.ticket.status == "pending"
    assert OutgoingEmail.objects.filter(kind="tickets.callback_retry").exists()


def test_a_retry_slot_outside_open_hours_is_refused(client, make_callback, clock, agent):
    callback = make_callback(OPEN_MOMENT)
    clock(OPEN_MOMENT)
    client.force_login(agent)
    page = client.post(reverse("tickets:agent_callback", args=[callback.pk]),
                       {"outcome": "no_answer", "retry_slot": "2026-06-04T03:00+00:00"})  # 8 PM PT
    assert "Business Solutions is closed at that time." in page.content.decode()
    callback.refresh_from_db()
    assert callback.attempts == 0


def test_the_queue_renders_in_constant_queries(client, make_callback, clock, agent, django_assert_num_queries):
    clock(OPEN_MOMENT)
    client.force_login(agent)
    make_callback(OPEN_MOMENT)
    client.get(QUEUE)  # warm the session
    with django_assert_num_queries(5) as small:  # session, user, user+group permissions, queue
        client.get(QUEUE)
    for n in range(20):
        make_callback(OPEN_MOMENT + timedelta(minutes=30 * n), name=f"Person {n}")
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(QUEUE)
    assert len(page.context["rows"]) == 21


def test_the_queue_selector_flags_overdue_in_the_database(make_callback):
    make_callback(OPEN_MOMENT - timedelta(minutes=1))
    make_callback(OPEN_MOMENT + timedelta(minutes=1))
    assert [c.is_overdue for c in selectors.callback_queue(at=OPEN_MOMENT)] == [True, False]


def test_callback_outcome_service_requires_an_agent(make_callback, customer):
    from django.core.exceptions import PermissionDenied

    callback = make_callback(OPEN_MOMENT)
    with pytest.raises(PermissionDenied):
        services.callback_record_outcome(callback=callback, agent=customer, outcome="retained", at=OPEN_MOMENT)
    assert Callback.objects.get().outcome == ""
