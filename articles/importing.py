"""Importing articles from JSON Lines: one article per line.

Each line is parsed and checked on its own and written in its own savepoint, through the
same services as the site (``article_create`` / ``article_update``), so rendering,
sanitising and search indexing happen exactly as for an article written by an agent. A bad
line is reported with its number and skipped; it never leaves a half-written article,
section or category behind, and it never stops the lines after it.

A line looks like::

    {"title": "How do I cancel?", "body": "Open **Billing**...", "section": "Billing",
     "category": "Account", "label_names": ["billing"], "external_id": "zd-1234",
     "draft": false, "author": "agent_alex"}

``title``, ``body`` and ``section`` are required. ``section`` names an existing section by
slug or name (case-insensitive); a missing section is created in ``category`` (a name or
slug, created when missing, "Imported" by default). ``external_id`` makes re-imports
update the article instead of adding a second copy.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils.text import slugify

from kb.permissions import AGENT_PERMISSION, is_agent

from . import services
from .models import Article, Category, Section

DEFAULT_CATEGORY = "Imported"
NAME_MAX_LENGTH = Section._meta.get_field("name").max_length

REQUIRED_FIELDS = ("title", "body", "section")
OPTIONAL_FIELDS = ("category", "label_names", "external_id", "draft", "author")
KNOWN_FIELDS = frozenset(REQUIRED_FIELDS + OPTIONAL_FIELDS)


class LineError(Exception):
    """A line that cannot be imported, with a message for the person who wrote the file."""


@dataclass(frozen=True)
class ArticleRecord:
    """One well-formed line of an import file."""

    title: str
    body: str
    section: str
    category: str | None = None
    label_names: tuple[str, ...] = ()
    external_id: str | None = None
    draft: bool = False
    author: str | None = None
    # None: a new article gets the default (not promoted, position 0) and an existing one
    # keeps what agents set in kb. The JSON Lines format has no such fields; Markdown
    # front matter does (articles.import_markdown).
    promoted: bool | None = None
    position: int | None = None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    # (line number, message), in file order.
    failures: list[tuple[int, str]] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, failed {self.failed}"


# --- Parsing: text -> ArticleRecord (no database) ----------------------------------------


def _text(data: dict, name: str, *, required: bool) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise LineError(f'"{name}" is required.')
        return None
    if not isinstance(value, str):
        raise LineError(f'"{name}" must be a string, not {_json_type(value)}.')
    if "\x00" in value:
        raise LineError(f'"{name}" contains a NUL character.')
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # JSON allows lone surrogates ("\ud800"); databases do not
        raise LineError(f'"{name}" contains an invalid character (a lone surrogate).') from None
    if required and not value.strip():
        raise LineError(f'"{name}" must not be empty.')
    return value


def _json_type(value) -> str:
    return {
        bool: "true/false", int: "a number", float: "a number", str: "a string",
        list: "a list", dict: "an object", type(None): "null",
    }.get(type(value), type(value).__name__)  # fmt: skip


def parse_line(text: str) -> ArticleRecord | None:
    """The record on one line, None for a blank line; raises LineError when it is unusable."""
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON ({exc.msg} at column {exc.colno}).") from None
    except RecursionError:
        raise LineError("not valid JSON (nested too deeply).") from None
    if not isinstance(data, dict):
        raise LineError(f"expected a JSON object, found {_json_type(data)}.")
    # Unknown fields are refused rather than ignored: a typo such as "labels" for
    # "label_names" would otherwise silently drop data.
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        raise LineError(
            f"unknown field(s) {', '.join(map(json.dumps, unknown))}; "
            f"expected {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}."
        )

    title = _text(data, "title", required=True)
    body = _text(data, "body", required=True)
    section = _text(data, "section", required=True)
    category = _text(data, "category", required=False)
    author = _text(data, "author", required=False)

    external_id = data.get("external_id")
    # Numbers are accepted because many systems export numeric ids; they are stored as text.
    if isinstance(external_id, int) and not isinstance(external_id, bool):
        external_id = str(external_id)
    elif external_id is not None and not isinstance(external_id, str):
        raise LineError(f'"external_id" must be a string or a number, not {_json_type(external_id)}.')
    external_id = (external_id or "").strip() or None

    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        raise LineError(f'"draft" must be true or false, not {_json_type(draft)}.')

    label_names = data.get("label_names", [])
    if label_names is None:
        label_names = []
    if not isinstance(label_names, list) or not all(isinstance(n, str) for n in label_names):
        raise LineError('"label_names" must be a list of strings.')

    return ArticleRecord(
        title=title.strip(),
        body=body,
        section=section.strip(),
        category=(category or "").strip() or None,
        label_names=tuple(n.strip() for n in label_names if n.strip()),
        external_id=external_id,
        draft=draft,
        author=(author or "").strip() or None,
    )


# --- Writing: ArticleRecord -> Article --------------------------------------------------


def default_author():
    """The user imported articles are attributed to when no author is named: the first
    agent, else the first superuser; None when the site has neither."""
    User = get_user_model()
    active = User.objects.filter(is_active=True).order_by("pk")
    app_label, codename = AGENT_PERMISSION.split(".")
    holds_permission = Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
    ) | Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return (
        active.filter(holds_permission, is_superuser=False).first()
        or active.filter(is_superuser=True).first()
    )


def author_by_username(username: str):
    """The named user (by username, else by e-mail address), who must be able to write
    articles."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None and "@" in username:
        # Only an address that names one user: a shared address must not pick one at random.
        matches = list(User.objects.filter(email__iexact=username)[:2])
        user = matches[0] if len(matches) == 1 else None
    if user is None:
        raise LineError(f'no user named "{username}".')
    if not is_agent(user):
        raise LineError(f'user "{username}" is not an agent and cannot write articles.')
    return user


