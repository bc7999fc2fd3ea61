"""axe-core (from npm, injected into the real page) finds no serious or critical violations.

Pages are checked with the demo content loaded, because real articles (tables, quotes,
code, long comment threads) are what readers see. The demo loads once per test, so each
test walks several pages and reports every page's violations together.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

import demo.articles
import demo.tickets
from articles.models import Article, Post
from demo.articles import DEMO_PASSWORD

from .conftest import report

pytestmark = pytest.mark.django_db(transaction=True)

# Fixed moments for the cancel flow (the agent preview, ``?at=``), in Lumora's zone.
OPEN_MOMENT = "2027-06-16T10:00"  # a Wednesday morning
CLOSED_MOMENT = "2026-12-25T10:00"  # Christmas Day, a US public holiday


@pytest.fixture
def demo_agent(db):
    """The help center's demo content; returns its agent (password DEMO_PASSWORD)."""
    demo.articles.load()
    demo.tickets.load()
    return get_user_model().objects.get(username="agent")


def test_help_center_pages_have_no_serious_accessibility_violations(page, sign_in, check, demo_agent):
    article = Article.objects.get(external_id="demo-cancel-account")
    post = Post.objects.get(title="How do I cancel my account?", topic__slug="partners-team")

    for name, url in [
        ("home", reverse("articles:home")),
        ("article", article.get_absolute_url()),
        ("post", post.get_absolute_url()),
        ("search", reverse("search:search") + "?q=cancel+account"),
        ("community", reverse("articles:topics")),
        ("topic", post.topic.get_absolute_url()),
        ("section", article.section.get_absolute_url()),
        ("category", article.section.category.get_absolute_url()),
        ("sign-in", reverse("accounts:login")),
        ("sign-up", reverse("accounts:signup")),
        ("sign-up sent", reverse("accounts:signup_sent")),
    ]:
        page.goto(url)
        check(f"{name} ({url}, signed out)")

    # Signed in, pages grow controls: comment form, follow state, agents' official buttons.
    sign_in(demo_agent, DEMO_PASSWORD)
    page.goto(post.get_absolute_url())
    for menu in page.locator("details.comment-actions").all()[:3]:
        menu.locator("summary").click()
    check("post (agent, comment actions open)")
    page.goto(article.get_absolute_url())
    check("article (agent)")
    page.goto(reverse("articles:following"))
    check("following (agent)")

    assert not check.found, report(check.found)


def test_cancel_flow_pages_have_no_serious_accessibility_violations(page, sign_in, check, agent):
    demo.tickets.load()  # Lumora's teams, hours and plans; the help-center content is not needed here
    cancel = reverse("tickets:cancel_flow")
    sign_in(agent)

    page.goto(f"{cancel}?at={OPEN_MOMENT}")
    assert page.locator("#office-status").get_attribute("data-open") == "true"
    check(f"cancel flow, open route ({OPEN_MOMENT})")

    # The same form after an empty submit: errors must be tied to their fields.
    page.get_by_role("button", name="Request a callback").click()
    page.locator(".invalid-feedback, .alert-danger").first.wait_for()
    check("cancel flow, open route, form with errors")

    page.goto(f"{cancel}?at={CLOSED_MOMENT}")
    assert page.locator("#office-status").get_attribute("data-open") == "false"
    check(f"cancel flow, closed route ({CLOSED_MOMENT}), no plan chosen")
    page.goto(f"{cancel}?at={CLOSED_MOMENT}&plan=lumora-complete")
    assert page.locator("#plan-steps").is_visible()
    check(f"cancel flow, closed route ({CLOSED_MOMENT}), Lumora Complete steps")

    page.goto(reverse("tickets:contact"))
    check("contact")
    page.goto(reverse("tickets:agent_callbacks"))
    check("agent callback queue")

    # A visitor (no preview) sees the flow at the real current time, whichever route that is.
    page.context.clear_cookies()
    page.goto(cancel)
    check("cancel flow, signed out, now")

    assert not check.found, report(check.found)


@pytest.mark.parametrize("language", ["es", "de"])
def test_pages_in_spanish_and_german_have_no_serious_accessibility_violations(use_language, page, check, settings, language):
    """Translated labels, buttons and error pages keep their accessible names, and the page
    declares its language (axe's html-has-lang / valid-lang)."""
    demo.tickets.load()
    use_language(language)
    for name, url in [
        ("home", reverse("articles:home")),
        ("search", reverse("search:search") + "?q=cancelar"),
        ("contact", reverse("tickets:contact")),
        ("cancel flow", reverse("tickets:cancel_flow")),
        ("request form", reverse("tickets:request_create")),
        ("sign-in", reverse("accounts:login")),
        ("404", f"/{language}/no-such-page/"),
    ]:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        check(f"{name} ({url}, {language})")
    assert not check.found, report(check.found)
