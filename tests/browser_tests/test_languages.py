"""The language a browser gets and the switcher, in a real browser (README, "Languages")."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import report

pytestmark = pytest.mark.django_db(transaction=True)


# The switcher's accessible name, in the page's language.
SWITCHER_NAME = re.compile(r"^(Language|Idioma|Sprache)$")


def focus_by_tab(page, name: str, limit: int = 10):
    """Press Tab until the link named ``name`` has the focus (as a keyboard user does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name!r} not reached with Tab")


@pytest.mark.browser_context(locale="es-ES")
def test_a_spanish_browser_lands_in_spanish_and_switches_to_english_by_keyboard(page, live_server, check,
                                                                                  make_article):
    article = make_article(title="Cancel your plan", body="Open Billing and choose Cancel.")

    page.goto(article.get_absolute_url())
    assert page.url == live_server.url + "/es" + article.get_absolute_url()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    switcher = page.get_by_role("navigation", name=SWITCHER_NAME)
    expect(switcher.locator("[aria-current=true]")).to_have_text("Español")
    check("article in Spanish")

    focus_by_tab(page, "English")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url + article.get_absolute_url()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(switcher.locator("[aria-current=true]")).to_have_text("English")
    check("article in English")

    # Remembered: the Spanish browser stays in English on the next unprefixed page.
    page.goto("/")
    assert page.url == live_server.url + "/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert not check.found, report(check.found)


def test_the_switcher_fits_a_small_phone(page, make_article):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    switcher = page.get_by_role("navigation", name=SWITCHER_NAME)
    for name in ("English", "Español", "Deutsch"):
        expect(switcher.get_by_role("link", name=name)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    switcher.get_by_role("link", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert page.url.endswith("/de/")
