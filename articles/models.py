"""The help center's content: categories > sections > articles, community topics > posts,
comments on both, and the follows and votes readers leave on them.

Rendered HTML is stored beside each Markdown body: rendering happens once on write (in
``services``), so pages never pay for Markdown or sanitising on read.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from kb.i18n import default_locale

# Bounds on user text. Python-Markdown is super-linear on some inputs (thousands of "["
# take seconds), so every body is bounded before it reaches the renderer.
TITLE_MAX_LENGTH = 200
ARTICLE_BODY_MAX_LENGTH = 60_000
POST_BODY_MAX_LENGTH = 20_000
COMMENT_BODY_MAX_LENGTH = 10_000


class StoredCountersModel(models.Model):
    """A model whose ``stored_counters`` only the services' F() updates and recounts write.

    Saving an instance loaded earlier (the admin's change form, a service editing an
    article) must not write back its stale copy of a counter: a comment added or an
    article published meanwhile would be lost from it. So a full save of an existing row
    leaves the counters out.
    """

    stored_counters: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.stored_counters
            ]
        super().save(*args, **kwargs)


class Heading(models.Model):
    """A named place readers browse, at ``url_name`` with its slug: a help-center category
    or a community topic."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    # Identifier in the system it was imported from (a Zendesk id): re-imports update in
    # place, and old /hc/... links find it.
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)

    url_name: str

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs={"slug": self.slug})


def _source_locale_field():
    # No choices: the served languages are a setting (kb.i18n), and a deployment that adds
    # one must not need a migration. Services check the value against the setting.
    return models.CharField(
        max_length=10, default=default_locale, help_text="The language this was written in.",
    )


class Category(Heading):
    locale = _source_locale_field()

    url_name = "articles:category"

    class Meta(Heading.Meta):
        verbose_name_plural = "categories"


class Section(StoredCountersModel):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="sections")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)
    locale = _source_locale_field()
    # How many published articles the section holds, stored so the home page reads one
    # column per section instead of counting each section's rows on every render (about
    # 50 ms per 10,000-article section on SQLite). ``articles.services`` keeps it in the
    # transaction of every publish, unpublish, move, create and delete;
    # ``services.section_published_counts_recount`` repairs it after writes that bypass
    # the services (``bulk_create``, ``QuerySet.update``/``delete``).
    published_count = models.PositiveIntegerField(default=0, editable=False)
    stored_counters = ("published_count",)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"pk": self.pk, "slug": self.slug})


