"""Helpers for tests that must start Django afresh in another process: settings are read
once at import, so the production configuration can only be tested in a process that
imports them under production environment variables."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def base_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The current environment minus anything that would point the child at a shared
    database or a production setting, plus a private KB_DATA_DIR."""
    env = {k: v for k, v in os.environ.items() if k not in {
        "DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "KB_HTTPS", "CACHE_URL",
        "KB_TASK_BACKEND", "KB_SEARCH_BACKEND", "KB_SEARCH_INDEX_DIR", "DJANGO_SETTINGS_MODULE",
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "CSRF_TRUSTED_ORIGINS", "KB_TRUSTED_PROXY_COUNT",
        # Set for the browser tests of this run; a deployment must not have it.
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }}
    env.update({"KB_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "kb.settings", "PYTHONUNBUFFERED": "1"})
    env.update(overrides)
    return env


def production_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """What a real deployment sets: DEBUG off, a long random key, its host name, HTTPS."""
    production = {
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "help.example.com",
        "KB_HTTPS": "true",
    }
    return base_env(data_dir, **{**production, **overrides})


def run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", *args], env, timeout=timeout)


def run_script(env: dict[str, str], script: str, timeout: float = 120) -> dict:
    """Run `script` after django.setup() in a fresh interpreter; it must print one JSON line last."""
    prelude = "import django, json\ndjango.setup()\n"
    done = run([sys.executable, "-c", prelude + script], env, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A migrated SQLite file made once per run; tests copy it instead of migrating again."""
    data_dir = tmp_path_factory.mktemp("migrated")
    done = manage(base_env(data_dir), "migrate", "--noinput", "-v0")
    assert done.returncode == 0, done.stderr
    return data_dir / "kb.sqlite3"
