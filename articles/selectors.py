"""Every read of help-center content for pages.

Each selector returns what one page needs in a fixed number of queries, whatever the
number of comments, articles or followers. Two counts read on every listing are stored
and kept by ``articles.services`` with ``F()`` updates: ``Section.published_count`` and
``Article``/``Post.comment_total``. The others (followers, votes, posts per topic) are
derived in SQL by correlated subqueries. Authors are joined, and whether an author is an
agent is computed in the same query as the comments (``author_is_agent``).

Drafts: ``include_drafts`` is True only for agents; every other reader gets published
articles only, in lists, related articles and the home page alike.

Languages: the reading selectors take the reader's ``locale`` and show each category,
section and article in its published translation there, else in its source language
(``articles.translations.selectors``); ``locale=None`` reads the sources as stored.
Translations cost no query on listings (joined) and one per detail page (prefetched).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from kb.permissions import AGENT_PERMISSION

from .models import Article, Category, Comment, EmailFollow, Follow, ItemVote, Post, Section, Topic, Vote
from .translations import selectors as translations

RELATED_ARTICLES_LIMIT = 5
PROMOTED_ARTICLES_LIMIT = 6
RECENT_ACTIVITY_LIMIT = 6
COMMENTS_PER_PAGE = 50
SECTION_ARTICLES_PER_PAGE = 50
TOPIC_POSTS_PER_PAGE = 30
# Official answers first, then oldest first; the id breaks ties so pages never overlap.
COMMENT_ORDER = ("-is_official", "created_at", "id")


def _follower_count(field: str):
    """Signed-in followers plus visitors following by email (confirmed ones only: a
    pending address may not be the visitor's own)."""
    return _count(Follow, field) + _count(EmailFollow, field, confirmed_at__isnull=False)


def follower_count(field: str):
    """The follower count of the outer row (``field``: "article", "post", "section" or
    "topic"), as the pages count it: for other apps' listings (the API's)."""
    return _follower_count(field)


def _count(model, field: str, **conditions) -> Coalesce:
    """Number of ``model`` rows whose ``field`` points at the outer row, as a subquery.

    A subquery per count (rather than ``Count`` over joins) keeps each count independent:
    joining follows, votes and comments at once would multiply rows.
    """
    rows = (
        model.objects.filter(**{field: OuterRef("pk")}, **conditions)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _is_authenticated(viewer) -> bool:
    return bool(viewer is not None and viewer.is_authenticated)


def agent_users() -> QuerySet:
    """Users for whom ``kb.permissions.is_agent`` is true, as one queryset.

    Mirrors ``ModelBackend``: active superusers, or the permission held directly or via
    a group. Used inside ``Exists`` so badges need no query per comment.
    """
    app_label, codename = AGENT_PERMISSION.split(".")
    permission = Permission.objects.filter(codename=codename, content_type__app_label=app_label)
    return get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True)
        | Q(groups__permissions__in=permission)
        | Q(user_permissions__in=permission)
    )


def _author_is_agent() -> Exists:
    return Exists(agent_users().filter(pk=OuterRef("author_id")))


def _viewer_follows(viewer, field: str):
    if not _is_authenticated(viewer):
        return None
    return Exists(Follow.objects.filter(user=viewer, **{field: OuterRef("pk")}))


def _viewer_item_vote(viewer, field: str):
    """The viewer's vote (1, -1) on the outer post or comment; None when not voted."""
    if not _is_authenticated(viewer):
        return None
    return Subquery(ItemVote.objects.filter(user=viewer, **{field: OuterRef("pk")}).values("value")[:1])


def _articles(include_drafts: bool) -> QuerySet:
    return Article.objects.all() if include_drafts else Article.objects.published()


