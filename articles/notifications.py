"""Follower notifications: recorded with the change, fanned out and sent in the background.

The write path (``articles.services``) calls :func:`event_record`, which writes ONE
:class:`~articles.models.NotificationEvent` row in the caller's transaction, whatever the
number of followers; saving it schedules :func:`articles.tasks.deliver_notifications` on
commit (the ``post_save`` receiver :func:`articles.tasks.event_saved`).
That task (and ``manage.py send_notifications``, for cron) does the rest:

1. :func:`events_fan_out` turns each event into one :class:`~articles.models.Notification`
   per recipient (signed-in followers and confirmed email followers, never the actor),
   with ``bulk_create``;
2. :func:`digests_send` groups a recipient's pending notifications into ONE email once
   the oldest is ``KB_NOTIFY_BATCH_SECONDS`` old (300 by default), so a burst of comments
   is one email. The email goes through the outbox (``kb.mail.queue_email``), so an SMTP
   failure is retried later and never touches the comment that caused it.

Every email carries signed unsubscribe links (one per followed thing, and one for
everything in the ``List-Unsubscribe`` header, RFC 8058 one-click). Visitors without an
account follow by email with a double opt-in (:func:`email_follow_request`,
:func:`email_follow_confirm`).

Followers hear in the language they followed in (``Follow.locale`` / ``EmailFollow.locale``,
copied to each ``Notification``): the digest is rendered in it, names articles by their
published translation in it when there is one, and links to that language's pages.
"""

from __future__ import annotations

import difflib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kb import clock
from kb.i18n import current_locale, normalize_locale
from kb.mail import absolute_url, email_language, queue_email

from . import cache
from .markdown import plain_text
from .models import (
    Article,
    EmailFollow,
    Follow,
    Notification,
    NotificationEvent,
    Post,
    Section,
    Topic,
)
from .translations.localized import article_links

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "articles.notifications.unsubscribe"
CONFIRM_SALT = "articles.notifications.email-follow-confirm"
# A confirmation link is for the person who just asked; a week is plenty.
CONFIRM_MAX_AGE = timedelta(days=7)
EXCERPT_CHARS = 600
DIFF_MAX_LINES = 20
DEFAULT_BATCH_SECONDS = 300
Kind = NotificationEvent.Kind


def batch_window() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "KB_NOTIFY_BATCH_SECONDS", DEFAULT_BATCH_SECONDS)))




def _kind_of(target) -> str:
    if isinstance(target, Article):
        return "article"
    if isinstance(target, Post):
        return "post"
    if isinstance(target, Section):
        return "section"
    if isinstance(target, Topic):
        return "topic"
    raise TypeError(f"Cannot follow {type(target).__name__}")


# --- Recording (called by services, inside their transaction) --------------------------


def _followed_where(*, kind: str, post_id: int | None, article_id: int | None,
                    section_id: int | None, topic_id: int | None) -> Q:
    """Which follows (of either model) hear about an event of ``kind`` on this target."""
    if kind == Kind.POST_PUBLISHED:
        return Q(topic_id=topic_id)
    if post_id:
        return Q(post_id=post_id)
    if kind == Kind.ARTICLE_PUBLISHED:
        return Q(section_id=section_id)
    if kind == Kind.ARTICLE_UPDATED:
        return Q(article_id=article_id) | Q(section_id=section_id)
    return Q(article_id=article_id)


def _anyone_listening(*, kind: str, target, actor) -> bool:
    """Whether anyone but the actor follows: two EXISTS queries, whatever the count."""
    where = _followed_where(
        kind=kind,
        post_id=target.pk if isinstance(target, Post) else None,
        article_id=target.pk if isinstance(target, Article) else None,
        section_id=target.section_id if isinstance(target, Article) else None,
        topic_id=target.topic_id if isinstance(target, Post) else None,
    )
    users = Follow.objects.filter(where)
    if actor is not None and actor.is_authenticated:
        users = users.exclude(user=actor)
    return users.exists() or EmailFollow.objects.filter(where, confirmed_at__isnull=False).exists()


