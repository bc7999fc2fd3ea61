"""Production settings, checked in a fresh process started with a deployment's environment."""

import shutil
import stat

import pytest

from .conftest import base_env, manage, production_env, run_script

SETTINGS_DUMP = """
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION"),
    "STATICFILES_BACKEND": settings.STORAGES["staticfiles"]["BACKEND"],
    "TASK_BACKEND": settings.TASKS["default"]["BACKEND"],
    "DB_ENGINE": settings.DATABASES["default"]["ENGINE"],
}))
"""


def test_check_deploy_reports_no_issues_with_production_settings(tmp_path):
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_check_deploy_flags_a_site_served_without_https(tmp_path):
    """The check is not vacuous: the loopback configuration of `make serve` is not production."""
    done = manage(production_env(tmp_path, KB_HTTPS="false"), "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode != 0
    assert "security.W012" in done.stderr  # SESSION_COOKIE_SECURE
    assert "security.W016" in done.stderr  # CSRF_COOKIE_SECURE


DEFAULTS_DUMP = """
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECRET_KEY": settings.SECRET_KEY,
    "KB_GENERATED_SECRET_KEY": settings.KB_GENERATED_SECRET_KEY,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
}))
"""


def test_with_nothing_set_debug_is_off_and_only_loopback_host_names_are_answered(tmp_path):
    values = run_script(base_env(tmp_path), DEFAULTS_DUMP)

    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert values["SESSION_COOKIE_SECURE"] is True


def test_without_secret_key_each_data_directory_gets_its_own_random_key_readable_by_its_owner_only(tmp_path):
    """No signing key is written in the repository: reading the code forges no link."""
    first = run_script(base_env(tmp_path / "one"), DEFAULTS_DUMP)
    again = run_script(base_env(tmp_path / "one"), DEFAULTS_DUMP)
    other = run_script(base_env(tmp_path / "two"), DEFAULTS_DUMP)

    key_file = tmp_path / "one" / "secret_key"
    assert first["KB_GENERATED_SECRET_KEY"] is True
    assert first["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first["SECRET_KEY"]) >= 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert again["SECRET_KEY"] == first["SECRET_KEY"]  # sessions survive a restart
    assert other["SECRET_KEY"] != first["SECRET_KEY"]
    assert not list((tmp_path / "one").glob("secret_key.*"))  # no temporary file left


def test_a_secret_key_from_the_environment_is_used_and_nothing_is_generated(tmp_path):
    values = run_script(production_env(tmp_path, SECRET_KEY="k" * 64), DEFAULTS_DUMP)

    assert values["SECRET_KEY"] == "k" * 64
    assert values["KB_GENERATED_SECRET_KEY"] is False
    assert not (tmp_path / "secret_key").exists()


def test_management_commands_need_no_set_up(tmp_path):
    done = manage(base_env(tmp_path), "check")

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_production_settings_make_cookies_secure_and_static_files_hashed(tmp_path):
    values = run_script(production_env(tmp_path), SETTINGS_DUMP)

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["STATICFILES_BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_loopback_serving_without_https_keeps_cookies_usable_over_http(tmp_path):
    """`make serve` sets KB_HTTPS=false: a Secure cookie would never come back over http://127.0.0.1."""
    values = run_script(production_env(tmp_path, KB_HTTPS="false"), SETTINGS_DUMP)

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_SSL_REDIRECT"] is False


def test_cache_url_with_redis_scheme_selects_the_shared_redis_cache(tmp_path):
    values = run_script(production_env(tmp_path, CACHE_URL="redis://cache.internal:6379/1"), SETTINGS_DUMP)

    # Django's RedisCache, failing open (kb/cache.py; tests/kb_tests/test_resilience_redis.py).
    assert values["CACHE_BACKEND"] == "kb.cache.FailOpenRedisCache"
    assert values["CACHE_LOCATION"] == "redis://cache.internal:6379/1"


def test_without_cache_url_each_process_keeps_its_own_memory_cache(tmp_path):
    values = run_script(base_env(tmp_path), SETTINGS_DUMP)

    assert values["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_an_unknown_cache_url_is_refused_with_a_clear_message(tmp_path):
    done = manage(base_env(tmp_path, CACHE_URL="memcached://cache:11211"), "check")

    assert done.returncode != 0
    assert "CACHE_URL must start with redis://" in done.stderr


def test_database_url_and_task_backend_come_from_the_environment(tmp_path):
    values = run_script(
        base_env(tmp_path, DATABASE_URL="postgres://kb:secret@db.internal:5432/kb", KB_TASK_BACKEND="database"),
        SETTINGS_DUMP,
    )

    assert values["DB_ENGINE"] == "django.db.backends.postgresql"
    assert values["TASK_BACKEND"] == "django_tasks_db.DatabaseBackend"


@pytest.fixture(scope="module")
def production_site(tmp_path_factory, migrated_sqlite):
    """Responses of a site prepared as `bin/serve` prepares one (migrated database,
    collected static files), requested through the full middleware stack."""
    data_dir = tmp_path_factory.mktemp("production")
    shutil.copy(migrated_sqlite, data_dir / "kb.sqlite3")
    env = production_env(data_dir)
    done = manage(env, "collectstatic", "--noinput", "-v0", timeout=300)
    assert done.returncode == 0, done.stderr
    return run_script(env, PRODUCTION_REQUESTS)


PRODUCTION_REQUESTS = """
from django.contrib.auth import get_user_model
from django.test import Client

get_user_model().objects.create_user("admin_ada", password="a-long-admin-pass-2026", is_staff=True)
client = Client(enforce_csrf_checks=True)
plain = client.get("/admin/login/", HTTP_HOST="help.example.com")
page = client.get("/admin/login/", secure=True, HTTP_HOST="help.example.com")
token = page.cookies["csrftoken"].value
signed_in = client.post(
    "/admin/login/?next=/admin/",
    {"username": "admin_ada", "password": "a-long-admin-pass-2026", "csrfmiddlewaretoken": token},
    secure=True, HTTP_HOST="help.example.com", HTTP_REFERER="https://help.example.com/admin/login/",
)
from django.templatetags.static import static
static_url = static("vendor/bootstrap/bootstrap.min.css")
asset = client.get(static_url, secure=True, HTTP_HOST="help.example.com", HTTP_ACCEPT_ENCODING="gzip")
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "page_status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie": {"secure": bool(page.cookies["csrftoken"]["secure"])},
    "static_url": static_url,
    "static_status": asset.status_code,
    "static_cache_control": asset.get("Cache-Control"),
    "static_encoding": asset.get("Content-Encoding"),
    "signed_in_status": signed_in.status_code,
    "session_cookie": {
        "secure": bool(signed_in.cookies["sessionid"]["secure"]),
        "httponly": bool(signed_in.cookies["sessionid"]["httponly"]),
    } if "sessionid" in signed_in.cookies else None,
}))
"""


def test_production_redirects_plain_http_to_https(production_site):
    result = production_site

    assert result["plain_status"] == 301
    assert result["plain_location"] == "https://help.example.com/admin/login/"


def test_production_sends_hsts_and_secure_cookies_over_https(production_site):
    result = production_site

    assert result["page_status"] == 200
    assert result["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert result["csrf_cookie"]["secure"] is True
    assert result["signed_in_status"] == 302
    assert result["session_cookie"] == {"secure": True, "httponly": True}


def test_production_page_forbids_inline_script_and_framing(production_site):
    headers = production_site["headers"]

    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_production_serves_hashed_static_files_compressed_with_a_long_cache_lifetime(production_site):
    result = production_site

    assert result["static_url"].startswith("/static/vendor/bootstrap/bootstrap.min.")
    assert result["static_url"] != "/static/vendor/bootstrap/bootstrap.min.css"  # content hash in the name
    assert result["static_status"] == 200
    assert result["static_cache_control"] == "max-age=315360000, public, immutable"
    assert result["static_encoding"] == "gzip"
