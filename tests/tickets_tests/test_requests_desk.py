"""The request desk through the real stack: the request form with suggested articles,
deflections, the auto-reply with signed "solved" links, requesters following their
requests (signed in or by private link), attachments, and the agent queue."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core import mail as django_mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kb import mail, storage
from kb.models import OutgoingEmail
from search.index import index_rebuild
from tickets.models import Deflection, Ticket, TicketAttachment, TicketMessage
from tickets.services import requests as services

FAILING = "tests.kb_tests.email_backends.FailingEmailBackend"
NEW = reverse("tickets:request_create")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


pytestmark = pytest.mark.usefixtures("whoosh_index")


@pytest.fixture
def articles(make_article):
    made = [
        make_article(title="How do I reset my password?", body="Open Settings and choose Reset password."),
        make_article(title="Reset two-factor authentication", body="Reset your password and 2FA codes."),
        make_article(title="Export your contacts", body="Download a CSV of every contact."),
    ]
    index_rebuild()
    return made


def request_data(**overrides):
    data = {"email": "robin@example.com", "subject": "I cannot reset my password",
            "description": "The reset email never arrives.", "category": "Other", "website": "", "shown": ""}
    data.update(overrides)
    return data


def submit(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(NEW, request_data(**overrides))


def token_from(body: str) -> str:
    return re.search(r"/requests/t/([\w-]+)/", body).group(1)


# --- submitting ------------------------------------------------------------------------

def test_the_form_prefills_the_email_of_a_signed_in_customer(client, customer):
    client.force_login(customer)
    response = client.get(NEW)
    assert response.status_code == 200
    assert response.context["form"].initial["email"] == customer.email


def test_the_contact_page_links_to_the_request_form(client, db):
    assert NEW in client.get(reverse("tickets:contact")).content.decode()


def test_a_request_is_dated_by_the_site_clock(client, db, clock, django_capture_on_commit_callbacks):
    moment = clock(datetime(2026, 6, 3, 17, 0, tzinfo=UTC))
    assert submit(client, django_capture_on_commit_callbacks).status_code == 302
    assert Ticket.objects.get().created_at == moment


def test_suggestions_json_lists_up_to_five_published_articles(client, articles, make_article):
    make_article(title="Reset password draft", body="reset password", draft=True)
    response = client.get(reverse("tickets:request_suggest"), {"q": "reset password"})
    results = response.json()["results"]
    assert 1 <= len(results) <= 5
    assert {r["id"] for r in results} <= {a.pk for a in articles}
    assert articles[0].pk in {r["id"] for r in results}


def test_accepting_a_suggestion_records_a_deflection_and_creates_no_ticket(client, articles):
    response = client.post(reverse("tickets:request_deflect"),
                           {"article": articles[0].pk, "subject": "reset password"})
    assert response.status_code == 200
    assert "Glad we could help" in response.content.decode()
    deflection = Deflection.objects.get()
    assert (deflection.article, deflection.query) == (articles[0], "reset password")
    assert len(deflection.visitor) == 64  # a hash, not a session key
    assert not Ticket.objects.exists()


def test_the_form_without_javascript_shows_suggestions_with_deflection_buttons(client, articles):
    response = client.get(NEW, {"subject": "reset password"})
    html = response.content.decode()
    assert articles[0].title in html
    assert reverse("tickets:request_deflect") in html


def test_a_request_creates_one_new_ticket_and_an_auto_reply_with_signed_links(
        client, articles, mailoutbox, django_capture_on_commit_callbacks):
    response = submit(client, django_capture_on_commit_callbacks, shown=f"{articles[2].pk}")
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:request_done", args=[ticket.reference])
    assert (ticket.source, ticket.status, ticket.requester) == ("request_form", "new", None)
    assert articles[2].pk in ticket.suggested_article_ids  # shown while typing
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert ticket.reference in mailoutbox[0].subject
    assert articles[0].title in body
    assert body.count("Yes, this solved it:") <= 3 and "/requests/solved/" in body
    assert "/requests/t/" in body
    done = client.get(response["Location"])
    assert ticket.reference in done.content.decode()
    assert 1 <= len(done.context["links"]) <= 3


def test_the_signed_link_marks_the_ticket_solved_by_self_service_without_sign_in(
        client, articles, mailoutbox, django_capture_on_commit_callbacks):
    submit(client, django_capture_on_commit_callbacks)
    solved_url = re.search(r"Yes, this solved it: \S+(/requests/solved/\S+/)", mailoutbox[0].body).group(1)
    anonymous = client.__class__()
    assert anonymous.get(solved_url).status_code == 200
    assert Ticket.objects.get().status == "new"  # GET only asks (mail scanners follow links)
    anonymous.post(solved_url)
    ticket = Ticket.objects.get()
    assert ticket.status == "solved" and ticket.solved_by_self_service and ticket.solved_at


def test_a_tampered_solved_link_changes_nothing(client, articles, mailoutbox, django_capture_on_commit_callbacks):
    submit(client, django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    forged = services.solved_link_value(ticket, articles[0])[:-2] + "xx"
    assert client.post(reverse("tickets:request_solved", args=[forged])).status_code == 400
    assert Ticket.objects.get().status == "new"


def test_with_the_mail_server_down_the_request_keeps_one_ticket_and_the_email_is_retried(
        client, settings, articles, mailoutbox, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = FAILING
    response = submit(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Ticket.objects.count() == 1
    email = OutgoingEmail.objects.get(kind="tickets.request_received")
    assert email.status == "pending" and email.attempts == 1 and "unavailable" in email.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail.send_due_emails(at=email.next_attempt_at)["sent"] == 1
    assert Ticket.objects.count() == 1 and len(django_mail.outbox) == 1


def test_the_honeypot_refuses_the_request_and_keeps_what_was_typed(client, db):
    response = client.post(NEW, request_data(website="http://spam.example"))
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "Leave this field empty" in response.content.decode()
    assert response.context["form"]["description"].value() == "The reset email never arrives."


def test_requests_share_the_callback_forms_rate_limit_per_ip(client, settings, db):
    settings.KB_RATE_LIMITS = {"callback.ip": "2/h"}
    client.post(NEW, request_data(subject="x"))
    client.post(NEW, request_data(subject="x"))
    assert client.post(NEW, request_data()).status_code == 429
    assert not Ticket.objects.exists()


def test_an_overlong_subject_is_refused_with_a_message(client, db):
    response = client.post(NEW, request_data(subject="x" * 151))
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "at most 150" in response.content.decode()


def test_the_article_the_visitor_came_from_is_recorded(client, articles, django_capture_on_commit_callbacks):
    response = client.get(NEW, {"from_article": articles[1].pk})
    assert response.context["form"].initial["from_article"] == articles[1].pk
    submit(client, django_capture_on_commit_callbacks, from_article=articles[1].pk)
    assert Ticket.objects.get().from_article == articles[1]


def test_a_same_site_referer_names_the_article(client, articles):
    response = client.get(NEW, HTTP_REFERER=f"http://testserver{articles[2].get_absolute_url()}")
    assert response.context["form"].initial["from_article"] == articles[2].pk


# --- attachments -----------------------------------------------------------------------

def test_an_image_is_stored_outside_media_under_a_server_chosen_name(client, settings, db,
                                                                    django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("../../evil name.png", PNG, content_type="text/html")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW, {**request_data(), "attachments": [upload]})
    attachment = TicketAttachment.objects.get()
    assert attachment.content_type == "image/png"
    assert "/" not in attachment.original_name and ".." not in attachment.stored_name
    with storage.private_storage().open(attachment.stored_name) as stored:
        assert stored.read() == PNG
    assert settings.MEDIA_ROOT not in Path(storage.private_storage().path(attachment.stored_name)).parents


def test_a_script_renamed_to_png_is_refused(client, db):
    upload = SimpleUploadedFile("shot.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(NEW, {**request_data(), "attachments": [upload]})
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "is not an image" in response.content.decode()


def test_a_file_over_five_megabytes_is_refused(client, db):
    upload = SimpleUploadedFile("big.txt", b"a" * (5 * 1024 * 1024 + 1), content_type="text/plain")
    response = client.post(NEW, {**request_data(), "attachments": [upload]})
    assert not Ticket.objects.exists() and "larger than 5 MB" in response.content.decode()


# --- requesters ------------------------------------------------------------------------

@pytest.fixture
def casey_ticket(client, customer, django_capture_on_commit_callbacks):
    client.force_login(customer)
    upload = SimpleUploadedFile("shot.png", PNG, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW, {**request_data(email=customer.email), "attachments": [upload]})
    client.logout()
    return Ticket.objects.get(requester=customer)


def test_a_signed_in_customer_sees_the_request_under_my_requests(client, customer, casey_ticket):
    client.force_login(customer)
    response = client.get(reverse("tickets:request_list"))
    assert casey_ticket.reference in response.content.decode()
    detail = client.get(reverse("tickets:request_detail", args=[casey_ticket.reference]))
    assert detail.status_code == 200 and casey_ticket.subject in detail.content.decode()


def test_my_requests_needs_sign_in(client, db):
    response = client.get(reverse("tickets:request_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_another_customer_cannot_read_reply_to_or_download_from_a_ticket(client, other_customer, casey_ticket):
    client.force_login(other_customer)
    attachment = casey_ticket.attachments.get()
    assert casey_ticket.reference not in client.get(reverse("tickets:request_list")).content.decode()
    assert client.get(reverse("tickets:request_detail", args=[casey_ticket.reference])).status_code == 404
    assert client.post(reverse("tickets:request_detail", args=[casey_ticket.reference]),
                       {"body": "mine now"}).status_code == 404
    assert client.get(reverse("tickets:request_attachment",
                              args=[casey_ticket.reference, attachment.pk])).status_code == 404
    assert client.get(reverse("tickets:request_token", args=["guess" * 8])).status_code == 404
    assert client.get(reverse("tickets:request_token_attachment",
                              args=["guess" * 8, attachment.pk])).status_code == 404
    assert client.get(reverse("tickets:request_done", args=[casey_ticket.reference])).status_code == 404
    assert not TicketMessage.objects.exists()


def test_the_owner_downloads_an_attachment_as_a_nosniff_download(client, customer, casey_ticket):
    client.force_login(customer)
    attachment = casey_ticket.attachments.get()
    response = client.get(reverse("tickets:request_attachment", args=[casey_ticket.reference, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG


def test_an_anonymous_requester_follows_and_replies_through_the_private_link(
        client, db, mailoutbox, django_capture_on_commit_callbacks):
    submit(client, django_capture_on_commit_callbacks)
    token = token_from(mailoutbox[0].body)
    ticket = Ticket.objects.get()
    assert ticket.access_token_hash == services.token_hash(token) and token not in ticket.access_token_hash
    url = reverse("tickets:request_token", args=[token])
    stranger = client.__class__()
    page = stranger.get(url)
    assert page.status_code == 200 and ticket.subject in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    stranger.post(url, {"body": "Any news?"})
    message = TicketMessage.objects.get()
    assert (message.body, message.internal, message.author_email) == ("Any news?", False, "robin@example.com")


def test_requesters_never_see_internal_notes(client, customer, agent, casey_ticket, mailoutbox,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply_by_agent(ticket=casey_ticket, agent=agent, body="Public answer", internal=False,
                                       at=casey_ticket.created_at)
        services.ticket_reply_by_agent(ticket=casey_ticket, agent=agent, body="Secret note", internal=True,
                                       at=casey_ticket.created_at)
    client.force_login(customer)
    html = client.get(reverse("tickets:request_detail", args=[casey_ticket.reference])).content.decode()
    assert "Public answer" in html and "Secret note" not in html
    replies = [m for m in mailoutbox if m.subject.startswith("Re:")]
    assert len(replies) == 1 and "Public answer" in replies[0].body and "Secret note" not in replies[0].body


# --- agents ----------------------------------------------------------------------------

QUEUE = reverse("tickets:agent_queue")


@pytest.mark.parametrize("who", ["customer", "other_customer"])
def test_non_agents_get_403_on_the_queue_and_the_ticket_page(client, request, who, casey_ticket):
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUEUE).status_code == 403
    url = reverse("tickets:agent_ticket", args=[casey_ticket.reference])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "reply", "body": "note", "internal": "on"}).status_code == 403
    assert client.post(url, {"action": "update", "status": "closed", "priority": "urgent"}).status_code == 403
    casey_ticket.refresh_from_db()
    assert casey_ticket.status == "new" and not TicketMessage.objects.exists()


def test_the_queue_needs_sign_in(client, db):
    assert client.get(QUEUE).status_code == 302


def test_services_refuse_internal_notes_and_status_changes_from_non_agents(customer, casey_ticket):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ticket_reply_by_agent(ticket=casey_ticket, agent=customer, body="x", internal=True,
                                       at=casey_ticket.created_at)
    with pytest.raises(PermissionDenied):
        services.ticket_update(ticket=casey_ticket, agent=customer, status="closed", priority="low", assignee=None,
                               at=casey_ticket.created_at)


def test_an_agent_filters_the_queue(client, agent, casey_ticket):
    Ticket.objects.create(source="callback", requester_email="a@example.com", subject="Call me", priority="high")
    client.force_login(agent)
    response = client.get(QUEUE, {"source": "request_form"})
    assert [t.reference for t in response.context["tickets"]] == [casey_ticket.reference]
    response = client.get(QUEUE, {"priority": "high"})
    assert [t.subject for t in response.context["tickets"]] == ["Call me"]
    assert client.get(QUEUE, {"status": "solved"}).context["page"].paginator.count == 0


def test_an_agent_replies_notes_assigns_and_solves(client, agent, customer, casey_ticket, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    client.force_login(agent)
    url = reverse("tickets:agent_ticket", args=[casey_ticket.reference])
    page = client.get(url)
    assert page.status_code == 200 and "Suggestions shown" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "reply", "body": "Try the reset link again."})
        client.post(url, {"action": "reply", "body": "Customer seems confused", "internal": "on"})
    client.post(url, {"action": "update", "status": "solved", "priority": "high", "assignee": agent.pk})
    casey_ticket.refresh_from_db()
    assert (casey_ticket.status, casey_ticket.priority, casey_ticket.assignee) == ("solved", "high", agent)
    assert [m.internal for m in casey_ticket.messages.all()] == [False, True]
    assert [m.to for m in mailoutbox if m.subject.startswith("Re:")] == [[customer.email]]


def test_only_agents_can_be_assigned(client, agent, customer, casey_ticket):
    client.force_login(agent)
    url = reverse("tickets:agent_ticket", args=[casey_ticket.reference])
    client.post(url, {"action": "update", "status": "open", "priority": "normal", "assignee": customer.pk})
    casey_ticket.refresh_from_db()
    assert casey_ticket.assignee is None and casey_ticket.status == "new"


def _seed(count):
    Ticket.objects.bulk_create(
        Ticket(reference=f"LUM-T{n:07d}", source="request_form", requester_email=f"r{n}@example.com",
               subject=f"Request {n}") for n in range(count))


def _queue_queries(client, django_assert_max_num_queries, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_queue_page_costs_the_same_queries_for_10_and_10000_tickets(client, agent, db,
                                                                        django_assert_max_num_queries):
    client.force_login(agent)
    _seed(10)
    few, _ = _queue_queries(client, django_assert_max_num_queries, 10)
    Ticket.objects.all().delete()
    _seed(10000)
    many, response = _queue_queries(client, django_assert_max_num_queries, 10000)
    assert few == many
    assert len(response.context["tickets"]) == 50 and response.context["page"].paginator.num_pages == 200


def test_another_agent_can_open_any_ticket_and_its_attachment(client, make_user, casey_ticket):
    client.force_login(make_user(agent=True))
    attachment = casey_ticket.attachments.get()
    assert client.get(reverse("tickets:request_attachment",
                              args=[casey_ticket.reference, attachment.pk])).status_code == 200


# --- demo ------------------------------------------------------------------------------

def test_the_demo_gives_both_customers_requests_in_every_status_once(db):
    from demo import articles as articles_demo
    from demo import tickets as demo

    articles_demo.load()
    demo.load()
    demo.load()
    tickets = Ticket.objects.filter(source="request_form")
    assert set(tickets.values_list("status", flat=True)) == set(Ticket.Status.values)
    assert set(tickets.values_list("requester__username", flat=True)) == {"customer", "customer2"}
    assert TicketMessage.objects.filter(internal=True).exists()
    assert TicketMessage.objects.filter(internal=False, author__username="agent").exists()
    assert TicketMessage.objects.count() == 2 * tickets.exclude(status="new").count()
