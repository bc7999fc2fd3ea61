#!/usr/bin/env python
"""How page throughput holds up as the data grows: the same pages at several data sizes.

    .venv/bin/python bench/cost_growth.py                         # sizes: small 1k 100k
    .venv/bin/python bench/cost_growth.py --sizes small 1k --duration 3
    .venv/bin/python bench/cost_growth.py --sizes small 100k --keep                 # keep the sites
    .venv/bin/python bench/cost_growth.py --sizes small 100k --reuse 100k=DIR --pages search
    .venv/bin/python bench/cost_growth.py --database postgres    # scratch databases, PostgreSQL search

Each size gets its own temporary KB_DATA_DIR:
1. `load_demo`, then the size's extra data (below) written with ``bulk_create``, then
   `rebuild_index`;
2. `bin/serve` (exactly `make serve`: gunicorn, DEBUG off, WhiteNoise, task worker); all
   sizes are served at once and each page is measured on every size in turn, so the
   machine's background load hits every size alike;
3. wrk on each page twice: *cached* (a plain anonymous visitor, served by the anonymous page
   cache after the first hit) and *uncached* (a visitor whose session holds something, the
   way a visitor who has a draft or a remembered choice does: kb.page_cache serves such a
   visitor a freshly rendered page every time; the session is written into each site's
   database before serving. A made-up ``sessionid`` is not enough: kb.page_cache reads an
   unknown session as an empty one and serves the cached page);
4. the peak RSS of each gunicorn worker (the high-water mark of the whole run: to see which
   page raises it, measure pages on their own with ``--pages``).
Then it prints every page's requests/s per size as a percentage of the first size's figure.
Target (issue 6): every page within 20 % of the small-data figure (>= 80 %).

Why "small" is one full page rather than the bare demo: the question is whether a page's
cost grows with the *data*. Every size from one full page up renders the same 50 articles
or 50 comments; the demo's section lists 7 articles and its post has 1 comment, so against
it a bigger site also pays for rendering 43 more list items or 49 more comments, a cost set
by the page size (pagination), not by how much data there is. ``--sizes demo small 1k 100k``
shows both.
``--keep`` keeps each size's data directory; ``--reuse SIZE=DIR`` serves one again instead of
building it (the 100k build takes minutes).

Sizes (extra data on top of the demo):
    small   the demo topped up to one full page: 50 published articles in the measured
            section and 50 comments on the measured post (about 85 articles in all), and
            the nine (empty) archive sections the bigger sizes fill
    demo    the demo as loaded (about 40 articles; 7 in the section, 1 comment on the post)
    1k      1,000 articles, 1,000 comments on the measured post
    100k    100,000 articles, 10,000 comments on the measured post
A tenth of the extra articles go into the measured section (so its listing is paginated
over 100 or 10,000 articles), the rest into nine more sections of one more category.

Why ``bulk_create`` and not ``articles.services``: the services render Markdown, record
notification events, bump the page cache and enqueue an index update per article — about
20 ms each here, so over half an hour for 100k articles. The generated bodies are plain
words, so their ``body_html`` is one paragraph written directly (what the renderer would
produce), and one `rebuild_index` afterwards indexes everything in bulk. ``bulk_create``
also bypasses the services' stored counts, so they are recounted once at the end
(``services.section_published_counts_recount``, ``comment_totals_recount``). Semantic re-ranking stays on (as
`make serve` runs it), but the generated articles get random embedding vectors instead of
the model's (~30 ms of CPU each: about an hour at 100k): search pays the real per-query
cost, and the generated words carry no meaning to rank by anyway.
"""

import argparse
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository root first, so "bench.pages" imports when this file is run as a script.
sys.path.insert(0, str(ROOT))

from bench.pages import (
    add_wrk_options,
    free_port,
    gunicorn_workers,
    parse_wrk_options,
    peak_rss_mib,
    start,
    status_of,
    stop,
    wait_until_up,
    wrk,
)

SETTLE_SECONDS = 180

PYTHON = sys.executable
SIZES = {"small": (0, 0), "1k": (1_000, 1_000), "100k": (100_000, 10_000), "demo": (0, 0)}
DEFAULT_SIZES = ["small", "1k", "100k"]
TARGET = 0.8