def _unique_slug(model, name: str, fallback: str) -> str:
    base = slugify(name)[:120] or fallback
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _find(model, name_or_slug: str):
    return (
        model.objects.filter(slug=name_or_slug).first()
        or model.objects.filter(name__iexact=name_or_slug).order_by("pk").first()
    )


def section_get_or_create(*, name: str, category: str | None) -> Section:
    """The section named (by slug or name); created, with its category if need be.

    The category only matters when the section is new: an existing section stays where
    agents put it.
    """
    section = _find(Section, name)
    if section is not None:
        return section
    category_name = category or DEFAULT_CATEGORY
    # Names are refused rather than truncated: a silently shortened name is a new section.
    for kind, value in (("section", name), ("category", category_name)):
        if len(value) > NAME_MAX_LENGTH:
            raise LineError(
                f'"{kind}" is too long for a new {kind} (at most {NAME_MAX_LENGTH} characters).'
            )
    category_obj = _find(Category, category_name)
    if category_obj is None:
        category_obj = Category.objects.create(
            name=category_name, slug=_unique_slug(Category, category_name, "category")
        )
    return Section.objects.create(
        category=category_obj, name=name, slug=_unique_slug(Section, name, "section")
    )


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _unchanged(article: Article, *, record: ArticleRecord, section: Section) -> bool:
    """Would writing ``record`` leave ``article`` as it is?"""
    same = (
        article.title == record.title.strip()
        and article.body == record.body
        and article.section_id == section.pk
        and article.draft == record.draft
        and (record.promoted is None or article.promoted == record.promoted)
        and (record.position is None or article.position == record.position)
    )
    if not same:
        return False
    # Labels as labels_get_or_create would resolve them: by slug.
    wanted = {slugify(name)[:80] or "label" for name in record.label_names if name.strip()}
    return wanted == set(article.labels.values_list("slug", flat=True))


@transaction.atomic
def article_import_status(
    *, record: ArticleRecord, author, skip_unchanged: bool = False
) -> tuple[Article, str]:
    """Create or update (by external_id) the article a record describes; returns it with
    "created", "updated" or (with ``skip_unchanged``, when the record matches what is
    stored, and nothing is written) "unchanged"."""
    section = section_get_or_create(name=record.section, category=record.category)
    return article_write(record=record, author=author, section=section, skip_unchanged=skip_unchanged)


