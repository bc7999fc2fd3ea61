#!/usr/bin/env python
"""Load test: simulated visitors against `make serve`'s configuration, then a check that nothing was lost.

    .venv/bin/python bench/load.py [--users 50] [--run-time 120] [--database sqlite|postgres|both]
                                   [--postgres-url postgres://kb:kb@127.0.0.1:5432/kb] [--production-rate-limits]
    make bench-load BENCH_ARGS="--database both"

For each database it builds a fresh site in a temporary KB_DATA_DIR (for PostgreSQL, a
temporary database created next to --postgres-url and dropped afterwards): demo data and
one account per simulated visitor. It serves it with bin/serve (gunicorn, 4 workers,
DEBUG off, the task worker alongside) on a loopback port and runs locust headless,
bounded in users and time. Visitors read (home, articles, posts, sections), search, send
requests through /requests/new/ and ask for callbacks in the cancel flow (when the form
is offered), and, signed in, follow, vote and comment on articles and community posts.
Forms are sent as a browser sends them: GET the page, keep every field of the form as
served (CSRF token, hidden fields, the empty honeypot), fill in the visible ones, POST,
follow the redirect. A few "bots" fill the honeypot and must be refused. Then it waits for
the task worker to drain the queue and prints:

- requests, 5xx responses and throttled (429) answers;
- "database is locked" and index lock errors in the server log;
- requests and callbacks the server accepted (by reference) vs found in the database,
  their confirmation emails in the outbox, and tickets made by honeypot submissions;
- comments the server accepted vs found in the database, and post comments found by a
  search of the index for their unique word (article comments other than official
  answers are not indexed, by design: search/documents.py);
- whether the search index is in step with the database (`manage.py check_index`).

Pass: zero 5xx, zero lock errors, every accepted request, callback and comment in the
database, one confirmation email per accepted request or callback in the outbox and none
failed, no ticket from a honeypot submission, every accepted post comment found in the
index, index in step.

Rate limits: the request and callback forms share one per-address limit (20 an hour), and
follows and votes have one each (300 an hour); the 50 visitors share one loopback address,
so with them the run would measure the limits (20 tickets, then 429s). The server is
started with those per-address limits raised (BENCH_RATE_LIMITS, passed as KB_RATE_LIMITS;
per-account limits stay); --production-rate-limits keeps the built-in rates (429s then
expected).
Loopback only; every run stops by itself.

This same file is the locustfile: locust imports it (not as __main__) to get the visitors.
"""

import argparse
import csv
import io
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

