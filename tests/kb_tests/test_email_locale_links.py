"""With locale URL prefixes in place (``tests/locale_urls.py``, the site's own URLconf
once it has them), a visitor's request on ``/es/...`` is answered by email in Spanish with
links to ``/es/...`` pages, a German follower's digest links to ``/de/...`` pages, and an
English visitor keeps the unprefixed URLs."""

import re

import pytest
from django.utils import translation

from articles import services as article_services
from articles.translations.services import article_translation_save
from tickets.models import Ticket

SITE = "https://help.lumora.example"
LINKS = re.compile(re.escape(SITE) + r"(/\S*)")


@pytest.fixture(autouse=True)
def _locale_urls(settings):
    settings.ROOT_URLCONF = "tests.locale_urls"
    settings.KB_SITE_URL = SITE
    settings.KB_NOTIFY_BATCH_SECONDS = 0
    if "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
                          "django.middleware.locale.LocaleMiddleware")
        settings.MIDDLEWARE = middleware
    yield
    translation.activate("en")  # LocaleMiddleware leaves the last request's language active


def links_in(body: str) -> list[str]:
    return LINKS.findall(body)


def request_data(**overrides):
    return {"email": "robin@example.com", "subject": "No puedo cancelar", "description": "¿Cómo cancelo mi plan?",
            "category": "Other", "website": "", "shown": "", **overrides}


def test_a_request_sent_from_the_spanish_form_is_answered_with_spanish_links(
        client, db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/es/requests/new/", request_data())
    assert response.status_code == 302 and response["Location"].startswith("/es/")
    assert Ticket.objects.get().locale == "es"
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "es"
    links = links_in(message.body)
    assert links and all(link.startswith("/es/") for link in links)


def test_an_english_request_keeps_the_unprefixed_links(client, db, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/requests/new/", request_data(subject="I cannot cancel"), HTTP_ACCEPT_LANGUAGE="en")
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "en"
    links = links_in(message.body)
    assert links and not any(link.startswith(("/es/", "/de/")) for link in links)


def test_a_german_follower_gets_links_to_the_german_pages(
        client, make_article, make_user, mailoutbox, django_capture_on_commit_callbacks):
    article = make_article(title="Cancel your plan", body="Open Billing.")
    german = article_translation_save(article=article, locale="de", title="Tarif kündigen", body="Abrechnung.",
                                      draft=False)
    hans, asha = make_user("hans"), make_user("asha")
    client.force_login(hans)
    assert client.post(f"/de/follow/article/{article.pk}/", {"following": "on"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        article_services.comment_create(author=asha, target=article, body="Danke.")
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "de" and "Tarif kündigen" in message.body
    links = links_in(message.body)
    assert links and all(link.startswith("/de/") for link in links)
    assert german.get_absolute_url().startswith("/de/")


def test_a_password_reset_asked_on_the_german_page_links_to_the_german_form(
        client, customer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/de/accounts/password-reset/", {"email": customer.email})
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "de"
    [link] = links_in(message.body)
    assert link.startswith("/de/accounts/reset/")
