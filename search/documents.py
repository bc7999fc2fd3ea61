"""What is searchable, built from the database (the source of truth).

* Published articles: title (weighted most), body, labels, section and category names,
  and official answers left on them. Other article comments are not indexed: articles are
  the company's voice, and a stray comment should not pull an article up.
* Community posts: title, body, topic name, official answers (weighted more) and every
  other comment (a thread's answers are often where the words are).
* Drafts are never documents.
* Languages: each document carries its locale and is analysed in its language. An
  article's source is one document in its ``locale``; each published translation
  (``ArticleTranslation``, not a draft, of a published article) is another, keyed
  ``article:<pk>:<locale>``, with the translation's title, body and labels and its section
  and category names in that language where those are translated. A source document
  lists the locales it stands in for (``fallback``: served locales with no published
  translation). Posts are never translated: one document in ``Post.locale``. Sections and
  categories are not documents (their names are indexed with their articles).

Documents are built in bulk with a constant number of queries per batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from articles.markdown import plain_text
from articles.models import (
    Article,
    ArticleTranslation,
    CategoryTranslation,
    Comment,
    Post,
    SectionTranslation,
)
from kb.i18n import locales
from search.backends.base import ARTICLE, POST, SearchDocument, make_key, parse_key

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


def _translated_locales(article_ids: list[int]) -> dict[int, set[str]]:
    """{article id: locales of its published translations} in one query."""
    found: dict[int, set[str]] = defaultdict(set)
    if article_ids:
        for article_id, locale in ArticleTranslation.objects.filter(
                article_id__in=article_ids, draft=False).values_list("article_id", "locale"):
            found[article_id].add(locale)
    return found


def article_documents(articles: Iterable[Article]) -> list[SearchDocument]:
    """Documents for published articles in their source language (drafts are skipped); 3
    queries per call plus the caller's (articles must be fetched with select_related +
    prefetch_related labels)."""
    articles = [a for a in articles if not a.draft]
    ids = [a.pk for a in articles]
    comments = _comment_texts(field="article", ids=ids, official_only=True)
    translated = _translated_locales(ids)
    served = locales()
    return [
        _document(
            ARTICLE, article,
            labels=tuple(label.name for label in article.labels.all()),
            section_id=article.section_id,
            section_name=article.section.name,
            category_id=article.section.category_id,
            category_name=article.section.category.name,
            official="\n".join(comments.get(article.pk, ([], []))[0]),
            locale=article.locale,
            fallback=tuple(code for code in served
                           if code != article.locale and code not in translated[article.pk]),
        )
        for article in articles
    ]


def _place_names(model, field: str, pairs: set[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """{(section or category id, locale): translated name} of published translations."""
    if not pairs:
        return {}
    rows = model.objects.filter(draft=False, **{f"{field}_id__in": {pk for pk, _ in pairs}},
                                locale__in={code for _, code in pairs})
    return {(pk, code): name for pk, code, name in rows.values_list(f"{field}_id", "locale", "name")}


def translation_documents(translations: Iterable[ArticleTranslation]) -> list[SearchDocument]:
    """Documents for published translations of published articles; 2 queries per call plus
    the caller's (fetched with select_related article__section__category + labels)."""
    translations = [t for t in translations if not t.draft and not t.article.draft]
    sections = _place_names(SectionTranslation, "section",
                            {(t.article.section_id, t.locale) for t in translations})
    categories = _place_names(CategoryTranslation, "category",
                              {(t.article.section.category_id, t.locale) for t in translations})
    documents = []
    for translation in translations:
        article = translation.article
        section, category = article.section, article.section.category
        documents.append(SearchDocument(
            kind=ARTICLE,
            pk=article.pk,
            title=translation.title,
            body=plain_text(translation.body_html),
            url=translation.get_absolute_url(),
            created_at=translation.created_at,
            updated_at=translation.updated_at,
            labels=tuple(label.name for label in translation.labels.all()),
            section_id=section.pk,
            section_name=sections.get((section.pk, translation.locale), section.name),
            category_id=category.pk,
            category_name=categories.get((category.pk, translation.locale), category.name),
            locale=translation.locale,
            translation=True,
        ))
    return documents


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
            locale=post.locale,
        ))
    return documents


def _articles():
    return Article.objects.published().select_related("section__category").prefetch_related("labels")


def _posts():
    return Post.objects.select_related("topic")


def _translations():
    return (ArticleTranslation.objects.filter(draft=False, article__draft=False)
            .select_related("article__section__category").prefetch_related("labels"))


def documents_for_keys(keys: Iterable[str]) -> tuple[list[SearchDocument], set[str]]:
    """(documents to index, keys to delete) for ``keys``: a key whose object is gone or
    is now a draft is to be deleted."""
    wanted: dict[str, set[int]] = {ARTICLE: set(), POST: set()}
    translations: set[tuple[int, str]] = set()
    for key in keys:
        kind, pk, locale = parse_key(key)
        if locale:
            translations.add((pk, locale))
        else:
            wanted[kind].add(pk)
    documents = []
    for batch in _chunks(sorted(wanted[ARTICLE])):
        documents += article_documents(_articles().filter(pk__in=batch))
    for batch in _chunks(sorted(wanted[POST])):
        documents += post_documents(_posts().filter(pk__in=batch))
    for batch in _chunks(sorted(translations)):
        rows = _translations().filter(article_id__in={pk for pk, _ in batch},
                                      locale__in={code for _, code in batch})
        documents += [d for d in translation_documents(rows) if (d.pk, d.locale) in translations]
    found = {d.key for d in documents}
    gone = ({make_key(kind, pk) for kind, pks in wanted.items() for pk in pks}
            | {make_key(ARTICLE, pk, code) for pk, code in translations}) - found
    return documents, gone


def all_documents(batch_size: int = BATCH_SIZE) -> Iterator[SearchDocument]:
    """Every searchable document, streamed in batches (constant memory per batch)."""
    yield from _stream(_articles(), article_documents, batch_size)
    yield from _stream(_posts(), post_documents, batch_size)
    yield from _stream(_translations(), translation_documents, batch_size)


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
