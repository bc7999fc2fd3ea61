"""How search cost grows with the number of articles: 1k, 10k, 100k.

For each size, in a fresh temporary site (own KB_DATA_DIR and database, migrated here):
synthetic articles are written straight to the database (bulk inserts: this measures the
index, not the write path), then the script prints

* index build time (``manage.py rebuild_index``'s code path) and index size on disk
  (Whoosh directory) or in the database (PostgreSQL: the search table with its indexes);
* p50 / p95 latency of the JSON search endpoint for 200 queries of 1-5 words;
* the time to re-index one saved article (what every agent save costs).

The text is made of words drawn, with their real frequencies, from the StackFAQ corpus,
so term statistics resemble a real help center.

Semantic re-ranking (``--embeddings``): ``random`` (default) stores a random unit vector
per synthetic article before the build, so searches pay the real per-query cost (query
embedding, vector reads, re-ranking) without hours of embedding meaningless text (about
30 ms of CPU per article); ``model`` embeds every article with the model (the build time
then includes it); ``off`` measures lexical search alone. Usage (from the repository root)::

    .venv/bin/python bench/search_scale.py --sizes 1000 10000 100000
    .venv/bin/python bench/search_scale.py --backend postgres \\
        --database-url postgres://USER:PASS@HOST:5432/DB --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.relevance import (
    DEFAULT_DATA,
    ENDPOINT,
    configure,
    drop_temporary_database,
    percentile,
    read_tsv,
    setup_site,
)

QUERIES = 200
SEED = 2026


def vocabulary(data: Path) -> tuple[list[str], list[int]]:
    counts: Counter[str] = Counter()
    for row in read_tsv(data / "stackfaq_corpus.tsv"):
        counts.update(re.findall(r"[a-z]{2,}", (row["question"] + " " + row["answer"]).lower()))
    words, weights = zip(*counts.most_common())
    return list(words), list(weights)


def generate(size: int, words, weights, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.utils.html import escape

    from articles.models import Article, Category, Section

    author = get_user_model().objects.get(username="bench_agent")
    category = Category.objects.create(name="Synthetic", slug="synthetic")
    sections = [Section.objects.create(category=category, name=f"Section {n}", slug=f"section-{n}")
                for n in range(20)]
    batch = []
    for n in range(size):
        title = " ".join(rng.choices(words, weights, k=rng.randint(4, 10))).capitalize()
        body = " ".join(rng.choices(words, weights, k=rng.randint(60, 300)))
        batch.append(Article(
            section=sections[n % len(sections)], title=title[:200], slug=f"article-{n}",
            body=body, body_html=f"<p>{escape(body)}</p>", author=author, draft=False,
        ))
        if len(batch) == 2000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)


def random_embeddings(rng: random.Random) -> None:
    """A random unit vector for every searchable document not embedded yet, stored as the
    index writer would (with the fingerprint of the document's text, so nothing counts as
    stale). Also used by bench/cost_growth.py."""
    import numpy as np

    from search.documents import all_documents
    from search.embeddings import DIMENSIONS
    from search.models import DocumentEmbedding
    from search.ranking.semantic import document_meta, document_text, text_version

    generator = np.random.default_rng(rng.randrange(2**32))
    done = set(DocumentEmbedding.objects.values_list("key", flat=True))
    batch = []
    for doc in all_documents():
        if doc.key in done:
            continue
        vector = generator.standard_normal(DIMENSIONS).astype(np.float32)
        vector /= np.linalg.norm(vector)
        batch.append(DocumentEmbedding(key=doc.key, version=text_version(document_text(doc)),
                                       vector=vector.astype("<f2").tobytes(), **document_meta(doc)))
        if len(batch) == 2000:
            DocumentEmbedding.objects.bulk_create(batch)
            batch = []
    DocumentEmbedding.objects.bulk_create(batch)


def index_size(backend_name: str, workdir: Path) -> int:
    if backend_name == "whoosh":
        return sum(p.stat().st_size for p in (workdir / "index").rglob("*") if p.is_file())
    from django.db import connection

    from search.models import SearchEntry

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [SearchEntry._meta.db_table])
        return cursor.fetchone()[0]


def measure(size: int, args, words, weights) -> dict:
    os.environ["KB_SEARCH_SEMANTIC"] = "false" if args.embeddings == "off" else "true"
    with tempfile.TemporaryDirectory(prefix="kb-scale-") as tmp:
        workdir = Path(tmp)
        database = configure(args, workdir)
        try:
            return _measure(size, args, workdir, words, weights)
        finally:
            if database:
                drop_temporary_database(args.database_url, database)


def _measure(size, args, workdir, words, weights) -> dict:
    setup_site()
    from django.test import Client

    from articles import services
    from articles.models import Article
    from search.backends.base import get_backend, reset_backends
    from search.index import index_rebuild, index_sync

    reset_backends()
    rng = random.Random(SEED)
    started = time.perf_counter()
    generate(size, words, weights, rng)
    if args.embeddings == "random":
        random_embeddings(rng)
    generated = time.perf_counter() - started

    started = time.perf_counter()
    index_rebuild(backend=get_backend())
    build = time.perf_counter() - started

    # Queries: 1-5 words, mostly of middling frequency, as customers type them.
    common = words[20:3000]
    queries = [" ".join(rng.sample(common, rng.randint(1, 5))) for _ in range(QUERIES)]
    client = Client()
    for text in queries[:20]:
        client.get(ENDPOINT, {"query": text})
    latencies = []
    for text in queries:
        started = time.perf_counter()
        response = client.get(ENDPOINT, {"query": text})
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:300])

    article = Article.objects.order_by("pk").first()
    services.article_update(article=article, body=article.body + " updated")
    started = time.perf_counter()
    index_sync(keys=[f"article:{article.pk}"], backend=get_backend())
    reindex_one = time.perf_counter() - started
    result = {
        "size": size, "generate_s": generated, "build_s": build,
        "index_mb": index_size(args.backend, workdir) / 1e6,
        "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
        "reindex_one_ms": reindex_one * 1000,
    }
    reset_backends()
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--backend", default="whoosh", choices=["whoosh", "postgres"])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--embeddings", default="random", choices=["random", "model", "off"],
                        help="semantic re-ranking: random vectors (default), the real model, or off")
    args = parser.parse_args(argv)
    if len(args.sizes) > 1:
        # Django is set up once per process: each size runs in its own process.
        import subprocess

        for n, size in enumerate(args.sizes):
            command = [sys.executable, __file__, "--backend", args.backend,
                       "--data", str(args.data), "--sizes", str(size),
                       "--embeddings", args.embeddings]
            if args.database_url:
                command += ["--database-url", args.database_url]
            env = {**os.environ, **({"KB_SCALE_NO_HEADER": "1"} if n else {})}
            subprocess.run(command, check=True, env=env)
        return 0
    words, weights = vocabulary(args.data)
    row = measure(args.sizes[0], args, words, weights)
    if not os.environ.get("KB_SCALE_NO_HEADER"):
        print(f"backend: {args.backend}, semantic re-ranking: {args.embeddings}")
        print(f"{'articles':>9} {'build s':>8} {'index MB':>9} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'re-index 1 ms':>14}")
    print(f"{row['size']:>9} {row['build_s']:>8.1f} {row['index_mb']:>9.1f} {row['p50_ms']:>7.1f} "
          f"{row['p95_ms']:>7.1f} {row['reindex_one_ms']:>14.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
