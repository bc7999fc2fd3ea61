"""Fixtures of the semantic and hybrid search tests: a small help center embedded with the
real model, searched through the JSON endpoint."""

import pytest
from django.urls import reverse

from articles import services
from search.backends.base import reset_backends
from search.ranking import dense, semantic

API = reverse("search:api_articles")

SUBSCRIPTION = ("How do I cancel my subscription?",
                ("Open Account, choose Plan, then End subscription. Your plan renews every month "
                "until you end it; after that you are not charged again."))
BILLING = ("Billing history and receipts",
           ("Every charge is listed under Billing. You are billed on the first of each month; "
           "download a receipt for any charge."))
OTHERS = [
    ("Change the email address you sign in with",
     "Open Profile and type a new address under Login details."),
    ("Send a mail merge to your contacts", "A mail merge sends one mail to many contacts."),
    ("Why is my site slow?", ("Large pictures and many plugins slow a page down. Open the Speed "
                             "report to see what to compress.")),
    ("Open a page in the editor", "Open any page from the Pages list to edit it."),
]


@pytest.fixture
def semantic_on(settings):
    settings.KB_SEARCH_BACKEND = "whoosh"
    settings.KB_SEARCH_SEMANTIC = True
    reset_backends()
    semantic.clear_query_cache()
    dense.clear()
    yield settings
    reset_backends()
    dense.clear()


@pytest.fixture
def help_center(semantic_on, agent, make_section, django_capture_on_commit_callbacks):
    section = make_section()
    with django_capture_on_commit_callbacks(execute=True):
        return {title: services.article_create(author=agent, section=section, title=title,
                                               body=body, draft=False)
                for title, body in [SUBSCRIPTION, BILLING, *OTHERS]}


def titles(client, text, **params):
    response = client.get(API, {"query": text, **params})
    assert response.status_code == 200
    return [r["title"] for r in response.json()["results"]]