class Label(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(draft=False)


class Article(StoredCountersModel):
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(max_length=220)
    body = MarkdownxField(max_length=ARTICLE_BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles"
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="articles")
    draft = models.BooleanField(
        default=True, help_text="Drafts are visible to agents only."
    )
    promoted = models.BooleanField(default=False, help_text="Shown on the home page.")
    position = models.PositiveIntegerField(default=0)
    # Identifier in the system an article was imported from; re-imports update in place.
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    locale = _source_locale_field()
    # How many comments the article has, stored like Section.published_count: pages read
    # it instead of counting the thread on every render. ``services.comment_create`` and
    # ``comment_delete`` keep it; ``services.comment_totals_recount`` repairs it.
    comment_total = models.PositiveIntegerField(default=0, editable=False)
    stored_counters = ("comment_total",)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        permissions = [
            ("act_as_agent", "Can act as a support agent (official answers, drafts)"),
        ]
        # Section pages list published articles in this order, a page at a time: the
        # index serves the ORDER BY, so a 10,000-article section is not sorted per request.
        # (A partial index: Django writes draft=False as NOT "draft", which SQLite cannot
        # match against a plain column of the index.)
        indexes = [
            models.Index(
                fields=["section", "position", "title", "id"],
                condition=Q(draft=False),
                name="article_published_listing",
            ),
            # The home page's promoted articles, in their order: without it the query
            # read every published row to find the few promoted ones (0.8 s at 100k).
            models.Index(
                fields=["position", "-updated_at"],
                condition=Q(draft=False, promoted=True),
                name="article_promoted",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:article", kwargs={"pk": self.pk, "slug": self.slug})


class Topic(Heading):
    url_name = "articles:topic"


class Post(StoredCountersModel):
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(max_length=220)
    body = models.TextField(max_length=POST_BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    # Stored like Article.comment_total: counting a 10,000-comment thread cost ~1 ms on
    # every home, topic and post page.
    comment_total = models.PositiveIntegerField(default=0, editable=False)
    # Up and down votes (ItemVote), stored for the same reason: ``services.item_vote_set``
    # keeps them with F() updates, ``services.item_vote_totals_recount`` repairs them.
    vote_sum = models.IntegerField(default=0, editable=False)
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    stored_counters = ("comment_total", "vote_sum", "vote_count")
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)
    # Posts are not translated: each keeps the language it was written in, and is
    # searched in it.
    locale = _source_locale_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["topic", "-created_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:post", kwargs={"pk": self.pk, "slug": self.slug})


# --- Translations (issue 15) -------------------------------------------------------------
#
# Each category, section and article is written in its source ``locale``; a translation is
# a row of its own per other locale, with its own draft state, authors and dates. When the
# source's text changes, its translations are marked ``outdated`` (articles.translations
# .services) until a translator saves them again.
#
# Why not django-parler or django-modeltranslation: modeltranslation adds a column per
# language to the source table (no per-translation draft state, author or dates, and a
# migration per added language); parler moves every translated field into a translation
# table, so every existing query, ordering, index (the section listing's partial index on
# title), service and search document would read through it, and its per-object fallback
# lookups cost queries on listings. kb keeps the source row as it was and adds translation
# rows that selectors prefetch in one query per page.


class Translation(models.Model):
    locale = models.CharField(max_length=10)
    draft = models.BooleanField(default=True, help_text="Drafts are visible to agents only.")
    outdated = models.BooleanField(
        default=False, help_text="The source changed since this translation was last saved."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    source_field: str

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.source} [{self.locale}]"

    @property
    def source(self):
        return getattr(self, self.source_field)


class CategoryTranslation(Translation):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="translations")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    source_field = "category"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "locale"], name="category_translation_once"),
        ]


class SectionTranslation(Translation):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="translations")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    description = models.TextField(blank=True)

    source_field = "section"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["section", "locale"], name="section_translation_once"),
        ]


class ArticleTranslation(Translation):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(max_length=220)
    body = MarkdownxField(max_length=ARTICLE_BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False, default="")
    labels = models.ManyToManyField(Label, blank=True, related_name="article_translations")

    source_field = "article"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "locale"], name="article_translation_once"),
        ]
        indexes = [models.Index(fields=["locale", "article"], condition=Q(draft=False),
                                name="article_translation_published")]

    def get_absolute_url(self):
        from django.utils import translation

        with translation.override(self.locale):
            return reverse("articles:article", kwargs={"pk": self.article_id, "slug": self.slug})


def _exactly_one(*fields):
    """A check that exactly one of the given nullable foreign keys is set."""
    condition = Q()
    for chosen in fields:
        clause = Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                clause &= Q(**{f"{other}__isnull": True})
        condition |= clause
    return condition


class Comment(StoredCountersModel):
    # A comment belongs to an article or to a community post: two nullable keys and a
    # check constraint rather than a generic relation, so the database keeps integrity.
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField(max_length=COMMENT_BODY_MAX_LENGTH)
    body_html = models.TextField(editable=False, default="")
    is_official = models.BooleanField(default=False)
    official_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)
    # Up and down votes, stored like Post.vote_sum/vote_count.
    vote_sum = models.IntegerField(default=0, editable=False)
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    stored_counters = ("vote_sum", "vote_count")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Official answers first, then oldest first, like a conversation.
        ordering = ["-is_official", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one("article", "post"), name="comment_has_one_target"
            )
        ]
        # A thread's comments in page order, id included: PostgreSQL then pages (LIMIT,
        # OFFSET) along the index alone; without the id it sorted the whole thread for
        # the last page of 10,000 comments. (SQLite's indexes end with the id anyway.)
        indexes = [
            models.Index(fields=["post", "-is_official", "created_at", "id"], name="comment_post_thread"),
            models.Index(fields=["article", "-is_official", "created_at", "id"], name="comment_article_thread"),
        ]

    def __str__(self):
        return f"Comment {self.pk} by {self.author_id}"

    @property
    def target(self):
        return self.article if self.article_id else self.post

    def get_absolute_url(self):
        return f"{self.target.get_absolute_url()}#comment-{self.pk}"


