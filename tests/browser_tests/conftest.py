"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

No browser is downloaded: Chromium comes from the distribution (`apt-get install chromium`)
and axe-core from npm (`make test` installs it into node_modules/).
"""

import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# inside one unless told it is safe (it is: each call here is synchronous).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser_context(**options): options for the test's Playwright browser context, "
        "e.g. timezone_id='Europe/Berlin' to be a visitor in another time zone",
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser_tests" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Each browser test creates users and signs in: at Django's default PBKDF2 cost that
    is most of the suite's time, and password hashing is not what these tests check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    # A fresh context (cookies, storage) per test on the session's one browser.
    # bypass_csp lets the test inject axe-core; the site's own pages need no inline code.
    # Locale and time zone are pinned so no result depends on the machine running the tests.
    options = {"locale": "en-US", "timezone_id": "UTC"}
    marker = request.node.get_closest_marker("browser_context")
    if marker:
        options.update(marker.kwargs)
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def fill_sign_in_form(page, user, password=None):
    """Fill and submit the sign-in form the page shows, then check it worked."""
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password or PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Signed in as")).to_contain_text(user.get_username())


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the real sign-in form."""

    def sign_in(user, password=None):
        page.goto("/accounts/login/")
        fill_sign_in_form(page, user, password)

    return sign_in


@pytest.fixture
def axe(page):
    """Run axe-core on the current page; returns the serious and critical violations."""
    if not AXE_JS.exists():
        pytest.fail("axe-core is missing: run `make test` (it installs axe-core from npm).")

    def run():
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [{"target": n["target"], "html": n["html"][:160],
                        "why": " ".join(n.get("failureSummary", "").split())[:300]}
                       for n in v["nodes"][:5]]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run


def report(found: dict) -> str:
    """Violations by page, readable in a failed assertion."""
    lines = ["axe-core found serious/critical violations:"]
    for page, violations in found.items():
        lines.append(f"{page}:")
        for v in violations:
            lines.append(f"  - {v['impact']} {v['id']}: {v['help']}")
            for node in v["nodes"]:
                lines.append(f"      {json.dumps(node['target'])} {node['html']}")
                lines.append(f"        {node['why']}")
    return "\n".join(lines)


@pytest.fixture
def check(page, axe):
    """check(name) runs axe on the current page and collects what it finds under that name."""
    found = {}

    def check(name):
        page.wait_for_load_state("load")
        violations = axe()
        if violations:
            found[name] = violations

    check.found = found
    return check