def bypass_headers(site: dict) -> tuple[str, ...]:
    """Headers of a visitor kb.page_cache never serves from the cache: a real session with
    something in it, created in the site's own database under the key the site will serve
    with (sessions are signed with SECRET_KEY)."""
    code = ("import django; django.setup(); from importlib import import_module; "
            "from django.conf import settings; "
            "store = import_module(settings.SESSION_ENGINE).SessionStore(); "
            "store['bench'] = 'uncached'; store.create(); print(store.session_key)")
    made = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env={**site, "DJANGO_SETTINGS_MODULE": "kb.settings"},
                          capture_output=True, text=True, check=True)
    return (f"Cookie: sessionid={made.stdout.strip().splitlines()[-1]}",)
# Words for generated titles and bodies; help-desk vocabulary so searches match a share of them.
WORDS = (  # noqa: SIM905  (one readable block of words rather than 90 quoted strings)
    "account billing plan invoice cancel export contacts domain email campaign automation page "
    "editor template team member password sign security payment card refund trial upgrade "
    "downgrade subscription settings profile integration webhook api key report analytics "
    "form landing popup audience tag segment import spreadsheet sender verify dns record "
    "certificate redirect publish draft schedule delivery bounce unsubscribe list merge field "
    "custom branding logo image upload storage limit quota usage receipt tax address currency "
    "owner admin role permission invite remove transfer close delete data privacy backup"
).split()


# --- Data ------------------------------------------------------------------------------

