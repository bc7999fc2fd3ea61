"""What invalidates which cached anonymous pages (see kb.page_cache).

Editorial changes (articles, sections, categories, their translations, labels, topics,
posts; the search app
adds its synonyms, see search/cache.py) bump the "content" generation, which every cached
page depends on: they are rare, and related articles, breadcrumbs and listings make their
reach wide. Comments, votes and follows bump only the pages that show them: the page of
their object; for comments also the community listings and the home page (comment counts,
recent activity); for follows of a post also its topic's page (follower counts); follows of
a topic bump that topic's page only (not the community listings). Votes and
follows never touch the home page: readers may change them often (rate-limited, see
articles.pages), and the busiest pages should not be re-rendered for each. Up and down
votes on posts and comments (ItemVote) bump only the page showing their score: the post's,
or the page of the article or post whose thread holds the comment.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from kb import page_cache
from kb.page_cache import COMMUNITY, CONTENT, scope

# URL kwargs -> the scopes a page depends on besides "content".
PAGE_SCOPES = {
    "home": lambda **kw: [COMMUNITY],
    "category": lambda **kw: [],
    "section": lambda pk, **kw: [scope("section", pk)],
    "article": lambda pk, **kw: [scope("article", pk)],
    "topics": lambda **kw: [COMMUNITY],
    "topic": lambda slug, **kw: [COMMUNITY, scope("topic", slug)],
    "post": lambda pk, **kw: [scope("post", pk)],
    # Search engines and feed readers (articles/seo_urls.py). The sitemap's lastmod of a
    # post counts its comments, hence "community".
    "robots": lambda **kw: [],
    "sitemap": lambda **kw: [COMMUNITY],
    "sitemap_section": lambda **kw: [COMMUNITY],
    "feed_articles": lambda **kw: [],
    "feed_section": lambda **kw: [],
    "feed_topic": lambda **kw: [],
    "feed_post_comments": lambda pk, **kw: [scope("post", pk)],
}

# The query parameters each page reads (the page of a listing or comment thread); any other
# is left out of the cache key and out of what the view sees.
PAGE_PARAMS = {
    "home": (),
    "category": (),
    "section": ("page",),
    "article": ("page",),
    "topics": (),
    "topic": ("page",),
    "post": ("page",),
    "robots": (),
    "sitemap": (),
    "sitemap_section": ("p",),
    "feed_articles": (),
    "feed_section": (),
    "feed_topic": (),
    "feed_post_comments": (),
}


def cached(name, view, **options):
    """``view`` served from the page cache to anonymous readers, for URL ``name``
    (``options``: see ``kb.page_cache.cache_anonymous_page``)."""
    return page_cache.cache_anonymous_page(view, scopes=PAGE_SCOPES[name], params=PAGE_PARAMS[name], **options)


def _target_scopes(instance) -> list[str]:
    return [scope(kind, pk) for kind in ("article", "post", "section")
            if (pk := getattr(instance, f"{kind}_id", None)) is not None]


def content_changed(sender, instance=None, **kwargs):
    page_cache.bump(CONTENT)


def reader_activity(sender, instance, **kwargs):
    """A comment, vote or follow changes counts on its object's page (and listings, see above)."""
    from .models import Comment, EmailFollow, Post, Topic

    if sender is EmailFollow and instance.confirmed_at is None:
        return  # pending email follows are counted nowhere
    scopes = _target_scopes(instance)
    if sender is Comment:
        scopes.append(COMMUNITY)  # comment counts and recent activity: home page, topic lists
    elif getattr(instance, "post_id", None) is not None:
        # A post's follower count shows on its topic's page (one query; a write is rare).
        topic_slug = Post.objects.filter(pk=instance.post_id).values_list("topic__slug", flat=True).first()
        if topic_slug is not None:
            scopes.append(scope("topic", topic_slug))
    elif getattr(instance, "topic_id", None) is not None:
        # The topic page's scope is keyed by slug (its URL), hence one query here too.
        topic_slug = Topic.objects.filter(pk=instance.topic_id).values_list("slug", flat=True).first()
        if topic_slug is not None:
            scopes.append(scope("topic", topic_slug))
    if scopes:
        page_cache.bump(*scopes)


def item_vote_activity(sender, instance, **kwargs):
    """A post's or comment's score changed: only its page shows it."""
    from .models import Comment

    if instance.post_id is not None:
        page_cache.bump(scope("post", instance.post_id))
        return
    # The comment's instance when the service handed it over; else one query.
    field = sender._meta.get_field("comment")
    comment = field.get_cached_value(instance) if field.is_cached(instance) else None
    if comment is None:
        comment = Comment.objects.filter(pk=instance.comment_id).only("article_id", "post_id").first()
    if comment is not None:
        page_cache.bump(*_target_scopes(comment))


def connect() -> None:
    from .models import (
        Article,
        ArticleTranslation,
        Category,
        CategoryTranslation,
        Comment,
        EmailFollow,
        Follow,
        ItemVote,
        Label,
        Post,
        Section,
        SectionTranslation,
        Topic,
        Vote,
    )

    uid = "kb-page-cache"
    # Translations are editorial too: a published one adds a page (and sitemap and feed
    # entries) and a language to its source's alternates.
    for model in (Article, Section, Category, Label, Topic, Post, ArticleTranslation, SectionTranslation,
                  CategoryTranslation):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save-{model.__name__}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete-{model.__name__}")
    m2m_changed.connect(content_changed, sender=Article.labels.through, dispatch_uid=f"{uid}-labels")
    m2m_changed.connect(content_changed, sender=ArticleTranslation.labels.through,
                        dispatch_uid=f"{uid}-translation-labels")
    for model in (Comment, Vote, Follow, EmailFollow):
        post_save.connect(reader_activity, sender=model, dispatch_uid=f"{uid}-save-{model.__name__}")
        post_delete.connect(reader_activity, sender=model, dispatch_uid=f"{uid}-delete-{model.__name__}")
    post_save.connect(item_vote_activity, sender=ItemVote, dispatch_uid=f"{uid}-save-ItemVote")
    post_delete.connect(item_vote_activity, sender=ItemVote, dispatch_uid=f"{uid}-delete-ItemVote")
