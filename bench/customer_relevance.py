"""Search relevance on everyday customer questions about the demo help center.

The questions (``bench/data/customer_questions.jsonl``, see ``bench/customer_questions.py``)
were written fresh from the demo articles, the way customers type into a search box:
"how do i get my money back", "emails going to junk". Most share no word with the title of
the article that answers them. Unlike StackFAQ (``bench/relevance.py``), neither the
questions nor the articles can have been seen by the embedding model in training.

Loads the demo (``demo.articles.load``) into a fresh, temporary site (its own KB_DATA_DIR,
SQLite database and index, migrated here), builds the index and the embeddings
(``index_rebuild``), then asks every question in each mode and prints, side by side:

* P@1, success@3 (a relevant article in the top 3) and MRR@10 (1 / rank of the first
  relevant article within the top 10, else 0), articles only (the answers are articles);
* p50 / p95 latency of one question in that mode (``search_run`` for a first page of 10
  articles, or the dense ranking), measured on every question after a warm-up, with the
  per-process query-embedding cache emptied before each call (a new question pays for its
  embedding); the modes take turns on each question, so machine noise hits them alike;
* the same split by "shares a title word" / "shares none" and for the questions that use
  the articles' own product words.

Modes (``MODES``: each a function question -> ranked external ids, best first):

* ``lexical``: ``search_run`` with ``KB_SEARCH_SEMANTIC=False`` (BM25 alone);
* ``rerank``: ``search_run`` with ``KB_SEARCH_HYBRID=False`` (BM25 top 50 re-ranked by
  meaning, kb's ranking before hybrid retrieval);
* ``semantic``: dense only: every published article ranked by the cosine of its stored
  ``DocumentEmbedding`` with ``semantic.query_vector(question)`` (vectors read per query);
* ``hybrid``: ``search_run`` as shipped (lexical and semantic candidates, weighted fusion);
* ``hybrid-rrf``: the same candidates fused by reciprocal rank fusion.

Usage (from the repository root)::

    .venv/bin/python bench/customer_relevance.py
    .venv/bin/python bench/customer_relevance.py --modes lexical rerank --worst 10
    .venv/bin/python bench/customer_relevance.py --json
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.customer_questions import QUESTIONS, load
from bench.relevance import percentile

TOP = 10
WARMUP_QUESTIONS = 10
METRICS = ("P@1", "success@3", "MRR@10")


# --- metrics ----------------------------------------------------------------------------


def evaluate(ranking: list[str], relevant: set[str]) -> dict[str, float]:
    """Metrics of one ranking (external ids, best first) against the relevant set."""
    rank = next((n for n, key in enumerate(ranking[:TOP], start=1) if key in relevant), 0)
    return {
        "P@1": 1.0 if rank == 1 else 0.0,
        "success@3": 1.0 if 0 < rank <= 3 else 0.0,
        "MRR@10": 1.0 / rank if rank else 0.0,
    }


def summarize(rows: list[dict]) -> dict[str, float]:
    """Mean metrics over ``rows`` (each: {"metrics": {...}}) plus how many there were."""
    out: dict[str, float] = {"n": len(rows)}
    for name in METRICS:
        out[name] = statistics.fmean(r["metrics"][name] for r in rows) if rows else 0.0
    return out


# --- modes ------------------------------------------------------------------------------


def _search_mode(**overrides) -> Callable[[str], list[str]]:
    """A mode that asks ``search_run`` (articles only, top TOP) with settings overridden."""

    def run(question: str) -> list[str]:
        from django.test import override_settings

        from search.selectors import search_run

        with override_settings(**overrides):
            page = search_run(text=question, kinds=("article",), per_page=TOP)
        return [item.obj.external_id for item in page.items]

    return run


def _semantic_only(question: str) -> list[str]:
    """Every published article ranked by cosine with the question (dense retrieval alone)."""
    import numpy as np

    from articles.models import Article
    from search.models import DocumentEmbedding
    from search.ranking import semantic

    external = {f"article:{pk}": ext for pk, ext in
                Article.objects.published().values_list("pk", "external_id")}
    rows = DocumentEmbedding.objects.filter(key__in=list(external)).values_list("key", "vector")
    keys, blobs = zip(*rows, strict=True) if rows else ((), ())
    if not keys:
        return []
    matrix = np.frombuffer(b"".join(bytes(b) for b in blobs), dtype="<f2").astype(np.float32)
    scores = matrix.reshape(len(keys), -1) @ semantic.query_vector(question)
    order = np.argsort(-scores, kind="stable")[:TOP]
    return [external[keys[i]] for i in order]


#: name -> function(question) -> external ids, best first. Add a mode here and it is measured.
MODES: dict[str, Callable[[str], list[str]]] = {
    "lexical": _search_mode(KB_SEARCH_SEMANTIC=False),
    "rerank": _search_mode(KB_SEARCH_SEMANTIC=True, KB_SEARCH_HYBRID=False),
    "semantic": _semantic_only,
    "hybrid": _search_mode(KB_SEARCH_SEMANTIC=True, KB_SEARCH_HYBRID=True),
    "hybrid-rrf": _search_mode(KB_SEARCH_SEMANTIC=True, KB_SEARCH_HYBRID=True, KB_SEARCH_FUSION="rrf"),
}


# --- running ----------------------------------------------------------------------------


def configure(workdir: Path, backend: str = "whoosh", database_url: str = "") -> str | None:
    """Settings for a fresh site in ``workdir``; with ``database_url`` (PostgreSQL), in a
    scratch database next to it, whose name is returned (to drop)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "kb.settings"
    os.environ["KB_DATA_DIR"] = str(workdir)
    os.environ["KB_SEARCH_INDEX_DIR"] = str(workdir / "index")
    os.environ["KB_SEARCH_BACKEND"] = backend
    os.environ["KB_TASK_BACKEND"] = "immediate"
    os.environ.pop("DATABASE_URL", None)
    database = None
    if database_url:
        from bench.relevance import create_temporary_database

        database = create_temporary_database(database_url)
    # DEBUG off: Django would otherwise record every SQL query, which costs time per search.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))  # a throwaway site
    os.environ.setdefault("KB_HTTPS", "false")
    return database


