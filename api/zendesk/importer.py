"""Importing a Zendesk Guide help center: categories, sections, articles (with their
comments, votes and images), community topics, posts and their comments (with their up
and down votes), and the people who wrote them.

Every object keeps its Zendesk id in ``external_id``: a second run finds it and updates it
in place, so re-running after a crash or a fix carries on where the first run stopped.
Each object is written in its own transaction through ``articles.services`` (rendering,
sanitising, search indexing as for content written on the site), with notifications off:
an import is not news to followers. A bad object is reported and skipped; it never undoes
what was imported before it.

Zendesk's dates are kept (set after the services' write, which stamps "now"); categories,
sections and topics have no dates in kb.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.text import slugify

from articles import services
from articles.markdown import sanitize_html
from articles.models import Article, Category, Comment, ItemVote, Post, Section, Topic, Vote
from kb import clock
from kb.params import ID_MAX, parse_moment
from kb.permissions import ensure_agents_group, is_agent

from .. import services as api_services
from ..models import ArticleAttachment
from ..serializers import AttachmentSerializer
from .markup import active_content, attachment_target, help_center_target, html_to_markdown, rewrite_urls
from .sources import FileTooLarge, SourceError

POSITION_MAX = 2**31 - 1
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_LATEST = datetime(9998, 1, 1, tzinfo=UTC)


class ItemError(Exception):
    """An object that cannot be imported, with a message saying which and why."""


@dataclass
class Report:
    #: kind -> Counter of "created" / "updated"
    counts: dict[str, Counter] = field(default_factory=dict)
    #: what kb has no place for, or what could not be brought along (the import succeeds)
    skipped: list[str] = field(default_factory=list)
    #: bad input: objects not imported (the command exits non-zero)
    failed: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def summary_lines(self) -> list[str]:
        order = ["categories", "sections", "articles", "attachments", "article comments", "topics", "posts",
                 "post comments"]
        return [
            f"{kind}: {self.counts[kind]['created']} created, {self.counts[kind]['updated']} updated"
            for kind in sorted(self.counts, key=lambda k: order.index(k) if k in order else len(order))
        ]


# --- Reading fields: each checked for its type, with a message naming the object --------


def _json_type(value) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


def _id(item: dict, name: str, where: str, *, required: bool = True) -> int | None:
    value = item.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_MAX:
        raise ItemError(f'{where}: "{name}" must be a positive whole number, not {_json_type(value)}.')
    return value


def _text(item: dict, name: str, where: str, *, required: bool = False) -> str:
    value = item.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ItemError(f'{where}: "{name}" must be a string, not {_json_type(value)}.')
    if "\x00" in value:
        raise ItemError(f'{where}: "{name}" contains a NUL character.')
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ItemError(f'{where}: "{name}" contains an invalid character (a lone surrogate).') from None
    if required and not value.strip():
        raise ItemError(f'{where}: "{name}" must not be empty.')
    return value


def _bool(item: dict, name: str, where: str) -> bool:
    value = item.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ItemError(f'{where}: "{name}" must be true or false, not {_json_type(value)}.')
    return value


def _count(item: dict, name: str, where: str) -> int:
    value = item.get(name, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise ItemError(f'{where}: "{name}" must be a whole number, not {_json_type(value)}.')
    return max(0, min(value, POSITION_MAX))


def _time(item: dict, name: str, where: str) -> datetime | None:
    value = item.get(name)
    if value is None:
        return None
    moment = parse_moment(value, tz=UTC, earliest=_EARLIEST, latest=_LATEST) if isinstance(value, str) else None
    if moment is None:
        raise ItemError(f'{where}: "{name}" must be a date like "2024-05-01T09:30:00Z", not {value!r:.40}.')
    return moment


def _names(item: dict, name: str, where: str) -> list[str]:
    value = item.get(name) or []
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        raise ItemError(f'{where}: "{name}" must be a list of strings.')
    return [n.strip() for n in value if n.strip()]


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
                         for name, messages in error.message_dict.items())
    return " ".join(error.messages)


def _dates(model, pk: int, created: datetime | None, updated: datetime | None) -> None:
    """Zendesk's dates on a row the services just stamped with "now" (auto_now fields are
    only bypassed by ``update``)."""
    fields = {name: value for name, value in (("created_at", created), ("updated_at", updated or created))
              if value is not None}
    if fields:
        model.objects.filter(pk=pk).update(**fields)


class _CommandLine:
    """Who moderates during an import: whoever may run manage.py already owns the database,
    so the services' moderation checks (``post_update``'s permission) let the import through."""

    is_authenticated = True
    is_active = True

    @staticmethod
    def has_perm(permission) -> bool:
        return True


# --- People ---------------------------------------------------------------------------


class People:
    """Zendesk users -> kb accounts: matched by email (any case), else created without a
    usable password (they sign in after a password reset). Zendesk agents and admins join
    the Agents group; a user Zendesk no longer lists gets a placeholder account."""

    def __init__(self, source, report: Report):
        self.source = source
        self.report = report
        self.records: dict[int, dict] = {}
        self.accounts: dict[int, object] = {}
        self.asked: set[int] = set()

    def add_records(self, users) -> None:
        for record in users if isinstance(users, list) else ():
            if isinstance(record, dict) and isinstance(record.get("id"), int):
                self.records.setdefault(record["id"], record)

    def prefetch(self, ids: Iterable[int | None]) -> None:
        missing = {i for i in ids if i} - set(self.records) - self.asked
        if not missing:
            return
        self.asked |= missing
        try:
            for page in self.source.users(missing):
                self.add_records(page.get("users"))
        except SourceError as exc:
            self.report.failed.append(f"users: {exc}")

    def get(self, zendesk_id: int | None):
        if zendesk_id is None:
            zendesk_id = 0
        if zendesk_id not in self.accounts:
            self.prefetch([zendesk_id])
            self.accounts[zendesk_id] = self._account(zendesk_id, self.records.get(zendesk_id))
        return self.accounts[zendesk_id]

    def _account(self, zendesk_id: int, record: dict | None):
        User = get_user_model()
        email = record.get("email") if record else None
        email = email.strip() if isinstance(email, str) and "@" in email and len(email) <= 254 else ""
        if email:
            existing = User.objects.filter(email__iexact=email).order_by("pk").first()
            if existing is not None:
                return existing
        else:
            existing = User.objects.filter(username=f"zendesk-{zendesk_id}").first()
            if existing is not None:
                return existing
            if record is None:
                self.report.skipped.append(
                    f"user {zendesk_id}: not in the users read; their content is credited to the "
                    f"placeholder account zendesk-{zendesk_id}."
                )
        name = record.get("name") if record else ""
        name = name.strip()[:150] if isinstance(name, str) else ""
        base = slugify(email.split("@")[0] if email else "")[:120] or f"zendesk-{zendesk_id}"
        username, n = base, 1
        while User.objects.filter(username__iexact=username).exists():
            n += 1
            username = f"{base}-{n}"
        first, _, last = name.partition(" ")
        user = User(username=username, email=User.objects.normalize_email(email), first_name=first[:150],
                    last_name=last[:150], is_active=bool(record.get("active", True)) if record else True)
        user.set_unusable_password()
        user.save()
        if record and record.get("role") in ("agent", "admin"):
            user.groups.add(ensure_agents_group())
        return user


# --- The import -------------------------------------------------------------------------


Progress = Callable[[str, int, int], None]
PLURALS = {"category": "categories"}
IMAGE_NAME = re.compile(r"\.(png|jpe?g|gif|webp)$", re.IGNORECASE)


class ZendeskImport:
    """One run: ``ZendeskImport(source).run()`` -> :class:`Report`."""

    def __init__(self, source, *, progress: Progress | None = None):
        self.source = source
        self.report = Report()
        self.people = People(source, self.report)
        self.progress = progress or (lambda kind, done, total: None)
        self.hosts: set[str] = {h.lower() for h in source.hosts}
        self.written: dict[str, list[int]] = {"article": [], "post": []}
        #: Attachments found or stored while the current article is read, by Zendesk id:
        #: associated with it once it is saved (None: outside an article, none are stored).
        self.attaching: dict[str, ArticleAttachment] | None = None

    # Reading lists ---------------------------------------------------------------------

    def _items(self, resource: str, key: str, *, required: bool = False) -> list[dict]:
        items: list[dict] = []
        if not required and not self.source.has(resource):
            return items
        pages = []
        try:
            pages.extend(self.source.pages(resource))  # page by page: those read before an error stay
        except SourceError as exc:
            # The pages before the bad one are still imported.
            self.report.failed.append(str(exc))
        if required and not pages:
            self.report.failed.append(f"{resource}.json: missing (the first page of {key}).")
        for number, page in enumerate(pages, start=1):
            where = f"{resource} page {number}"
            values = page.get(key)
            if not isinstance(values, list):
                self.report.failed.append(f'{where}: no "{key}" list in it.')
                continue
            self.people.add_records(page.get("users"))  # side-loaded (?include=users)
            for value in values:
                if isinstance(value, dict):
                    items.append(value)
                    url = value.get("html_url")
                    if isinstance(url, str) and "://" in url:
                        self.hosts.add(url.split("://", 1)[1].split("/", 1)[0].lower())
                else:
                    self.report.failed.append(f"{where}: an entry of \"{key}\" is {_json_type(value)}, "
                                              "not an object.")
        return items

    def _each(self, kind: str, items: list[dict], handler) -> None:
        total = len(items)
        for done, item in enumerate(items, start=1):
            where = f"{kind} {item.get('id', '?')}"
            try:
                # One transaction per object: a failure undoes only this object.
                with transaction.atomic():
                    outcome = handler(item, where)
            except ItemError as exc:
                self.report.failed.append(str(exc))
            except ValidationError as exc:
                self.report.failed.append(f"{where}: {_describe(exc)}")
            except PermissionDenied as exc:
                self.report.skipped.append(f"{where}: {exc}")
            except DatabaseError as exc:
                self.report.failed.append(f"{where}: the database refused it ({exc}).")
            else:
                if outcome:
                    self.report.count(PLURALS.get(kind, f"{kind}s"), outcome)
            self.progress(kind, done, total)

    def run(self) -> Report:
        categories = self._items("categories", "categories", required=True)
        sections = self._items("sections", "sections", required=True)
        articles = self._items("articles", "articles", required=True)
        topics = self._items("community/topics", "topics")
        posts = self._items("community/posts", "posts")
        self.people.prefetch(a.get("author_id") for a in articles + posts if isinstance(a.get("author_id"), int))
        self._each("category", categories, self._category)
        self._each("section", sections, self._section)
        self._each("article", articles, self._article)
        self._each("topic", topics, self._topic)
        self._each("post", posts, self._post)
        self._rewrite_links()
        return self.report

    # Categories, sections, topics --------------------------------------------------------

    def _heading(self, model, item, where, *, create, update, extra=None) -> str:
        zid = str(_id(item, "id", where))
        fields = {
            "name": _text(item, "name", where, required=True).strip(),
            "description": _text(item, "description", where),
            "position": _count(item, "position", where),
            **(extra or {}),
        }
        existing = model.objects.filter(external_id=zid).first()
        if existing is not None:
            update(existing, **fields)
            return "updated"
        row = create(**fields)
        model.objects.filter(pk=row.pk).update(external_id=zid)
        return "created"

    def _category(self, item, where):
        return self._heading(Category, item, where, create=services.category_create,
                             update=lambda row, **f: services.category_update(category=row, **f))

    def _section(self, item, where):
        category_id = _id(item, "category_id", where)
        category = Category.objects.filter(external_id=str(category_id)).first()
        if category is None:
            raise ItemError(f"{where}: its category {category_id} was not imported.")
        if item.get("parent_section_id"):
            self.report.skipped.append(f"{where}: kb has no sections inside sections; imported directly "
                                       f"in its category.")
        return self._heading(
            Section, item, where, extra={"category": category},
            create=lambda category, **f: services.section_create(category=category, **f),
            update=lambda row, **f: services.section_update(section=row, **f),
        )

    def _topic(self, item, where):
        return self._heading(Topic, item, where, create=services.topic_create,
                             update=lambda row, **f: services.topic_update(topic=row, **f))

    # Articles ------------------------------------------------------------------------------

    def _html(self, html: str, where: str) -> str:
        """An HTML body as kb keeps it: the help center's attachments replaced by kb's copies
        (images on the uploads path, other files as article attachments), then sanitised
        (the stored source carries nothing the page would not show)."""
        removed = active_content(html)
        if removed:
            # Imported without it (the page is safe either way), but reported as a problem
            # with a non-zero exit: someone should look at what the body was trying to do.
            self.report.failed.append(f"{where}: the body holds {', '.join(removed)}; imported without it "
                                      "(kb never shows active content).")

        def replace(attribute: str, url: str) -> str | None:
            target = attachment_target(url, self.hosts)
            if target is None:
                if attribute == "src" and url.strip():
                    self.report.skipped.append(f"{where}: image {url[:100]} is not one of the help center's "
                                               "attachments; kb shows only its own uploads, so it was left out.")
                return None
            attachment_id, name = target
            listed = (self.attaching or {}).get(attachment_id)
            if listed is not None and (listed.is_image or attribute == "href"):
                # In the article's attachments.json: the same copy, not a second one.
                return AttachmentSerializer.relative_path(listed)
            if attribute == "href" and IMAGE_NAME.search(name) is None:
                attachment = self._attachment(attachment_id, unquote(name), url, where)
                return None if attachment is None else AttachmentSerializer.relative_path(attachment)
            try:
                data = self.source.attachment(attachment_id, name, url)
            except FileTooLarge:
                data = None
            if data is None:
                self.report.skipped.append(f"{where}: attachment {attachment_id}/{name} was not found; "
                                           "left out.")
                return None
            try:
                return services.image_upload_store(data=data, key=f"zendesk-{attachment_id}")
            except ValidationError:
                self.report.skipped.append(f"{where}: attachment {name} is not a PNG, JPEG, GIF or WebP "
                                           "image; left out.")
                return None

        return sanitize_html(rewrite_urls(html, replace))

    # Attachments -------------------------------------------------------------------------

    def _attachment(self, attachment_id: str, name: str, url: str, where: str, *, inline: bool = False,
                    created: datetime | None = None, updated: datetime | None = None) -> ArticleAttachment | None:
        """The article attachment imported from Zendesk's ``attachment_id``: found by its id
        (a re-run stores nothing again), else read from the source and stored under the API's
        rules (kb.uploads: the bytes decide the type; 5 MB at most). Outside an article (a
        post's body) only one already imported is used."""
        attachment = ArticleAttachment.objects.filter(external_id=attachment_id).first()
        if attachment is None and self.attaching is not None:
            attachment = self._attachment_store(attachment_id, name, url, where, inline=inline, at=created)
        elif attachment is None:
            self.report.skipped.append(f"{where}: attachment {name} belongs to no imported article; its link "
                                       "still points at Zendesk.")
        if attachment is None:
            return None
        if self.attaching is not None:
            self.attaching[attachment_id] = attachment
        if created is not None:
            ArticleAttachment.objects.filter(pk=attachment.pk).update(
                created_at=created, updated_at=updated or created, inline=inline)
        return attachment

    def _attachment_store(self, attachment_id, name, url, where, *, inline, at) -> ArticleAttachment | None:
        try:
            data = self.source.attachment(attachment_id, name, url, max_bytes=api_services.ATTACHMENT_MAX_BYTES)
        except FileTooLarge:
            self.report.skipped.append(f"{where}: attachment {name} is larger than "
                                       f"{api_services.ATTACHMENT_MAX_BYTES // 2**20} MB; its link still points "
                                       "at Zendesk.")
            return None
        if data is None:
            self.report.skipped.append(f"{where}: attachment {attachment_id}/{name} could not be read (not in "
                                       "the folder, or its download failed); its link still points at Zendesk.")
            return None
        try:
            # A savepoint: a refused file leaves the article's transaction usable.
            with transaction.atomic():
                attachment = api_services.attachment_create(
                    uploaded_by=None, article=None, file_name=name, data=data, inline=inline,
                    at=at or clock.now(), external_id=attachment_id)
        except ValidationError as exc:
            self.report.skipped.append(f"{where}: attachment {name}: {_describe(exc).removeprefix('file: ')} "
                                       "Its link still points at Zendesk.")
            return None
        self.report.count("attachments", "created")
        return attachment

    def _article_html(self, html: str, where: str, zid: int | None = None) -> tuple[str, dict]:
        """(``html`` as kb keeps it, the attachments it and the article's attachments.json
        brought, by Zendesk id) for an article (``zid``) or a comment on one."""
        self.attaching = {}
        try:
            if zid is not None:
                self._attachments_listed(zid, where)
            return self._html(html, where), self.attaching
        finally:
            self.attaching = None

    @staticmethod
    def _associate(attachments: dict, article: Article) -> None:
        loose = [a.pk for a in attachments.values() if a.article_id is None]
        if loose:
            ArticleAttachment.objects.filter(pk__in=loose).update(article=article)

    def _attachments_listed(self, zid: int, where: str) -> None:
        """``articles/<id>/attachments.json``: each file, inline images and block attachments
        alike, as one of the article's attachments (what the API lists for it)."""
        for item in self._items(f"articles/{zid}/attachments", "article_attachments"):
            at = f"{where}, attachment {item.get('id', '?')}"
            try:
                self._attachment_listed(item, where, at)
            except ItemError as exc:
                # That file alone: the article and its other files are imported.
                self.report.failed.append(str(exc))

    def _attachment_listed(self, item: dict, where: str, at: str) -> None:
        attachment_id = str(_id(item, "id", at))
        name = (_text(item, "file_name", at) or _text(item, "display_file_name", at)).strip()
        url = _text(item, "content_url", at)
        target = attachment_target(url, self.hosts) if url else None
        if target is not None and target[0] == attachment_id:
            name = name or target[1]
        else:
            # Not at the help center's attachment path: read from there all the same.
            url = f"/hc/article_attachments/{attachment_id}/{name}"
        if not name:
            raise ItemError(f'{at}: "file_name" must not be empty.')
        self._attachment(attachment_id, name, url, where, inline=_bool(item, "inline", at),
                         created=_time(item, "created_at", at), updated=_time(item, "updated_at", at))

    def _article(self, item, where):
        zid = _id(item, "id", where)
        section_id = _id(item, "section_id", where)
        title = (_text(item, "title", where) or _text(item, "name", where, required=True)).strip()
        body = _text(item, "body", where)
        draft, promoted = _bool(item, "draft", where), _bool(item, "promoted", where)
        position = _count(item, "position", where)
        labels = _names(item, "label_names", where)
        created, updated = _time(item, "created_at", where), _time(item, "updated_at", where)
        author_id = _id(item, "author_id", where, required=False)
        section = Section.objects.filter(external_id=str(section_id)).first()
        if section is None:
            raise ItemError(f"{where}: its section {section_id} was not imported.")
        for extra in self._items(f"articles/{zid}/labels", "labels"):
            name = extra.get("name")
            if isinstance(name, str) and name.strip() and name.strip() not in labels:
                labels.append(name.strip())
        locale = (_text(item, "locale", where) or "en-us").lower()
        others = [t.get("locale") for t in self._items(f"articles/{zid}/translations", "translations")
                  if str(t.get("locale", "")).lower() != locale]
        if others:
            self.report.skipped.append(f"{where}: translations {', '.join(map(str, others))} (kb has one language).")
        body, attaching = self._article_html(body, where, zid)
        fields = {"title": title, "body": body, "section": section, "draft": draft, "promoted": promoted, "position": position}
        existing = Article.objects.filter(external_id=str(zid)).first()
        if existing is not None:
            article = services.article_update(article=existing, label_names=labels, notify=False, **fields)
            outcome = "updated"
        else:
            article = services.article_create(author=self.people.get(author_id), label_names=labels,
                                              external_id=str(zid), notify=False, **fields)
            outcome = "created"
        self.written["article"].append(article.pk)
        self._associate(attaching, article)
        comments = sorted(self._items(f"articles/{zid}/comments", "comments"),
                          key=lambda c: (str(c.get("created_at") or ""), str(c.get("id"))))
        self._each("article comment", comments,
                   lambda c, w: self._comment(c, w, article, parent=f"articles/{zid}"))
        self._votes(item, where, f"articles/{zid}", article)
        _dates(Article, article.pk, created, updated)
        return outcome

    def _votes(self, item, where, resource: str, target) -> None:
        """The votes in ``<resource>/votes.json`` on an article, a post or a comment; when
        the item counts votes but the file is missing, the report says so.

        Posts and comments are asked for their votes only when their ``vote_count`` says
        they have some: read live, that spares a request per comment of a big community.
        """
        if not isinstance(target, Article) and not _count(item, "vote_count", where):
            return
        votes = self._items(f"{resource}/votes", "votes")
        if votes:
            self._each("vote", votes, lambda v, w: self._vote(v, w, target))
        elif _count(item, "vote_count", where) and not self.source.has(f"{resource}/votes"):
            self.report.skipped.append(f"{where}: {item['vote_count']} vote(s) not imported: no "
                                       f"{resource}/votes.json (kb keeps who voted, not only totals).")

    def _vote(self, item, where, target):
        value = item.get("value")
        if value not in (1, -1) or isinstance(value, bool):
            raise ItemError(f'{where}: "value" must be 1 or -1, not {value!r:.20}.')
        user = self.people.get(_id(item, "user_id", where))
        created = _time(item, "created_at", where)
        if isinstance(target, Article):
            if target.draft:
                raise PermissionDenied("a vote on a draft; kb takes none.")
            vote = services.vote_set(user=user, article=target, helpful=value == 1)
            _dates(Vote, vote.pk, created, _time(item, "updated_at", where))
        else:
            # Up and down votes on a post or a comment (a draft's comment is refused there).
            vote = services.item_vote_set(user=user, item=target, value=value)
            _dates(ItemVote, vote.pk, created, _time(item, "updated_at", where))
        # counted with the article, post or comment

    # Comments -------------------------------------------------------------------------------

    def _comment(self, item, where, target, *, parent: str):
        zid = str(_id(item, "id", where))
        html = _text(item, "body", where, required=True)
        author = self.people.get(_id(item, "author_id", where, required=False))
        created, updated = _time(item, "created_at", where), _time(item, "updated_at", where)
        official = _bool(item, "official", where)
        # An agent's HTML is markup, a customer's is shown as text on kb: converted, so the
        # formatting survives without trusting the markup.
        if not is_agent(author):
            body = html_to_markdown(html)
        elif isinstance(target, Article):
            body, attaching = self._article_html(html, where)
            self._associate(attaching, target)
        else:
            body = self._html(html, where)
        if not body.strip():
            raise ItemError(f"{where}: the body has no text kb can show.")
        comment = Comment.objects.filter(external_id=zid).first()
        if comment is not None:
            if comment.body != body:
                services.comment_edit(comment=comment, body=body)
            outcome = "updated"
        else:
            if isinstance(target, Article) and target.draft:
                raise PermissionDenied("a comment on a draft article; kb shows none.")
            comment = services.comment_create(author=author, target=target, body=body, notify=False)
            Comment.objects.filter(pk=comment.pk).update(external_id=zid)
            outcome = "created"
        if official != comment.is_official:
            if is_agent(author):
                services.comment_set_official(comment=comment, by=author, official=official, notify=False)
            else:
                self.report.skipped.append(f"{where}: official on Zendesk, but its author is not an agent "
                                           "here; kept as a plain comment.")
        self._votes(item, where, f"{parent}/comments/{zid}", comment)
        _dates(Comment, comment.pk, created, updated)
        return outcome

    # Community --------------------------------------------------------------------------------

    def _post(self, item, where):
        zid = _id(item, "id", where)
        title = _text(item, "title", where, required=True).strip()
        html = _text(item, "details", where)
        topic_id = _id(item, "topic_id", where)
        created, updated = _time(item, "created_at", where), _time(item, "updated_at", where)
        topic = Topic.objects.filter(external_id=str(topic_id)).first()
        if topic is None:
            raise ItemError(f"{where}: its topic {topic_id} was not imported.")
        author = self.people.get(_id(item, "author_id", where, required=False))
        body = (self._html(html, where) if is_agent(author) else html_to_markdown(html)) or title
        post = Post.objects.filter(external_id=str(zid)).first()
        if post is not None:
            services.post_update(post=post, by=_CommandLine(), topic=topic, title=title, body=body)
            outcome = "updated"
        else:
            post = services.post_create(author=author, topic=topic, title=title, body=body, notify=False)
            Post.objects.filter(pk=post.pk).update(external_id=str(zid))
            outcome = "created"
        self.written["post"].append(post.pk)
        flags = [name for name in ("pinned", "featured", "closed") if item.get(name) is True]
        if item.get("status") not in (None, "none"):
            flags.append(f'status "{item.get("status")}"')
        if flags:
            self.report.skipped.append(f"{where}: kb posts have no {', '.join(flags)}.")
        comments = sorted(self._items(f"community/posts/{zid}/comments", "comments"),
                          key=lambda c: (str(c.get("created_at") or ""), str(c.get("id"))))
        self._each("post comment", comments,
                   lambda c, w: self._comment(c, w, post, parent=f"community/posts/{zid}"))
        self._votes(item, where, f"community/posts/{zid}", post)
        _dates(Post, post.pk, created, updated)
        return outcome

    # Links between pages -------------------------------------------------------------------------

    def _rewrite_links(self) -> None:
        """Links to the old help center's pages -> the imported pages' kb URLs. After every
        object is in, so a link to an article imported later in the run is found too."""
        models = {"articles": Article, "sections": Section, "categories": Category, "posts": Post,
                  "topics": Topic}
        for kind, model, update in (
            ("article", Article, lambda row, body: services.article_update(article=row, body=body, notify=False)),
            ("post", Post, lambda row, body: services.post_update(post=row, by=_CommandLine(), body=body)),
        ):
            for row in model.objects.filter(pk__in=self.written[kind]).only("pk", "body", "updated_at", "external_id"):
                if "/hc/" not in row.body:
                    continue

                def replace(attribute, url, where=f"{kind} {row.external_id}"):
                    target = help_center_target(url, self.hosts) if attribute == "href" else None
                    if target is None:
                        return None
                    found = models[target[0]].objects.filter(external_id=target[1]).first()
                    if found is None:
                        self.report.skipped.append(f"{where}: links to {target[0][:-1]} {target[1]}, which "
                                                   "was not imported; the link is kept as it was.")
                        return None
                    anchor = url.partition("#")[2]
                    return found.get_absolute_url() + (f"#{anchor}" if anchor else "")

                body = rewrite_urls(row.body, replace)
                if body != row.body:
                    with transaction.atomic():
                        full = model.objects.get(pk=row.pk)
                        update(full, body)
                        model.objects.filter(pk=row.pk).update(updated_at=row.updated_at)