class CountedPaginator(Paginator):
    """A paginator told its total up front.

    Pages count their rows in the same query that fetches the article, post or section
    (a ``COUNT`` subquery, or a stored count), so paginating costs no query of its own:
    only the page's rows are fetched, with ``LIMIT``/``OFFSET`` over a stable order.
    """

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _page(listing: QuerySet, *, rows: QuerySet, number, per_page: int, total: int) -> Page:
    """Page ``number`` of ``listing`` (any string: junk gives page 1, past the end the last
    page), as ``rows`` (the same rows with their joins and annotations), in one query.

    The page's ids are picked by a subquery over ``listing`` alone, which an index holding
    the filter, the order and the id answers without reading a row; only the ids picked
    are then read in full. With the joins and the per-row subqueries in the query that
    skips the ``OFFSET`` rows, the databases read, join and annotate every skipped row:
    the last page of a 10,000-article section cost PostgreSQL 30 ms (a sort of the whole
    section and 10,000 comment counts), the last page of 10,000 comments SQLite 10 ms.
    """
    order = listing.query.order_by
    page = CountedPaginator(listing.values("pk"), per_page, count=total).get_page(number)
    page.object_list = list(rows.filter(pk__in=page.object_list).order_by(*order))
    return page


# --- Reading --------------------------------------------------------------------------


def home_categories(*, locale: str | None = None) -> list[Category]:
    """Categories with their sections; each section's ``published_count`` is its number
    of published articles. Names in ``locale`` where translated.

    Stored rather than derived (like the comment totals): counted per render, a correlated
    ``COUNT`` walked every published row of every section (100,000 index entries at 100k
    articles) on every home page. ``articles.services`` keeps the column in step.
    """
    sections = translations.translated(Section.objects.all(), locale=locale)
    categories = list(
        translations.translated(Category.objects.all(), locale=locale)
        .prefetch_related(Prefetch("sections", queryset=sections))
    )
    for category in categories:
        translations.overlay(category, locale=locale)
        translations.overlay_all(category.sections.all(), locale=locale)
    return categories


def promoted_articles(*, limit: int = PROMOTED_ARTICLES_LIMIT, locale: str | None = None) -> list[Article]:
    found = list(
        translations.translated(Article.objects.published(), locale=locale)
        .filter(promoted=True)
        .select_related("section")
        .annotate(**translations.translated_parent(model=Section, outer="section_id", locale=locale,
                                                   prefix="section_translated"))
        .order_by("position", "-updated_at")[:limit]
    )
    for article in found:
        translations.overlay(article, locale=locale)
        translations.overlay_parent(article.section, row=article, prefix="section_translated")
    return found


