"""Importing a folder of Markdown files, the way teams keep docs in a repository.

One ``.md`` file is one article. Folders give the place::

    DIR/<category>/<section>/<article>.md    deeper folders belong to their section
    DIR/<section>/<article>.md               in the default category ("Imported")
    DIR/<article>.md                         needs "section" in its front matter

A folder's name becomes the heading's name ("02-getting-started" -> "Getting started",
position 2) unless its ``_index.md`` says otherwise (front matter ``title``,
``description``, ``position``; the body, when there is no ``description``).

An article's front matter is YAML between ``---`` lines at the top of the file: ``title``
(default: a leading ``# heading``, else the file name), ``section``, ``category``,
``labels`` (or ``tags``), ``draft`` (default false), ``position``, ``promoted``,
``author`` (username or e-mail of an agent) and ``id`` (a stable identity, so a file can
move without becoming a new article). Other keys are reported and ignored.

Relative images are checked like editor uploads and stored once by content hash
(``services.image_import_store``); their links, and links between ``.md`` files, are
rewritten to kb's URLs. Nothing outside DIR is read: ``..`` and symbolic links that lead
out are refused, symbolic links to files or folders are not followed.

Idempotent: each article's ``external_id`` is ``md:<path relative to DIR>`` (or
``md:#<id>``), so a re-run updates the articles whose file changed and leaves the others
untouched. Each file is written in its own savepoint through the same code as
``import_articles`` (``articles.importing``), so a bad file is reported and skipped and
never leaves half an article behind. Articles imported earlier whose file is gone are
reported, and unpublished only when asked.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.urls import reverse

from .. import services
from ..importing import (
    BATCH_LINES,
    DEFAULT_CATEGORY,
    ITEM_ERRORS,
    ArticleRecord,
    _find,
    article_write,
    author_by_username,
    failure_message,
)
from ..models import Article, Category, Section
from .files import DEFAULT_ID_PREFIX, Document, FileError, FolderMeta, parse_document, scan
from .links import BodyRewriter


@dataclass
class MarkdownImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (path, reason) of files not imported, and of problems in imported ones.
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # (external_id, title, draft) of earlier imports whose file is gone.
    missing: list[tuple[str, str, bool]] = field(default_factory=list)
    unpublished: int = 0

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {len(self.skipped)}"
        )


def _heading_sync(row, meta: FolderMeta | None, update: Callable) -> None:
    """Apply an ``_index.md``'s description and position to an existing heading."""
    if meta is None:
        return
    changes = {}
    if meta.description is not None and row.description != meta.description:
        changes["description"] = meta.description
    if meta.position is not None and row.position != meta.position:
        changes["position"] = meta.position
    if changes:
        update(row, **changes)


def place_resolve(doc: Document) -> Section:
    """The section an article goes to, created (with its category) when missing.

    A section named in front matter is first looked up among all sections (by slug or
    name), like ``import_articles``; a folder's section is looked up in its category only,
    so two categories may each have a "FAQ" folder.
    """
    if doc.section_meta is None:
        found = _find(Section, doc.section)
        if found is not None:
            return found
    category = _find(Category, doc.category)
    if category is None:
        meta = doc.category_meta
        category = services.category_create(
            name=doc.category,
            description=(meta.description or "") if meta else "",
            position=(meta.position or 0) if meta else 0,
        )
    else:
        _heading_sync(category, doc.category_meta, lambda row, **f: services.category_update(category=row, **f))
    section = (
        category.sections.filter(slug=doc.section).first()
        or category.sections.filter(name__iexact=doc.section).order_by("pk").first()
    )
    if section is None:
        meta = doc.section_meta
        return services.section_create(
            category=category,
            name=doc.section,
            description=(meta.description or "") if meta else "",
            position=(meta.position or 0) if meta else 0,
        )
    _heading_sync(section, doc.section_meta, lambda row, **f: services.section_update(section=row, **f))
    return section