def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def seed(size: str) -> None:
    """Runs in a child process with KB_DATA_DIR set: build the data, print the URLs as JSON."""
    import io

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Count
    from django.urls import reverse
    from django.utils.text import slugify

    from articles import services
    from articles.models import Article, Category, Comment, Post, Section
    from articles.selectors import COMMENTS_PER_PAGE, SECTION_ARTICLES_PER_PAGE
    from kb.permissions import is_agent

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())

    article = (Article.objects.published().filter(title__icontains="cancel")
               .annotate(n=Count("comments")).order_by("-n", "pk").first())
    section = article.section
    post = Post.objects.filter(title__icontains="cancel").order_by("pk").first()
    users = list(get_user_model().objects.order_by("pk"))
    agent = next(user for user in users if is_agent(user))
    readers = [user for user in users if not is_agent(user)] or [agent]

    extra_articles, extra_comments = SIZES[size]
    if size == "small":  # one full page of each, all in the measured section and post
        extra_articles = max(0, SECTION_ARTICLES_PER_PAGE - section.articles.published().count())
        extra_comments = max(0, COMMENTS_PER_PAGE - post.comments.count())
    rng = random.Random(2026)
    started = time.monotonic()
    with transaction.atomic():
        if size != "demo":
            # The same nine more sections at every size but the demo, so the home page lists
            # the same categories and sections whatever the number of articles.
            category = Category.objects.create(name="Archive", slug="bench-archive")
            archive = [
                Section.objects.create(category=category, name=f"Archive {n}", slug=f"bench-archive-{n}")
                for n in range(1, 10)
            ]
        if extra_articles:
            sections = [section] + (archive if size != "small" else [])
            batch = []
            for n in range(extra_articles):
                title = f"{_words(rng, 3, 7).capitalize()} {n}"
                body = _words(rng, 30, 80)
                batch.append(Article(
                    section=sections[n % len(sections)], title=title, slug=slugify(title)[:200], body=body,
                    body_html=f"<p>{body}</p>", author=agent, draft=False, position=rng.randint(0, 50),
                ))
                if len(batch) == 2000:
                    Article.objects.bulk_create(batch)
                    batch = []
            Article.objects.bulk_create(batch)
        if extra_comments:
            batch = []
            for n in range(extra_comments):
                body = f"Comment {n}: {_words(rng, 8, 30)}"
                batch.append(Comment(post=post, author=readers[n % len(readers)], body=body,
                                     body_html=f"<p>{body}</p>"))
            Comment.objects.bulk_create(batch, batch_size=2000)
        services.section_published_counts_recount()
        services.comment_totals_recount()
    from search.ranking import semantic

    if semantic.enabled():
        from bench.search_scale import random_embeddings

        random_embeddings(rng)
    generated = time.monotonic() - started
    started = time.monotonic()
    call_command("rebuild_index", stdout=io.StringIO())
    indexed = time.monotonic() - started

    last_comment_page = max(1, -(-post.comments.count() // COMMENTS_PER_PAGE))
    print(json.dumps({
        "pages": {
            "home": reverse("articles:home"),
            "article": article.get_absolute_url(),
            "post (page 1)": post.get_absolute_url(),
            "post (last page)": f"{post.get_absolute_url()}?page={last_comment_page}",
            "section": section.get_absolute_url(),
            "search": reverse("search:search") + "?q=cancel+account",
            "cancel flow": reverse("tickets:cancel_flow"),
            "request form": reverse("tickets:request_create"),
        },
        "articles": Article.objects.count(),
        "section_articles": section.articles.count(),
        "post_comments": post.comments.count(),
        "generate_s": round(generated, 1),
        "index_s": round(indexed, 1),
    }))


# --- Measuring -------------------------------------------------------------------------

def status(url: str) -> str:
    try:
        code = status_of(url)
    except OSError:  # timed out: the server is still busy with a slow page's backlog
        return "timeout"
    return "ok" if code == 200 else f"HTTP {code}"


def settle(base: str) -> None:
    """Wait until the server answers its home page again: after a page slower than wrk's
    timeout, gunicorn's workers still owe the abandoned requests, and the next page's
    figures would pay for them."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline and status(base + "/") == "timeout":
        time.sleep(1)


INFO_FILE = "bench-info.json"


def site_env(env: dict, data_dir: Path, info: dict) -> dict:
    """The environment of one size's site: its data directory, and its scratch PostgreSQL
    database with the PostgreSQL search backend when it has one."""
    site = {**env, "KB_DATA_DIR": str(data_dir)}
    if info.get("database_url"):
        site.update(DATABASE_URL=info["database_url"], KB_SEARCH_BACKEND=info["search_backend"])
    return site


def build(size: str, env: dict, options, reuse: Path | None = None) -> tuple[Path, dict]:
    if reuse is not None:
        info = json.loads((reuse / INFO_FILE).read_text())
        print(f"[{size}] reusing {reuse}: {info['articles']} articles, {info['post_comments']} comments "
              "on the post", flush=True)
        return reuse, info
    data_dir = Path(tempfile.mkdtemp(prefix=f"kb-bench-growth-{size}-"))
    database = {}
    if options.database == "postgres":
        from bench.scratch_db import postgres_database

        name = f"kb_growth_{size}_{secrets.token_hex(3)}"
        database = {"database_url": postgres_database(options.postgres_url, name, create=True),
                    "database_name": name, "search_backend": options.postgres_search}
        (data_dir / INFO_FILE).write_text(json.dumps(database))  # so a failed seed is cleaned up
    print(f"[{size}] seeding in {data_dir} ...", flush=True)
    started = time.monotonic()
    seeded = subprocess.run([PYTHON, __file__, "--seed", size], cwd=ROOT, env=site_env(env, data_dir, database),
                            capture_output=True, text=True, check=False)
    if seeded.returncode != 0:
        drop_database(options, database)
        raise SystemExit(f"seeding {size} failed:\n{seeded.stdout}{seeded.stderr}")
    info = {**json.loads(seeded.stdout.strip().splitlines()[-1]), **database}
    (data_dir / INFO_FILE).write_text(json.dumps(info))
    print(f"[{size}] {info['articles']} articles ({info['section_articles']} in the measured section), "
          f"{info['post_comments']} comments on the post; generated in {info['generate_s']} s, "
          f"index rebuilt in {info['index_s']} s; total {time.monotonic() - started:.0f} s", flush=True)
    return data_dir, info


def drop_database(options, info: dict) -> None:
    if info.get("database_name"):
        from bench.scratch_db import postgres_database

        postgres_database(options.postgres_url, info["database_name"], create=False)


def measure(options, env: dict) -> dict[str, dict]:
    """Every size served at once; each page is measured on every size in turn, so a change
    in the machine's background load hits all sizes alike rather than one of them."""
    built = {}
    try:
        for size in options.sizes:
            built[size] = build(size, env, options, options.reuse.get(size))
    except BaseException:
        cleanup(options, built)
        raise
    try:
        return serve_and_measure(options, env, built)
    finally:
        cleanup(options, built)


def cleanup(options, built: dict) -> None:
    reused = set(options.reuse.values())
    for size, (data_dir, info) in built.items():
        if data_dir in reused:
            continue
        if options.keep:
            kept = f" and database {info['database_name']}" if info.get("database_name") else ""
            print(f"[{size}] data kept in {data_dir}{kept}")
        else:
            drop_database(options, info)
            shutil.rmtree(data_dir, ignore_errors=True)


def serve_and_measure(options, env: dict, built: dict) -> dict[str, dict]:
    servers, bases, uncached_headers = {}, {}, {}
    try:
        # The framework floor (bench/floor, as in bench/pages.py), measured after each
        # page so that load on the shared machine weighs on both alike.
        floor_port = free_port()
        floor_env = {**env, "PORT": str(floor_port), "KB_ACCESS_LOG": "",
                     "DJANGO_SETTINGS_MODULE": "floor.settings", "PYTHONPATH": str(ROOT / "bench")}
        floor_dir = built[options.sizes[0]][0]
        servers["floor"] = start([PYTHON, "-m", "gunicorn", "-c", str(ROOT / "kb" / "gunicorn_conf.py"),
                                  "floor.wsgi:application"], floor_env, floor_dir / "floor.log")
        bases["floor"] = f"http://127.0.0.1:{floor_port}"
        for size, (data_dir, info) in built.items():
            port = free_port()
            serve_env = {**site_env(env, data_dir, info), "PORT": str(port), "KB_ACCESS_LOG": "",
                         "PY": PYTHON, "SECRET_KEY": secrets.token_urlsafe(50)}
            uncached_headers[size] = bypass_headers(serve_env)
            servers[size] = start([str(ROOT / "bin" / "serve")], serve_env, data_dir / "serve.log")
            bases[size] = f"http://127.0.0.1:{port}"
        for size, server in servers.items():
            wait_until_up(bases[size] + "/", server)
        print(flush=True)
        results = {size: {} for size in options.sizes}
        floors = {}
        for name in built[options.sizes[0]][1]["pages"]:
            if options.pages and name not in options.pages:
                continue
            for size in options.sizes:
                results[size][name] = {"status": status(bases[size] + built[size][1]["pages"][name])}
            for mode in ("cached", "uncached"):
                for size in options.sizes:
                    headers = uncached_headers[size] if mode == "uncached" else ()
                    row = results[size][name]
                    if row["status"] != "ok":
                        continue
                    url = bases[size] + built[size][1]["pages"][name]
                    wrk(url, 1, options.connections, options.threads, headers)  # warm up (and fill the cache)
                    row[mode] = wrk(url, options.duration, options.connections, options.threads, headers)
                    settle(bases[size])
            floors[name] = wrk(bases["floor"] + "/", options.duration, options.connections, options.threads)
            print(f"  {name:18} " + "   ".join(
                f"{size} {results[size][name].get('cached', {}).get('rps', 0):.0f}/"
                f"{results[size][name].get('uncached', {}).get('rps', 0):.0f}" for size in options.sizes
            ) + f"  req/s cached/uncached; floor {floors[name]['rps']:.0f}; "
                f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        return {
            size: {"info": built[size][1], "results": results[size], "floors": floors,
                   "rss": [r for r in (peak_rss_mib(pid) for pid in gunicorn_workers(servers[size].pid)) if r]}
            for size in options.sizes
        }
    finally:
        for server in servers.values():
            stop(server)


# Issue 6's targets against the floor (bench/pages.py): search >= 0.2 uncached.
FLOOR_TARGETS = {"search": 0.2, "article": 0.5, "post (page 1)": 0.5}


def report_floor(measured: dict[str, dict]) -> None:
    sizes = list(measured)
    floors = measured[sizes[0]]["floors"]
    print("\nuncached: ratio to the framework floor (bench/floor, measured after each page)")
    header = f"{'page':18} {'floor/s':>8}" + "".join(f" {size:>8}" for size in sizes) + "  target"
    print(header)
    print("-" * len(header))
    for page, floor in floors.items():
        cells = []
        for size in sizes:
            result = measured[size]["results"].get(page, {}).get("uncached")
            cells.append(f" {result['rps'] / floor['rps']:8.2f}" if result and floor["rps"] else f" {'-':>8}")
        target = FLOOR_TARGETS.get(page)
        print(f"{page:18} {floor['rps']:8.0f}" + "".join(cells) + (f"  >= {target}" if target else ""))
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def report(measured: dict[str, dict]) -> int:
    sizes = list(measured)
    base = sizes[0]
    pages = list(measured[base]["results"])  # the pages measured (all, or --pages)
    failures = 0
    for mode in ("cached", "uncached"):
        print(f"\n{mode}: requests/s per size, and as % of {base}")
        header = f"{'page':18}" + "".join(f" {size:>16}" for size in sizes) + "  verdict"
        print(header)
        print("-" * len(header))
        for page in pages:
            cells, worst = [], None
            reference = measured[base]["results"][page].get(mode)
            for size in sizes:
                result = measured[size]["results"].get(page, {}).get(mode)
                if result is None:
                    cells.append(f" {measured[size]['results'].get(page, {}).get('status', '-'):>16}")
                    continue
                bad = result["non2xx"] + result["errors"]
                if reference is None or size == base:
                    cells.append(f" {result['rps']:8.0f}" + (f" {bad:>3} err" if bad else "        "))
                    continue
                share = result["rps"] / reference["rps"]
                worst = share if worst is None else min(worst, share)
                cells.append(f" {result['rps']:8.0f} {share:5.0%}" + (f"!{bad}" if bad else "  "))
            if worst is None:
                verdict = "-"
            else:
                verdict = "within 20 %" if worst >= TARGET else "BELOW 80 %"
                failures += worst < TARGET
            print(f"{page:18}" + "".join(cells) + f"  {verdict}")
    print("\npeak RSS per gunicorn worker (MiB): " + "; ".join(
        f"{size} {', '.join(f'{r:.0f}' for r in measured[size]['rss'])}" for size in sizes))
    info = measured[base]["info"]
    database = (f"PostgreSQL, {info['search_backend']} search" if info.get("database_url")
                else "SQLite, whoosh search")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {database}")
    report_floor(measured)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=DEFAULT_SIZES,
                        help="data sizes to measure, the first is the reference (default: small 1k 100k)")
    add_wrk_options(parser)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directories")
    parser.add_argument("--reuse", nargs="+", default=[], metavar="SIZE=DIR",
                        help="serve a data directory kept by --keep instead of building that size")
    parser.add_argument("--pages", nargs="+", metavar="PAGE",
                        help="measure only these pages (e.g. search, \"post (last page)\"); default: all")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite",
                        help="postgres: each size in a scratch database created next to --postgres-url")
    parser.add_argument("--postgres-url", default=os.environ.get("KB_LOAD_POSTGRES_URL",
                                                                 "postgres://kb:kb@127.0.0.1:5432/kb"))
    parser.add_argument("--postgres-search", default="postgres",
                        help="KB_SEARCH_BACKEND on PostgreSQL (default postgres: several machines)")
    parser.add_argument("--seed", metavar="SIZE", help=argparse.SUPPRESS)
    options = parse_wrk_options(parser, seed)
    reuse = {}
    for item in options.reuse:
        size, _, directory = item.partition("=")
        if size not in options.sizes or not (Path(directory) / INFO_FILE).is_file():
            parser.error(f"--reuse {item}: expected SIZE=DIR with SIZE in --sizes and a directory kept by --keep")
        reuse[size] = Path(directory).resolve()
    options.reuse = reuse
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="kb.settings", PYTHONPATH=str(ROOT))
    print(f"wrk -t{options.threads} -c{options.connections} -d{options.duration}s per page and mode; "
          f"sizes: {', '.join(options.sizes)}", flush=True)
    return report(measure(options, env))


if __name__ == "__main__":
    sys.exit(main())
