"""Reads of the API: what each caller may see, with what each row's JSON needs loaded in
a constant number of queries per page."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from articles.models import (
    Article,
    ArticleTranslation,
    Category,
    CategoryTranslation,
    Comment,
    Follow,
    ItemVote,
    Label,
    Post,
    Section,
    SectionTranslation,
    Topic,
    Vote,
)
from articles.selectors import follower_count
from articles.translations import selectors as translation_selectors
from kb.permissions import is_agent

from .models import ApiToken, ArticleAttachment


def _vote_totals(queryset: QuerySet) -> QuerySet:
    """``vote_count`` (every answer) and ``vote_sum`` (helpful minus not helpful), as
    subqueries: no GROUP BY over the article rows, bodies included."""
    votes = Vote.objects.filter(article=OuterRef("pk")).order_by().values("article")
    count = votes.annotate(n=Count("pk")).values("n")
    up = votes.annotate(n=Count("pk", filter=Q(helpful=True))).values("n")
    return queryset.annotate(
        vote_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        vote_up=Coalesce(Subquery(up, output_field=IntegerField()), Value(0)),
    )


def _with_outdated_locales(queryset: QuerySet) -> QuerySet:
    # ``outdated_locales``: the languages whose translation the source has outrun, for a
    # whole page of articles in one more query.
    outdated = ArticleTranslation.objects.filter(outdated=True).order_by("locale").only("id", "article_id", "locale")
    return queryset.prefetch_related(Prefetch("translations", queryset=outdated, to_attr="outdated_translations"))


def articles_for(user) -> QuerySet:
    """Articles ``user`` may read over the API: all for agents, published ones for others."""
    queryset = Article.objects.all() if is_agent(user) else Article.objects.published()
    return _with_outdated_locales(_vote_totals(queryset).prefetch_related("labels"))


# --- Languages ----------------------------------------------------------------------------

TRANSLATION_MODELS = {"article": ArticleTranslation, "section": SectionTranslation, "category": CategoryTranslation}
#: What the JSON of an article, section or category in a locale takes from the translation.
LOCALIZED_FIELDS = {Article: ("title", "slug", "body_html"), Section: ("name", "slug", "description"),
                    Category: ("name", "description")}


def localized(queryset: QuerySet, *, locale: str | None, user) -> QuerySet:
    """``queryset`` (articles, sections or categories) as listed in ``locale``: the rows that
    exist there (written in it, or translated: published translations, drafts too for
    agents), each with that translation joined in the same query; all rows when None."""
    if locale is None:
        return queryset
    drafts = is_agent(user)
    queryset = translation_selectors.in_locale(queryset, locale=locale, include_drafts=drafts)
    return translation_selectors.translated(queryset, locale=locale, include_drafts=drafts,
                                            fields=LOCALIZED_FIELDS[queryset.model])


def shown_in(item, *, locale: str | None):
    """``item`` (from ``localized``) with its translation laid over it."""
    if locale is None:
        return item
    return translation_selectors.overlay(item, locale=locale, fields=LOCALIZED_FIELDS[type(item)])


def translations_of(source, user) -> QuerySet:
    """A source's translation rows the caller may see (drafts for agents only), by locale."""
    kind = type(source).__name__.lower()
    rows = TRANSLATION_MODELS[kind].objects.filter(**{kind: source}).select_related(kind).order_by("locale")
    return rows if is_agent(user) else rows.filter(draft=False)


def translation_row(kind: str, pk: int) -> QuerySet:
    """The translation row ``pk`` of ``kind`` ("article", "section", "category") as a queryset."""
    return TRANSLATION_MODELS[kind].objects.filter(pk=pk).select_related(kind)


def categories_all() -> QuerySet:
    return Category.objects.all()


def sections_all() -> QuerySet:
    return Section.objects.all()


def labels_all() -> QuerySet:
    return Label.objects.all()


def topics_all() -> QuerySet:
    """Community topics with their follower counts, counted as the topic page counts them
    (signed-in followers and confirmed email followers)."""
    return Topic.objects.annotate(follower_count=follower_count("topic"))


def posts_all() -> QuerySet:
    """Community posts (all public), with their follower counts as the post page counts
    them (signed-in followers and confirmed email followers)."""
    return Post.objects.annotate(follower_count=follower_count("post"))


def comments_on(target) -> QuerySet:
    """The comments of an article or a post."""
    return Comment.objects.filter(**({"article": target} if isinstance(target, Article) else {"post": target}))


def comments_by(user) -> QuerySet:
    """A user's comments on what ``user`` may read: published articles, and posts."""
    return Comment.objects.filter(Q(article__draft=False) | Q(post__isnull=False))


def votes_on(article, user) -> QuerySet:
    """An article's votes: all of them for agents, the caller's own for others."""
    votes = Vote.objects.filter(article=article)
    return votes if is_agent(user) else votes.filter(user_id=getattr(user, "pk", None) or 0)


def votes_by(user) -> QuerySet:
    """A user's votes on articles."""
    return Vote.objects.filter(user=user)


def item_votes_on(item, user) -> QuerySet:
    """A post's or a comment's up and down votes: all for agents, the caller's own for
    others (as an article's), each with its comment for its URL."""
    votes = ItemVote.objects.filter(**{type(item).__name__.lower(): item}).select_related("comment")
    return votes if is_agent(user) else votes.filter(user_id=getattr(user, "pk", None) or 0)


def follows_on(target, user) -> QuerySet:
    """Who follows ``target`` (Zendesk's subscriptions): all for agents, the caller's own
    for others."""
    field = type(target).__name__.lower()
    follows = Follow.objects.filter(**{field: target})
    return follows if is_agent(user) else follows.filter(user_id=getattr(user, "pk", None) or 0)


def articles_all() -> QuerySet:
    """Every article, drafts included, loaded for its JSON (the export of the help center)."""
    return _with_outdated_locales(_vote_totals(Article.objects.all()).prefetch_related("labels"))


def attachments_for(user) -> QuerySet:
    """Article attachments ``user`` may see: every one for agents (unassociated ones and
    drafts' included); for others, those of published articles (what a reader of the
    article sees)."""
    attachments = ArticleAttachment.objects.all()
    return attachments if is_agent(user) else attachments.filter(article__draft=False)


def tokens_of(user) -> QuerySet:
    """A person's own API tokens, newest first (revoked ones stay listed, for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
