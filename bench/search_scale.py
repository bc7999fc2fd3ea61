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
BROAD_QUERIES = 50
SEED = 2026
COMMENTS_PER_POST = 100
# A query is "broad" when every one of its terms is in more than this share of the
# documents it searches (the English rows): it matches most of the site, the case the
# PostgreSQL backend used to score row by row. Others are "ordinary".
BROAD_SHARE = 0.2


def vocabulary(data: Path) -> tuple[list[str], list[int]]:
    counts: Counter[str] = Counter()
    for row in read_tsv(data / "stackfaq_corpus.tsv"):
        counts.update(re.findall(r"[a-z]{2,}", (row["question"] + " " + row["answer"]).lower()))
    words, weights = zip(*counts.most_common())
    return list(words), list(weights)


def generate(size: int, words, weights, rng: random.Random, comments: int = 0) -> None:
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
    if comments:
        generate_comments(comments, author, words, weights, rng)


def generate_comments(count: int, author, words, weights, rng: random.Random) -> None:
    """``count`` comments of 8-30 words spread over community posts, a hundred per post
    (so 1M comments make 10,000 posts, each a document of ~2,000 words)."""
    from django.utils.html import escape

    from articles.models import Comment, Post, Topic

    topic = Topic.objects.create(name="Synthetic community", slug="synthetic-community")
    posts = []
    for n in range(max(1, count // COMMENTS_PER_POST)):
        title = " ".join(rng.choices(words, weights, k=rng.randint(4, 10))).capitalize()
        body = " ".join(rng.choices(words, weights, k=rng.randint(20, 120)))
        posts.append(Post(topic=topic, title=title[:200], slug=f"post-{n}", body=body,
                          body_html=f"<p>{escape(body)}</p>", author=author))
    posts = Post.objects.bulk_create(posts, batch_size=2000)
    batch = []
    for n in range(count):
        body = " ".join(rng.choices(words, weights, k=rng.randint(8, 30)))
        batch.append(Comment(post=posts[n % len(posts)], author=author, body=body,
                             body_html=f"<p>{escape(body)}</p>"))
        if len(batch) == 5000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    Post.objects.update(comment_total=count // len(posts))


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
    if args.keep:
        # A site kept between runs (100k articles and 1M comments take minutes to write):
        # its own database and data directory, reused when they hold the same size.
        name = f"{args.keep}_{size}_{args.comments}"
        workdir = Path(tempfile.gettempdir()) / f"kb-scale-{name}"
        workdir.mkdir(exist_ok=True)
        reuse = _configure_kept(args, workdir, name)
        return _measure(size, args, workdir, words, weights, reuse=reuse)
    with tempfile.TemporaryDirectory(prefix="kb-scale-") as tmp:
        workdir = Path(tmp)
        database = configure(args, workdir)
        try:
            return _measure(size, args, workdir, words, weights)
        finally:
            if database:
                drop_temporary_database(args.database_url, database)


def _configure_kept(args, workdir: Path, name: str) -> bool:
    """Point the settings at the kept site ``name``; whether it already holds data."""
    configure(argparse.Namespace(**{**vars(args), "database_url": ""}), workdir)
    if not args.database_url:
        return (workdir / "db.sqlite3").exists() and (workdir / "generated").exists()
    import psycopg
    from dj_database_url import parse

    from bench.relevance import _dsn

    with psycopg.connect(_dsn(parse(args.database_url)), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = args.database_url.rsplit("/", 1)[0] + f"/{name}"
    return bool(exists) and (workdir / "generated").exists()


def _measure(size, args, workdir, words, weights, reuse: bool = False) -> dict:
    import django
    from django.core.management import call_command

    if reuse:
        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
    else:
        setup_site()
    from django.test import Client

    from articles import services
    from articles.models import Article
    from search.backends.base import get_backend, reset_backends
    from search.index import index_rebuild, index_sync
    from search.models import DocumentEmbedding

    reset_backends()
    rng = random.Random(SEED)
    started = time.perf_counter()
    if not reuse:
        generate(size, words, weights, rng, comments=args.comments)
    if args.embeddings == "random" and not (reuse and DocumentEmbedding.objects.exists()):
        random_embeddings(rng)
    generated = time.perf_counter() - started

    build = None
    if not (reuse and args.skip_build):
        started = time.perf_counter()
        index_rebuild(backend=get_backend())
        build = time.perf_counter() - started
        _analyze_tables()
    (workdir / "generated").touch()

    rng = random.Random(SEED + 1)  # the same queries whether the site was generated or kept
    # Ordinary queries: 1-5 words, mostly of middling frequency, as customers type them.
    # Broad ones: 1-3 of the most common words (after stop words), which match most of
    # the site. Each query is then classed by what it really matches (BROAD_SHARE).
    common = words[20:3000]
    queries = [" ".join(rng.sample(common, rng.randint(1, 5))) for _ in range(QUERIES)]
    queries += [" ".join(rng.sample(words[:150], rng.randint(1, 3))) for _ in range(BROAD_QUERIES)]
    broad = _broad_queries(queries)
    client = Client()
    for text in queries[:20]:
        client.get(ENDPOINT, {"query": text})
    latencies = {"broad": [], "ordinary": []}
    # The backend's own part: one lexical page of 50 hits with snippets (what the hybrid
    # ranking asks it for), without the endpoint's query embedding, fusion and rendering.
    backend_ms = {"broad": [], "ordinary": []}
    from search.backends.base import SearchQuery

    for text in queries:
        kind = "broad" if text in broad else "ordinary"
        started = time.perf_counter()
        response = client.get(ENDPOINT, {"query": text})
        latencies[kind].append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:300])
        started = time.perf_counter()
        get_backend().search(SearchQuery(text=text, per_page=50))
        backend_ms[kind].append((time.perf_counter() - started) * 1000)

    article = Article.objects.order_by("pk").first()
    services.article_update(article=article, body=article.body + " updated")
    started = time.perf_counter()
    index_sync(keys=[f"article:{article.pk}"], backend=get_backend())
    reindex_one = time.perf_counter() - started
    result = {
        "size": size, "comments": args.comments, "generate_s": generated, "build_s": build,
        "index_mb": index_size(args.backend, workdir) / 1e6,
        "reindex_one_ms": reindex_one * 1000, "load": os.getloadavg(),
    }
    for kind, values in latencies.items():
        result[f"{kind}_n"] = len(values)
        result[f"{kind}_p50_ms"] = percentile(values, 50)
        result[f"{kind}_p95_ms"] = percentile(values, 95)
        result[f"{kind}_backend_p95_ms"] = percentile(backend_ms[kind], 95)
    reset_backends()
    return result


def _analyze_tables() -> None:
    """Fresh planner statistics after bulk writes, as autovacuum would make a minute later."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _broad_queries(queries: list[str], sample: int = 3000) -> set[str]:
    """The queries every term of which (synonyms included) is in more than BROAD_SHARE of
    the English documents, estimated on a random sample of ``sample`` documents analysed
    as the backends analyse them."""
    from articles.models import Article, Post
    from search.documents import documents_for_keys
    from search.query import analyzer, expand
    from search.synonyms import synonym_groups

    terms = {text: {t.text for t in expand(text, synonym_groups("en"), "en")} for text in queries}
    wanted = set().union(*terms.values())
    keys = [f"article:{pk}" for pk in Article.objects.published().values_list("pk", flat=True)]
    keys += [f"post:{pk}" for pk in Post.objects.values_list("pk", flat=True)]
    picked = random.Random(SEED).sample(keys, min(sample, len(keys)))
    documents = [doc for doc in documents_for_keys(picked)[0] if doc.locale == "en"]
    frequency: Counter[str] = Counter()
    analyse = analyzer("en")  # the index's analyzer (search.query.analyze bounds a query's length)
    for doc in documents:
        text = " ".join((doc.title, " ".join(doc.labels), doc.places, doc.official, doc.body, doc.comments))
        frequency.update(wanted & {token.text for token in analyse(text)})
    floor = BROAD_SHARE * max(len(documents), 1)
    return {text for text, found in terms.items() if found and all(frequency[t] > floor for t in found)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--backend", default="whoosh", choices=["whoosh", "postgres"])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--embeddings", default="random", choices=["random", "model", "off"],
                        help="semantic re-ranking: random vectors (default), the real model, or off")
    parser.add_argument("--comments", type=int, default=0,
                        help="also write this many comments, a hundred per community post")
    parser.add_argument("--keep", default="",
                        help="keep the site (database NAME_SIZE_COMMENTS) and reuse it on later runs")
    parser.add_argument("--skip-build", action="store_true",
                        help="with --keep, reuse the kept index too (no rebuild, no build time)")
    args = parser.parse_args(argv)
    if len(args.sizes) > 1:
        # Django is set up once per process: each size runs in its own process.
        import subprocess

        for n, size in enumerate(args.sizes):
            command = [sys.executable, __file__, "--backend", args.backend,
                       "--data", str(args.data), "--sizes", str(size),
                       "--embeddings", args.embeddings, "--comments", str(args.comments)]
            if args.database_url:
                command += ["--database-url", args.database_url]
            if args.keep:
                command += ["--keep", args.keep] + (["--skip-build"] if args.skip_build else [])
            env = {**os.environ, **({"KB_SCALE_NO_HEADER": "1"} if n else {})}
            subprocess.run(command, check=True, env=env)
        return 0
    words, weights = vocabulary(args.data)
    row = measure(args.sizes[0], args, words, weights)
    if not os.environ.get("KB_SCALE_NO_HEADER"):
        options = os.environ.get("KB_SEARCH_OPTIONS", "")
        print(f"backend: {args.backend}{' ' + options if options else ''}, "
              f"semantic re-ranking: {args.embeddings}; broad = every term in > "
              f"{BROAD_SHARE:.0%} of the documents")
        print("p50/p95: the JSON endpoint; backend p95: the backend's search alone (50 hits)")
        print(f"{'articles':>9} {'comments':>9} {'build s':>8} {'index MB':>9} "
              f"{'broad n':>7} {'p50 ms':>7} {'p95 ms':>7} {'backend':>7} "
              f"{'ordinary n':>10} {'p50 ms':>7} {'p95 ms':>7} {'backend':>7} "
              f"{'re-index 1 ms':>14}  load average")
    build = f"{row['build_s']:>8.1f}" if row["build_s"] is not None else f"{'kept':>8}"
    print(f"{row['size']:>9} {row['comments']:>9} {build} {row['index_mb']:>9.1f} "
          f"{row['broad_n']:>7} {row['broad_p50_ms']:>7.1f} {row['broad_p95_ms']:>7.1f} "
          f"{row['broad_backend_p95_ms']:>7.1f} "
          f"{row['ordinary_n']:>10} {row['ordinary_p50_ms']:>7.1f} {row['ordinary_p95_ms']:>7.1f} "
          f"{row['ordinary_backend_p95_ms']:>7.1f} "
          f"{row['reindex_one_ms']:>14.1f}  {' '.join(f'{x:.1f}' for x in row['load'])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