if __name__ != "__main__":  # imported by locust: define the visitors -------------------
    import string
    from html.parser import HTMLParser

    from locust import HttpUser, between, task

    with open(os.environ["KB_LOAD_SPEC"]) as spec_file:
        SPEC = json.load(spec_file)
    # Open for the whole run: one JSON line per submission the server accepted (locust is
    # one process, and each line is written whole).
    ACCEPTED = open(os.environ["KB_LOAD_ACCEPTED"], "a", buffering=1)  # noqa: SIM115
    SEARCHES = ["cancel account", "reset password", "invoice", "domain", "downgrade", "facebook ads", "refund"]
    # Unique phone numbers: the callback form also limits requests per number (3 a day).
    PHONES = (f"({area}) 555-{line:04d}" for area in (415, 212, 312, 617) for line in range(10_000))
    HONEYPOT_ERROR = "This form could not be sent"

    def record(**fields):
        ACCEPTED.write(json.dumps(fields) + "\n")

    def unique_word() -> str:
        """Letters only, so every search backend's analyzer keeps it as one searchable word."""
        return "lt" + "".join(random.choices(string.ascii_lowercase, k=14))

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
            return True
        return False

    class FormReader(HTMLParser):
        """One ``<form id=…>`` as a browser would send it untouched: every named input,
        select and textarea with its served value (checkboxes only when checked; a select's
        selected option, else its first), plus each select's option values."""

        def __init__(self, form_id: str):
            super().__init__(convert_charrefs=True)
            self.form_id, self.inside, self.found, self.action = form_id, False, False, ""
            self.fields: dict[str, str] = {}
            self.options: dict[str, list[str]] = {}
            self._select = self._textarea = None
            self._selected: set[str] = set()

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and attrs.get("id") == self.form_id:
                self.inside = self.found = True
                self.action = attrs.get("action") or ""
                return
            name = attrs.get("name")
            if not self.inside:
                return
            if tag == "input" and name:
                kind = (attrs.get("type") or "text").lower()
                if kind in ("checkbox", "radio"):
                    if "checked" in attrs:
                        self.fields[name] = attrs.get("value") or "on"
                elif kind not in ("submit", "button", "image", "reset", "file"):
                    self.fields[name] = attrs.get("value") or ""
            elif tag == "select" and name:
                self._select = name
                self.options[name] = []
            elif tag == "option" and self._select:
                value = attrs.get("value") or ""
                self.options[self._select].append(value)
                if self._select not in self.fields or ("selected" in attrs and self._select not in self._selected):
                    self.fields[self._select] = value
                    if "selected" in attrs:
                        self._selected.add(self._select)
            elif tag == "textarea" and name:
                self._textarea = name
                self.fields[name] = ""

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False
            elif tag == "select":
                self._select = None
            elif tag == "textarea":
                self._textarea = None

        def handle_data(self, data):
            if self.inside and self._textarea:
                self.fields[self._textarea] += data

    def refused(response):
        """A form shown again instead of accepted: name its first error (a bench bug or a race)."""
        if response.status_code == 200:
            errors = re.findall(r'class="invalid-feedback"><span[^>]*><strong>([^<]*)', response.text)
            errors += re.findall(r'alert-danger"><ul class="m-0"><li>([^<]*)', response.text)
            response.failure(f"unexpected: form refused ({(errors or ['no error shown'])[0].strip()[:80]})")

    def read_form(html: str, form_id: str) -> FormReader | None:
        reader = FormReader(form_id)
        reader.feed(html)
        return reader if reader.found else None

    def choose(options: list[str]) -> str:
        """A random real choice (not the "Choose …" placeholder)."""
        real = [value for value in options if value]
        return random.choice(real) if real else ""

    class Visitor(HttpUser):
        """Mostly reads and searches; some send a request or ask for a callback; a quarter
        of visitors sign in and take part."""

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
                return response

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
                self.get(random.choice(SPEC["posts"])["url"], "post")

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
                word = unique_word()
                response = self.post(article["comment"], {"body": f"Load test comment {word}: this helped."},
                                     "comment (article)")
                if response.status_code == 302:
                    record(kind="article_comment", word=word)

        @task(1)
        def comment_post(self):
            if self.account and SPEC["posts"]:
                post = random.choice(SPEC["posts"])
                word = unique_word()
                response = self.post(post["comment"], {"body": f"Load test reply {word}: same here."},
                                     "comment (post)")
                if response.status_code == 302:
                    record(kind="post_comment", word=word, post=post["pk"])

        @task(1)
        def send_request(self):
            """/requests/new/ as a browser: the page, the suggestions its script asks for while
            the subject is typed, the multipart POST of the whole form, the confirmation."""
            page = self.get(SPEC["request_form"], "request form")
            form = read_form(page.text, "request-form") if page.status_code == 200 else None
            if form is None:
                return
            word = unique_word()
            subject = f"Load test request {word} about my invoice"
            self.get(f"{SPEC['request_suggest']}?q={subject[:24].replace(' ', '+')}", "request suggestions")
            bot = random.random() < 0.05
            attach = not bot and random.random() < 0.25
            data = {
                **form.fields,
                "email": form.fields.get("email") or f"visitor-{word}@example.com",
                "subject": subject,
                "category": choose(form.options.get("category", [])),
                "description": f"Sent by the load test ({word}). My last invoice looks wrong.",
                "submit": "Send request",
            }
            if bot:  # a bot fills every input, the hidden honeypot too
                data["website"] = "https://spam.example"
            # A browser sends an empty file part when nothing is attached; Django skips it.
            files = {"attachments": ("notes.txt", f"Invoice notes {word}\n".encode(), "text/plain") if attach
                     else ("", b"", "application/octet-stream")}
            with self.client.post(form.action or SPEC["request_form"], data=data, files=files,
                                  name="request (honeypot filled)" if bot else "request (send)",
                                  catch_response=True, allow_redirects=False) as response:
                if bot:
                    if judge(response, ok=(200,)) and HONEYPOT_ERROR not in response.text:
                        response.failure("unexpected: honeypot not refused")
                    record(kind="request_bot", word=word)
                    return
                if not judge(response, ok=(302,)):
                    refused(response)
                    return
                location = response.headers.get("Location", "")
            record(kind="request", word=word, reference=location.rstrip("/").rsplit("/", 1)[-1], attachment=attach)
            self.get(location, "request sent page")

        @task(1)
        def ask_for_callback(self):
            """The cancel flow; while the callback form is offered, fill it in and send it."""
            page = self.get(SPEC["cancel_flow"], "cancel flow")
            form = read_form(page.text, "callback-form") if page.status_code == 200 else None
            if form is None:
                if page.status_code == 200:
                    record(kind="callback_not_offered")
                return
            word = unique_word()
            data = {
                **form.fields,
                "name": "Load Visitor",
                "email": form.fields.get("email") or f"caller-{word}@example.com",
                "phone": next(PHONES),
                "plan": form.fields.get("plan") or choose(form.options.get("plan", [])),
                "reason": choose(form.options.get("reason", [])),
                "reason_detail": f"Load test callback {word}",
                "slot": choose(form.options.get("slot", [])),
                "consent": "on",
                "submit": "Request a callback",
            }
            with self.client.post(form.action or SPEC["cancel_flow"], data=data, name="callback (send)",
                                  catch_response=True, allow_redirects=False) as response:
                if not judge(response, ok=(302,)):
                    refused(response)
                    return
                location = response.headers.get("Location", "")
            record(kind="callback", word=word, reference=location.rstrip("/").rsplit("/", 1)[-1])
            self.get(location, "callback confirmation")