def setup_demo() -> float:
    """Migrate, load the demo, build index and embeddings; returns the seconds taken."""
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    import demo.articles
    from search.index import index_rebuild

    demo.articles.load()
    index_rebuild()
    return time.perf_counter() - started


def rank_all(name: str, questions: list[dict]) -> list[dict]:
    """Every question's ranking in mode ``name``, with its metrics."""
    mode = MODES[name]
    return [{**item, "ranking": (ranking := mode(item["q"])),
             "metrics": evaluate(ranking, set(item["relevant"]))} for item in questions]


def time_all(names: list[str], questions: list[dict]) -> dict[str, list[float]]:
    """Milliseconds per question and mode. The modes take turns on each question (in a
    rotating order), so a busy moment of the machine costs every mode alike; the query
    embedding cache is emptied before each call."""
    from search.ranking import semantic

    latencies: dict[str, list[float]] = {name: [] for name in names}
    for item in questions[:WARMUP_QUESTIONS]:
        for name in names:
            MODES[name](item["q"])
    for n, item in enumerate(questions):
        for name in names[n % len(names):] + names[:n % len(names)]:
            semantic.clear_query_cache()
            started = time.perf_counter()
            MODES[name](item["q"])
            latencies[name].append((time.perf_counter() - started) * 1000)
    return latencies


def run_modes(names: list[str], questions: list[dict]) -> dict[str, dict]:
    rows = {name: rank_all(name, questions) for name in names}
    latencies = time_all(names, questions)
    return {name: {"rows": rows[name], "p50_ms": percentile(latencies[name], 50),
                   "p95_ms": percentile(latencies[name], 95)} for name in names}


