"""The request desk in a real browser: a customer types a subject, a suggested article
answers it (a deflection, no ticket); the next time they send a request, follow it under
"My requests", and read the reply an agent writes in another browser."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles import services as article_services
from articles.models import Category, Section
from search.backends.base import reset_backends
from search.index import index_rebuild
from tickets.models import Deflection, Ticket, TicketMessage

from .conftest import fill_sign_in_form, report

pytestmark = pytest.mark.django_db(transaction=True)

NEW = reverse("tickets:request_create")
# A title no other article shares, so the suggestion seen is this one and no other.
ARTICLE_TITLE = "Rotate the Quillmark signing keys"


@pytest.fixture(autouse=True)
def _fresh_search_backend():
    """The backend instance is process-wide; each test has its own index directory."""
    reset_backends()
    yield
    reset_backends()


@pytest.fixture
def quillmark_article(agent):
    category = Category.objects.create(name="Security", slug="security")
    section = Section.objects.create(category=category, name="Keys", slug="keys")
    article = article_services.article_create(
        author=agent, section=section, title=ARTICLE_TITLE,
        body="Open **Settings → Security** and choose *Rotate Quillmark keys*. Old keys stop working at once.",
        draft=False,
    )
    index_rebuild()
    return article


def suggestions(page):
    return page.locator("#request-suggestion-list > li")


def test_a_suggestion_deflects_then_a_request_is_answered_by_an_agent(
    page, browser, live_server, sign_in, customer, agent, quillmark_article
):
    # 1. Typing a subject brings up the matching article; it answers the question.
    sign_in(customer)
    page.goto(NEW)
    expect(page.get_by_label("Your email")).to_have_value(customer.email)
    page.get_by_label("Subject").press_sequentially("quillmark keys", delay=20)
    suggestion = suggestions(page).filter(has_text=ARTICLE_TITLE)
    expect(suggestion).to_have_count(1)
    expect(page.locator("#request-suggestions-status")).to_contain_text("may answer your question")
    suggestion.get_by_role("button", name=re.compile(r"^This answered my question")).click()

    expect(page.get_by_role("heading", name="Glad we could help")).to_be_visible()
    expect(page.get_by_role("link", name=ARTICLE_TITLE)).to_be_visible()
    deflection = Deflection.objects.get()
    assert deflection.article == quillmark_article and deflection.query == "quillmark keys"
    assert not Ticket.objects.exists()

    # 2. Another day, another question: this one becomes a request.
    page.goto(NEW)
    page.get_by_label("Subject").fill("Quillmark keys stopped working after rotation")
    page.get_by_label("What is it about?").select_option(label="Security")
    page.get_by_label("How can we help?").fill("I rotated the keys and now every signature fails.")
    page.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("heading", name="We received your request")).to_be_visible()
    reference = page.locator("#request-reference").inner_text()
    ticket = Ticket.objects.get(reference=reference)
    assert (ticket.requester, ticket.source, ticket.status, ticket.category) == (
        customer, "request_form", "new", "Security")
    assert quillmark_article.pk in ticket.suggested_article_ids  # what the form showed is kept for the agent

    page.get_by_role("link", name="My requests").first.click()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    row = page.locator("#my-requests tbody tr", has_text=reference)
    expect(row).to_contain_text("Quillmark keys stopped working after rotation")
    expect(row).to_contain_text("New")
    row.get_by_role("link", name=reference).click()
    expect(page.locator("#conversation")).to_contain_text("No replies yet")

    # 3. An agent, in a browser of their own, answers publicly.
    agent_context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-US",
                                        timezone_id="UTC")
    agent_context.set_default_timeout(10_000)
    try:
        agent_page = agent_context.new_page()
        agent_page.goto(reverse("accounts:login"))
        fill_sign_in_form(agent_page, agent)
        agent_page.goto(reverse("tickets:agent_queue"))
        agent_page.get_by_role("link", name=reference).click()
        expect(agent_page.get_by_role("heading", name="Quillmark keys stopped working after rotation")).to_be_visible()
        expect(agent_page.locator("#suggested-articles")).to_contain_text(ARTICLE_TITLE)
        agent_page.get_by_label("Reply or note").fill("Sign again with the new key: old signatures stay valid.")
        agent_page.get_by_role("button", name="Send").click()
        expect(agent_page.get_by_role("status").filter(has_text="Reply sent to the requester.")).to_be_visible()
        expect(agent_page.locator("#conversation")).to_contain_text("Sign again with the new key")
    finally:
        agent_context.close()
    reply = TicketMessage.objects.get(ticket=ticket)
    assert (reply.internal, reply.by_agent, reply.author) == (False, True, agent)

    # 4. The customer reloads their request and reads the answer.
    page.reload()
    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text("Sign again with the new key: old signatures stay valid.")
    expect(conversation).to_contain_text("Lumora support")
    expect(page.locator("#request-status")).to_have_text("Open")


def test_typing_shows_and_then_clears_suggestions_as_the_subject_changes(page, sign_in, customer, quillmark_article):
    sign_in(customer)
    page.goto(NEW)
    subject = page.get_by_label("Subject")
    subject.press_sequentially("quillmark", delay=20)
    expect(suggestions(page).filter(has_text=ARTICLE_TITLE)).to_have_count(1)

    subject.fill("q")  # too short to search: the list and its announcement are cleared
    expect(suggestions(page)).to_have_count(0)
    expect(page.locator("#request-suggestions-status")).to_have_text("Start typing a subject to see suggestions.")

    subject.fill("nothing like any article zzqx")
    expect(page.locator("#request-suggestions-status")).to_have_text("No suggestions for this subject yet.")
    expect(suggestions(page)).to_have_count(0)


def test_request_desk_pages_have_no_serious_accessibility_violations(
    page, sign_in, check, customer, agent, quillmark_article, make_post
):
    sign_in(customer)
    page.goto(NEW)
    check("request form (empty)")
    page.get_by_label("Subject").press_sequentially("quillmark keys", delay=20)
    expect(suggestions(page)).to_have_count(1)
    check("request form (suggestions shown)")
    page.get_by_role("button", name="Send request").click()  # description and category missing
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    check("request form (with errors)")
    page.goto(NEW + "?subject=quillmark")
    check("request form (suggestions without JavaScript)")

    page.get_by_label("Subject").fill("Quillmark keys stopped working")
    page.get_by_label("What is it about?").select_option(label="Security")
    page.get_by_label("How can we help?").fill("Every signature fails since I rotated the keys.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="We received your request")).to_be_visible()
    check("request sent")
    reference = page.locator("#request-reference").inner_text()
    ticket = Ticket.objects.get(reference=reference)
    page.goto(reverse("tickets:request_list"))
    check("my requests")
    page.goto(reverse("tickets:request_detail", args=[reference]))
    check("request detail")
    page.get_by_role("button", name="Send reply").click()  # empty: an error tied to the field
    expect(page.locator("#reply-form .alert-danger, #reply-form .invalid-feedback").first).to_be_visible()
    check("request detail (reply with errors)")

    page.context.clear_cookies()
    sign_in(agent)
    page.goto(reverse("tickets:agent_queue"))
    check("agent ticket queue")
    page.goto(reverse("tickets:agent_ticket", args=[ticket.reference]))
    page.get_by_label("Reply or note").fill("A note for the team.")
    page.get_by_label("Internal note (only agents see it)").check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#conversation .internal-note")).to_have_count(1)
    check("agent ticket (with an internal note)")
    post = make_post()
    page.goto(post.get_absolute_url())
    check("post (agent, escalate button)")
    page.get_by_role("button", name="Escalate to ticket").click()
    expect(page.locator("#from-post")).to_be_visible()
    check("agent ticket (escalated post)")

    assert not check.found, report(check.found)
