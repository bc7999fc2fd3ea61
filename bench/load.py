#!/usr/bin/env python
"""Load test: simulated visitors against `make serve`'s configuration, then a check that nothing was lost.

    .venv/bin/python bench/load.py [--users 50] [--run-time 120] [--database sqlite|postgres|both]
                                   [--postgres-url postgres://kb:kb@127.0.0.1:5432/kb]
    make bench-load BENCH_ARGS="--database both"

For each database it builds a fresh site in a temporary KB_DATA_DIR (for PostgreSQL, a
temporary database created next to --postgres-url and dropped afterwards): demo data and
one account per simulated visitor. It serves it with bin/serve (gunicorn, 4 workers,
DEBUG off, the task worker alongside) on a loopback port and runs locust headless,
bounded in users and time. Visitors read (home, articles, posts, sections), search, and,
signed in, follow, vote and comment. Then it waits for the task worker to drain the queue
and prints:

- requests, 5xx responses and throttled (429) answers;
- "database is locked" and index lock errors in the server log;
- comments the server accepted vs comments found in the database;
- whether the search index is in step with the database (`manage.py check_index`).

Pass: zero 5xx, zero lock errors, every accepted comment in the database, index in step.
Loopback only; every run stops by itself.

This same file is the locustfile: locust imports it (not as __main__) to get the visitors.
"""

import argparse
import csv
import io
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