class FormerSlug(models.Model):
    """A slug a category or a community topic had before a rename: its old URL (looked up by
    slug alone, unlike sections, articles and posts, whose URLs carry their id) answers 301
    to the current one. Written by ``services.former_slug_record``."""

    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="former_slugs")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="former_slugs")
    slug = models.SlugField(max_length=140)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_exactly_one("category", "topic"), name="former_slug_has_one_target"),
            # An old address leads to one place: the heading that last gave it up.
            models.UniqueConstraint(fields=["slug"], condition=Q(category__isnull=False),
                                    name="former_slug_once_per_category_slug"),
            models.UniqueConstraint(fields=["slug"], condition=Q(topic__isnull=False),
                                    name="former_slug_once_per_topic_slug"),
        ]

    def __str__(self):
        return f"{self.slug} → {self.category or self.topic}"


FOLLOW_TARGETS = ("article", "post", "section", "topic")


def _follow_target(model, *, related_name: str) -> models.ForeignKey:
    """One of a follow's targets; ``_follow_constraints`` sees that exactly one is set."""
    return models.ForeignKey(model, null=True, blank=True, on_delete=models.CASCADE, related_name=related_name)


def _follow_constraints(owner: str, *, has_one_target: str, one_per: str) -> list:
    """Exactly one target per row, and one row per ``owner`` and followed object,
    whichever kind of object it is."""
    return [
        models.CheckConstraint(condition=_exactly_one(*FOLLOW_TARGETS), name=has_one_target),
        *(
            models.UniqueConstraint(
                fields=[owner, target], condition=Q(**{f"{target}__isnull": False}), name=f"{one_per}_{target}"
            )
            for target in FOLLOW_TARGETS
        ),
    ]


class FollowTargetMixin:
    """What a follow points at: exactly one of article, post, section or community topic."""

    @property
    def target(self):
        return self.article or self.post or self.section or self.topic


def _follower_locale_field():
    return models.CharField(
        max_length=10, default=default_locale, help_text="The follower's language: emails use it.",
    )


class Follow(FollowTargetMixin, models.Model):
    """A user follows an article, a post, a section or a community topic (exactly one)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    article = _follow_target(Article, related_name="follows")
    post = _follow_target(Post, related_name="follows")
    section = _follow_target(Section, related_name="follows")
    topic = _follow_target(Topic, related_name="follows")
    # The language the reader followed in: their notifications are written in it.
    locale = _follower_locale_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = _follow_constraints("user", has_one_target="follow_has_one_target", one_per="one_follow_per_user")

    def __str__(self):
        return f"{self.user_id} follows {self.target}"


class Vote(models.Model):
    """ "Was this article helpful?": one answer per user and article."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_vote_per_user_article")
        ]

    def __str__(self):
        return f"{self.user_id} on {self.article_id}: {'yes' if self.helpful else 'no'}"


VOTE_TARGETS = ("post", "comment")


class ItemVote(models.Model):
    """An up (+1) or down (-1) vote on a community post or on a comment (an article's or
    a post's): Zendesk's votes on posts and comments. One per user and item.

    Article votes stay in :class:`Vote` ("Was this article helpful?", a yes/no answer with
    its own page box and history); this model holds the scores readers give to
    discussions. Two nullable keys and a check, like ``Comment``, so the database keeps
    integrity; the item's ``vote_sum``/``vote_count`` are stored on it by the services.
    """

    class Value(models.IntegerChoices):
        UP = 1, "Up"
        DOWN = -1, "Down"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="item_votes")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="votes")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one(*VOTE_TARGETS), name="item_vote_has_one_target"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="item_vote_value_up_or_down"),
            *(
                models.UniqueConstraint(
                    fields=["user", target], condition=Q(**{f"{target}__isnull": False}),
                    name=f"one_item_vote_per_user_{target}",
                )
                for target in VOTE_TARGETS
            ),
        ]

    def __str__(self):
        return f"{self.user_id} on {self.item}: {self.value:+d}"

    @property
    def item(self):
        return self.post if self.post_id else self.comment


