"""The embedded SQLite configuration (WAL, BEGIN IMMEDIATE, busy timeout) under concurrent writers.

Each writer is a separate process with its own connection to one database file, as gunicorn
workers and the task worker are; pytest's own test database (in memory, or PostgreSQL)
could not show this, so the writers run the project's settings against a copy of a
migrated file in tmp_path.
"""

import shutil
import subprocess
import sys
import time

from .conftest import BASE_DIR, base_env, run_script

WRITERS = 6
TRANSACTIONS_PER_WRITER = 30

# Read-then-write inside one transaction: under SQLite's default DEFERRED mode this is
# the pattern that fails at once with "database is locked" (a reader cannot upgrade to a
# writer while another writer holds the lock, and the busy timeout does not apply).
WRITER = """
import os, sys, time
import django
django.setup()
from django.db import transaction
from articles.models import Category

name, go_file = sys.argv[1], sys.argv[2]
while not os.path.exists(go_file):  # start together, after the slow Django import
    time.sleep(0.005)
for i in range(int(sys.argv[3])):
    with transaction.atomic():
        existing = Category.objects.filter(slug__startswith=name).count()
        Category.objects.create(name=f"{name} {existing}", slug=f"{name}-{existing}")
print("done", name)
"""


def test_concurrent_writer_processes_never_see_database_is_locked(tmp_path, migrated_sqlite):
    shutil.copy(migrated_sqlite, tmp_path / "kb.sqlite3")
    env = base_env(tmp_path)
    go_file = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"writer{n}", str(go_file), str(TRANSACTIONS_PER_WRITER)],
            cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(WRITERS)
    ]
    time.sleep(1.5)  # let every writer finish importing Django
    go_file.touch()
    outcomes = [writer.communicate(timeout=120) for writer in writers]

    errors = "".join(stderr for _, stderr in outcomes)
    assert "database is locked" not in errors
    assert [writer.returncode for writer in writers] == [0] * WRITERS, errors
    counted = run_script(env, """
from articles.models import Category
print(json.dumps({"rows": Category.objects.filter(slug__startswith="writer").count()}))
""")
    assert counted["rows"] == WRITERS * TRANSACTIONS_PER_WRITER


HELD_LOCK = """
import sqlite3, threading, time
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

get_user_model().objects.create_user("admin_ada", password="a-long-admin-pass-2026", is_staff=True)

locked, release = threading.Event(), threading.Event()

def second_writer():
    # Another process's writer, e.g. the task worker mid-batch: holds the write lock ~1 s.
    other = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE auth_user SET first_name = 'held' WHERE username = 'admin_ada'")
    locked.set()
    time.sleep(1.0)
    other.execute("COMMIT")
    other.close()

holder = threading.Thread(target=second_writer)
holder.start()
locked.wait()
started = time.monotonic()
response = Client().post(
    "/admin/login/?next=/admin/",
    {"username": "admin_ada", "password": "a-long-admin-pass-2026"},
    HTTP_HOST="127.0.0.1",
)
waited = time.monotonic() - started
holder.join()
print(json.dumps({
    "status": response.status_code,
    "waited": waited,
    "sessions": Session.objects.count(),
    "first_name": get_user_model().objects.get(username="admin_ada").first_name,
}))
"""


def test_a_request_waits_for_a_busy_second_writer_and_then_succeeds(tmp_path, migrated_sqlite):
    """A sign-in writes a session and last_login while another connection holds the lock."""
    shutil.copy(migrated_sqlite, tmp_path / "kb.sqlite3")

    # Plain http, as `make serve` on 127.0.0.1: with KB_HTTPS on (the default) the test
    # client's http:// sign-in would be redirected to https:// before it wrote anything.
    result = run_script(base_env(tmp_path, KB_HTTPS="false"), HELD_LOCK)

    assert result["status"] == 302  # signed in, redirected to ?next
    assert result["waited"] >= 0.8  # it queued behind the held lock instead of failing
    assert result["sessions"] == 1
    assert result["first_name"] == "held"  # and the other writer's change survived too
