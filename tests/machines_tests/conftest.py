"""One several-machines deployment for the whole module run, started from nothing: a
PostgreSQL and a Redis of the tests' own, two kb web servers (each with its own
KB_DATA_DIR, as on two machines) and two task workers, all sharing that database and cache.

Built once per session (starting it takes ~20 s); tests that stop a part start it again
before they end, and wait until every queued task has run, so the next test finds the
deployment whole and idle."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.services import RedisServer

from .servers import BASE_DIR, PostgresServer, TaskWorker, WebServer, kb_env, manage

# collectstatic with the hashed names and manifest WhiteNoise serves from, without its
# compressed copies: a third of the CPU, and these tests never ask for gzip.
COLLECTSTATIC = """
import django
from django.conf import settings
django.setup()
settings.STORAGES = {**settings.STORAGES,
                     "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""

SETUP = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from api.services import api_token_create
from articles import services
from kb.permissions import AGENTS_GROUP

User = get_user_model()
agent = User.objects.create_user("agent", email="agent@example.com", password="unused-" + "x" * 20)
agent.groups.add(Group.objects.get(name=AGENTS_GROUP))
__, token = api_token_create(user=agent, name="machines tests")
category = services.category_create(name="Accounts")
section = services.section_create(category=category, name="Signing in")
quiet = services.section_create(category=category, name="Billing")
article = services.article_create(author=agent, section=section, title="Reset your password",
                                  body="Open **Settings** and choose *Reset*.", draft=False)
followers = []
for n in range(10):
    follower = User.objects.create_user(f"follower{n}", email=f"follower{n}@example.com", password="unused-" + "x" * 20)
    services.follow_set(user=follower, target=quiet, following=True, locale="en")
    followers.append(follower.email)
print(json.dumps({"followers": followers, "token": token, "section": section.pk, "quiet_section": quiet.pk, "article": article.pk,
                  "article_path": article.get_absolute_url(), "section_path": section.get_absolute_url()}))
"""


@dataclass
class Deployment:
    postgres: PostgresServer
    redis: RedisServer
    webs: list[WebServer]
    workers: list[TaskWorker]
    env: dict[str, str]
    root: Path
    mailbox: Path
    runs: Path
    data: dict = field(default_factory=dict)

    @property
    def auth(self) -> tuple[str, str]:
        return ("agent@example.com/token", self.data["token"])

    def script(self, code: str, timeout: float = 120) -> dict:
        """Run ``code`` after django.setup() on this deployment (as a cron job or an
        operator's shell would); it prints one JSON line last."""
        done = subprocess.run([sys.executable, "-c", "import django\ndjango.setup()\n" + code], cwd=BASE_DIR,
                              env=self.env, capture_output=True, text=True, timeout=timeout, check=False)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def sql(self, statement: str) -> str:
        return self.postgres.sql(statement)

    def tasks_left(self) -> int:
        """Tasks queued or running (the deferred notification run counts until it ran)."""
        return int(self.sql("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                            "WHERE status IN ('READY', 'RUNNING')"))

    def wait_for_tasks(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.tasks_left():
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {w.name}\n{w.log()}" for w in self.workers)
                raise AssertionError(f"tasks still queued or running after {timeout} s:\n{logs}")
            time.sleep(0.1)

    def settle(self) -> None:
        """Wait for queued tasks; after a failed test, drop what it left behind (its own
        teardown reported it), so the next test starts from an idle queue."""
        try:
            self.wait_for_tasks(timeout=20)
        except AssertionError:
            self.sql("DELETE FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')")

    def mails(self, to: str | None = None) -> list[str]:
        messages = [p.read_text(errors="replace") for p in sorted(self.mailbox.glob("*.eml"))]
        return [m for m in messages if to is None or f"To: {to}" in m]

    def stop_postgres(self) -> None:
        self.postgres_stopped = True
        self.postgres.stop()

    def start_postgres(self) -> None:
        self.postgres.start()
        self.postgres_stopped = False

    def whole(self) -> None:
        """Start whatever a test stopped, and wait until the deployment is idle."""
        if not self.redis.running:
            self.redis.start()
        if self.postgres_stopped:
            self.start_postgres()
        for server in self.webs:
            if not server.running:
                server.start()
        for worker in self.workers:
            if not worker.running:
                worker.start()

    postgres_stopped: bool = False


@pytest.fixture(scope="session")
def deployment(tmp_path_factory):
    root = tmp_path_factory.mktemp("machines")
    postgres = PostgresServer().init().start()
    redis = RedisServer(root / "redis").start()
    parts: list = []
    try:
        database = postgres.create_database("kb")
        mailbox, runs = root / "mailbox", root / "task-runs"
        mailbox.mkdir()
        runs.mkdir()
        shared = {
            # What every machine of docs/deploy.md "Several machines" shares:
            "DATABASE_URL": database,
            "CACHE_URL": redis.url,
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Followers hear at once rather than after the usual five-minute batch.
            "KB_NOTIFY_BATCH_SECONDS": "0",
            # A task whose worker went silent is run again after 5 s (300 s in production).
            "KB_TASK_STALE_AFTER": "5",
            "KB_RATE_LIMITS": json.dumps({"api.user": "100000/m", "api.ip": "100000/m"}),
            "EMAIL_BACKEND": "tests.machines_tests.mailbox.DirectoryEmailBackend",
            "KB_TEST_MAILBOX": str(mailbox),
            "KB_TEST_TASK_RUNS": str(runs),
        }
        env = kb_env(root / "operator", **shared)
        # Static files are collected while the database migrates, once for both machines.
        collect = subprocess.Popen([sys.executable, "-c", COLLECTSTATIC], cwd=BASE_DIR, env=env,
                                   stderr=subprocess.PIPE, text=True)
        manage(env, "migrate", "--noinput", "-v0")
        assert collect.wait(timeout=180) == 0, collect.stderr.read()
        for n in (1, 2):
            shutil.copytree(root / "operator" / "staticfiles", root / f"machine{n}" / "staticfiles",
                            copy_function=os.link)
        webs = [WebServer(f"web{n}", root / f"machine{n}", kb_env(root / f"machine{n}", **shared))
                for n in (1, 2)]
        workers = [TaskWorker(f"worker{n}", root / f"machine{n}", kb_env(root / f"machine{n}", **shared))
                   for n in (1, 2)]
        parts = [*webs, *workers]
        deployment = Deployment(postgres=postgres, redis=redis, webs=webs, workers=workers, env=env,
                                root=root, mailbox=mailbox, runs=runs)
        deployment.data = deployment.script(SETUP)
        for worker in workers:
            worker.start()
        # bin/serve collects static files and compiles messages: start both at once.
        for server in webs:
            server.launch()
        for server in webs:
            server.wait_ready()
        yield deployment
    finally:
        for part in parts:
            part.kill()  # nothing left to keep: the quickest way down
        redis.stop()
        postgres.remove()


@pytest.fixture
def site(deployment):
    """The deployment, whole and idle before and after the test."""
    deployment.whole()
    deployment.settle()
    # Each test counts its own task runs, task rows and emails.
    for record in [*deployment.runs.iterdir(), *deployment.mailbox.iterdir()]:
        record.unlink()
    deployment.sql("DELETE FROM django_tasks_database_dbtaskresult")
    yield deployment
    deployment.whole()
    deployment.wait_for_tasks(timeout=60)


def poll(check, timeout: float, interval: float = 0.02) -> float:
    """Seconds until ``check()`` is true; fails after ``timeout``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(interval)
    return time.monotonic() - start


def get(server: WebServer, path: str, **kwargs) -> requests.Response:
    kwargs.setdefault("allow_redirects", False)
    return requests.get(server.url + path, timeout=10, **kwargs)
