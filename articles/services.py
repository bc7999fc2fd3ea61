"""Every write to help-center content goes through these functions.

Views, management commands (``load_demo``, ``import_articles``) and tests all use them, so
permissions, rendering and follow-up work (search index, notifications) live in one place.
Functions are named ``<entity>_<action>`` and take keyword arguments only.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils.text import slugify

from kb import storage
from kb.i18n import current_locale, normalize_locale
from kb.permissions import is_agent

from . import images, notifications
from .markdown import markdown_problem, render_markdown
from .models import (
    Article,
    Category,
    Comment,
    Follow,
    FormerSlug,
    ItemVote,
    Label,
    NotificationEvent,
    Post,
    Section,
    Topic,
    Vote,
)


def _slug(title: str) -> str:
    return slugify(title)[:200] or "untitled"


def _check_markdown(body: str, field: str = "body") -> None:
    problem = markdown_problem(body)
    if problem:
        raise ValidationError({field: problem}, code="markdown")


def html_allowed(*, kind: type, author, body: str) -> bool:
    """Is raw HTML in ``body`` markup (sanitised) rather than text shown as typed?

    Articles: yes, they are help-center content written by agents (the editor, the admin,
    imports). Posts and comments: only when their author is an agent; a customer's
    ``<div class="modal">`` must not restyle the page every reader sees (issue 13).
    """
    # Without a "<" there is no HTML and both answers render the same: skip the author's
    # permission lookup (two queries on a fresh user), which most comments never need.
    return kind is Article or ("<" in body and is_agent(author))


def body_html_render(item: Article | Post | Comment) -> str:
    """The sanitised HTML of a stored item's body, by the rules for who wrote it."""
    allow_html = html_allowed(kind=type(item), author=item.author, body=item.body)
    return render_markdown(item.body, allow_html=allow_html)


def _written_fields(*, kind: type, author, title: str, body: str) -> dict:
    """A new title and Markdown body as stored: the trimmed title and its slug, the body
    (checked first) and its sanitised HTML."""
    _check_markdown(body)
    html = render_markdown(body, allow_html=html_allowed(kind=kind, author=author, body=body))
    return {"title": title.strip(), "slug": _slug(title), "body": body, "body_html": html}


def _rewrite(target: Article | Post, fields: dict) -> None:
    """Before an update: the new body's HTML and the new title's slug on ``target``; the
    title is trimmed in ``fields``."""
    if "body" in fields:
        _check_markdown(fields["body"])
        allow_html = html_allowed(kind=type(target), author=target.author, body=fields["body"])
        target.body_html = render_markdown(fields["body"], allow_html=allow_html)
    if "title" in fields:
        fields["title"] = fields["title"].strip()
        target.slug = _slug(fields["title"])


# --- Section counts ---------------------------------------------------------------------
# ``Section.published_count`` follows every change of an article's (section, published)
# pair made here: created, published, unpublished, moved, deleted. It changes with F()
# updates in the article's own transaction, so concurrent writers cannot lose a change.

# (section id, published) of an article; None when it does not exist.
_Place = tuple[int, bool] | None


def _place(article: Article) -> _Place:
    return (article.section_id, not article.draft)


def _stored_place(article: Article) -> _Place:
    """The article's (section, published) as committed, its row locked until commit."""
    stored = _stored_article(article)
    return None if stored is None else (stored["section_id"], not stored["draft"])


def _stored_article(article: Article) -> dict | None:
    """The article's section, draft flag, title and body as committed, its row locked
    until commit.

    Read from the database rather than from ``article``: the admin hands over an instance
    its form has already changed (so the instance cannot tell what changed: publishing
    there announced nothing), and the lock makes a concurrent edit of the same article
    wait and then see this one's result instead of counting the same change twice.
    """
    return (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values("section_id", "draft", "title", "body")
        .first()
    )


