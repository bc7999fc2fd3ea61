#!/usr/bin/env python
"""Throughput of kb's pages as a fraction of the framework floor, measured with wrk.

    .venv/bin/python bench/pages.py [--duration 5] [--connections 8] [--threads 2] [--keep]
    make bench-pages BENCH_ARGS="--duration 10"

How throughput grows with the amount of data (1k / 100k articles, 10k comments): bench/cost_growth.py.

What it does, all on loopback and bounded in time:
1. builds its own data in a temporary KB_DATA_DIR: `load_demo`, then through
   articles.services a section with 200 articles and an article with 50 comments,
   then `rebuild_index`;
2. serves that data exactly as `make serve` does (bin/serve: gunicorn with kb/gunicorn_conf.py,
   DEBUG off, WhiteNoise, task worker) and, with the same gunicorn settings, the framework
   floor (bench/floor: a bare Django 5.2 view rendering a ~2 KB template);
3. for each page runs wrk against the floor, then against the page, alternately in one run,
   and prints requests/s, p50/p99 latency and page/floor throughput ratio;
4. prints the peak RSS of each gunicorn worker, then stops both servers.

Targets (issue 6): article and post pages >= 0.5 of the floor, search >= 0.2, none < 0.1.
A page that answers 404 (not built yet) or a redirect (the Spanish article before its URL
has a language prefix) is reported as such and skipped.
"""

import argparse
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

TARGETS = {"article (50 comments)": 0.5, "Spanish article (50 comments)": 0.5, "community post": 0.5,
           "search results": 0.2, "Spanish search results": 0.2}
DEFAULT_TARGET = 0.1


# --- Data ------------------------------------------------------------------------------

def seed(data_dir: str) -> None:
    """Runs in a child process with KB_DATA_DIR set: build the data, print the URLs as JSON."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.urls import NoReverseMatch, reverse

    from articles import services
    from articles.models import Article, Category, Post, Section
    from kb.permissions import is_agent

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())

    users = list(get_user_model().objects.order_by("pk"))
    agent = next(user for user in users if is_agent(user))
    readers = [user for user in users if not is_agent(user)] or [agent]

    category = Category.objects.create(name="Benchmark", slug="bench-category")
    section = Section.objects.create(category=category, name="Two hundred articles", slug="bench-200")
    for n in range(200):
        services.article_create(
            author=agent, section=section, draft=False,
            title=f"Benchmark article {n}: how to change plan {n}",
            body=f"Open **Billing** and choose *Change plan*. Step {n} of the benchmark.\n\n- one\n- two\n",
        )
    article = services.article_create(
        author=agent, section=Section.objects.exclude(pk=section.pk).first() or section, draft=False,
        title="Benchmark: an article with fifty comments",
        body="How do I **cancel** my account? Open *Settings* and choose *Cancel plan*.\n\n" * 5,
    )
    for n in range(50):
        services.comment_create(
            author=readers[n % len(readers)], target=article,
            body=f"Comment {n}: this worked for me after I **signed out** and back in.",
        )
    post = Post.objects.order_by("-pk").first()
    # The same article read in Spanish (issue 15): a translated page must keep its speed.
    from articles.seo import locale_path
    from articles.translations.services import article_translation_save

    spanish = article_translation_save(
        article=article, locale="es", by=agent, draft=False,
        title="Benchmark: un artículo con cincuenta comentarios",
        body="¿Cómo **cancelo** mi cuenta? Abra *Configuración* y elija *Cancelar plan*.\n\n" * 5,
    )
    call_command("rebuild_index", stdout=io.StringIO())

    def url(name: str, fallback: str) -> str:
        # Pages still being built may not have a URL name yet: measure the planned path (404 is reported).
        try:
            return reverse(name)
        except NoReverseMatch:
            return fallback

    print(json.dumps({
        "home": url("articles:home", "/"),
        "article (50 comments)": article.get_absolute_url(),
        "community post": post.get_absolute_url() if post else None,
        "Spanish article (50 comments)": locale_path("es", "articles:article", pk=article.pk, slug=spanish.slug),
        "section (200 articles)": section.get_absolute_url(),
        "search results": url("search:search", "/search/") + "?q=cancel+account",
        "Spanish search results": locale_path("es", "search:search") + "?q=cancelar+cuenta",
        "cancel flow": url("tickets:cancel_flow", "/contact/cancel/"),
        "request form": url("tickets:request_create", "/requests/new/"),
        "sitemap": url("seo:sitemap", "/sitemap.xml"),
        "articles feed": url("seo:feed_articles", "/feeds/articles/"),
        "_articles": Article.objects.count(),
    }))


# --- Servers ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server for {url} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    # Own session, so stop() can end the server and everything it started, and nothing else.
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def gunicorn_workers(session_leader: int) -> list[int]:
    """Worker pids: processes in the server's session running a gunicorn worker (not the master)."""
    by_pid = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        by_pid[int(entry.name)] = (int(fields[1]), int(fields[3]), cmdline)  # ppid, session
    masters = {pid for pid, (_, sid, cmd) in by_pid.items() if sid == session_leader and "gunicorn" in cmd}
    return sorted(pid for pid, (ppid, _, _) in by_pid.items() if ppid in masters)