def _newest_comment_at(*, official: bool) -> Coalesce:
    """When the outer post's newest official (or other) comment was written, else when
    the post was.

    Split by ``is_official`` so the (post, -is_official, created_at) index hands over the
    newest one directly; the newest of all comments sorted every comment of the post
    (10,000 on a busy thread) on every home page. ``Value`` makes Django write
    ``is_official = true``, which SQLite can match to that index (a bare ``is_official``
    it cannot).
    """
    newest = (
        Comment.objects.filter(post=OuterRef("pk"), is_official=Value(official))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Coalesce(Subquery(newest), "created_at")


def post_last_activity() -> Greatest:
    """When the outer post last changed or was commented on (the sitemap's ``lastmod``)."""
    return Greatest("updated_at", _newest_comment_at(official=True), _newest_comment_at(official=False))


def recent_posts(*, limit: int = RECENT_ACTIVITY_LIMIT) -> list[Post]:
    """Community posts by latest activity (their own creation or their newest comment)."""
    return list(
        Post.objects.select_related("topic", "author")
        .annotate(
            comment_count=F("comment_total"),
            last_activity=Greatest(
                "created_at",
                _newest_comment_at(official=True),
                _newest_comment_at(official=False),
            ),
        )
        .order_by("-last_activity", "-pk")[:limit]
    )


def visible_article(*, pk: int, include_drafts: bool) -> Article:
    """The article a vote or comment is for (404 for a draft unless ``include_drafts``)."""
    return get_object_or_404(_articles(include_drafts), pk=pk)


def category_detail(*, slug: str, include_drafts: bool, locale: str | None = None,
                    translation_drafts: bool = False) -> Category:
    """The category with its sections and their articles (what this reader may see), in
    ``locale`` where translated, and all its translations (``page_translations``)."""
    articles = translations.translated(
        _articles(include_drafts).only("id", "slug", "title", "section_id", "draft", "position", "locale"),
        locale=locale, include_drafts=translation_drafts,
    )
    sections = translations.translated(Section.objects.all(), locale=locale, include_drafts=translation_drafts)
    sections = sections.prefetch_related(Prefetch("articles", queryset=articles))
    category = get_object_or_404(
        Category.objects.prefetch_related(
            Prefetch("sections", queryset=sections),
            Prefetch("translations", queryset=translations.translation_prefetch(Category)),
        ),
        slug=slug,
    )
    translations.overlay(
        category, locale=locale,
        translation_row=translations.pick_translation(category, locale=locale, include_drafts=translation_drafts),
        fields=translations.DETAIL_FIELDS[Category],
    )
    for section in category.sections.all():
        translations.overlay(section, locale=locale)
        translations.overlay_all(section.articles.all(), locale=locale)
    return category


def section_detail(*, pk: int, viewer, include_drafts: bool, locale: str | None = None,
                   translation_drafts: bool = False) -> Section:
    """The section with its follower count and ``article_count`` (what this reader may
    see), in ``locale`` where translated (its category's name too), with all its
    translations (``page_translations``)."""
    annotations = {
        "follower_count": _follower_count("section"),
        # Readers get the stored count (the one the home page shows): counting the
        # published rows walked the section's foreign-key index and read every row to
        # check ``draft`` (50 ms for 10,000 articles). Agents, who see drafts too, get a
        # COUNT of all rows, which that index answers without reading the rows.
        "article_count": (
            _count(Article, "section") if include_drafts else F("published_count")
        ),
        **translations.translated_parent(model=Category, outer="category_id", locale=locale,
                                         prefix="category_translated"),
    }
    following = _viewer_follows(viewer, "section")
    if following is not None:
        annotations["viewer_following"] = following
    section = get_object_or_404(
        Section.objects.select_related("category").annotate(**annotations)
        .prefetch_related(Prefetch("translations", queryset=translations.translation_prefetch(Section))),
        pk=pk,
    )
    translations.overlay(
        section, locale=locale,
        translation_row=translations.pick_translation(section, locale=locale, include_drafts=translation_drafts),
        fields=translations.DETAIL_FIELDS[Section],
    )
    translations.overlay_parent(section.category, row=section, prefix="category_translated")
    return section


def section_articles(
    *, section: Section, include_drafts: bool, number=1, per_page: int = SECTION_ARTICLES_PER_PAGE,
    locale: str | None = None, translation_drafts: bool = False,
) -> Page:
    """One page of the section's articles; ``section.article_count`` (from
    ``section_detail``) is the total, so this is one query whatever the section's size."""
    # Readers page along the ``article_published_listing`` index (section, position,
    # title, id), agents along the section's foreign-key index plus a sort.
    listing = _articles(include_drafts).filter(section=section).order_by("position", "title", "id")
    rows = Article.objects.only("id", "slug", "title", "draft", "position", "section_id", "locale").annotate(
        comment_count=F("comment_total")
    )
    rows = translations.translated(rows, locale=locale, include_drafts=translation_drafts)
    page = _page(listing, rows=rows, number=number, per_page=per_page, total=section.article_count)
    translations.overlay_all(page.object_list, locale=locale)
    return page


def article_detail(*, pk: int, viewer, include_drafts: bool, locale: str | None = None,
                   translation_drafts: bool = False) -> Article:
    """One article with its labels, follower, vote and comment counts, and the viewer's
    follow and vote (``viewer_following``, ``viewer_vote``: None when not voted).

    In ``locale`` where it has a published translation (or a draft one, for agents asking
    with ``translation_drafts``): title, slug, body and labels are the translation's, and so
    are its section's and category's names where translated. ``shown_locale`` says which
    language the text is in, ``shown_translation`` which row (None: the source);
    ``shown_labels`` and ``source_label_ids`` are set. Three queries: the article, its
    translations, the labels.
    """
    annotations = {
        "follower_count": _follower_count("article"),
        "vote_count": _count(Vote, "article"),
        "helpful_count": _count(Vote, "article", helpful=True),
        "comment_count": F("comment_total"),
        **translations.translated_parent(model=Section, outer="section_id", locale=locale,
                                         prefix="section_translated"),
        **translations.translated_parent(model=Category, outer="section__category_id", locale=locale,
                                         prefix="category_translated"),
    }
    following = _viewer_follows(viewer, "article")
    if following is not None:
        annotations["viewer_following"] = following
        annotations["viewer_vote"] = Subquery(
            Vote.objects.filter(user=viewer, article=OuterRef("pk")).values("helpful")[:1]
        )
    queryset = (
        _articles(include_drafts)
        .select_related("section__category", "author")
        .prefetch_related(Prefetch("translations", queryset=translations.translation_prefetch(
            Article, with_body=True)))
        .annotate(**annotations)
    )
    article = get_object_or_404(queryset, pk=pk)
    shown = translations.pick_translation(article, locale=locale, include_drafts=translation_drafts)
    translations.overlay(article, locale=locale, translation_row=shown, fields=translations.DETAIL_FIELDS[Article])
    translations.overlay_parent(article.section, row=article, prefix="section_translated")
    translations.overlay_parent(article.section.category, row=article, prefix="category_translated")
    article.shown_labels, article.source_label_ids = translations.article_labels(article=article, shown=shown)
    return article


#: Functions ``(article, limit) -> [article ids, best first]`` that rank an article's
#: related articles by something this app does not know: the search app registers one
#: that finds them by meaning (search/related.py). The first that answers wins.
RELATED_FINDERS: list = []


def related_articles(
    *, article: Article, limit: int = RELATED_ARTICLES_LIMIT, locale: str | None = None
) -> list[Article]:
    """Published articles closest to this one: by meaning when the search app can tell
    (``RELATED_FINDERS``), then from the same section or sharing a label, same section
    first.

    Drafts never appear here, even for agents: related links are what customers see.
    ``article.section`` and ``article.labels`` (or ``source_label_ids``) must be loaded
    (``article_detail`` does). Titles in ``locale`` where translated (joined, no query).

    One query either way, chosen by the section's stored ``published_count`` (no query):
    when the section alone fills the list, it is the section's first articles in listing
    order, read along the ``article_published_listing`` index and stopped after ``limit``
    rows; a 10,000-article section is no longer sorted per request (ordering the section
    and the label matches together by a CASE expression did that). Only a section too
    small to fill the list brings in label matches, and that query sorts the few section
    rows plus the articles sharing a label. Articles found by meaning come first, in
    their own order, read in the same query.
    """
    closest = _closest_articles(article, limit)
    label_ids = getattr(article, "source_label_ids", None)
    if label_ids is None:
        label_ids = [label.pk for label in article.labels.all()]
    others_in_section = article.section.published_count - (0 if article.draft else 1)
    published = translations.translated(
        Article.objects.published().exclude(pk=article.pk).only("id", "slug", "title", "section_id", "locale"),
        locale=locale,
    )
    if not closest and (others_in_section >= limit or not label_ids):
        same_section = published.filter(section_id=article.section_id)
        return translations.overlay_all(same_section.order_by("position", "title", "id")[:limit], locale=locale)
    same_place = Q(section_id=article.section_id)
    if label_ids:
        same_place |= Q(pk__in=Article.objects.filter(labels__in=label_ids).values("pk"))
    found = list(
        published.filter(same_place | Q(pk__in=closest))
        .annotate(elsewhere=Case(When(pk__in=closest, then=0), When(section_id=article.section_id, then=1),
                                 default=2))
        .order_by("elsewhere", "position", "title", "id")[:limit]
    )
    rank = {pk: n for n, pk in enumerate(closest)}
    return translations.overlay_all(sorted(found, key=lambda a: (a.elsewhere, rank.get(a.pk, 0))), locale=locale)


def _closest_articles(article: Article, limit: int) -> list[int]:
    for finder in RELATED_FINDERS:
        found = [pk for pk in finder(article, limit) if pk != article.pk][:limit]
        if found:
            return found
    return []


def _target_field(target: Article | Post) -> str:
    return "article" if isinstance(target, Article) else "post"


def comment_page(*, target: Article | Post, number=1, per_page: int = COMMENTS_PER_PAGE, viewer=None) -> Page:
    """One page of comments on an article or post: official first (so always on page 1),
    then oldest first, with authors, ``author_is_agent`` and (for a signed-in ``viewer``)
    ``viewer_vote``, in one query.

    ``target.comment_count`` (annotated by ``article_detail``/``post_detail``) is the total.
    """
    thread = Comment.objects.filter(**{_target_field(target): target}).order_by(*COMMENT_ORDER)
    annotations = {"author_is_agent": _author_is_agent()}
    if (viewer_vote := _viewer_item_vote(viewer, "comment")) is not None:
        annotations["viewer_vote"] = viewer_vote
    rows = Comment.objects.select_related("author").annotate(**annotations)
    return _page(thread, rows=rows, number=number, per_page=per_page, total=target.comment_count)


def comment_with_target(*, pk: int) -> Comment:
    """The comment with its article or post (for its URL), in one query."""
    return get_object_or_404(Comment.objects.select_related("article", "post"), pk=pk)


def comment_page_number(*, comment: Comment, per_page: int = COMMENTS_PER_PAGE) -> int:
    """The page of its thread ``comment`` is on: one COUNT of the comments before it in
    ``COMMENT_ORDER``."""
    field = "article" if comment.article_id else "post"
    older = Q(created_at__lt=comment.created_at) | Q(
        created_at=comment.created_at, id__lt=comment.pk
    )
    if comment.is_official:
        before = Q(is_official=True) & older
    else:
        before = Q(is_official=True) | (Q(is_official=False) & older)
    target_id = comment.article_id or comment.post_id
    earlier = Comment.objects.filter(Q(**{f"{field}_id": target_id}) & before).count()
    return earlier // per_page + 1


def renamed_heading(*, model: type[Category] | type[Topic], slug: str) -> Category | Topic:
    """The category or topic that was called ``slug`` before a rename (404 if none): asked
    only after the live slug missed, so pages pay nothing for it."""
    return get_object_or_404(model.objects.only("pk", "slug"), former_slugs__slug=slug)


# --- Community ------------------------------------------------------------------------


def topic_list() -> QuerySet:
    return Topic.objects.annotate(post_count=_count(Post, "topic"))


def topic_detail(*, slug: str, viewer=None) -> Topic:
    """The topic with its follower count and, for a signed-in ``viewer``, whether they
    follow it (``viewer_following``): one query."""
    annotations = {"follower_count": _follower_count("topic")}
    following = _viewer_follows(viewer, "topic")
    if following is not None:
        annotations["viewer_following"] = following
    return get_object_or_404(Topic.objects.annotate(**annotations), slug=slug)


def topic_posts(*, topic: Topic) -> QuerySet:
    """Posts of a topic, newest first, with comment and follower counts and whether an
    official answer exists."""
    return (
        Post.objects.filter(topic=topic)
        .select_related("author")
        .annotate(
            comment_count=F("comment_total"),
            follower_count=_follower_count("post"),
            answered=Exists(Comment.objects.filter(post=OuterRef("pk"), is_official=True)),
        )
        .order_by("-created_at", "-pk")
    )


def topic_post_page(*, topic: Topic, number=1, per_page: int = TOPIC_POSTS_PER_PAGE) -> Page:
    """One page of ``topic_posts`` (any ``number``: junk gives page 1, past the end the last)."""
    return Paginator(topic_posts(topic=topic), per_page).get_page(number)


#: Columns other apps add to a post for agents, as ``{name: function() -> expression}``,
#: read in the same query as the post: the tickets app adds ``open_ticket_reference``
#: (its open escalation ticket) from ``TicketsConfig.ready``. Apps above this one plug in
#: here; this app imports none of them.
AGENT_POST_ANNOTATIONS: dict = {}


def post_detail(*, pk: int, viewer, for_agent: bool = False) -> Post:
    """The post with its counts; ``for_agent`` adds ``AGENT_POST_ANNOTATIONS`` (such as
    ``open_ticket_reference``) in the same query, so the escalation button costs no extra
    query."""
    annotations = {
        "follower_count": _follower_count("post"),
        "comment_count": F("comment_total"),
    }
    following = _viewer_follows(viewer, "post")
    if following is not None:
        annotations["viewer_following"] = following
        annotations["viewer_vote"] = _viewer_item_vote(viewer, "post")
    if for_agent:
        annotations.update({name: expression() for name, expression in AGENT_POST_ANNOTATIONS.items()})
    return get_object_or_404(
        Post.objects.select_related("topic", "author").annotate(**annotations), pk=pk
    )


# --- Following ------------------------------------------------------------------------


def follows_of(*, user, include_drafts: bool) -> list[Follow]:
    """What ``user`` follows, newest first, with each target's title and place."""
    follows = Follow.objects.filter(user=user).select_related(
        "article__section", "post__topic", "section__category", "topic"
    )
    if not include_drafts:
        # A followed article that went back to draft disappears until it is published.
        follows = follows.exclude(article__draft=True)
    return list(follows.order_by("-created_at", "-pk"))


def viewer_follows(*, user, target) -> bool:
    field = {Article: "article", Post: "post", Section: "section", Topic: "topic"}[type(target)]
    return Follow.objects.filter(user=user, **{field: target}).exists()


def vote_item(*, kind: str, pk: int, include_drafts: bool) -> Post | Comment:
    """The post or comment a vote button points at, in one query (404 when it does not
    exist, or is a comment on a draft the reader may not see)."""
    if kind == "post":
        return get_object_or_404(Post, pk=pk)
    comments = Comment.objects.select_related("article", "post")
    if not include_drafts:
        comments = comments.exclude(article__draft=True)
    return get_object_or_404(comments, pk=pk)


def follow_target(*, kind: str, pk: int, include_drafts: bool):
    """The article, post, section or topic a follow button points at (404 when not
    visible, or when ``kind`` is none of these)."""
    if kind == "article":
        return get_object_or_404(_articles(include_drafts), pk=pk)
    if kind == "post":
        return get_object_or_404(Post, pk=pk)
    if kind == "section":
        return get_object_or_404(Section, pk=pk)
    if kind == "topic":
        return get_object_or_404(Topic, pk=pk)
    raise Http404("Nothing to follow here.")


# --- Old links of an imported help center ------------------------------------------------

#: The kinds of page an old help-center path names (``/hc/en-us/<kind>/<id>``).
IMPORTED_KINDS = {
    "articles": Article, "sections": Section, "categories": Category,
    "community/posts": Post, "community/topics": Topic,
}


def imported_url(*, kind: str, external_id: int, include_drafts: bool) -> str | None:
    """Where the page imported with this id in the old system is now; None if there is none
    (or it is a draft and drafts are not to be shown: its title is in its URL)."""
    rows = IMPORTED_KINDS[kind].objects.filter(external_id=str(external_id))
    if kind == "articles" and not include_drafts:
        rows = rows.filter(draft=False)
    row = rows.first()
    return row.get_absolute_url() if row else None
