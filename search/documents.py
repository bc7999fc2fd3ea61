"""What is searchable, built from the database (the source of truth).

* Published articles: title (weighted most), body, labels, section and category names,
  and official answers left on them. Other article comments are not indexed: articles are
  the company's voice, and a stray comment should not pull an article up.
* Community posts: title, body, topic name, official answers (weighted more) and every
  other comment (a thread's answers are often where the words are).
* Drafts are never documents.

Documents are built in bulk with a constant number of queries per batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from articles.markdown import plain_text
from articles.models import Article, Comment, Post
from search.backends.base import ARTICLE, POST, SearchDocument, make_key, split_key

BATCH_SIZE = 500


def _comment_texts(*, field: str, ids: list[int], official_only: bool) -> dict[int, tuple[list, list]]:
    """{target id: (official texts, other texts)} in one query."""
    found: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    if not ids:
        return found
    comments = Comment.objects.filter(**{f"{field}__in": ids})
    if official_only:
        comments = comments.filter(is_official=True)
    for target_id, html, official in comments.order_by("created_at", "id").values_list(
        f"{field}_id", "body_html", "is_official"
    ):
        found[target_id][0 if official else 1].append(plain_text(html))
    return found


def _document(kind: str, item: Article | Post, **fields) -> SearchDocument:
    """The fields articles and posts share, and ``fields`` for the rest."""
    return SearchDocument(
        kind=kind,
        pk=item.pk,
        title=item.title,
        body=plain_text(item.body_html),
        url=item.get_absolute_url(),
        created_at=item.created_at,
        updated_at=item.updated_at,
        **fields,
    )


def article_documents(articles: Iterable[Article]) -> list[SearchDocument]:
    """Documents for published articles (drafts are skipped); 2 queries per call plus the
    caller's (articles must be fetched with select_related + prefetch_related labels)."""
    articles = [a for a in articles if not a.draft]
    comments = _comment_texts(field="article", ids=[a.pk for a in articles], official_only=True)
    return [
        _document(
            ARTICLE, article,
            labels=tuple(label.name for label in article.labels.all()),
            section_id=article.section_id,
            section_name=article.section.name,
            category_id=article.section.category_id,
            category_name=article.section.category.name,
            official="\n".join(comments.get(article.pk, ([], []))[0]),
        )
        for article in articles
    ]


def post_documents(posts: Iterable[Post]) -> list[SearchDocument]:
    posts = list(posts)
    comments = _comment_texts(field="post", ids=[p.pk for p in posts], official_only=False)
    documents = []
    for post in posts:
        official, others = comments.get(post.pk, ([], []))
        documents.append(_document(
            POST, post,
            topic_id=post.topic_id,
            topic_name=post.topic.name,
            official="\n".join(official),
            comments="\n".join(others),
        ))
    return documents


def _articles():
    return Article.objects.published().select_related("section__category").prefetch_related("labels")


def _posts():
    return Post.objects.select_related("topic")


def documents_for_keys(keys: Iterable[str]) -> tuple[list[SearchDocument], set[str]]:
    """(documents to index, keys to delete) for ``keys``: a key whose object is gone or
    is now a draft is to be deleted."""
    wanted: dict[str, set[int]] = {ARTICLE: set(), POST: set()}
    for key in keys:
        kind, pk = split_key(key)
        wanted[kind].add(pk)
    documents = []
    for batch in _chunks(sorted(wanted[ARTICLE])):
        documents += article_documents(_articles().filter(pk__in=batch))
    for batch in _chunks(sorted(wanted[POST])):
        documents += post_documents(_posts().filter(pk__in=batch))
    found = {d.key for d in documents}
    gone = {make_key(kind, pk) for kind, pks in wanted.items() for pk in pks} - found
    return documents, gone


def all_documents(batch_size: int = BATCH_SIZE) -> Iterator[SearchDocument]:
    """Every searchable document, streamed in batches (constant memory per batch)."""
    yield from _stream(_articles(), article_documents, batch_size)
    yield from _stream(_posts(), post_documents, batch_size)


def _stream(queryset, build, batch_size):
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return
        yield from build(batch)
        last = batch[-1].pk


def _chunks(items: list, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start:start + size]