def event_record(*, kind: str, target: Article | Post, actor=None, comment=None,
                 summary: str = "", at: datetime | None = None) -> NotificationEvent | None:
    """Write one event row now; fan-out and email happen after commit, in a task.

    Nothing is written (None) when nobody but the actor follows: the common case of a
    first comment on a fresh question costs two EXISTS queries and no task.
    """
    if not _anyone_listening(kind=kind, target=target, actor=actor):
        return None
    event = NotificationEvent.objects.create(
        kind=kind,
        article=target if isinstance(target, Article) else None,
        post=target if isinstance(target, Post) else None,
        comment=comment,
        actor=actor if actor is not None and actor.is_authenticated else None,
        summary=summary,
        created_at=at or clock.now(),
    )
    # Saving the event schedules its delivery after commit (articles.tasks.event_saved,
    # connected in ArticlesConfig.ready(): the task imports this module, not the reverse).
    return event


def change_summary(*, old_title: str, new_title: str, old_body: str, new_body: str,
                   locale: str | None = None) -> str:
    """What changed in an article, for followers: title, line counts and a short diff.

    Fixed when the change is saved, once for every follower, so its words are in
    ``locale``: the article's source language, the language of the lines it quotes.
    """
    with email_language(locale or current_locale()):
        parts = []
        if old_title != new_title:
            parts.append(_("Title changed: “%(old)s” → “%(new)s”.") % {"old": old_title, "new": new_title})
        if old_body != new_body:
            diff = list(difflib.unified_diff(
                old_body.splitlines(), new_body.splitlines(), lineterm="", n=0
            ))
            changes = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
            added = sum(1 for line in changes if line.startswith("+"))
            removed = len(changes) - added
            parts.append(
                _("Body changed: %(added)s, %(removed)s.") % {
                    "added": ngettext("%(count)d line added", "%(count)d lines added", added) % {"count": added},
                    "removed": ngettext("%(count)d line removed", "%(count)d lines removed", removed)
                    % {"count": removed},
                }
            )
            shown = changes[:DIFF_MAX_LINES]
            if shown:
                parts.append("\n".join(line[:200] for line in shown))
            if len(changes) > len(shown):
                more = len(changes) - len(shown)
                parts.append(ngettext("… and %(count)d more changed line.", "… and %(count)d more changed lines.",
                                      more) % {"count": more})
        return "\n".join(parts)


# --- Fan-out (background) ---------------------------------------------------------------


def _recipients(event: NotificationEvent) -> list[tuple[str, int | None, str, str]]:
    """(email, user id or None, via, locale) for everyone who hears about ``event``, one per
    address.

    A reader following both an article and its section hears once, through the article
    (the more specific follow, so its unsubscribe link is the one that matters).
    """
    where = _followed_where(
        kind=event.kind, post_id=event.post_id, article_id=event.article_id,
        section_id=event.article.section_id if event.article_id else None,
        topic_id=event.post.topic_id if event.post_id else None,
    )

    def via(row) -> str:
        if row["article_id"]:
            return f"article:{row['article_id']}"
        if row["post_id"]:
            return f"post:{row['post_id']}"
        if row["topic_id"]:
            return f"topic:{row['topic_id']}"
        return f"section:{row['section_id']}"

    actor_email = (event.actor.email.strip().lower() if event.actor_id and event.actor else "")
    chosen: dict[str, tuple[str, int | None, str, str]] = {}
    fields = ("article_id", "post_id", "section_id", "topic_id", "locale")
    # Article/post follows (section NULL) first, on every database (PostgreSQL puts NULLs
    # last in ascending order, SQLite first). Topic follows only ever match new posts.
    specific_first = (F("section_id").asc(nulls_first=True), "pk")
    users = (
        Follow.objects.filter(where, user__is_active=True)
        .exclude(user__email="")
        .values("user_id", "user__email", *fields)
        .order_by(*specific_first)
    )
    if event.actor_id:
        users = users.exclude(user_id=event.actor_id)
    emails = (
        EmailFollow.objects.filter(where, confirmed_at__isnull=False)
        .values("email", *fields)
        .order_by(*specific_first)
    )
    for row in users:
        address = row["user__email"].strip().lower()
        if address != actor_email:
            chosen.setdefault(address, (row["user__email"], row["user_id"], via(row), row["locale"]))
    for row in emails:
        address = row["email"].strip().lower()
        if address != actor_email:
            chosen.setdefault(address, (row["email"], None, via(row), row["locale"]))
    return list(chosen.values())