def article_write(
    *, record: ArticleRecord, author, section: Section, skip_unchanged: bool = False
) -> tuple[Article, str]:
    """``article_import_status`` into a section the caller has chosen."""
    existing = (
        Article.objects.select_for_update().filter(external_id=record.external_id).first()
        if record.external_id
        else None
    )
    optional = {
        name: value
        for name, value in (("promoted", record.promoted), ("position", record.position))
        if value is not None
    }
    if existing is not None:
        if skip_unchanged and _unchanged(existing, record=record, section=section):
            return existing, "unchanged"
        # The original author keeps the article: re-importing corrects content, not credit.
        article = services.article_update(
            article=existing,
            title=record.title,
            body=record.body,
            section=section,
            draft=record.draft,
            label_names=list(record.label_names),
            **optional,
        )
        return article, "updated"
    article = services.article_create(
        author=author,
        section=section,
        title=record.title,
        body=record.body,
        draft=record.draft,
        label_names=list(record.label_names),
        external_id=record.external_id,
        **optional,
    )
    return article, "created"


@transaction.atomic
def article_import(*, record: ArticleRecord, author) -> tuple[Article, bool]:
    """Create or update (by external_id) the article a record describes; True if created."""
    article, status = article_import_status(record=record, author=author)
    return article, status == "created"


#: What importing one item may raise that means "this item cannot be imported" rather
#: than a bug: callers catch these around each item's savepoint and report
#: ``failure_message``.
ITEM_ERRORS = (LineError, ValidationError, DatabaseError)


def failure_message(exc: Exception) -> str:
    """The message for the person who wrote the file, for one of ``ITEM_ERRORS``."""
    if isinstance(exc, ValidationError):
        return _describe(exc)
    if isinstance(exc, DatabaseError):
        # E.g. another process imported the same external_id at the same moment. The
        # item's savepoint is rolled back, so the batch goes on.
        return f"the database refused the article ({exc})."
    return str(exc)


#: Lines committed together. Each line still has its own savepoint (a bad line is rolled
#: back alone), but one commit per batch means one search-index update per batch instead
#: of one per article (measured on the 719-article StackFAQ file with the immediate task
#: backend and Whoosh: 37 s with a commit per line, see bench/README.md). A crash loses at
#: most the current batch, and re-running the file is safe thanks to external_id.
BATCH_LINES = 100


def import_lines(
    lines: Iterable[bytes | str],
    *,
    author=None,
    dry_run: bool = False,
    on_failure: Callable[[int, str], None] | None = None,
    batch_lines: int = BATCH_LINES,
) -> ImportResult:
    """Import every good line; bad lines are collected (and passed to ``on_failure``).

    ``author`` is used for lines that name none; when it is None and a line names none
    either, the line fails. With ``dry_run`` every line is checked and written, then
    rolled back.
    """
    result = ImportResult()
    authors: dict[str, object] = {}

    def fail(number: int, message: str) -> None:
        result.failures.append((number, message))
        if on_failure:
            on_failure(number, message)

    def import_one(number: int, raw: bytes | str) -> None:
        try:
            if isinstance(raw, bytes):
                try:
                    raw = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise LineError(f"not UTF-8 text (byte {exc.start + 1}).") from None
            record = parse_line(raw)
            if record is None:
                return
            if record.author:
                if record.author not in authors:
                    authors[record.author] = author_by_username(record.author)
                line_author = authors[record.author]
            elif author is not None:
                line_author = author
            else:
                raise LineError('no author: name one in "author" or create an agent first.')
            # A savepoint per line: whatever fails, nothing of this line remains.
            with transaction.atomic():
                _, created = article_import(record=record, author=line_author)
        except ITEM_ERRORS as exc:
            fail(number, failure_message(exc))
        else:
            if created:
                result.created += 1
            else:
                result.updated += 1

    numbered = enumerate(lines, start=1)
    while True:
        batch = list(itertools.islice(numbered, batch_lines))
        if not batch:
            break
        with transaction.atomic():
            for number, raw in batch:
                import_one(number, raw)
            if dry_run:
                transaction.set_rollback(True)
    return result
