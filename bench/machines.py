#!/usr/bin/env python
"""Two kb web servers against one PostgreSQL and one Redis, against one server alone:
throughput of the pages a visitor reads, cached and uncached, measured with wrk.

    .venv/bin/python bench/machines.py [--duration 5] [--connections 8] [--threads 2] [--keep]

What it does, all on loopback and bounded in time (the deployment of docs/deploy.md,
"Several machines", and of tests/machines_tests, started from nothing):
1. starts a PostgreSQL cluster of its own (initdb on a free port; as the ``postgres`` user
   when run as root) and a Redis of its own (Debian's ``redis-server``);
2. builds bench/pages.py's data there (the demo, a section of 200 articles, an article with
   50 comments; KB_SEARCH_BACKEND=postgres), migrated and indexed once;
3. serves it from gunicorn (kb/gunicorn_conf.py, DEBUG off, as bin/serve does), each server
   with its own KB_DATA_DIR, all sharing DATABASE_URL and CACHE_URL: **one server** with the
   default 2 x cores workers, and **two servers** with cores workers each — the same number
   of processes on this machine's cores, split over two servers;
4. for each page, twice — **cached** (an anonymous visitor: the shared page cache answers)
   and **uncached** (a visitor whose session holds something, so every request renders the
   page from PostgreSQL) — runs two wrk processes at once, each with half the connections,
   against the one server, then one against each of the two servers, and prints the summed
   requests/s side by side with the load average.

All the servers share this machine's cores, so "two servers" cannot be faster than one
here: the ratio says what splitting one server into two that share PostgreSQL and Redis
costs (nothing, at 1.0). On separate machines each server brings its own cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository root first, so "bench.pages" imports when this file is run as a script.
sys.path.insert(0, str(ROOT))

from bench.pages import PYTHON, add_wrk_options, parse_wrk_options, status_of, wrk
from tests.machines_tests.servers import PostgresServer, WebServer, kb_env
from tests.services import RedisServer

PAGES = ("home", "article (50 comments)", "section (200 articles)", "search results")

SESSION = """
import json
from django.contrib.sessions.backends.db import SessionStore
session = SessionStore()
session["bench"] = "a visitor whose session holds something: pages are rendered for them"
session.create()
print(json.dumps({"key": session.session_key}))
"""


def seed(data_dir: str) -> None:
    from bench.pages import seed as pages_seed

    pages_seed(data_dir)


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def run_json(env: dict, args: list[str]) -> dict:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def both(urls: list[str], options, headers: tuple[str, ...]) -> list[dict]:
    """wrk against every URL at once, the connections split between them."""
    results: list[dict | None] = [None] * len(urls)
    share = max(1, options.connections // len(urls))
    threads_each = max(1, options.threads // len(urls))

    def one(i: int) -> None:
        results[i] = wrk(urls[i], options.duration, share, threads_each, headers)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_wrk_options(parser)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directories")
    parser.add_argument("--seed", metavar="DIR", help=argparse.SUPPRESS)
    options = parse_wrk_options(parser, seed)

    root = Path(tempfile.mkdtemp(prefix="kb-bench-machines-"))
    postgres = PostgresServer()
    redis = RedisServer(root / "redis")
    servers: list[WebServer] = []
    try:
        postgres.init().start()
        redis.start()
        shared = {"DATABASE_URL": postgres.create_database("kb"), "CACHE_URL": redis.url,
                  "SECRET_KEY": os.urandom(32).hex(), "ALLOWED_HOSTS": "127.0.0.1,localhost"}
        operator = kb_env(root / "operator", **shared)
        print(f"Seeding (demo + 200-article section + 50-comment article) on PostgreSQL in {root} ...", flush=True)
        started = time.monotonic()
        # Built with the immediate task backend: indexed by the time it returns.
        seeding = {**operator, "KB_TASK_BACKEND": "immediate", "PYTHONPATH": str(ROOT)}
        collect = subprocess.Popen([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                                   env=operator)
        pages = run_json(seeding, [PYTHON, __file__, "--seed", str(root / "operator")])
        if collect.wait() != 0:
            return 1
        session = run_json(operator, [PYTHON, "-c", "import django\ndjango.setup()\n" + SESSION])["key"]
        print(f"  done in {time.monotonic() - started:.0f} s ({pages.pop('_articles')} articles)", flush=True)

        cores = os.cpu_count() or 1
        for name, workers in (("solo", 2 * cores), ("web1", cores), ("web2", cores)):
            machine = root / name
            shutil.copytree(root / "operator" / "staticfiles", machine / "staticfiles", copy_function=os.link)
            servers.append(WebServer(name, machine, kb_env(machine, **shared), workers=workers))
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_ready()
        solo, web1, web2 = servers
        print(f"one server ({solo.url}, {2 * cores} gunicorn workers) against two ({web1.url}, {web2.url}, "
              f"{cores} each), one PostgreSQL, one Redis; wrk -t{options.threads} -c{options.connections} "
              f"-d{options.duration}s in total\n", flush=True)

        modes = {"cached": (), "uncached": (f"Cookie: sessionid={session}",)}
        rows = []
        for name in PAGES:
            path = pages[name]
            if any(status_of(server.url + path) != 200 for server in servers):
                rows.append((name, "-", None, None, f"HTTP {status_of(solo.url + path)}"))
                continue
            for mode, headers in modes.items():
                for server in servers:  # warm up
                    wrk(server.url + path, 1, options.connections, options.threads, headers)
                # The same two wrk processes either way, so only the servers differ.
                one = both([solo.url + path, solo.url + path], options, headers)
                two = both([web1.url + path, web2.url + path], options, headers)
                rows.append((name, mode, one, two, load()))
                print(f"  measured {name}, {mode}: one {sum(r['rps'] for r in one):.0f} req/s, two "
                      f"{sum(r['rps'] for r in two):.0f} req/s (load {load()})", flush=True)

        print()
        header = (f"{'page':24} {'mode':9} {'one req/s':>10} {'p99 ms':>7} {'two req/s':>10} {'p99 ms':>7} "
                  f"{'two/one':>8}  load average")
        print(header)
        print("-" * len(header))
        errors = 0
        for name, mode, one, two, note in rows:
            if one is None:
                print(f"{name:24} {note}")
                continue
            alone, total = sum(r["rps"] for r in one), sum(r["rps"] for r in two)
            bad = sum(r["non2xx"] + r["errors"] for r in [*one, *two])
            errors += bad
            print(f"{name:24} {mode:9} {alone:10.0f} {max(r['p99'] for r in one):7.1f} {total:10.0f} "
                  f"{max(r['p99'] for r in two):7.1f} {total / alone:8.2f}  {note}"
                  + (f"  {bad} errors" if bad else ""))
        print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cores (both servers on this machine), "
              f"PostgreSQL search, Redis page cache")
        return 1 if errors else 0
    finally:
        for server in servers:
            server.stop()
        redis.stop()
        postgres.remove()
        if options.keep:
            print(f"data kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