def events_fan_out(*, at: datetime, limit: int = 200) -> int:
    """One Notification per recipient for each event not fanned out yet; returns rows made."""
    made = 0
    pending = list(
        NotificationEvent.objects.filter(fanned_out_at__isnull=True)
        .select_related("article", "post", "actor")
        .order_by("created_at", "pk")[:limit]
    )
    for event in pending:
        with transaction.atomic():
            # Claim the event first: a task and the command running at once fan out once.
            if not NotificationEvent.objects.filter(pk=event.pk, fanned_out_at__isnull=True).update(
                fanned_out_at=at
            ):
                continue
            if event.article_id and event.article.draft:
                continue  # back in draft before we got to it: readers cannot see it
            rows = [
                Notification(event=event, email=email, user_id=user_id, via=via, locale=locale,
                             created_at=event.created_at)
                for email, user_id, via, locale in _recipients(event)
            ]
            Notification.objects.bulk_create(rows, batch_size=500)
            made += len(rows)
    return made


# --- Digests (background) ---------------------------------------------------------------


def _item(notification: Notification, articles: dict[int, tuple[str, str]]) -> dict:
    """One entry of a digest; call it in the recipient's language (``articles``: the
    titles and paths of the events' articles in it, from ``article_links``)."""
    event = notification.event
    target = event.target
    text = ""
    if event.comment_id or event.kind == Kind.POST_PUBLISHED:
        text = plain_text(event.comment.body_html if event.comment_id else event.post.body_html)
        if len(text) > EXCERPT_CHARS:
            text = text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    if event.comment_id:
        # The permalink endpoint finds the comment's page of its (paginated) thread when
        # the email is read, wherever later comments or an official mark have moved it.
        url = reverse("articles:comment_permalink", kwargs={"pk": event.comment_id})
    else:
        text = text or event.summary
        url = articles[target.pk][1] if event.article_id else target.get_absolute_url()
    kind, __, pk = notification.via.partition(":")
    return {
        "kind": event.kind,
        "label": str(event.get_kind_display()),
        "title": articles[target.pk][0] if event.article_id else str(target),
        "actor": (event.actor.get_full_name() or event.actor.get_username()) if event.actor else "",
        "text": text,
        "url": absolute_url(url),
        "unsubscribe_url": absolute_url(unsubscribe_path(
            user_id=notification.user_id, email=notification.email, kind=kind, pk=int(pk)
        )),
        "via_kind": kind,
        "stop_label": {
            "article": _("Stop emails about this article"),
            "post": _("Stop emails about this post"),
            "section": _("Stop emails about this section"),
            "topic": _("Stop emails about this topic"),
        }[kind],
    }


def _digest_subject(items: list[dict]) -> str:
    site = getattr(settings, "KB_SITE_NAME", "Help Center")
    if len(items) == 1:
        return _("%(label)s: %(title)s") % {"label": items[0]["label"], "title": items[0]["title"]}
    titles = {item["title"] for item in items}
    if len(titles) == 1:
        return ngettext("%(count)d update on “%(title)s”", "%(count)d updates on “%(title)s”", len(items)) % {
            "count": len(items), "title": items[0]["title"]}
    return ngettext("%(count)d update from %(site)s", "%(count)d updates from %(site)s", len(items)) % {
        "count": len(items), "site": site}


