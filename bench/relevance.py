"""Search relevance on StackFAQ, through the product's real path.

Imports the 719 question/answer pairs of ``stackfaq_corpus.tsv`` (title = question, body =
answer) with ``manage.py import_articles`` into a fresh, temporary site (its own
KB_DATA_DIR and database, migrated here), then sends every query of
``stackfaq_dev_queries.tsv`` to the JSON search endpoint
(``/api/v2/help_center/articles/search.json``) through Django's test client, and prints:

* P@1, P@5, MAP, MRR and Success@5: a query's relevant documents are all pairs of its
  thread; rankings are cut at 100; MAP is trec_eval's (precision at each relevant
  document found, summed, divided by the number of relevant documents);
* p50 / p95 latency of the endpoint for the first page at its default size (what a
  visitor waits for), measured in a second pass after a warm-up.

Usage (from the repository root)::

    .venv/bin/python bench/relevance.py                      # Whoosh on SQLite
    .venv/bin/python bench/relevance.py --backend postgres \\
        --database-url postgres://USER:PASS@HOST:5432/DB      # a temporary database is
                                                              # created beside DB, then dropped

The data directory defaults to ``shared/data/stackfaq`` beside the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "stackfaq"
ENDPOINT = "/api/v2/help_center/articles/search.json"
CUTOFF = 100
WARMUP_QUERIES = 20


# --- data -------------------------------------------------------------------------------


def read_tsv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def corpus_to_jsonl(corpus: list[dict], path: Path) -> None:
    """The corpus as an import file: one article per question/answer pair."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps({
                "title": row["question"],
                "body": row["answer"],
                "section": "StackFAQ",
                "category": "Web applications",
                "external_id": row["doc_id"],
            }) + "\n" for row in corpus)


# --- metrics ----------------------------------------------------------------------------


def evaluate(ranking: list[str], relevant: set[str]) -> dict[str, float]:
    """Metrics of one ranking (document ids, best first) against the relevant set."""
    ranking = ranking[:CUTOFF]
    found, precision_sum, reciprocal_rank = 0, 0.0, 0.0
    for rank, doc_id in enumerate(ranking, start=1):
        if doc_id in relevant:
            found += 1
            precision_sum += found / rank
            if not reciprocal_rank:
                reciprocal_rank = 1.0 / rank
    top5 = sum(1 for d in ranking[:5] if d in relevant)
    return {
        "P@1": 1.0 if ranking and ranking[0] in relevant else 0.0,
        "P@5": top5 / 5,
        "MAP": precision_sum / len(relevant) if relevant else 0.0,
        "MRR": reciprocal_rank,
        "Success@5": 1.0 if top5 else 0.0,
    }


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    # Nearest rank: the smallest value with at least pct % of the values at or below it.
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


# --- environment ------------------------------------------------------------------------


def configure(args, workdir: Path) -> str | None:
    """Point the settings at a fresh site in ``workdir``; returns a database to drop."""
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
    os.environ["KB_DATA_DIR"] = str(workdir)
    os.environ["KB_SEARCH_INDEX_DIR"] = str(workdir / "index")
    os.environ["KB_SEARCH_BACKEND"] = args.backend
    os.environ["KB_TASK_BACKEND"] = "immediate"
    os.environ["ALLOWED_HOSTS"] = "testserver"  # Django's test client
    # Every query comes from one address, faster than the API's anonymous limit (200 a
    # minute): without this the runs end in 429s.
    os.environ.setdefault("KB_RATE_LIMITS", json.dumps({"api.ip": "100000/m"}))
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("KB_HTTPS", "false")
    # Hundreds of searches a minute from one address are the point here, not abuse.
    os.environ.setdefault("KB_RATE_LIMITS", '{"api.ip": "1000000/m"}')
    if not args.database_url:
        os.environ.pop("DATABASE_URL", None)
        return None
    return create_temporary_database(args.database_url)


def create_temporary_database(url: str) -> str:
    import psycopg
    from dj_database_url import parse

    config = parse(url)
    name = f"kb_bench_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(_dsn(config), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{name}"
    return name


