"""Settings for kb, read from the environment with defaults that run locally.

Everything a deployment changes comes from an environment variable. The defaults are safe
rather than convenient: DEBUG off, loopback host names only, a key generated into the data
directory (SQLite and a Whoosh index under ``var/``, console email). `make run` turns DEBUG
on; a server on a public address needs DEBUG off, SECRET_KEY and ALLOWED_HOSTS set, or it
refuses to start (kb/serving.py).
"""

import json
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_noop

from kb.storage_settings import storages_from_env

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# All mutable state of an embedded install (database, search index, uploads) lives here.
KB_DATA_DIR = Path(os.environ.get("KB_DATA_DIR") or BASE_DIR / "var").resolve()


def data_dir_secret_key(data_dir: Path) -> str:
    """The key of this data directory: generated once into ``secret_key`` (mode 600), so
    sessions survive restarts and every process on the machine signs alike. Random per
    install, never a value written in the repository, so no one can forge this site's
    signed links by reading the code. A data directory that cannot be written gets a key
    of this process only (sessions then end with it)."""
    path = data_dir / "secret_key"
    try:
        if path.exists() and (key := path.read_text().strip()):
            return key
        data_dir.mkdir(parents=True, exist_ok=True)
        temporary = data_dir / f"secret_key.{os.getpid()}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(64) + "\n")
        try:
            # link(), unlike rename(), fails if another process made the file meanwhile:
            # the first key written is the one every process uses.
            os.link(temporary, path)
        except FileExistsError:
            if not path.read_text().strip():  # an empty file left by a crash
                os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return path.read_text().strip()
    except OSError:
        return secrets.token_urlsafe(64)


# Off unless DEBUG=true is set (`make run` and the test suite set it): a deployment that
# forgets the variable must not show tracebacks and settings to its visitors.
DEBUG = env_bool("DEBUG", False)

# Without SECRET_KEY, a key generated into KB_DATA_DIR. Enough on loopback; kb/serving.py
# refuses to serve any other address with it, because machines behind a load balancer
# must share one key (and a deployment should choose and keep its own).
SECRET_KEY = os.environ.get("SECRET_KEY", "")
KB_GENERATED_SECRET_KEY = not SECRET_KEY
if KB_GENERATED_SECRET_KEY:
    SECRET_KEY = data_dir_secret_key(KB_DATA_DIR)

# Loopback names unless set; serving a public address requires setting it (kb/serving.py).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
KB_ALLOWED_HOSTS_SET = bool(os.environ.get("ALLOWED_HOSTS"))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: kb's runserver (refusing public addresses without a production
    # configuration, kb/serving.py) replaces staticfiles' one. After auth and contenttypes,
    # whose post_migrate receivers kb.apps relies on running first.
    "kb",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # /sitemap.xml (articles/sitemaps.py): its templates and the Sitemap classes.
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "markdownx",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "articles",
    "search",
    "tickets",
    "api",
    "demo",
    # Last, so its lockout template can be overridden from templates/registration/.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A view whose database connection failed answers 503 with Retry-After (kb.unavailable);
    # near the top, so its process_exception runs after every other middleware's.
    "kb.unavailable.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language (its URL prefix), then ours: the first request's negotiation and
    # the remembered choice (kb.locale). Before CommonMiddleware, as Django documents.
    "django.middleware.locale.LocaleMiddleware",
    "kb.locale.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # An object store that is down: 503 for the requests that need a file (kb/storage.py).
    "kb.storage.StorageUnavailableMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kb.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kb.context_processors.site",
                "django.template.context_processors.i18n",
                "kb.context_processors.languages",
            ],
        },
    },
]

WSGI_APPLICATION = "kb.wsgi.application"