# --- The orchestrator (python bench/load.py) ------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "load-visitor-pass-2026"
LOCK_ERRORS = ("database is locked", "LockError", "Lock obtained")
# The bench's one change to production settings (see the module docstring): the 50 visitors
# share one loopback address, and the request and callback forms one per-address limit.
BENCH_RATE_LIMITS = {"callback.ip": "100000/h", "follow.ip": "100000/h", "vote.ip": "100000/h"}

# Run in a child process after the server stopped: what the server said it accepted
# (KB_LOAD_ACCEPTED, one JSON line each) against the database, the outbox and the index.
CHECK_SAVED = """
import os
from articles import services
from articles.models import Comment
from search.backends.base import POST, SearchQuery, get_backend
from kb.models import OutgoingEmail
from tickets.models import Callback, Ticket, TicketAttachment

with open(os.environ["KB_LOAD_ACCEPTED"]) as handle:
    records = [json.loads(line) for line in handle if line.strip()]
def of(kind):
    return [r for r in records if r["kind"] == kind]

requests, callbacks = of("request"), of("callback")
subjects = dict(Ticket.objects.filter(reference__in=[r["reference"] for r in requests],
                                      source=Ticket.Source.REQUEST_FORM).values_list("reference", "subject"))
details = dict(Callback.objects.filter(ticket__reference__in=[r["reference"] for r in callbacks])
               .values_list("ticket__reference", "reason_detail"))
attached = [r["reference"] for r in requests if r["attachment"]]
# Confirmation emails carry the reference at the end of their subject ("... — LUM-XXXX").
kinds = ["tickets.request_received", "tickets.callback_confirmation"]
outbox = {}
for subject, status in OutgoingEmail.objects.filter(kind__in=kinds).values_list("subject", "status"):
    outbox.setdefault(subject.rsplit(" ", 1)[-1], []).append(status)
references = [r["reference"] for r in requests + callbacks]
statuses = [status for ref in references for status in outbox.get(ref, [])]

bench_tickets = list(Ticket.objects.filter(subject__startswith="Load test request ").values_list("reference", flat=True))
bench_tickets += Callback.objects.filter(reason_detail__startswith="Load test callback ").values_list(
    "ticket__reference", flat=True)

backend = get_backend()
def indexed(r):
    hits = backend.search(SearchQuery(text=r["word"], kinds=(POST,), per_page=5, snippets=False)).hits
    return any(hit.pk == r["post"] for hit in hits)

comments = of("article_comment") + of("post_comment")
print(json.dumps({
    "requests": len(requests),
    "requests_found": sum(r["word"] in subjects.get(r["reference"], "") for r in requests),
    "attached": len(attached),
    "attached_found": TicketAttachment.objects.filter(ticket__reference__in=attached)
                      .values("ticket").distinct().count(),
    "bots": len(of("request_bot")),
    "bot_tickets": sum(Ticket.objects.filter(subject__contains=r["word"]).exists() for r in of("request_bot")),
    "callbacks": len(callbacks),
    "callbacks_found": sum(r["word"] in details.get(r["reference"], "") for r in callbacks),
    "callback_not_offered": len(of("callback_not_offered")),
    "emails": sum(len(outbox.get(ref, [])) > 0 for ref in references),
    "emails_duplicated": sum(len(outbox.get(ref, [])) > 1 for ref in references),
    "emails_sent": statuses.count(OutgoingEmail.Status.SENT),
    "emails_pending": statuses.count(OutgoingEmail.Status.PENDING),
    "emails_failed": statuses.count(OutgoingEmail.Status.FAILED),
    # Every ticket the visitors made, whatever locust saw (a timed-out POST may still have
    # saved one): each must have its email.
    "bench_tickets": len(bench_tickets),
    "bench_tickets_emailed": sum(ref in outbox for ref in bench_tickets),
    "comments": len(comments),
    "article_comments": len(of("article_comment")),
    "comments_found": sum(Comment.objects.filter(body__contains=r["word"]).exists() for r in comments),
    "post_comments": len(of("post_comment")),
    "post_comments_indexed": sum(indexed(r) for r in of("post_comment")),
    # Stored comment totals (F() updates from concurrent commenters) against the rows.
    "threads_miscounted": services.comment_totals_recount(),
}))
"""


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
        "search": reverse("search:search"),
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
        "posts": [
            {"url": post.get_absolute_url(), "pk": post.pk,
             "comment": reverse("articles:post_comment", kwargs={"pk": post.pk})}
            for post in Post.objects.order_by("pk")[:20]
        ],
        "request_form": reverse("tickets:request_create"),
        "request_suggest": reverse("tickets:request_suggest"),
        "cancel_flow": reverse("tickets:cancel_flow"),
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