def report(results: dict[str, dict]) -> dict:
    """{mode: {"all"|"shares title word"|"shares none"|"product words": metrics}}."""
    groups = {
        "all": lambda r: True,
        "shares title word": lambda r: r["shares_title_word"],
        "shares none": lambda r: not r["shares_title_word"],
        "product words": lambda r: r["product_words"],
    }
    out = {}
    for name, result in results.items():
        out[name] = {group: summarize([r for r in result["rows"] if keep(r)])
                     for group, keep in groups.items()}
        out[name]["all"]["p50_ms"] = result["p50_ms"]
        out[name]["all"]["p95_ms"] = result["p95_ms"]
    return out


def print_table(summary: dict, notes: list[str]) -> None:
    modes = list(summary)
    for group in next(iter(summary.values())):
        n = next(iter(summary.values()))[group]["n"]
        print(f"\n{group} ({n} questions)")
        columns = list(METRICS) + (["p50 ms", "p95 ms"] if group == "all" else [])
        print(f"  {'mode':<10}" + "".join(f"{c:>11}" for c in columns))
        for mode in modes:
            m = summary[mode][group]
            cells = [f"{m[c]:.3f}" for c in METRICS]
            if group == "all":
                cells += [f"{m['p50_ms']:.1f}", f"{m['p95_ms']:.1f}"]
            print(f"  {mode:<10}" + "".join(f"{c:>11}" for c in cells))
    for note in notes:
        print(f"\nnote: {note}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--worst", type=int, default=0,
                        help="also list, per mode, up to N questions it misses in the top 3")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--dump", type=Path,
                        help="write every question's ranking per mode to this JSON Lines file")
    parser.add_argument("--backend", default="whoosh", choices=["whoosh", "postgres"])
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server for --backend postgres (a scratch database is made there)")
    args = parser.parse_args(argv)
    if (args.backend == "postgres") != bool(args.database_url):
        parser.error("--backend postgres needs --database-url (and only it)")
    questions = load(args.questions)

    with tempfile.TemporaryDirectory(prefix="kb-customer-relevance-") as tmp:
        database = configure(Path(tmp), args.backend, args.database_url)
        try:
            return _run(args, questions, database)
        finally:
            if database:
                from bench.relevance import drop_temporary_database

                drop_temporary_database(args.database_url, database)


def _run(args, questions, database) -> int:
    setup_seconds = setup_demo()
    from articles.models import Article
    from search.ranking import semantic

    if not semantic.enabled():
        print("semantic search is off (KB_SEARCH_SEMANTIC or the model package missing): "
              "rerank, semantic and hybrid would measure nothing", file=sys.stderr)
        return 1
    known = set(Article.objects.published().values_list("external_id", flat=True))
    unknown = {k for q in questions for k in q["relevant"]} - known
    if unknown:
        raise SystemExit(f"relevant ids not in the demo: {sorted(unknown)}")
    started = time.perf_counter()
    results = run_modes(args.modes, questions)
    run_seconds = time.perf_counter() - started

    notes = []
    if "hybrid" in results and "rerank" in results and all(
            a["ranking"] == b["ranking"] for a, b in
            zip(results["hybrid"]["rows"], results["rerank"]["rows"], strict=True)):
        notes.append("hybrid ranked every question exactly as rerank "
                     "(KB_SEARCH_HYBRID is not read by search yet, or changes nothing here)")
    summary = report(results)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as handle:
            for name, result in results.items():
                handle.writelines(json.dumps({"mode": name, **row}) + "\n"
                                  for row in result["rows"])
    if args.json:
        print(json.dumps({"questions": len(questions), "setup_seconds": round(setup_seconds, 1),
                          "run_seconds": round(run_seconds, 1), "modes": summary,
                          "notes": notes}, indent=1))
        return 0
    print(f"{len(questions)} questions ({args.questions.name}), {len(known)} published demo "
          f"articles; setup {setup_seconds:.1f} s, questions {run_seconds:.1f} s")
    print_table(summary, notes)
    if args.worst:
        for name, result in results.items():
            misses = [r for r in result["rows"] if not r["metrics"]["success@3"]]
            print(f"\n{name}: {len(misses)} questions without a relevant article in the top 3"
                  + (f" (first {args.worst})" if len(misses) > args.worst else ""))
            for r in misses[:args.worst]:
                print(f"  {r['q']!r} -> {r['relevant']}; top: {r['ranking'][:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