def drop_temporary_database(url: str, name: str) -> None:
    import psycopg
    from dj_database_url import parse
    from django.db import connections

    connections.close_all()
    with psycopg.connect(_dsn(parse(url)), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _dsn(config: dict) -> str:
    return (f"host={config['HOST']} port={config['PORT'] or 5432} dbname={config['NAME']} "
            f"user={config['USER']} password={config['PASSWORD']}")


def setup_site() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from kb.permissions import AGENTS_GROUP

    agent = get_user_model().objects.create_user("bench_agent", "bench@example.com")
    agent.groups.add(Group.objects.get(name=AGENTS_GROUP))


def import_corpus(path: Path) -> tuple[float, str]:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    try:
        call_command("import_articles", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        err.write(str(exc))
    elapsed = time.perf_counter() - started
    if err.getvalue():
        print(err.getvalue().rstrip(), file=sys.stderr)
    return elapsed, out.getvalue().strip()


def run_queries(queries: list[dict], thread_docs: dict[str, set[str]], *, per_page: int,
                semantic_only: bool = False):
    from django.test import Client

    from articles.models import Article

    doc_of = dict(Article.objects.values_list("pk", "external_id"))
    client = Client()

    def ask(text: str) -> tuple[list[str], float]:
        if semantic_only:
            return ask_meaning(text)
        return ask_endpoint(text)

    def ask_meaning(text: str) -> tuple[list[str], float]:
        """Dense retrieval alone: every article ranked by cosine with the query."""
        from search.ranking import dense, semantic

        started = time.perf_counter()
        found = dense.neighbours(semantic.query_vector(text), limit=CUTOFF, min_cosine=-1.0)
        return [doc_of.get(n.pk, "") for n in found], time.perf_counter() - started

    def ask_endpoint(text: str) -> tuple[list[str], float]:
        ranking: list[str] = []
        elapsed, page = 0.0, 1
        while len(ranking) < CUTOFF:
            started = time.perf_counter()
            response = client.get(ENDPOINT, {"query": text, "per_page": per_page, "page": page})
            elapsed += time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{ENDPOINT} answered {response.status_code} for {text!r}")
            data = response.json()
            ranking += [doc_of.get(r["id"], "") for r in data["results"]]
            if not data.get("next_page"):
                break
            page += 1
        return ranking, elapsed

    per_query = []
    for query in queries:
        ranking, _ = ask(query["query"])
        per_query.append((query, evaluate(ranking, thread_docs[query["thread_id"]]), ranking))
    # Latency as visitors see it: the first page at the endpoint's default size (fetching
    # 100 results with snippets, as the ranking pass does, costs several times more).
    # Query embeddings are cached per process; the ranking pass filled that cache, so it
    # is emptied here: every timed query pays for its embedding, as a new question would.
    from search.ranking import semantic

    semantic.clear_query_cache()
    latencies = []
    for n, query in enumerate(queries[:WARMUP_QUERIES] + queries):
        started = time.perf_counter()
        if semantic_only:
            ask_meaning(query["query"])
        else:
            assert client.get(ENDPOINT, {"query": query["query"]}).status_code == 200
        if n >= WARMUP_QUERIES:
            latencies.append((time.perf_counter() - started) * 1000)
    return per_query, latencies


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="directory holding stackfaq_corpus.tsv and the query files")
    parser.add_argument("--queries", default="stackfaq_dev_queries.tsv",
                        help="query file inside --data (tune on dev only)")
    parser.add_argument("--backend", default="whoosh", choices=["whoosh", "postgres", "database"])
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server to create the temporary database on "
                             "(default: SQLite in the temporary directory)")
    parser.add_argument("--per-page", type=int, default=100)
    parser.add_argument("--worst", type=int, default=0, help="also list the N worst queries")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--semantic-only", action="store_true",
                        help="rank by meaning alone (every article by cosine), not through search")
    args = parser.parse_args(argv)

    corpus = read_tsv(args.data / "stackfaq_corpus.tsv")
    queries = read_tsv(args.data / args.queries)
    thread_docs: dict[str, set[str]] = {}
    for row in corpus:
        thread_docs.setdefault(row["thread_id"], set()).add(row["doc_id"])

    with tempfile.TemporaryDirectory(prefix="kb-relevance-") as tmp:
        workdir = Path(tmp)
        database = configure(args, workdir)
        try:
            setup_site()
            jsonl = workdir / "stackfaq.jsonl"
            corpus_to_jsonl(corpus, jsonl)
            import_seconds, summary = import_corpus(jsonl)
            per_query, latencies = run_queries(queries, thread_docs, per_page=args.per_page,
                                               semantic_only=args.semantic_only)
            from search.ranking import semantic

            semantic_on = semantic.enabled()
        finally:
            if database:
                drop_temporary_database(args.database_url, database)

    names = ["P@1", "P@5", "MAP", "MRR", "Success@5"]
    metrics = {n: statistics.fmean(m[n] for _, m, _ in per_query) for n in names}
    metrics["p50_ms"] = percentile(latencies, 50)
    metrics["p95_ms"] = percentile(latencies, 95)
    if args.json:
        print(json.dumps({"backend": args.backend, "semantic": semantic_on,
                          "queries": len(per_query),
                          "import_seconds": round(import_seconds, 2), **metrics}))
        return 0
    print(f"backend: {args.backend} on {'PostgreSQL' if args.database_url else 'SQLite'}, "
          f"semantic re-ranking {'on' if semantic_on else 'off'}")
    print(f"import: {summary} in {import_seconds:.1f} s ({len(corpus)} pairs)")
    print(f"queries: {len(per_query)} ({args.queries}), top {CUTOFF}")
    print("  ".join(f"{n} {metrics[n]:.3f}" for n in names))
    print(f"latency (first page, default size): p50 {metrics['p50_ms']:.1f} ms, "
          f"p95 {metrics['p95_ms']:.1f} ms")
    if args.worst:
        titles = {row["doc_id"]: row["question"] for row in corpus}
        print(f"\n{args.worst} worst queries (by average precision):")
        for query, m, ranking in sorted(per_query, key=lambda item: item[1]["MAP"])[: args.worst]:
            top = titles.get(ranking[0], "-") if ranking else "-"
            print(f"  AP {m['MAP']:.2f}  {query['query']!r}\n           top: {top!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