def import_folder(
    root: Path | str,
    *,
    author=None,
    dry_run: bool = False,
    unpublish_missing: bool = False,
    default_category: str = DEFAULT_CATEGORY,
    id_prefix: str = DEFAULT_ID_PREFIX,
    on_report: Callable[[str, str, str], None] | None = None,
    batch_size: int = BATCH_LINES,
) -> MarkdownImportResult:
    """Import every article file under ``root``; see the module docstring.

    ``author`` is credited for files that name none. ``on_report(kind, path, message)``
    hears each "skipped", "warning", "missing" and (per file) "created"/"updated"/
    "unchanged" as it happens. With ``dry_run`` everything is checked and written, then
    rolled back, and no image is stored.
    """
    root = Path(root).resolve()
    result = MarkdownImportResult()
    report = on_report or (lambda kind, path, message: None)

    def skip(path: str, message: str) -> None:
        result.skipped.append((path, message))
        report("skipped", path, message)

    def warn(path: str, message: str) -> None:
        result.warnings.append((path, message))
        report("warning", path, message)

    paths, passed = scan(root)
    for path, message in passed:
        warn(path, message)
    if not paths:
        # Most likely the wrong folder: every earlier import would count as missing.
        return result

    # Parse everything first: links need to know every file that will be an article.
    docs: list[Document] = []
    folders: dict[str, FolderMeta] = {}
    by_id: dict[str, str] = {}
    unreadable: set[str] = set()
    for path in paths:
        try:
            doc = parse_document(root, path, prefix=id_prefix, default_category=default_category, folders=folders)
            if doc.external_id in by_id:
                raise FileError(f'"id" is also the id of {by_id[doc.external_id]}.')
        except FileError as exc:
            skip(path, str(exc))
            # Whatever this file imported before is not "missing": it is still there.
            unreadable.add(f"{id_prefix}:{path}")
            continue
        by_id[doc.external_id] = path
        docs.append(doc)
    seen_ids = set(by_id)
    docs_by_path = {doc.path: doc for doc in docs}

    # path -> URL of its article, from earlier imports, then as this one writes them.
    urls: dict[str, str] = {}
    for external_id, pk, slug in Article.objects.filter(external_id__in=seen_ids).values_list(
        "external_id", "pk", "slug"
    ):
        urls[by_id[external_id]] = reverse("articles:article", kwargs={"pk": pk, "slug": slug})
    failed: set[str] = set()
    rewriter = BodyRewriter(
        root=root,
        save_images=not dry_run,
        article_url=urls.get,
        imported=lambda path: path in docs_by_path and path not in failed,
    )
    authors: dict[str, object] = {}

    def author_for(doc: Document):
        if doc.author:
            if doc.author not in authors:
                authors[doc.author] = author_by_username(doc.author)
            return authors[doc.author]
        if author is None:
            raise FileError('no author: name one in "author" or create an agent first.')
        return author

    pending: list[tuple[Document, Article]] = []

    def write(doc: Document) -> None:
        try:
            body, warnings, links_pending = rewriter.rewrite(doc, doc.body)
            with transaction.atomic():
                record = ArticleRecord(
                    title=doc.title, body=body, section=doc.section, category=doc.category,
                    label_names=doc.labels, external_id=doc.external_id, draft=doc.draft,
                    author=doc.author, promoted=doc.promoted, position=doc.position,
                )  # fmt: skip
                article, status = article_write(
                    record=record, author=author_for(doc), section=place_resolve(doc), skip_unchanged=True
                )
        except ITEM_ERRORS as exc:
            failed.add(doc.path)
            skip(doc.path, failure_message(exc))
            return
        for message in doc.warnings + warnings:
            warn(doc.path, message)
        setattr(result, status, getattr(result, status) + 1)
        report(status, doc.path, article.title)
        urls[doc.path] = article.get_absolute_url()
        if links_pending:
            pending.append((doc, article))

    def finish_links(doc: Document, article: Article) -> None:
        # Links to articles written after this one, now that they have URLs. No
        # notification: for readers this is still the article just written.
        body, warnings, _ = rewriter.rewrite(doc, doc.body)
        already = {message for path, message in result.warnings if path == doc.path}
        for message in warnings:
            if message not in already:
                warn(doc.path, message)
        if body != article.body:
            try:
                with transaction.atomic():
                    services.article_update(article=article, body=body, notify=False)
            except ITEM_ERRORS as exc:
                warn(doc.path, f"links to other articles not rewritten: {failure_message(exc)}")

    def in_batches(items, action) -> None:
        iterator = iter(items)
        while batch := list(itertools.islice(iterator, batch_size)):
            with transaction.atomic():
                for item in batch:
                    action(*item) if isinstance(item, tuple) else action(item)

    # A dry run is one transaction rolled back at the end (its batches are savepoints),
    # so the second pass sees the first one's articles.
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        in_batches(docs, write)
        in_batches(pending, finish_links)
        # A file that could not be read may be one given an "id" that this run cannot
        # see: unpublishing then would hide an article whose file is still there.
        _missing(result, report, id_prefix=id_prefix, seen=seen_ids | unreadable,
                 unpublish=unpublish_missing and not unreadable)
        if unpublish_missing and unreadable and result.missing:
            warn(".", "missing articles not unpublished: some files could not be read (see above).")
        if dry_run:
            transaction.set_rollback(True)
    return result


def _missing(result: MarkdownImportResult, report, *, id_prefix: str, seen: set[str], unpublish: bool) -> None:
    """Earlier imports from this folder whose file is gone: reported, unpublished if asked."""
    gone = (
        Article.objects.filter(external_id__startswith=f"{id_prefix}:")
        .exclude(external_id__in=seen)
        .order_by("external_id")
    )
    for article in gone.iterator():
        result.missing.append((article.external_id, article.title, article.draft))
        if unpublish and not article.draft:
            with transaction.atomic():
                services.article_update(article=article, draft=True, notify=False)
            result.unpublished += 1
            report("missing", article.external_id, f"{article.title}: no file any more; unpublished.")
        else:
            report("missing", article.external_id, f"{article.title}: no file any more; kept as it is.")