# --- Database ------------------------------------------------------------------------
# PostgreSQL when DATABASE_URL is set; otherwise SQLite under KB_DATA_DIR. SQLite runs in
# WAL mode with BEGIN IMMEDIATE transactions and a busy timeout: measured with 8 writer
# processes, the defaults fail 32-82 % of writes with "database is locked", this gives 0.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections with a health check: a restarted PostgreSQL costs one failed
    # ping per worker, not a 500.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    DATABASES["default"].setdefault("TEST", {})
    # A database host that does not answer (down, failing over, a dropped route) must cost a
    # request seconds and a 503 page (kb.unavailable), not the kernel's two minutes and a
    # worker killed by gunicorn's timeout. ?connect_timeout= in DATABASE_URL overrides it.
    if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": KB_DATA_DIR / "kb.sqlite3",
            # Keep each worker's connection: opening one and running the PRAGMAs below
            # costs ~2 ms, more than a bare Django request. Safe with WAL: between
            # requests a connection holds no transaction and no lock.
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 600),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------
# Per-process memory by default (one machine, nothing to run). CACHE_URL=redis://host:6379/0
# shares one cache between the workers of several machines, so an invalidation made by one
# is seen by all. kb.cache.FailOpenRedisCache is Django's RedisCache failing open: while
# Redis is away every call is a miss (pages rendered from the database, writes succeed), and
# what was cached before cannot come back stale when it returns (see there).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "kb.cache.FailOpenRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "kb",
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kb-default",
        }
    }
elif CACHE_URL == "dummy://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss:// or unix://, or be locmem:// or dummy:// (got {CACHE_URL!r})."
    )

# Rendered pages for anonymous readers (kb.page_cache). It must be shared by every worker
# process, because a comment saved by one worker has to invalidate the page for all of
# them: Redis when configured, otherwise files under KB_DATA_DIR (one machine).
if CACHES["default"]["BACKEND"] == "kb.cache.FailOpenRedisCache":
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "kb-pages"}
elif CACHE_URL == "dummy://":
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": KB_DATA_DIR / "cache" / "pages",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }

# --- Auth ----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes goes first: it refuses a sign-in for a locked-out username+IP pair before
# the password is even checked (kb.security explains the one change to axes' backend).
AUTHENTICATION_BACKENDS = [
    "kb.security.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "articles:home"
LOGOUT_REDIRECT_URL = "articles:home"

# Failed sign-ins: 5 wrong passwords for one username from one IP address lock that pair
# out for 15 minutes. The pair, not the username alone, so a stranger cannot lock a real
# customer out; not the IP alone, so one office behind a NAT is not locked out by one typo-prone
# colleague. A correct password during the lockout is refused too (429, lockout page).
# On top of it, one address may fail 30 sign-ins an hour whatever the usernames (password
# spraying); then every sign-in from it waits for the hour to end (kb.security; raise it
# with KB_RATE_LIMITS={"signin.ip": "100/h"} for a large office behind one address).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No log of successful sign-ins: it is personal data we do not need (failures are what
# the lockout counts). It also keeps sign-ins without a client address (the test client,
# the shell) from writing "unknown" into an address column PostgreSQL types as inet.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "kb.security.lockout_response"  # templates/registration/locked_out.html
# Behind N reverse proxies the client address is the N-th from the right in
# X-Forwarded-For (REMOTE_ADDR is the proxy). 0 = gunicorn faces clients directly.
# One reading of it for sign-in lockouts and the form rate limits alike.
KB_TRUSTED_PROXY_COUNT = env_int("KB_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "kb.security.client_ip_or_none"
AXES_USERNAME_CALLABLE = "kb.security.client_username"
AXES_HANDLER = "kb.security.AxesHandler"


def env_rate_limits(name: str) -> dict[str, str]:
    """Overrides of the built-in form rate limits (kb.throttle), as a JSON object of
    "scope.key": "count/period", e.g. {"callback.ip": "40/h"}. Unset: the built-in rates.
    Checked here so a typo stops the start rather than the first submission."""
    value = os.environ.get(name, "").strip()
    if not value:
        return {}
    try:
        limits = json.loads(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {exc}") from None
    if not isinstance(limits, dict):
        raise ImproperlyConfigured(f'{name} must be a JSON object such as {{"callback.ip": "40/h"}}.')
    for key, rate in limits.items():
        if "." not in key:
            raise ImproperlyConfigured(f'{name}: {key!r} must name a scope and a key, such as "callback.ip".')
        if not (isinstance(rate, str) and re.fullmatch(r"\d+/\d*[smhd]", rate.replace(" ", ""))):
            raise ImproperlyConfigured(f'{name}: {key!r} must be a rate such as "20/h", "10/15m" or "3/d".')
    return limits


# Rate limits of the public forms. Production keeps the built-in rates; the load test
# (bench/load.py) raises "callback.ip", because its 50 visitors share one loopback
# address and would otherwise measure the limit instead of the request desk.
KB_RATE_LIMITS = env_rate_limits("KB_RATE_LIMITS")

# --- Static and media ----------------------------------------------------------------
# Before the first gettext_noop below: that call reads settings, after which an error
# raised here would reach manage.py as a half-read settings module instead of its message.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = KB_DATA_DIR / "staticfiles"
# The API's OpenAPI 3 description (api/schema.py) is made by drf-spectacular.
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "api.schema.ZendeskSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": "kb Help Center API",
    "DESCRIPTION": "Zendesk's Help Center API v2, as kb serves it (docs/api.md; the page /developers/).",
    "VERSION": "2",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["api.schema.api_paths_only"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_search_and_errors"],
}

MEDIA_URL = "/media/"
KB_SERVE_MEDIA = env_bool("KB_SERVE_MEDIA", True)
# Uploaded files go through two storages (kb/storage.py): "default" for article images
# (public, at /media/uploads/...), "attachments" for request and article attachments
# (private, read only by views that check who asks). Each is a local folder unless
# KB_MEDIA_STORAGE / KB_ATTACHMENTS_STORAGE=s3 points it at an S3-compatible object store,
# which is what several machines share (docs/deploy.md, "Media on shared storage"). A bad
# or incomplete configuration stops kb at start with ImproperlyConfigured.
MEDIA_ROOT = Path(os.environ.get("KB_MEDIA_ROOT") or KB_DATA_DIR / "media")
KB_ATTACHMENTS_ROOT = Path(os.environ.get("KB_ATTACHMENTS_ROOT") or KB_DATA_DIR / "attachments")
# With DEBUG off, WhiteNoise serves static files from the app server: content-hashed names
# (Cache-Control: max-age of ten years, "immutable") with gzip copies made once by
# collectstatic, so a new release busts caches by changing names, never by expiry.
STORAGES = storages_from_env(
    os.environ,
    media_root=MEDIA_ROOT,
    attachments_root=KB_ATTACHMENTS_ROOT,
    static_backend=(
        "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    ),
)

# --- I18n / time ----------------------------------------------------------------------
# The help center's languages (issue 15). The default language keeps unprefixed URLs; the
# others are served under /<code>/ (kb.i18n). Content is written in any of them: each
# category, section and article has a source locale and translations (articles.models).
# Language names here are the interface's; the switcher shows each in its own language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", gettext_noop("English")),
    ("es", gettext_noop("Spanish")),
    ("de", gettext_noop("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
# Dates and times follow the active language (Django's es/de formats: 24-hour clock); English
# keeps the help center's "5:00 PM" and "Dec 3, 2026" (kb/formats/en).
FORMAT_MODULE_PATH = ["kb.formats"]
# Off: numbers inside ids, URLs and data- attributes must stay plain digits; counts shown to
# readers (the dashboard, search analytics) use humanize's locale-aware |intcomma instead.
USE_THOUSAND_SEPARATOR = False
USE_TZ = True

# --- Email ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# A mail server that accepts the connection and then hangs must not hold a worker forever:
# the send fails after this many seconds and the task is retried.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Lumora Help Center <help@lumora.example>")

# --- Background tasks ----------------------------------------------------------------
# Immediate in development (runs after commit, in-process); the database backend with
# any number of `manage.py db_worker` processes in production (KB_TASK_BACKEND=database):
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if os.environ.get("KB_TASK_BACKEND") == "database"
            else "kb.tasks.DefaultLanguageImmediateBackend"  # django-tasks' immediate one, see there
        )
    }
}

# A task the database still shows RUNNING with no heartbeat from its worker for this many
# seconds is run again: its worker died mid-task (kb.task_workers). Workers beat every third
# of it (at most every minute), so it bounds how long recovery waits, not how long a task runs.
KB_TASK_STALE_AFTER = env_int("KB_TASK_STALE_AFTER", 300)

# --- Forms / Markdown ----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The one renderer: the editor's live preview shows exactly what will be saved.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markdown.render_markdown"
MARKDOWNX_URLS_PATH = "/agent/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/agent/markdownx/upload/"
MARKDOWNX_MEDIA_PATH = "uploads/"
MARKDOWNX_UPLOAD_MAX_SIZE = 2 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
MARKDOWNX_SKIP_RESIZE = ("image/gif",)
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 1600), "quality": 90}

# --- Search --------------------------------------------------------------------------
KB_SEARCH_BACKEND = os.environ.get("KB_SEARCH_BACKEND", "whoosh")
KB_SEARCH_INDEX_DIR = Path(os.environ.get("KB_SEARCH_INDEX_DIR") or KB_DATA_DIR / "index")
# Semantic search with sentence embeddings (search/ranking/semantic.py). On when the
# model package is installed (the Makefile installs it); false serves the purely lexical
# ranking and skips embedding documents.
KB_SEARCH_SEMANTIC = env_bool("KB_SEARCH_SEMANTIC", True)
# Hybrid retrieval: documents found by meaning alone are candidates too (search/ranking/
# dense.py); false only re-orders the lexical hits by meaning.
KB_SEARCH_HYBRID = env_bool("KB_SEARCH_HYBRID", True)
# Languages the embedding model understands: searches in them are re-ranked by meaning,
# others by words only (all-MiniLM-L6-v2 is English-only; see docs/search.md).
KB_SEARCH_SEMANTIC_LOCALES = env_list("KB_SEARCH_SEMANTIC_LOCALES", ["en"])
# How the lexical and semantic candidates are fused: "weighted" or "rrf" (fusion.py).
KB_SEARCH_FUSION = os.environ.get("KB_SEARCH_FUSION", "weighted")
# Whoosh: per-process memory for the postings arrays search ranks with (search/ranking/
# bm25.py); the common terms of 100k articles take ~10 MB.
KB_SEARCH_POSTINGS_CACHE_MB = env_int("KB_SEARCH_POSTINGS_CACHE_MB", 32)
# PostgreSQL: rank common words through the RUM extension's indexes when the server has
# them (search/backends/postgres.py); false takes the no-RUM path (docs/search.md).
KB_SEARCH_POSTGRES_RUM = env_bool("KB_SEARCH_POSTGRES_RUM", True)

# --- Security ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
KB_HTTPS = env_bool("KB_HTTPS", not DEBUG)
if KB_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content Security Policy: our pages need no inline script or style.
from csp.constants import NONE, SELF

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Site ----------------------------------------------------------------------------
KB_SITE_NAME = os.environ.get("KB_SITE_NAME", "Lumora Help Center")
# Absolute links in emails (unsubscribe, request links) are built from this address.
KB_SITE_URL = os.environ.get("KB_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Canonical URLs, sitemaps and feeds use KB_SITE_URL when it is set, else the address the
# request came to (the development default above is not a public address).
KB_SITE_URL_SET = bool(os.environ.get("KB_SITE_URL"))
# Follower emails: everything within this window arrives as one digest.
KB_NOTIFY_BATCH_SECONDS = env_int("KB_NOTIFY_BATCH_SECONDS", 300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # With DEBUG off Django would mail 500 tracebacks to ADMINS (none): print them.
        "django": {"handlers": ["console"], "level": "INFO" if DEBUG else "ERROR"},
        "axes": {"handlers": ["console"], "level": "WARNING"},
        "kb": {"handlers": ["console"], "level": "INFO"},
        "articles": {"handlers": ["console"], "level": "INFO"},
        "tickets": {"handlers": ["console"], "level": "INFO"},
    },
}
