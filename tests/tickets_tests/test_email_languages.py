"""Emails about a ticket are in its requester's language (``Ticket.locale``, the language
of the page they asked on), whoever causes them and whenever the outbox sends them:
the auto-reply, agents' replies, the callback confirmation and the "we tried to call you"
email, and the email to the author of an escalated post."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.translations.services import article_translation_save
from kb import mail
from kb.models import OutgoingEmail
from tests import email_languages
from tests.email_languages import in_language, visiting_in
from tickets.models import Plan, Team, Ticket
from tickets.office_hours import Slot
from tickets.services import callbacks as callback_services
from tickets.services import requests as services

from .conftest import OPEN_MOMENT

rendered_in = email_languages.rendered_in  # the fixture, for this module's tests
SITE = "https://help.lumora.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.KB_SITE_URL = SITE


def request_data(**overrides):
    return {"email": "robin@example.com", "subject": "No puedo cancelar", "description": "¿Cómo cancelo mi plan?",
            "category": "Other", "website": "", "shown": "", **overrides}


def test_a_request_sent_in_spanish_is_answered_in_spanish_even_when_the_outbox_runs_under_english(
        client, db, mailoutbox, rendered_in):
    with visiting_in("es"):
        response = client.post(reverse("tickets:request_create"), request_data())
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.locale == "es"
    assert rendered_in == {"tickets/emails/request_received.txt": ["es"]}
    assert mailoutbox == []  # queued with the ticket, sent after commit

    with translation.override("en"):  # the worker sending the outbox later runs under English
        assert mail.send_due_emails(at=timezone.now() + timedelta(minutes=1))["sent"] == 1
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "es"
    assert ticket.reference in message.subject
    token_path = OutgoingEmail.objects.get().body.split(SITE, 1)[1].split()[0]
    token = token_path.rstrip("/").rsplit("/", 1)[1]
    # The private link is the Spanish page's (/es/requests/t/... once locale URLs exist).
    assert token_path == in_language("es", lambda: reverse("tickets:request_token", args=[token]))


def test_a_request_sent_in_english_is_answered_in_english(client, db, mailoutbox, rendered_in,
                                                          django_capture_on_commit_callbacks):
    with visiting_in("en"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tickets:request_create"), request_data(subject="I cannot cancel"))
    assert Ticket.objects.get().locale == "en"
    assert rendered_in == {"tickets/emails/request_received.txt": ["en"]}
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "en"
    assert "We received your request" in message.subject and "Your reference is" in message.body


def test_the_auto_reply_names_suggested_articles_by_their_translation_and_links_to_it(
        db, make_article, mailoutbox, django_capture_on_commit_callbacks):
    translated = make_article(title="Cancel your plan", body="Open Billing.")
    spanish = article_translation_save(article=translated, locale="es", title="Cancelar su plan",
                                       body="Abra Facturación.", draft=False)
    untranslated = make_article(title="Export your contacts", body="Download a CSV.")
    article_translation_save(article=untranslated, locale="es", title="Exportar (borrador)", body="…")  # a draft
    with django_capture_on_commit_callbacks(execute=True):
        services.request_create(email="robin@example.com", subject="Cancelar", description="", category="Other",
                                at=timezone.now(), suggestions=[translated, untranslated], locale="es")
    body = mailoutbox[0].body
    assert f"- Cancelar su plan\n  {SITE}{spanish.get_absolute_url()}\n" in body
    source_path = in_language("es", untranslated.get_absolute_url)
    assert f"- Export your contacts\n  {SITE}{source_path}\n" in body  # drafts are not shown
    assert "Cancel your plan" not in body and "borrador" not in body


def test_an_agent_working_in_english_replies_to_a_spanish_requester_in_spanish(
        db, agent, customer, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    with translation.override("es"):
        ticket, _token = services.request_create(email=customer.email, subject="Factura", description="",
                                                 category="Other", at=timezone.now(), requester=customer)
    rendered_in.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply_by_agent(ticket=ticket, agent=agent, body="Hola Robin.", internal=False,
                                       at=timezone.now())
    assert rendered_in == {"tickets/emails/request_reply.txt": ["es"]}
    reply = mailoutbox[-1]
    assert reply.extra_headers["Content-Language"] == "es" and "Hola Robin." in reply.body
    detail = in_language("es", lambda: reverse("tickets:request_detail", args=[ticket.reference]))
    assert f"{SITE}{detail}" in reply.body


def test_an_escalated_post_is_emailed_to_its_author_in_the_post_language(
        db, agent, make_post, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    post = make_post(title="Frage zur Rechnung", body="Wo finde ich meine Rechnung?")
    post.locale = "de"
    post.save(update_fields=["locale"])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        ticket = services.post_escalate(post=post, by=agent, at=timezone.now())
    assert ticket.locale == "de"
    assert rendered_in == {"tickets/emails/post_escalated.txt": ["de"]}
    assert mailoutbox[0].extra_headers["Content-Language"] == "de"
    assert f"{SITE}{in_language('de', post.get_absolute_url)}" in mailoutbox[0].body


# --- callbacks ------------------------------------------------------------------------------


def test_a_callback_asked_for_in_spanish_is_confirmed_in_spanish_with_a_spanish_date(
        client, cancel_demo, clock, callback_data, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    clock(OPEN_MOMENT)
    with visiting_in("es"), django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("tickets:cancel_flow"), callback_data(slot="2026-06-03T18:00+00:00"))
    assert page.status_code == 302
    assert Ticket.objects.get().locale == "es"
    assert rendered_in == {"tickets/email/callback_confirmation.txt": ["es"]}
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "es"
    # Wednesday, June 3 in Spanish words and order, from Django's own catalog and formats.
    assert "miércoles, 3 de junio" in message.body and "Wednesday" not in message.body


def test_a_missed_callback_recorded_by_an_english_speaking_agent_is_emailed_in_german(
        cancel_demo, agent, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    team = Team.objects.get(slug="business-solutions")
    due = datetime(2026, 6, 3, 18, 0, tzinfo=UTC)
    ticket = callback_services.callback_request(
        team=team, name="Robin", email="robin@example.com", phone="+14155552671",
        plan=Plan.objects.get(slug="lumora-complete"), account_email="", reason="price", reason_detail="",
        route="callback", slot=Slot(due, due + timedelta(minutes=30)), at=OPEN_MOMENT, locale="de",
    )
    retry = datetime(2026, 6, 8, 16, 0, tzinfo=UTC)  # Monday
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        callback_services.callback_record_outcome(callback=ticket.callback, agent=agent, outcome="no_answer",
                                                  retry_slot=Slot(retry, retry + timedelta(minutes=30)),
                                                  at=OPEN_MOMENT)
    assert rendered_in["tickets/email/callback_retry.txt"] == ["de"]
    message = mailoutbox[-1]
    assert message.extra_headers["Content-Language"] == "de"
    assert "Montag, 8. Juni" in message.body and "Monday" not in message.body


def test_an_english_callback_keeps_its_english_date(cancel_demo, mailoutbox, django_capture_on_commit_callbacks):
    team = Team.objects.get(slug="business-solutions")
    due = datetime(2026, 6, 3, 18, 0, tzinfo=UTC)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        callback_services.callback_request(
            team=team, name="Robin", email="robin@example.com", phone="+14155552671", plan=None,
            account_email="", reason="price", reason_detail="", route="callback",
            slot=Slot(due, due + timedelta(minutes=30)), at=OPEN_MOMENT,
        )
    assert "Wednesday, June 3 at 11:00 AM PT" in mailoutbox[0].body
    assert mailoutbox[0].extra_headers["Content-Language"] == "en"


def test_the_agent_sees_which_language_the_requester_reads(client, agent, customer):
    ticket, _token = services.request_create(email=customer.email, subject="Rechnung", description="",
                                             category="Other", at=timezone.now(), locale="de")
    client.force_login(agent)
    page = client.get(reverse("tickets:agent_ticket", args=[ticket.reference])).content.decode()
    assert "Emails to the requester are in Deutsch" in page


def test_the_agent_calling_back_sees_the_customer_language(client, cancel_demo, agent):
    due = datetime(2026, 6, 3, 18, 0, tzinfo=UTC)
    ticket = callback_services.callback_request(
        team=Team.objects.get(slug="business-solutions"), name="Lucía", email="lucia@example.com",
        phone="+14155552671", plan=None, account_email="", reason="price", reason_detail="", route="callback",
        slot=Slot(due, due + timedelta(minutes=30)), at=OPEN_MOMENT, locale="es",
    )
    client.force_login(agent)
    page = client.get(reverse("tickets:agent_callback", args=[ticket.callback.pk])).content.decode()
    assert '<dd class="col-sm-9" id="requester-language">español</dd>' in page
