"""Atom feeds (django.contrib.syndication): recently updated articles per locale, the
articles of a section, the posts of a community topic and the comments of a post.

Each feed reads its object and its entries in a fixed number of queries (at most three)
and writes nothing; the URLs (articles/seo_urls.py) serve them from the page cache to
anonymous readers like any other page. A ``Feed`` instance serves every request, so
nothing about a request is kept on it: ``get_object`` returns a :class:`Channel` holding
the feed's entries, already with absolute links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext

from kb.i18n import default_locale, locales

from .models import Article, ArticleTranslation, Comment, Post, Section, Topic
from .seo import absolute, articles_feed_path, excerpt, locale_path

ENTRIES = 30


@dataclass
class Entry:
    title: str
    link: str
    summary: str
    published: datetime
    updated: datetime
    author: str


@dataclass
class Channel:
    title: str
    link: str
    feed_url: str
    subtitle: str
    language: str
    entries: list[Entry] = field(default_factory=list)


def _name(user) -> str:
    if user is None:
        return settings.KB_SITE_NAME
    return user.get_full_name() or user.get_username()


class HelpCenterFeed(Feed):
    """An Atom feed of a :class:`Channel` made by ``channel(request, **url_kwargs)``."""

    feed_type = Atom1Feed

    def channel(self, request, **kwargs) -> Channel:
        raise NotImplementedError

    def get_object(self, request, *args, **kwargs):
        return self.channel(request, **kwargs)

    def title(self, obj):
        return obj.title

    def link(self, obj):
        return obj.link

    def feed_url(self, obj):
        return obj.feed_url

    def subtitle(self, obj):
        return obj.subtitle

    def get_feed(self, obj, request):
        # The feed's xml:lang is the active language (Feed.language is not per object).
        with translation.override(obj.language):
            return super().get_feed(obj, request)

    def author_name(self):
        return settings.KB_SITE_NAME

    def items(self, obj):
        return obj.entries

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.link

    def item_description(self, item):
        # Atom's summary is HTML: the plain-text excerpt is escaped into it.
        return escape(item.summary)

    def item_pubdate(self, item):
        return item.published

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return item.author


class ArticlesFeed(HelpCenterFeed):
    """Recently updated articles readable in one locale: articles written in it and
    published translations into it, newest change first. ``/feeds/articles/`` is the
    default locale's; ``/feeds/articles/<locale>/`` another served locale's."""

    def channel(self, request, locale=None):
        if locale is None:
            locale = default_locale()
        elif locale not in locales() or locale == default_locale():
            raise Http404("No feed in this language.")
        sources = (Article.objects.published().filter(locale=locale).select_related("author")
                   .only("pk", "slug", "title", "body_html", "created_at", "updated_at", "author")
                   .order_by("-updated_at", "-pk")[:ENTRIES])
        translated = (ArticleTranslation.objects.filter(locale=locale, draft=False, article__draft=False)
                      .select_related("updated_by", "article__author").order_by("-updated_at", "-pk")[:ENTRIES])
        entries = [
            Entry(a.title, absolute(request, locale_path(locale, "articles:article", pk=a.pk, slug=a.slug)),
                  excerpt(a.body_html), a.created_at, a.updated_at, _name(a.author))
            for a in sources
        ] + [
            Entry(t.title, absolute(request, locale_path(locale, "articles:article", pk=t.article_id, slug=t.slug)),
                  excerpt(t.body_html), t.created_at, t.updated_at, _name(t.updated_by or t.article.author))
            for t in translated
        ]
        entries.sort(key=lambda e: e.updated, reverse=True)
        with translation.override(locale):
            return Channel(
                title=gettext("%(site)s: recently updated articles") % {"site": settings.KB_SITE_NAME},
                link=absolute(request, locale_path(locale, "articles:home")),
                feed_url=absolute(request, articles_feed_path(locale)),
                subtitle=gettext("New and updated help articles."),
                language=locale,
                entries=entries[:ENTRIES],
            )


class SectionFeed(HelpCenterFeed):
    """The articles of a section, newest change first."""

    def channel(self, request, pk):
        section = get_object_or_404(Section.objects.only("pk", "name", "slug", "description", "locale"), pk=pk)
        articles = (Article.objects.published().filter(section=section).select_related("author")
                    .only("pk", "slug", "title", "body_html", "created_at", "updated_at", "author")
                    .order_by("-updated_at", "-pk")[:ENTRIES])
        return Channel(
            title=gettext("%(site)s: %(section)s") % {"site": settings.KB_SITE_NAME, "section": section.name},
            link=absolute(request, section.get_absolute_url()),
            feed_url=absolute(request, reverse("seo:feed_section", kwargs={"pk": section.pk})),
            subtitle=section.description,
            language=section.locale,
            entries=[Entry(a.title, absolute(request, a.get_absolute_url()), excerpt(a.body_html), a.created_at,
                           a.updated_at, _name(a.author)) for a in articles],
        )


class TopicFeed(HelpCenterFeed):
    """The newest posts of a community topic."""

    def channel(self, request, slug):
        topic = get_object_or_404(Topic, slug=slug)
        posts = Post.objects.filter(topic=topic).select_related("author").order_by("-created_at", "-pk")[:ENTRIES]
        return Channel(
            title=gettext("%(site)s community: %(topic)s") % {"site": settings.KB_SITE_NAME, "topic": topic.name},
            link=absolute(request, topic.get_absolute_url()),
            feed_url=absolute(request, reverse("seo:feed_topic", kwargs={"slug": topic.slug})),
            subtitle=topic.description,
            language=translation.get_language() or default_locale(),
            entries=[Entry(p.title, absolute(request, p.get_absolute_url()), excerpt(p.body_html), p.created_at,
                           p.updated_at, _name(p.author)) for p in posts],
        )


class PostCommentsFeed(HelpCenterFeed):
    """The newest comments on a community post (official answers marked as such)."""

    def channel(self, request, pk):
        post = get_object_or_404(Post.objects.only("pk", "slug", "title", "locale"), pk=pk)
        comments = (Comment.objects.filter(post=post).select_related("author")
                    .order_by("-created_at", "-id")[:ENTRIES])
        entries = []
        for comment in comments:
            template = gettext("Official answer by %(author)s") if comment.is_official else gettext(
                "Comment by %(author)s")
            entries.append(Entry(
                template % {"author": _name(comment.author)},
                absolute(request, reverse("articles:comment_permalink", kwargs={"pk": comment.pk})),
                excerpt(comment.body_html, 1000), comment.created_at, comment.updated_at, _name(comment.author)))
        return Channel(
            title=gettext("Comments on %(post)s") % {"post": post.title},
            link=absolute(request, post.get_absolute_url()),
            feed_url=absolute(request, reverse("seo:feed_post_comments", kwargs={"pk": post.pk})),
            subtitle="",
            language=post.locale,
            entries=entries,
        )