def peak_rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --- wrk -------------------------------------------------------------------------------

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:  # wrk prints e.g. "-nanus" when a run completed no request
        return float("nan")
    number, unit = match.groups()
    return float(number) * UNIT_MS[unit]


def wrk(url: str, duration: int, connections: int, threads: int, headers: tuple[str, ...] = ()) -> dict:
    """One wrk run; ``headers`` are extra request headers ("Name: value")."""
    extra = [arg for header in headers for arg in ("-H", header)]
    done = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s", *extra, url],
        capture_output=True, text=True, timeout=duration + 60, check=False)
    out = done.stdout
    if done.returncode != 0 or "Requests/sec" not in out:
        raise SystemExit(f"wrk failed for {url}:\n{out}{done.stderr}")
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(re.search(r"50%\s+(\S+)", out).group(1)),
        "p99": to_ms(re.search(r"99%\s+(\S+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non2xx": 0,
        "errors": 0,
    }
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        result["non2xx"] = int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        # gunicorn's sync workers close each connection after the response; wrk counts the
        # resulting reconnects as read errors on some kernels, so only timeouts are real errors.
        result["errors"] = int(match.group(1)) + int(match.group(4))
    return result


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is reported (wrk would measure the redirect, not the page)


def status_of(url: str) -> int:
    try:
        return urllib.request.build_opener(_NoRedirects).open(url, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


# --- Main ------------------------------------------------------------------------------

def add_wrk_options(parser: argparse.ArgumentParser) -> None:
    """The load options every page benchmark shares (bench/cost_growth.py too)."""
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")


def parse_wrk_options(parser: argparse.ArgumentParser, seed) -> argparse.Namespace:
    """The parsed options of a page benchmark, for bounded runs only (loopback, limited
    time). A ``--seed`` child process seeds with ``seed`` and exits here (status 0); so does
    a run without wrk (status 2)."""
    options = parser.parse_args()
    if options.seed:
        seed(options.seed)
        raise SystemExit(0)
    if not 1 <= options.duration <= 120 or not 1 <= options.connections <= 256:
        parser.error("keep --duration within 1..120 s and --connections within 1..256")
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk   (Debian package)", file=sys.stderr)
        raise SystemExit(2)
    return options


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_wrk_options(parser)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--seed", metavar="DIR", help=argparse.SUPPRESS)
    options = parse_wrk_options(parser, seed)

    data_dir = Path(tempfile.mkdtemp(prefix="kb-bench-pages-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(KB_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="kb.settings", PYTHONPATH=str(ROOT))
    env.pop("DEBUG", None)
    servers: list[subprocess.Popen] = []
    try:
        print(f"Seeding demo + 200-article section + 50-comment article in {data_dir} ...", flush=True)
        started = time.monotonic()
        seeded = subprocess.run([PYTHON, __file__, "--seed", str(data_dir)], cwd=ROOT, env=env,
                                capture_output=True, text=True, check=False)
        if seeded.returncode != 0:
            print(seeded.stdout, seeded.stderr, file=sys.stderr)
            return 1
        pages = json.loads(seeded.stdout.strip().splitlines()[-1])
        print(f"  done in {time.monotonic() - started:.0f} s ({pages.pop('_articles')} articles)", flush=True)

        app_port, floor_port = free_port(), free_port()
        serve_env = {**env, "PORT": str(app_port), "KB_ACCESS_LOG": "", "SECRET_KEY": secrets.token_urlsafe(50),
                     "PY": PYTHON}
        floor_env = {**env, "PORT": str(floor_port), "KB_ACCESS_LOG": "",
                     "DJANGO_SETTINGS_MODULE": "floor.settings", "PYTHONPATH": str(ROOT / "bench")}
        app = start([str(ROOT / "bin" / "serve")], serve_env, data_dir / "serve.log")
        servers.append(app)
        floor = start([PYTHON, "-m", "gunicorn", "-c", str(ROOT / "kb" / "gunicorn_conf.py"),
                       "floor.wsgi:application"], floor_env, data_dir / "floor.log")
        servers.append(floor)
        app_base, floor_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{floor_port}/"
        wait_until_up(floor_url, floor)
        wait_until_up(app_base + "/", app)
        workers = len(gunicorn_workers(app.pid))
        print(f"kb (bin/serve) on {app_base}, floor on {floor_url}; {workers} gunicorn workers each; "
              f"wrk -t{options.threads} -c{options.connections} -d{options.duration}s\n", flush=True)

        wrk(floor_url, 2, options.connections, options.threads)  # warm both servers up
        rows = []
        for name, path in pages.items():
            if path is None:
                rows.append((name, "-", "no data", None, None))
                continue
            url = app_base + path
            status = status_of(url)
            if status != 200:
                rows.append((name, path, f"HTTP {status}", None, None))
                continue
            wrk(url, 1, options.connections, options.threads)  # warm this page's code path
            floor_result = wrk(floor_url, options.duration, options.connections, options.threads)
            page_result = wrk(url, options.duration, options.connections, options.threads)
            rows.append((name, path, "ok", page_result, floor_result))
            print(f"  measured {name}: {page_result['rps']:.0f} req/s vs floor {floor_result['rps']:.0f}",
                  flush=True)

        print()
        header = f"{'page':24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'floor/s':>8} {'ratio':>6} {'target':>7}  verdict"
        print(header)
        print("-" * len(header))
        failures = 0
        for name, path, status, page_result, floor_result in rows:
            if page_result is None:
                print(f"{name:24} {status:>8}   ({path})")
                continue
            ratio = page_result["rps"] / floor_result["rps"]
            target = TARGETS.get(name, DEFAULT_TARGET)
            bad = page_result["non2xx"] + page_result["errors"]
            verdict = "meets target" if ratio >= target and not bad else "BELOW TARGET" if not bad else f"{bad} errors"
            failures += verdict != "meets target"
            print(f"{name:24} {page_result['rps']:8.0f} {page_result['p50']:8.1f} {page_result['p99']:8.1f} "
                  f"{floor_result['rps']:8.0f} {ratio:6.2f} {target:7.2f}  {verdict}")
        rss = [peak_rss_mib(pid) for pid in gunicorn_workers(app.pid)]
        floor_rss = [peak_rss_mib(pid) for pid in gunicorn_workers(floor.pid)]
        print(f"\npeak RSS per worker: kb {', '.join(f'{r:.0f}' for r in rss if r)} MiB; "
              f"floor {', '.join(f'{r:.0f}' for r in floor_rss if r)} MiB")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, SQLite, whoosh search")
        return 1 if failures else 0
    finally:
        for server in servers:
            stop(server)
        if options.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
