"""Factory fixtures shared by every test. Data is built through the same services the
site uses, so tests exercise the real write path."""

import itertools
import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from articles import services
from articles.models import Category, Section, Topic
from kb.permissions import AGENTS_GROUP
from search.backends.base import reset_backends
from tests.services import redis_server  # noqa: F401  (a fixture, shared)

PASSWORD = "kb-test-pass-2026"

# Property-based tests (security_tests/test_fuzz.py). "ci", the default: few examples per
# test, the same ones on every run (derandomized), so `make test` stays within its time and
# a failure is reproducible. HYPOTHESIS_PROFILE=deep for a long local run that explores
# new examples each time and remembers failing ones (in .hypothesis/).
_FIXTURE_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
hypothesis_settings.register_profile("ci", max_examples=20, derandomize=True, deadline=None, database=None,
                                     suppress_health_check=_FIXTURE_CHECKS, print_blob=True)
hypothesis_settings.register_profile("deep", max_examples=200, deadline=None, suppress_health_check=_FIXTURE_CHECKS)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
_counter = itertools.count(1)


@pytest.fixture
def use_language():
    """``use_language("es")``: reverse() and get_absolute_url() give that language's
    addresses (/es/...), whose pages the middleware serves in it, as for a visitor."""
    yield translation.activate
    translation.deactivate()


def pytest_sessionstart(session):
    """Compile the message catalogs (locale/*/django.po) when a .mo is missing or older, as
    `make messages` does: pages in Spanish and German need them, and a test run straight
    from pytest should not show English where a translation exists."""
    from django.conf import settings
    from django.core.management import call_command

    stale = [
        po for path in settings.LOCALE_PATHS for po in path.glob("*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        call_command("compilemessages", locale=[po.parent.parent.name for po in stale], verbosity=0)


@pytest.fixture(autouse=True)
def _isolated_data_dir(settings, tmp_path):
    """Uploads and the search index of each test live in a fresh temporary directory."""
    settings.KB_DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KB_ATTACHMENTS_ROOT = tmp_path / "attachments"
    settings.KB_SEARCH_INDEX_DIR = tmp_path / "index"
    # A fresh page cache per test (CACHES changing resets Django's cache handlers).
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)},
    }


@pytest.fixture(autouse=True)
def _lexical_search_by_default(settings):
    # Embedding every article a test saves costs ~20 ms of CPU each; semantic re-ranking
    # has its own tests (search_tests/test_semantic.py), which turn it on.
    settings.KB_SEARCH_SEMANTIC = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests create many users; PBKDF2's work factor would dominate the run time. Sign-in
    # still goes through Django's real hashing and checking, with a cheaper hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def whoosh_index(settings):
    """The real Whoosh index, in this test's temporary directory (see _isolated_data_dir).

    The backend instance is process-wide, so it is dropped before and after the test."""
    settings.KB_SEARCH_BACKEND = "whoosh"
    reset_backends()
    yield
    reset_backends()


@pytest.fixture
def make_user(db):
    def make(username=None, *, agent=False, **extra):
        username = username or f"user{next(_counter)}"
        user = get_user_model().objects.create_user(
            username=username, email=f"{username}@example.com", password=PASSWORD, **extra
        )
        if agent:
            user.groups.add(Group.objects.get(name=AGENTS_GROUP))
        return user

    return make


@pytest.fixture
def agent(make_user):
    return make_user("agent_alex", agent=True)


@pytest.fixture
def customer(make_user):
    return make_user("customer_casey")


@pytest.fixture
def other_customer(make_user):
    return make_user("customer_bo")


@pytest.fixture
def make_section(db):
    def make(name=None, category=None):
        n = next(_counter)
        category = category or Category.objects.create(name=f"Category {n}", slug=f"category-{n}")
        return Section.objects.create(category=category, name=name or f"Section {n}", slug=f"section-{n}")

    return make


@pytest.fixture
def make_article(make_section, agent):
    def make(title="How do I reset my password?", body="Open **Settings** and choose *Reset*.",
             section=None, draft=False, **kwargs):
        return services.article_create(author=kwargs.pop("author", agent), section=section or make_section(),
                                       title=title, body=body, draft=draft, **kwargs)

    return make


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Partners Team", slug="partners-team")


@pytest.fixture
def make_post(topic, customer):
    def make(title="How do I cancel my account?", body="I would like to cancel my account.", author=None):
        return services.post_create(author=author or customer, topic=topic, title=title, body=body)

    return make


@pytest.fixture
def clock(monkeypatch):
    """Set the moment every view and task believes it is (``kb.clock.now``):
    ``clock(datetime)`` returns that moment, and may be called again to move time."""

    def set_clock(moment):
        monkeypatch.setattr("kb.clock.now", lambda: moment)
        return moment

    return set_clock