def _published_count_follow(*, before: _Place, after: _Place) -> None:
    """Move one published article's worth of count from ``before`` to ``after``."""
    if before == after:
        return
    deltas: dict[int, int] = {}
    for place, delta in ((before, -1), (after, 1)):
        if place is not None and place[1]:
            deltas[place[0]] = deltas.get(place[0], 0) + delta
    # Sections in id order: two moves in opposite directions lock rows in the same order.
    for section_id in sorted(deltas):
        if deltas[section_id]:
            Section.objects.filter(pk=section_id).update(
                published_count=F("published_count") + deltas[section_id]
            )


def section_published_counts_recount() -> int:
    """Recount every section's published articles from the rows; returns how many
    sections were wrong. For writes that bypassed the services (``bulk_create``,
    ``QuerySet.update``/``delete``, an article deleted in the admin)."""
    fixed = 0
    with transaction.atomic():
        # Sections locked first, then counted: a publish still in flight (not seen by the
        # count) waits for the lock and adds its one afterwards. Counted first, it could
        # commit its +1 between the count and the write, and be overwritten.
        stored_counts = list(Section.objects.select_for_update().values_list("pk", "published_count"))
        counts = dict(
            Article.objects.published().order_by().values_list("section_id").annotate(n=Count("pk"))
        )
        for section_id, stored in stored_counts:
            actual = counts.get(section_id, 0)
            if stored != actual:
                Section.objects.filter(pk=section_id).update(published_count=actual)
                fixed += 1
    return fixed


# --- Articles -------------------------------------------------------------------------


@transaction.atomic
def article_create(
    *,
    author,
    section: Section,
    title: str,
    body: str,
    draft: bool = True,
    promoted: bool = False,
    label_names: list[str] | tuple[str, ...] = (),
    position: int = 0,
    external_id: str | None = None,
    notify: bool = True,
) -> Article:
    """Create an article (a draft unless told otherwise); section followers hear of it
    when it is published."""
    article = Article(
        section=section,
        **_written_fields(kind=Article, author=author, title=title, body=body),
        author=author,
        draft=draft,
        promoted=promoted,
        position=position,
        external_id=external_id or None,
    )
    article.full_clean(exclude=["author", "body_html"])
    article.save()
    _published_count_follow(before=None, after=_place(article))
    if label_names:
        article.labels.set(labels_get_or_create(names=label_names))
    if notify and not article.draft:
        notifications.event_record(
            kind=NotificationEvent.Kind.ARTICLE_PUBLISHED, target=article, actor=author
        )
    return article


@transaction.atomic
def article_update(
    *, article: Article, label_names=None, by=None, notify: bool = True, minor: bool = False, **fields
) -> Article:
    """Change an article's fields; the body is re-rendered when it changes.

    Followers of the article and of its section hear what changed (title, body) once it
    is published; ``by``, the editor, does not. A change of title, body or labels marks the
    article's translations outdated, unless the editor calls it ``minor`` (a typo fixed).
    """
    allowed = {"section", "title", "body", "draft", "promoted", "position", "external_id"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"article_update() got unexpected fields: {sorted(unknown)}")
    _rewrite(article, fields)
    stored = _stored_article(article)
    if stored is None:
        raise Article.DoesNotExist(f"Article {article.pk} does not exist (deleted meanwhile?)")
    was_draft, old_title, old_body = stored["draft"], stored["title"], stored["body"]
    for name, value in fields.items():
        setattr(article, name, value)
    article.full_clean(exclude=["author", "body_html"])
    article.save()
    _published_count_follow(before=(stored["section_id"], not was_draft), after=_place(article))
    labels_changed = False
    if label_names is not None:
        new_labels = labels_get_or_create(names=label_names)
        labels_changed = {label.pk for label in new_labels} != set(article.labels.values_list("pk", flat=True))
        article.labels.set(new_labels)
    if not minor and (labels_changed or old_title != article.title or old_body != article.body):
        _translations_mark_outdated(article)
    if notify and not article.draft:
        if was_draft:
            notifications.event_record(
                kind=NotificationEvent.Kind.ARTICLE_PUBLISHED, target=article, actor=by
            )
        elif old_title != article.title or old_body != article.body:
            notifications.event_record(
                kind=NotificationEvent.Kind.ARTICLE_UPDATED,
                target=article,
                actor=by,
                summary=notifications.change_summary(
                    old_title=old_title, new_title=article.title,
                    old_body=old_body, new_body=article.body, locale=article.locale,
                ),
            )
    return article