def run_once(database: str, options) -> bool:
    sys.path.insert(0, str(ROOT))  # run as a script: make the "bench" package importable
    from bench.scratch_db import postgres_database

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
        if not options.production_rate_limits:
            serve_env["KB_RATE_LIMITS"] = json.dumps(BENCH_RATE_LIMITS)
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
        drain_started = time.monotonic()
        deadline = drain_started + 300
        while True:
            # Tasks deliberately scheduled for later (run_after in the future, e.g. batched
            # follower emails) are reported, not waited for: they are safe in the database.
            # "Due" is django_tasks_db's own ready(): a task enqueued without a delay is stored
            # with run_after = 9999-01-01, not NULL, so it must not be read as "later".
            pending = django_query(env, """
from django_tasks_db.models import DBTaskResult
tasks = DBTaskResult.objects
print(json.dumps({"pending": tasks.ready().count() + tasks.running().count(),
                  "scheduled": tasks.filter(status="READY").count() - tasks.ready().count(),
                  "failed": tasks.failed().count()}))
""")
            if pending["pending"] == 0 or time.monotonic() > deadline:
                break
            time.sleep(2)
        drain_seconds = time.monotonic() - drain_started
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
        saved = django_query({**env, "KB_LOAD_ACCEPTED": str(accepted_file)}, CHECK_SAVED)
        index = subprocess.run([PYTHON, "manage.py", "check_index"], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=600, check=False)

        print(f"\n--- {database} ({'KB_SEARCH_BACKEND=' + env.get('KB_SEARCH_BACKEND', 'whoosh')}) ---")
        print(f"requests: {total['Request Count']}, {float(total['Requests/s']):.1f}/s, "
              f"p50 {total['50%']} ms, p99 {total['99%']} ms")
        print(f"5xx: {failures['5xx']}   throttled (429): {failures['throttled']}   other unexpected: "
              f"{failures['unexpected']}")
        print(f"lock errors in server log: {lock_errors}")
        print(f"rate limits: {'built in (production)' if options.production_rate_limits else 'KB_RATE_LIMITS=' + json.dumps(BENCH_RATE_LIMITS)}")
        print(f"requests accepted: {saved['requests']}, found in database: {saved['requests_found']}; "
              f"with an attachment: {saved['attached']}, attachment stored: {saved['attached_found']}")
        print(f"honeypot submissions: {saved['bots']}, tickets made from them: {saved['bot_tickets']}")
        print(f"callbacks accepted: {saved['callbacks']}, found in database: {saved['callbacks_found']}"
              f" (cancel flow shown without the form: {saved['callback_not_offered']} times)")
        print(f"confirmation emails in the outbox: {saved['emails']} for {saved['requests'] + saved['callbacks']} "
              f"accepted (sent {saved['emails_sent']}, pending {saved['emails_pending']}, "
              f"failed {saved['emails_failed']}, duplicated {saved['emails_duplicated']}); "
              f"tickets of this run in the database {saved['bench_tickets']}, with their email "
              f"{saved['bench_tickets_emailed']}")
        print(f"comments accepted: {saved['comments']} ({saved['article_comments']} on articles, "
              f"{saved['post_comments']} on posts), found in database: {saved['comments_found']}")
        print(f"post comments found in the search index: {saved['post_comments_indexed']} of "
              f"{saved['post_comments']} (article comments are not indexed unless official)")
        print(f"articles and posts whose stored comment total differed from their comments: "
              f"{saved['threads_miscounted']}")
        print(f"tasks due but not run: {pending['pending']}, scheduled for later: {pending['scheduled']}, "
              f"failed: {pending['failed']} ({'caught up' if pending['pending'] == 0 else 'STILL BEHIND'} "
              f"{drain_seconds:.0f} s after the visitors stopped)")
        # check_index prints "missing: N", "stale: N (keys)", "orphans: N", then its verdict.
        report = [line for line in (index.stdout + index.stderr).strip().splitlines() if line.strip()]
        counts = ", ".join(line for line in report if line.startswith(("missing:", "stale:", "orphans:")))
        print(f"search index: {'in step' if index.returncode == 0 else 'DIFFERS'} — {counts}; "
              f"{report[-1] if report else ''}")
        accepted = saved["requests"] + saved["callbacks"]
        passed = (failures["5xx"] == 0 and lock_errors == 0
                  and saved["requests_found"] == saved["requests"] and saved["callbacks_found"] == saved["callbacks"]
                  and saved["attached_found"] == saved["attached"] and saved["bot_tickets"] == 0
                  and saved["emails"] == accepted and saved["emails_duplicated"] == 0
                  and saved["emails_failed"] == 0 and saved["emails_pending"] == 0
                  and saved["bench_tickets_emailed"] == saved["bench_tickets"]
                  and saved["comments_found"] == saved["comments"]
                  and saved["post_comments_indexed"] == saved["post_comments"]
                  and saved["threads_miscounted"] == 0
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
    parser.add_argument("--production-rate-limits", action="store_true",
                        help="keep the built-in form rate limits (the 50 visitors share one address: expect 429s)")
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
