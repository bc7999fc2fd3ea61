"""Public-form protection on the callback form: honeypot, rate limits (429 with a retry
time) and a failing mail server that never loses the ticket."""

from datetime import timedelta
from urllib.parse import quote

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kb.models import OutgoingEmail, ThrottleWindow
from tickets.models import Ticket

from .conftest import OPEN_MOMENT

URL = reverse("tickets:cancel_flow")
SLOT = "2026-06-03T18:00+00:00"
FAILING = "tests.kb_tests.email_backends.FailingEmailBackend"


def test_a_filled_honeypot_creates_no_ticket_and_says_why(client, cancel_demo, clock, callback_data):
    clock(OPEN_MOMENT)
    page = client.post(URL, callback_data(slot=SLOT, website="http://spam.example"))
    assert page.status_code == 200
    assert "This form could not be sent" in page.content.decode()
    assert not Ticket.objects.exists()


def test_too_many_posts_from_one_address_get_a_429_with_the_retry_time(client, cancel_demo, clock, callback_data,
                                                                       settings):
    settings.KB_RATE_LIMITS = {"callback.ip": "2/h"}
    clock(OPEN_MOMENT)
    for _ in range(2):
        client.post(URL, callback_data(slot=SLOT, phone="nope"))
    page = client.post(URL, callback_data(slot=SLOT))
    assert page.status_code == 429
    assert page["Retry-After"] == str(60 * 60)  # window ends at 11:00 PT
    text = page.content.decode()
    assert "try again in 1 hour" in text and 'id="retry-at"' in text
    assert not Ticket.objects.exists()


def test_one_phone_number_is_limited_across_addresses(client, cancel_demo, clock, callback_data, settings):
    settings.KB_RATE_LIMITS = {"callback.phone": "1/d"}
    clock(OPEN_MOMENT)
    assert client.post(URL, callback_data(slot=SLOT), REMOTE_ADDR="203.0.113.1").status_code == 302
    page = client.post(URL, callback_data(slot=SLOT, phone="415.555.2671"), REMOTE_ADDR="203.0.113.2")
    assert page.status_code == 429
    assert Ticket.objects.count() == 1


def test_an_agents_preview_moment_is_not_the_clock_of_the_rate_limits(client, cancel_demo, clock, callback_data,
                                                                       settings, agent):
    """An agent posting the flow ``?at=`` a year ahead counts in today's window: no window
    opens in the future, and nobody else's count is reset by it."""
    settings.KB_RATE_LIMITS = {"callback.ip": "2/h"}
    clock(OPEN_MOMENT)
    visitor = Client(REMOTE_ADDR="203.0.113.1")
    for _ in range(2):
        visitor.post(URL, callback_data(slot=SLOT, phone="nope"))
    client.force_login(agent)
    preview = URL + "?at=" + quote((OPEN_MOMENT + timedelta(days=364)).isoformat())
    answers = [client.post(preview, callback_data(slot=SLOT, phone="nope"), REMOTE_ADDR="198.51.100.9")
               for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) <= 60 * 60
    assert max(ThrottleWindow.objects.values_list("window_start", flat=True)) <= OPEN_MOMENT
    assert visitor.post(URL, callback_data(slot=SLOT)).status_code == 429
    assert not Ticket.objects.exists()


def test_a_failing_mail_server_keeps_the_ticket_and_the_email_is_sent_later(
        client, cancel_demo, clock, callback_data, settings, django_capture_on_commit_callbacks, mailoutbox):
    settings.EMAIL_BACKEND = FAILING
    clock(OPEN_MOMENT)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(URL, callback_data(slot=SLOT))
    assert page.status_code == 302
    assert Ticket.objects.count() == 1
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "mail server unavailable" in email.last_error
    assert mailoutbox == []
    # The mail server is back; the retry run sends it once it is due.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingEmail.objects.update(next_attempt_at=email.next_attempt_at - timedelta(days=1))
    call_command("send_queued_email")
    email.refresh_from_db()
    assert email.status == "sent"
    assert len(mailoutbox) == 1 and Ticket.objects.get().reference in mailoutbox[0].subject
    assert Ticket.objects.count() == 1