def digest_send(*, email: str, at: datetime) -> bool:
    """Queue one email with every pending notification for ``email``; False when none."""
    with transaction.atomic():
        pending = list(
            Notification.objects.filter(email=email, sent_at__isnull=True)
            .select_related("event__article", "event__post", "event__comment", "event__actor")
            .order_by("created_at", "pk")
        )
        if not pending:
            return False
        claimed = Notification.objects.filter(
            pk__in=[n.pk for n in pending], sent_at__isnull=True
        ).update(sent_at=at)
        if claimed != len(pending):
            # Another worker took some of these at the same moment: leave them all to it.
            transaction.set_rollback(True)
            return False
        # One email, one language: the newest follow's that brought these (a reader who
        # followed in German and later in Spanish reads Spanish now).
        locale = normalize_locale(pending[-1].locale) or current_locale()
        with email_language(locale):
            articles = article_links(
                articles={n.event.article_id: n.event.article for n in pending if n.event.article_id}.values(),
                locale=locale,
            )
            items = [_item(n, articles) for n in pending]
            user_id = pending[0].user_id
            unsubscribe_all = absolute_url(unsubscribe_path(user_id=user_id, email=email))
            context = {
                "items": items,
                "site_name": getattr(settings, "KB_SITE_NAME", "Help Center"),
                "unsubscribe_all_url": unsubscribe_all,
                "following_url": absolute_url(reverse("articles:following")) if user_id else "",
            }
            queue_email(
                to=email,
                subject=_digest_subject(items),
                body=render_to_string("articles/emails/digest.txt", context),
                html_body=render_to_string("articles/emails/digest.html", context),
                headers={
                    "List-Unsubscribe": f"<{unsubscribe_all}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
                kind="articles.notification_digest",
                at=at,
                locale=locale,
            )
    return True


def digests_send(*, at: datetime) -> int:
    """Send a digest to every recipient whose oldest pending notification waited long
    enough; returns how many emails were queued."""
    due = (
        Notification.objects.filter(sent_at__isnull=True)
        .values("email")
        .annotate(oldest=Min("created_at"))
        .filter(oldest__lte=at - batch_window())
        .values_list("email", flat=True)
    )
    return sum(digest_send(email=email, at=at) for email in list(due))


def notifications_deliver(*, at: datetime) -> dict[str, int]:
    """Fan out new events, then send the digests that are due."""
    fanned = events_fan_out(at=at)
    return {"notifications": fanned, "emails": digests_send(at=at)}


# --- Signed links -----------------------------------------------------------------------


def unsubscribe_path(*, user_id: int | None, email: str, kind: str = "", pk: int | None = None) -> str:
    """Path of a signed unsubscribe link: one follow (kind + pk) or everything."""
    payload: dict = {"u": user_id} if user_id else {"e": email.strip().lower()}
    if kind:
        payload.update({"k": kind, "t": pk})
    token = signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)
    return reverse("articles:unsubscribe", kwargs={"token": token})


def unsubscribe_read(token: str) -> dict:
    """The payload of an unsubscribe token; raises ``signing.BadSignature`` when forged.

    No expiry: an unsubscribe link in a year-old email must still work.
    """
    payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(payload, dict) or not ("u" in payload or "e" in payload):
        raise signing.BadSignature("Not an unsubscribe token.")
    if "k" in payload and payload["k"] not in ("article", "post", "section", "topic"):
        raise signing.BadSignature("Not an unsubscribe token.")
    return payload


def unsubscribe_describe(payload: dict) -> str:
    """What the link unsubscribes from, in words, for the confirmation page."""
    if "k" not in payload:
        return _("all email notifications from this help center")
    model = {"article": Article, "post": Post, "section": Section, "topic": Topic}[payload["k"]]
    target = model.objects.filter(pk=payload["t"]).first()
    return _("“%(target)s”") % {"target": target} if target else _("something that no longer exists")