class EmailFollow(FollowTargetMixin, models.Model):
    """A visitor without an account follows an article, post, section or topic by email.

    A separate model (not a nullable ``Follow.user``) keeps every existing query on
    ``Follow`` meaning "a signed-in user follows": pages, counts and the Following list.
    Double opt-in: a row is pending until the link in the confirmation email is used, and
    only confirmed rows receive notifications.
    """

    email = models.EmailField(max_length=254)
    article = _follow_target(Article, related_name="email_follows")
    post = _follow_target(Post, related_name="email_follows")
    section = _follow_target(Section, related_name="email_follows")
    topic = _follow_target(Topic, related_name="email_follows")
    locale = _follower_locale_field()
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # One follow per mailbox and target: addresses are compared case-insensitively
        # everywhere (Dana@Example.org and dana@example.org are one reader), so the
        # constraint is on the lower-cased address, not on the spelling stored.
        constraints = [
            models.CheckConstraint(condition=_exactly_one(*FOLLOW_TARGETS), name="email_follow_has_one_target"),
            *(
                models.UniqueConstraint(
                    Lower("email"), F(target), condition=Q(**{f"{target}__isnull": False}),
                    name=f"one_email_follow_per_{target}",
                )
                for target in FOLLOW_TARGETS
            ),
        ]

    def __str__(self):
        state = "confirmed" if self.confirmed_at else "pending"
        return f"{self.email} follows {self.target} ({state})"


class NotificationEvent(models.Model):
    """Something followers hear about: written in the transaction of the change itself.

    One row per event, whatever the number of followers: the request that posts a comment
    on a post with 500 followers writes one row, and the background fan-out
    (``articles.notifications``) turns it into one :class:`Notification` per recipient.
    """

    class Kind(models.TextChoices):
        COMMENT = "comment", _("New comment")
        OFFICIAL = "official", _("Official answer")
        ARTICLE_UPDATED = "article_updated", _("Article updated")
        ARTICLE_PUBLISHED = "article_published", _("New article")
        POST_PUBLISHED = "post_published", _("New post")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Who caused it: never notified of their own action.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What changed, for article updates ("Title changed …", a short diff); fixed at write
    # time because the article may change again before the digest goes out.
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField()
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one("article", "post"), name="notification_event_has_one_target"
            )
        ]
        indexes = [models.Index(fields=["fanned_out_at"], name="notification_event_pending")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.target}"

    @property
    def target(self):
        return self.article if self.article_id else self.post


class Notification(models.Model):
    """One event for one recipient, waiting for (or included in) a digest email."""

    event = models.ForeignKey(NotificationEvent, on_delete=models.CASCADE, related_name="notifications")
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The follow that brought it ("post:12", "section:3", "topic:5"): its unsubscribe link.
    via = models.CharField(max_length=40)
    # The language of that follow, copied at fan-out: the digest is written in it.
    locale = _follower_locale_field()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "email"], name="notification_pending")]

    def __str__(self):
        return f"{self.event} → {self.email}"


class ArticleViewDay(models.Model):
    """How often an article was read on one day (a counter, incremented with ``F()``).

    Counted by the page-view beacon (:mod:`articles.analytics`). The model began in the kb
    app, so its table keeps that name (``articles.0009_article_view_day``).
    """

    date = models.DateField()
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "kb_articleviewday"
        constraints = [
            models.UniqueConstraint(fields=["date", "article"], name="one_article_view_row_per_day"),
        ]
        indexes = [models.Index(fields=["date"], name="article_view_day_date")]

    def __str__(self):
        return f"{self.date} article {self.article_id}: {self.views}"