if __name__ != "__main__":  # imported by locust: define the visitors -------------------
    from locust import HttpUser, between, task

    with open(os.environ["KB_LOAD_SPEC"]) as spec_file:
        SPEC = json.load(spec_file)
    # Open for the whole run: one line per comment the server accepted (locust is one process).
    ACCEPTED = open(os.environ["KB_LOAD_ACCEPTED"], "a", buffering=1)  # noqa: SIM115
    SEARCHES = ["cancel account", "reset password", "invoice", "domain", "downgrade", "facebook ads", "refund"]

    def judge(response, ok=(200, 302)):
        """5xx are the failures we hunt; 429 (a rate limit doing its job) is reported apart."""
        if response.status_code >= 500:
            response.failure(f"5xx: HTTP {response.status_code}")
        elif response.status_code == 429:
            response.failure("throttled: HTTP 429")
        elif response.status_code not in ok:
            response.failure(f"unexpected: HTTP {response.status_code}")
        else:
            response.success()

    class Visitor(HttpUser):
        """Mostly reads and searches; a quarter of visitors sign in and take part."""

        wait_time = between(0.5, 2.0)

        def on_start(self):
            self.account = None
            if random.random() < 0.25 and SPEC["accounts"]:
                self.account = random.choice(SPEC["accounts"])
                self.client.get(SPEC["login"], name="sign-in form")
                with self.client.post(
                    SPEC["login"],
                    {"username": self.account, "password": SPEC["password"],
                     "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), "next": "/"},
                    name="sign in", catch_response=True, allow_redirects=False,
                ) as response:
                    judge(response, ok=(302,))

        def get(self, path, name):
            with self.client.get(path, name=name, catch_response=True) as response:
                judge(response, ok=(200,))

        def post(self, path, data, name):
            data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
            with self.client.post(path, data, name=name, catch_response=True, allow_redirects=False) as response:
                judge(response)
                return response

        @task(5)
        def read_article(self):
            self.get(random.choice(SPEC["articles"])["url"], "article")

        @task(3)
        def read_home_or_section(self):
            self.get(random.choice([SPEC["home"], *SPEC["sections"]]), "home/section")

        @task(2)
        def read_post(self):
            if SPEC["posts"]:
                self.get(random.choice(SPEC["posts"]), "post")

        @task(3)
        def search(self):
            self.get(f"{SPEC['search']}?q={random.choice(SEARCHES).replace(' ', '+')}", "search")

        @task(1)
        def follow(self):
            if self.account:
                article = random.choice(SPEC["articles"])
                self.post(article["follow"], {"following": random.choice(["on", "off"])}, "follow")

        @task(1)
        def vote(self):
            if self.account:
                article = random.choice(SPEC["articles"])
                self.post(article["vote"], {"helpful": random.choice(["yes", "no"])}, "vote")

        @task(1)
        def comment(self):
            if self.account:
                article = random.choice(SPEC["articles"])
                token = uuid.uuid4().hex
                response = self.post(article["comment"], {"body": f"Load test comment {token}: this helped."},
                                     "comment")
                if response.status_code == 302:
                    ACCEPTED.write(token + "\n")


# --- The orchestrator (python bench/load.py) ------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "load-visitor-pass-2026"
LOCK_ERRORS = ("database is locked", "LockError", "Lock obtained")


def seed(accounts: int) -> None:
    """Child process (KB_DATA_DIR / DATABASE_URL set): demo data + visitor accounts; prints the URLs."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.urls import reverse

    from articles.models import Article, Post, Section

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    call_command("rebuild_index", stdout=io.StringIO())
    User = get_user_model()
    names = [f"load_visitor_{n}" for n in range(accounts)]
    for name in names:
        User.objects.create_user(name, email=f"{name}@example.com", password=PASSWORD)
    articles = Article.objects.filter(draft=False).order_by("pk")[:40]
    print(json.dumps({
        "home": reverse("articles:home"),
        "search": reverse("articles:search"),
        "login": reverse("accounts:login"),
        "password": PASSWORD,
        "accounts": names,
        "articles": [
            {
                "url": article.get_absolute_url(),
                "vote": reverse("articles:article_vote", kwargs={"pk": article.pk}),
                "comment": reverse("articles:article_comment", kwargs={"pk": article.pk}),
                "follow": reverse("articles:follow", kwargs={"kind": "article", "pk": article.pk}),
            }
            for article in articles
        ],
        "posts": [post.get_absolute_url() for post in Post.objects.order_by("pk")[:20]],
        "sections": [section.get_absolute_url() for section in Section.objects.order_by("pk")[:10]],
    }))


def django_query(env: dict, code: str) -> dict:
    done = subprocess.run([PYTHON, "-c", "import django, json\ndjango.setup()\n" + code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_database(url: str, name: str, create: bool) -> str:
    """Create (or drop) a scratch database on the server of `url`; returns its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
        else:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def run_once(database: str, options) -> bool:
    data_dir = Path(tempfile.mkdtemp(prefix=f"kb-bench-load-{database}-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(KB_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="kb.settings", PYTHONPATH=str(ROOT))
    scratch = f"kb_load_{secrets.token_hex(4)}"
    if database == "postgres":
        env["DATABASE_URL"] = postgres_database(options.postgres_url, scratch, create=True)
        env["KB_SEARCH_BACKEND"] = options.postgres_search
    server = None
    try:
        print(f"\n=== {database}: seeding demo + {options.users} visitor accounts", flush=True)
        seeded = subprocess.run([PYTHON, __file__, "--seed", str(options.users)], cwd=ROOT, env=env,
                                capture_output=True, text=True, check=False)
        if seeded.returncode != 0:
            print(seeded.stdout, seeded.stderr, file=sys.stderr)
            return False
        spec_file = data_dir / "spec.json"
        spec_file.write_text(seeded.stdout.strip().splitlines()[-1])
        accepted_file = data_dir / "accepted.txt"
        accepted_file.touch()

        port = free_port()
        serve_env = {**env, "PORT": str(port), "WEB_CONCURRENCY": "4", "SECRET_KEY": secrets.token_urlsafe(50),
                     "PY": PYTHON, "KB_ACCESS_LOG": ""}
        log = data_dir / "serve.log"
        server = subprocess.Popen([str(ROOT / "bin" / "serve")], cwd=ROOT, env=serve_env, stdout=log.open("w"),
                                  stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        for _ in range(360):
            if server.poll() is not None:
                print(log.read_text(), file=sys.stderr)
                return False
            if subprocess.run(["curl", "-s", "-o", "/dev/null", base + "/"], check=False).returncode == 0:
                break
            time.sleep(0.5)

        print(f"locust: {options.users} users, {options.run_time} s, against {base} (4 workers)", flush=True)
        stats_prefix = data_dir / "locust"
        subprocess.run(
            [PYTHON, "-m", "locust", "-f", __file__, "--headless", "--only-summary",
             "-u", str(options.users), "-r", str(max(1, options.users // 10)), "-t", f"{options.run_time}s",
             "--stop-timeout", "10", "--host", base, "--csv", str(stats_prefix), "--exit-code-on-error", "0"],
            cwd=ROOT, env={**env, "KB_LOAD_SPEC": str(spec_file), "KB_LOAD_ACCEPTED": str(accepted_file)},
            timeout=options.run_time + 120, check=True,
        )

        # The worker catches up: wait until no task is queued or running (bounded).
        deadline = time.monotonic() + 180
        while True:
            # Tasks deliberately scheduled for later (run_after in the future, e.g. batched
            # follower emails) are reported, not waited for: they are safe in the database.
            pending = django_query(env, """
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
due = Q(run_after__isnull=True) | Q(run_after__lte=timezone.now())
print(json.dumps({"pending": DBTaskResult.objects.filter(due, status="READY").count()
                             + DBTaskResult.objects.filter(status="RUNNING").count(),
                  "scheduled": DBTaskResult.objects.filter(~due, status="READY").count(),
                  "failed": DBTaskResult.objects.filter(status="FAILED").count()}))
""")
            if pending["pending"] == 0 or time.monotonic() > deadline:
                break
            time.sleep(2)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, 15)
            server.wait(timeout=60)

    try:
        with open(f"{stats_prefix}_stats.csv") as handle:
            total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
        failures = {"5xx": 0, "throttled": 0, "unexpected": 0}
        with open(f"{stats_prefix}_failures.csv") as handle:
            for row in csv.DictReader(handle):
                kind = row["Error"].split(":")[0].split("(")[-1].strip("'\" ")
                failures[kind if kind in failures else "unexpected"] += int(row["Occurrences"])
        server_log = log.read_text()
        lock_errors = sum(server_log.count(marker) for marker in LOCK_ERRORS)
        tokens = [line.strip() for line in accepted_file.read_text().splitlines() if line.strip()]
        found = django_query(env, f"""
from articles.models import Comment
tokens = {tokens!r}
print(json.dumps({{"found": sum(Comment.objects.filter(body__contains=t).exists() for t in tokens)}}))
""")["found"]
        index = subprocess.run([PYTHON, "manage.py", "check_index"], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=600, check=False)

        print(f"\n--- {database} ({'KB_SEARCH_BACKEND=' + env.get('KB_SEARCH_BACKEND', 'whoosh')}) ---")
        print(f"requests: {total['Request Count']}, {float(total['Requests/s']):.1f}/s, "
              f"p50 {total['50%']} ms, p99 {total['99%']} ms")
        print(f"5xx: {failures['5xx']}   throttled (429): {failures['throttled']}   other unexpected: "
              f"{failures['unexpected']}")
        print(f"lock errors in server log: {lock_errors}")
        print(f"comments accepted: {len(tokens)}, found in database: {found}")
        print(f"tasks due but not run: {pending['pending']}, scheduled for later: {pending['scheduled']}, "
              f"failed: {pending['failed']}")
        print(f"search index: {'in step' if index.returncode == 0 else 'DIFFERS'} — "
              f"{(index.stdout + index.stderr).strip().splitlines()[-1] if (index.stdout + index.stderr).strip() else ''}")
        passed = (failures["5xx"] == 0 and lock_errors == 0 and found == len(tokens)
                  and pending["pending"] == 0 and pending["failed"] == 0 and index.returncode == 0)
        print("PASS" if passed else "FAIL")
        return passed
    finally:
        if database == "postgres":
            postgres_database(options.postgres_url, scratch, create=False)
        if options.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated visitors (default 50, at most 200)")
    parser.add_argument("--run-time", type=int, default=120, help="seconds (default 120, at most 600)")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("KB_LOAD_POSTGRES_URL", "postgres://kb:kb@127.0.0.1:5432/kb"),
                        help="a role allowed to create databases; a scratch database is made beside it")
    parser.add_argument("--postgres-search", default="postgres", help="KB_SEARCH_BACKEND on PostgreSQL (default postgres)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.seed is not None:
        seed(options.seed)
        return 0
    if not 1 <= options.users <= 200 or not 5 <= options.run_time <= 600:
        parser.error("keep --users within 1..200 and --run-time within 5..600 s")
    host = urlsplit(options.postgres_url).hostname or ""
    if options.database != "sqlite" and not (host in ("localhost", "::1") or host.startswith("127.")):
        parser.error("--postgres-url must point at this machine (loopback)")
    databases = ["sqlite", "postgres"] if options.database == "both" else [options.database]
    results = {database: run_once(database, options) for database in databases}
    print("\n" + ", ".join(f"{db}: {'PASS' if ok else 'FAIL'}" for db, ok in results.items()))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