@transaction.atomic
def unsubscribe_apply(payload: dict) -> int:
    """Remove the follow(s) a verified token names; returns how many rows went."""
    if "u" in payload:
        follows = Follow.objects.filter(user_id=payload["u"])
    else:
        follows = EmailFollow.objects.filter(email__iexact=payload["e"])
    if "k" in payload:
        follows = follows.filter(**{f"{payload['k']}_id": payload["t"]})
    deleted, __ = follows.delete()
    # Nothing more should arrive: pending notifications for what was dropped go too.
    pending = Notification.objects.filter(sent_at__isnull=True)
    pending = pending.filter(user_id=payload["u"]) if "u" in payload else pending.filter(
        email__iexact=payload["e"], user__isnull=True
    )
    if "k" in payload:
        pending = pending.filter(via=f"{payload['k']}:{payload['t']}")
    pending.delete()
    return deleted


# --- Following by email (double opt-in) -------------------------------------------------


def email_follow_request(*, email: str, target, at: datetime | None = None,
                         locale: str | None = None) -> EmailFollow:
    """A visitor asks to follow ``target`` by email: a pending row and a confirmation email.

    The same answer whether the address already follows or not (no way to probe who
    follows what); an already confirmed follow gets no new email. ``locale`` (by default
    the active language: the page they asked on) is the language of the confirmation and
    of every notification; asking again while pending switches it.
    """
    at = at or clock.now()
    locale = normalize_locale(locale) or current_locale()
    # Stored as accounts store theirs (the domain lower-cased), compared case-insensitively:
    # one mailbox, one follow (the constraint is on the lower-cased address).
    email = BaseUserManager.normalize_email(email.strip())
    kwargs = {_kind_of(target): target}
    with transaction.atomic():
        follow = EmailFollow.objects.filter(email__iexact=email, **kwargs).first()
        if follow is None:
            try:
                with transaction.atomic():
                    follow = EmailFollow.objects.create(email=email, locale=locale, **kwargs)
            except IntegrityError:
                follow = EmailFollow.objects.get(email__iexact=email, **kwargs)
        if follow.confirmed_at is None:
            if follow.locale != locale:
                # Unconfirmed: whoever asks again chooses the language (a confirmed follow
                # is not changed by a request anyone can make).
                EmailFollow.objects.filter(pk=follow.pk, confirmed_at__isnull=True).update(locale=locale)
                follow.locale = locale
            token = signing.dumps({"id": follow.pk, "e": follow.email.lower()}, salt=CONFIRM_SALT)
            with email_language(locale):
                title, path = (
                    article_links(articles=[target], locale=locale)[target.pk]
                    if isinstance(target, Article) else (str(target), target.get_absolute_url())
                )
                context = {
                    "target": title,
                    "target_url": absolute_url(path),
                    "confirm_url": absolute_url(reverse("articles:email_follow_confirm", kwargs={"token": token})),
                    "site_name": getattr(settings, "KB_SITE_NAME", "Help Center"),
                    "days": CONFIRM_MAX_AGE.days,
                }
                queue_email(
                    to=follow.email,
                    subject=_("Confirm: follow “%(target)s” by email") % {"target": title},
                    body=render_to_string("articles/emails/email_follow_confirm.txt", context),
                    kind="articles.email_follow_confirm",
                    at=at,
                    locale=locale,
                )
    return follow


def email_follow_read(token: str) -> EmailFollow:
    """The email follow a confirmation token names; raises ``signing.BadSignature`` when
    forged or expired and ``EmailFollow.DoesNotExist`` when it is gone."""
    payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    return EmailFollow.objects.select_related("article", "post", "section", "topic").get(
        pk=payload["id"], email__iexact=payload["e"]
    )


@transaction.atomic
def email_follow_confirm(*, follow: EmailFollow, at: datetime) -> EmailFollow:
    """Confirm a pending email follow (idempotent)."""
    if follow.confirmed_at is None:
        confirmed = EmailFollow.objects.filter(pk=follow.pk, confirmed_at__isnull=True).update(confirmed_at=at)
        follow.confirmed_at = at
        if confirmed:
            # update() sends no post_save: the follower count on cached pages changes now.
            cache.reader_activity(EmailFollow, follow)
    return follow


def email_follow_unsubscribe_path(follow: EmailFollow) -> str:
    kind = _kind_of(follow.target)
    return unsubscribe_path(user_id=None, email=follow.email, kind=kind, pk=follow.target.pk)