@transaction.atomic
def article_delete(*, article: Article) -> None:
    """Delete an article (its comments, votes and follows go with it)."""
    before = _stored_place(article)
    article.delete()
    _published_count_follow(before=before, after=None)


def labels_get_or_create(*, names) -> list[Label]:
    labels = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        label, _ = Label.objects.get_or_create(
            slug=slugify(name)[:80] or "label", defaults={"name": name[:60]}
        )
        labels.append(label)
    return labels


# --- Categories and sections ------------------------------------------------------------


def _unique_slug(model, name: str, *, exclude_pk=None) -> str:
    """``name``'s slug, numbered when another row of ``model`` has it ("billing-2")."""
    base = slugify(name)[:120] or "untitled"
    taken = set(model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def translations_mark_outdated(*, source: Article | Section | Category) -> int:
    """Mark every translation of ``source`` outdated (its text changed); returns how many
    were not outdated before. One UPDATE; ``updated_at`` is left alone, since the
    translation itself did not change. (Here rather than in ``translations.services``,
    which builds on this module: the sources' updates call it.)"""
    translations = source.translations.filter(outdated=False)
    return translations.update(outdated=True)


def _translations_mark_outdated(source) -> None:
    translations_mark_outdated(source=source)


def _heading_write(row, fields: dict, allowed: set[str]):
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    # Community topics are not translated: only categories and sections have translations.
    if row.pk is not None and not isinstance(row, Topic) and any(
        name in fields and fields[name] != getattr(row, name) for name in ("name", "description")
    ):
        _translations_mark_outdated(row)
    for name, value in fields.items():
        setattr(row, name, value.strip() if name == "name" else value)
    former = row.slug if row.pk is not None else ""
    if "name" in fields or not row.slug:
        row.slug = _unique_slug(type(row), row.name, exclude_pk=row.pk)
    row.full_clean()
    row.save()
    if former and former != row.slug:
        former_slug_record(heading=row, slug=former)
    return row


def former_slug_record(*, heading: Category | Topic | Section, slug: str) -> None:
    """``heading`` was renamed away from ``slug``: its old URL keeps working, with a 301.

    Only categories and topics need it: their URLs are their slug alone, while sections,
    articles and posts carry their id and redirect any stale slug already.
    """
    field = {Category: "category", Topic: "topic"}.get(type(heading))
    if field is None:
        return
    # The heading's current slug is live again, not a redirect; an old slug given up by
    # another heading before now leads here.
    FormerSlug.objects.filter(**{field: heading}, slug=heading.slug).delete()
    FormerSlug.objects.update_or_create(**{f"{field}__isnull": False, "slug": slug}, defaults={field: heading})


@transaction.atomic
def category_create(*, name: str, description: str = "", position: int = 0) -> Category:
    """A new help-center category (its slug follows the name)."""
    return _heading_write(Category(), {"name": name, "description": description, "position": position},
                          {"name", "description", "position"})


@transaction.atomic
def category_update(*, category: Category, **fields) -> Category:
    """Rename, describe or move a category; a new name gives a new slug."""
    return _heading_write(category, fields, {"name", "description", "position"})


@transaction.atomic
def category_delete(*, category: Category) -> None:
    """Delete an empty category; one with sections is refused (move or delete them first)."""
    if category.sections.exists():
        raise ValidationError({"category": "The category still has sections."}, code="not_empty")
    category.delete()


@transaction.atomic
def section_create(*, category: Category, name: str, description: str = "", position: int = 0) -> Section:
    """A new section in ``category``."""
    return _heading_write(Section(category=category),
                          {"name": name, "description": description, "position": position},
                          {"name", "description", "position"})


@transaction.atomic
def section_update(*, section: Section, **fields) -> Section:
    """Rename, describe, move (``category``) or reorder a section."""
    return _heading_write(section, fields, {"name", "description", "position", "category"})


@transaction.atomic
def section_delete(*, section: Section) -> None:
    """Delete a section without articles; one with articles is refused."""
    if section.articles.exists():
        raise ValidationError({"section": "The section still has articles."}, code="not_empty")
    section.delete()


# --- Community ------------------------------------------------------------------------


@transaction.atomic
def post_create(
    *, author, topic: Topic, title: str, body: str, notify: bool = True, locale: str | None = None,
) -> Post:
    """A signed-in user asks a question in a community topic; the topic's followers hear
    of it (not the asker). ``locale`` is the language it is written in (default: the
    help center's)."""
    if not author.is_authenticated:
        raise PermissionDenied("Sign in to post.")
    post = Post(topic=topic, **_written_fields(kind=Post, author=author, title=title, body=body), author=author)
    if locale is not None:
        code = normalize_locale(locale)
        if code is None:
            raise ValidationError({"locale": "Choose one of the help center's languages."}, code="invalid_locale")
        post.locale = code
    post.full_clean(exclude=["author", "body_html"])
    post.save()
    # The asker follows their own question, as in every help center: they want answers.
    follow_set(user=author, target=post, following=True, locale=post.locale)
    if notify:
        # Posts have no draft state: a post is public from the moment it exists.
        notifications.event_record(kind=NotificationEvent.Kind.POST_PUBLISHED, target=post, actor=author)
    return post


@transaction.atomic
def post_update(*, post: Post, by, **fields) -> Post:
    """Change a post's topic, title or body (moderation, in the admin): the body is
    rendered and sanitised again; the save reaches the search index through its signals.

    The author never changes: a post is the asker's own question.
    """
    allowed = {"topic", "title", "body"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"post_update() got unexpected fields: {sorted(unknown)}")
    # The admin's own permission, checked here too so no other caller edits around it.
    if not (by and by.has_perm("articles.change_post")):
        raise PermissionDenied("You may not edit posts.")
    _rewrite(post, fields)
    for name, value in fields.items():
        setattr(post, name, value)
    post.full_clean(exclude=["author", "body_html"])
    post.save()
    return post


@transaction.atomic
def post_delete(*, post: Post, by) -> None:
    """Delete a post and its comments (moderation): for holders of the admin's permission."""
    if not (by and by.has_perm("articles.delete_post")):
        raise PermissionDenied("You may not delete posts.")
    post.delete()


@transaction.atomic
def topic_create(*, name: str, description: str = "", position: int = 0) -> Topic:
    """A new community topic (its slug follows the name)."""
    return _heading_write(Topic(), {"name": name, "description": description, "position": position},
                          {"name", "description", "position"})


@transaction.atomic
def topic_update(*, topic: Topic, **fields) -> Topic:
    """Rename, describe or reorder a community topic."""
    return _heading_write(topic, fields, {"name", "description", "position"})


@transaction.atomic
def topic_delete(*, topic: Topic) -> None:
    """Delete a topic without posts; one with posts is refused."""
    if topic.posts.exists():
        raise ValidationError({"topic": "The topic still has posts."}, code="not_empty")
    topic.delete()


@transaction.atomic
def comment_create(
    *, author, target: Article | Post, body: str, notify: bool = True
) -> Comment:
    """Add a comment to an article or a post; its followers hear of it (not the author)."""
    if not author.is_authenticated:
        raise PermissionDenied("Sign in to comment.")
    if isinstance(target, Article) and target.draft:
        raise PermissionDenied("Drafts take no comments.")
    _check_markdown(body)
    comment = Comment(
        author=author,
        body=body,
        body_html=render_markdown(body, allow_html=html_allowed(kind=Comment, author=author, body=body)),
        article=target if isinstance(target, Article) else None,
        post=target if isinstance(target, Post) else None,
    )
    comment.full_clean(exclude=["author", "body_html", "article", "post"])
    comment.save()
    _comment_total_add(target, 1)
    if notify:
        # One row, whatever the number of followers: the fan-out runs after commit.
        notifications.event_record(
            kind=NotificationEvent.Kind.COMMENT, target=target, actor=author, comment=comment
        )
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, body: str) -> Comment:
    """Change a comment's text (moderation): rendered and sanitised again, re-indexed."""
    _check_markdown(body)
    comment.body = body
    comment.body_html = body_html_render(comment)
    comment.full_clean(exclude=["author", "body_html", "article", "post"])
    comment.save(update_fields=["body", "body_html", "updated_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment) -> None:
    """Remove a comment (moderation, in the admin); its thread's stored count follows."""
    target = comment.article if comment.article_id else comment.post
    comment.delete()
    _comment_total_add(target, -1)


def _comment_total_add(target: Article | Post, delta: int) -> None:
    # An F() update in the comment's own transaction: concurrent comments cannot lose one.
    type(target).objects.filter(pk=target.pk).update(comment_total=F("comment_total") + delta)


def comment_totals_recount() -> int:
    """Recount every article's and post's comments from the rows; returns how many were
    wrong. For writes that bypassed the services (``bulk_create``, ``QuerySet.delete``)."""
    fixed = 0
    with transaction.atomic():
        for model, field in ((Article, "article"), (Post, "post")):
            # Rows locked first, then counted (as section_published_counts_recount).
            stored = dict(model.objects.select_for_update().values_list("pk", "comment_total"))
            counts = dict(Comment.objects.filter(**{f"{field}__isnull": False}).order_by()
                          .values_list(f"{field}_id").annotate(n=Count("pk")))
            for pk, total in stored.items():
                actual = counts.get(pk, 0)
                if total != actual:
                    model.objects.filter(pk=pk).update(comment_total=actual)
                    fixed += 1
    return fixed


def body_html_rerender_all(*, dry_run: bool = False) -> dict[str, int]:
    """Render every stored article, post and comment body again; returns, per model, how
    many rows changed. For when the renderer's rules change (``rerender_markdown``).

    Nothing is lost: ``body`` (what was typed) is the source and is never touched; a
    customer's raw HTML that used to be markup now shows as text. Changed rows are saved
    one by one (``update_fields``) so the page cache and the search index follow them.
    """
    # html_allowed, with each author's answer looked up once rather than once per row.
    agents: dict[int | None, bool] = {}
    changed = {}
    for model in (Article, Post, Comment):
        count = 0
        for item in model.objects.select_related("author").order_by("pk").iterator(chunk_size=500):
            if model is not Article and item.author_id not in agents:
                agents[item.author_id] = is_agent(item.author)
            allow_html = model is Article or agents[item.author_id]
            html = render_markdown(item.body, allow_html=allow_html)
            if html != item.body_html:
                count += 1
                if not dry_run:
                    item.body_html = html
                    item.save(update_fields=["body_html"])
        changed[model.__name__] = count
    return changed


def check_can_mark_official(*, user, comment: Comment) -> None:
    """Only agents mark answers official, and only answers written by agents."""
    if not is_agent(user):
        raise PermissionDenied("Only agents can mark a comment official.")
    if not is_agent(comment.author):
        raise PermissionDenied("Only an agent's comment can be official.")


@transaction.atomic
def comment_set_official(
    *, comment: Comment, by, official: bool, notify: bool = True
) -> Comment:
    """Mark (or unmark) an agent's comment as the official answer; followers hear of a
    new official answer."""
    check_can_mark_official(user=by, comment=comment)
    newly_official = official and not comment.is_official
    comment.is_official = official
    comment.official_marked_by = by if official else None
    # A real save (not .update()) so post_save reaches the search index: official
    # answers weigh more in ranking.
    comment.save(update_fields=["is_official", "official_marked_by", "updated_at"])
    if notify and newly_official:
        # A comment just posted and marked at once becomes one "official answer" item in
        # the digest instead of two: the plain comment event is dropped if still pending.
        NotificationEvent.objects.filter(
            comment=comment, kind=NotificationEvent.Kind.COMMENT, fanned_out_at__isnull=True
        ).delete()
        notifications.event_record(
            kind=NotificationEvent.Kind.OFFICIAL, target=comment.target, actor=by, comment=comment
        )
    return comment


# --- Follows and votes ------------------------------------------------------------------


def _target_kwargs(target) -> dict:
    if isinstance(target, Article):
        return {"article": target}
    if isinstance(target, Post):
        return {"post": target}
    if isinstance(target, Section):
        return {"section": target}
    if isinstance(target, Topic):
        return {"topic": target}
    raise TypeError(f"Cannot follow {type(target).__name__}")


def follow_set(*, user, target, following: bool, locale: str | None = None) -> bool:
    """Follow or unfollow an article, post, section or topic; returns whether a row changed.

    Idempotent and race-free: the unique constraint decides between two concurrent
    follows, and the loser simply finds the row already there. ``locale`` is the language
    the reader follows in (by default the active one: the page they pressed Follow on);
    their notifications are written in it.
    """
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to follow.")
    kwargs = _target_kwargs(target)
    if not following:
        deleted, _ = Follow.objects.filter(user=user, **kwargs).delete()
        return bool(deleted)
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, locale=normalize_locale(locale) or current_locale(), **kwargs)
    except IntegrityError:
        return False
    return True


def vote_set(*, user, article: Article, helpful: bool) -> Vote:
    """Record whether the article helped; a second vote changes the first."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to vote.")
    if article.draft:
        raise PermissionDenied("Drafts take no votes.")
    # Like update_or_create, but a repeated answer saves nothing: every save re-renders the
    # article's cached page (articles.cache), and an unchanged vote changes nothing on it.
    with transaction.atomic():
        vote, created = Vote.objects.select_for_update().get_or_create(
            user=user, article=article, defaults={"helpful": helpful}
        )
        if not created and vote.helpful != helpful:
            vote.helpful = helpful
            vote.save(update_fields=["helpful"])
    return vote


def _vote_item_kwargs(item) -> dict:
    if isinstance(item, Post):
        return {"post": item}
    if isinstance(item, Comment):
        return {"comment": item}
    raise TypeError(f"Cannot vote on {type(item).__name__} with item_vote_set (articles: vote_set)")


def check_can_vote_on(*, user, item: Post | Comment) -> None:
    """Signed-in users vote on posts and on comments they can read: not on a draft's."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to vote.")
    if isinstance(item, Comment) and item.article_id and item.article.draft:
        raise PermissionDenied("Drafts take no votes.")


def item_vote_set(*, user, item: Post | Comment, value: int | None) -> ItemVote | None:
    """Vote a post or a comment up (``value`` 1) or down (-1), or take the vote back
    (None); a second vote changes the first. Returns the vote (None once taken back).

    The item's stored ``vote_sum``/``vote_count`` change with F() updates in the vote's
    transaction. An unchanged vote writes nothing: each write re-renders the item's
    cached page (articles.cache).
    """
    check_can_vote_on(user=user, item=item)
    if value not in (ItemVote.Value.UP, ItemVote.Value.DOWN, None):
        raise ValidationError({"value": "A vote is up (1) or down (-1)."}, code="invalid")
    target = _vote_item_kwargs(item)
    try:
        with transaction.atomic():
            return _item_vote_write(user=user, item=item, target=target, value=value)
    except IntegrityError:
        # Two first votes of one user at once: the unique constraint kept one, and this
        # one now finds it and changes it (or leaves it) like a second vote.
        with transaction.atomic():
            return _item_vote_write(user=user, item=item, target=target, value=value)


def _item_vote_write(*, user, item, target: dict, value: int | None) -> ItemVote | None:
    vote = ItemVote.objects.select_for_update().filter(user=user, **target).first()
    if vote is None and value is None:
        return None
    if vote is None:
        with transaction.atomic():
            vote = ItemVote.objects.create(user=user, value=value, **target)
        _item_vote_totals_add(item, vote_sum=value, vote_count=1)
    elif value is None:
        vote.delete()
        _item_vote_totals_add(item, vote_sum=-vote.value, vote_count=-1)
        return None
    elif vote.value != value:
        old, vote.value = vote.value, value
        vote.save(update_fields=["value", "updated_at"])
        _item_vote_totals_add(item, vote_sum=value - old, vote_count=0)
    return vote


def _item_vote_totals_add(item: Post | Comment, *, vote_sum: int, vote_count: int) -> None:
    type(item).objects.filter(pk=item.pk).update(
        vote_sum=F("vote_sum") + vote_sum, vote_count=F("vote_count") + vote_count
    )
    # The caller's instance shows the new totals too (the API answers with it).
    item.refresh_from_db(fields=["vote_sum", "vote_count"])


def item_vote_totals_recount() -> int:
    """Recount every post's and comment's vote totals from the rows; returns how many
    items were wrong. For writes that bypassed the services (``bulk_create``, imports)."""
    fixed = 0
    with transaction.atomic():
        for model, field in ((Post, "post"), (Comment, "comment")):
            # Rows locked first, then counted (as section_published_counts_recount).
            stored = {pk: (s, c) for pk, s, c in
                      model.objects.select_for_update().values_list("pk", "vote_sum", "vote_count")}
            actual = {pk: (s, c) for pk, s, c in
                      ItemVote.objects.filter(**{f"{field}__isnull": False}).order_by()
                      .values_list(f"{field}_id").annotate(s=Sum("value"), c=Count("pk"))}
            for pk, totals in stored.items():
                right = actual.get(pk, (0, 0))
                if totals != right:
                    model.objects.filter(pk=pk).update(vote_sum=right[0], vote_count=right[1])
                    fixed += 1
    return fixed


# --- Editor uploads ---------------------------------------------------------------------


def image_upload_store(*, data: bytes, key: str | None = None) -> str:
    """Store an image an agent dropped into the editor; returns its URL.

    Only the bytes count (not the client's content type or file name): they must be a
    PNG, JPEG, GIF or WebP image (else ValidationError), stills are re-encoded, and the
    server chooses the file name. ``key`` (letters, digits, "-"; an importer's id for the
    image) names the file instead of a random name, so importing it again stores nothing new.
    """
    image_format = images.checked_format(data)
    name = f"{settings.MARKDOWNX_MEDIA_PATH}{key or uuid.uuid4().hex}.{images.UPLOAD_FORMATS[image_format]}"
    if key and storage.public_storage().exists(name):
        return storage.public_url(name)
    stored = images.reencoded(data, image_format)
    return storage.public_url(storage.public_storage().save(name, ContentFile(stored)))


def image_import_store(*, data: bytes, save: bool = True) -> str:
    """Store an image an import brings along (a Markdown folder's); returns its URL.

    Checked like an editor upload (the bytes must be a PNG, JPEG, GIF or WebP image of at
    most ``MARKDOWNX_UPLOAD_MAX_SIZE`` bytes, else ValidationError) and re-encoded the same
    way, but named by a hash of its bytes: importing the same image again (a re-run, the
    same logo in fifty articles) stores one file and gives the same URL, so a re-imported
    body is unchanged. With ``save=False`` (a dry run) nothing is written; the URL is the
    one a real run would give.
    """
    if len(data) > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        raise ValidationError("too large", code="size")
    image_format = images.checked_format(data)
    digest = hashlib.sha256(data).hexdigest()[:32]
    name = f"{settings.MARKDOWNX_MEDIA_PATH}{digest}.{images.UPLOAD_FORMATS[image_format]}"
    if save and not storage.public_storage().exists(name):
        # Two imports saving the same image at once: the storage gives the second a
        # different free name, so use the name it reports.
        name = storage.public_storage().save(name, ContentFile(images.reencoded(data, image_format)))
    return storage.public_url(name)
