"""``/sitemap.xml``: every public page a search engine should know, in each language it
exists in, with ``lastmod`` and ``xhtml:link`` hreflang alternates (plus ``x-default``).

Built on Django's sitemaps framework (its ``Sitemap`` classes, paginator and templates).
What it does not do by itself: its ``i18n`` mode lists every item in every language (a
Spanish URL for an article that has no Spanish translation) and loads every item of the
sitemap to paginate the (item, language) pairs. Here an item's versions are its source
plus its published translations, read for a page of items in one query, so each sitemap
page costs the same few queries at 100 or 100,000 articles.

Drafts (of articles and of translations) are never listed; nothing here is agent-only.
"""

from __future__ import annotations

from django.contrib import sitemaps
from django.db.models import Max, Q

from kb.i18n import default_locale, locales

from . import selectors
from .models import (
    Article,
    ArticleTranslation,
    Category,
    CategoryTranslation,
    Post,
    Section,
    SectionTranslation,
    Topic,
)
from .seo import locale_path

# Google reads at most 50,000 URLs per sitemap file, and an item may appear once per
# locale: a page of items stays under that in every language.
URLS_PER_FILE = 50_000


class Version:
    """One language version of an item: its locale, path and last modification."""

    __slots__ = ("lastmod", "locale", "path")

    def __init__(self, locale: str, path: str, lastmod):
        self.locale, self.path, self.lastmod = locale, path, lastmod


def _latest(*moments):
    present = [m for m in moments if m is not None]
    return max(present) if present else None


class HelpCenterSitemap(sitemaps.Sitemap):
    """A sitemap of items with language versions. Subclasses give ``items()`` (a queryset in
    a stable order) and ``versions(items)``: {item pk: [Version, ...]}, the source first."""

    @property
    def limit(self):
        return URLS_PER_FILE // max(len(locales()), 1)

    def versions(self, items: list) -> dict[int, list[Version]]:
        raise NotImplementedError

    def get_urls(self, page=1, site=None, protocol=None):
        """The page's URLs under ``root`` (set by the view: KB_SITE_URL or the request's)."""
        root = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        items = list(self.paginator.page(page).object_list)
        versions = self.versions(items)
        urls, latest = [], None
        for item in items:
            distinct: dict[str, Version] = {}
            for version in versions.get(item.pk, []):
                # Until URLs carry a locale prefix, two locales may share a path: one entry.
                distinct.setdefault(version.path, version)
            shown = list(distinct.values())
            if not shown:
                continue
            alternates = []
            if len(shown) > 1:
                by_locale = {v.locale: v for v in shown}
                default = by_locale.get(default_locale(), shown[0])
                alternates = [{"lang_code": v.locale, "location": root + v.path} for v in shown]
                alternates.append({"lang_code": "x-default", "location": root + default.path})
            for version in shown:
                urls.append({"item": item, "location": root + version.path, "lastmod": version.lastmod,
                             "changefreq": None, "priority": "", "alternates": alternates})
                latest = _latest(latest, version.lastmod)
        self.latest_lastmod = latest
        return urls


def _published_translations(model, field: str, items: list) -> dict[int, list]:
    """Published translations of ``items`` into served locales, in locale order: one query."""
    served = locales()
    rows = model.objects.filter(**{f"{field}_id__in": [item.pk for item in items]}, draft=False, locale__in=served)
    found: dict[int, list] = {}
    for row in sorted(rows, key=lambda r: served.index(r.locale)):
        found.setdefault(getattr(row, f"{field}_id"), []).append(row)
    return found


class CategorySitemap(HelpCenterSitemap):
    def items(self):
        # lastmod: the newest published article of the category (categories have no date).
        newest = Max("sections__articles__updated_at", filter=Q(sections__articles__draft=False))
        return Category.objects.annotate(lastmod=newest).only("pk", "slug", "locale").order_by("pk")

    def versions(self, items):
        translations = _published_translations(CategoryTranslation, "category", items)
        return {
            c.pk: [Version(c.locale, locale_path(c.locale, "articles:category", slug=c.slug), c.lastmod)] + [
                Version(t.locale, locale_path(t.locale, "articles:category", slug=c.slug), _latest(c.lastmod, t.updated_at))
                for t in translations.get(c.pk, []) if t.locale != c.locale]
            for c in items
        }


class SectionSitemap(HelpCenterSitemap):
    def items(self):
        newest = Max("articles__updated_at", filter=Q(articles__draft=False))
        return Section.objects.annotate(lastmod=newest).only("pk", "slug", "locale").order_by("pk")

    def versions(self, items):
        translations = _published_translations(SectionTranslation, "section", items)
        return {
            s.pk: [Version(s.locale, locale_path(s.locale, "articles:section", pk=s.pk, slug=s.slug), s.lastmod)] + [
                Version(t.locale, locale_path(t.locale, "articles:section", pk=s.pk, slug=t.slug or s.slug),
                        _latest(s.lastmod, t.updated_at))
                for t in translations.get(s.pk, []) if t.locale != s.locale]
            for s in items
        }


class ArticleSitemap(HelpCenterSitemap):
    def items(self):
        return Article.objects.published().only("pk", "slug", "locale", "updated_at").order_by("pk")

    def versions(self, items):
        translations = _published_translations(ArticleTranslation, "article", items)
        return {
            a.pk: [Version(a.locale, locale_path(a.locale, "articles:article", pk=a.pk, slug=a.slug), a.updated_at)] + [
                Version(t.locale, locale_path(t.locale, "articles:article", pk=a.pk, slug=t.slug), t.updated_at)
                for t in translations.get(a.pk, []) if t.locale != a.locale]
            for a in items
        }


class TopicSitemap(HelpCenterSitemap):
    """Community topics: the same page in every language (their interface is translated;
    their posts keep their own language), so each is listed in every locale."""

    def items(self):
        return Topic.objects.annotate(lastmod=Max("posts__updated_at")).only("pk", "slug").order_by("pk")

    def versions(self, items):
        return {t.pk: [Version(code, locale_path(code, "articles:topic", slug=t.slug), t.lastmod) for code in locales()]
                for t in items}


class PostSitemap(HelpCenterSitemap):
    """Community posts, in the one language each was written in; ``lastmod`` counts its
    newest comment (the page changed)."""

    def items(self):
        return (Post.objects.annotate(lastmod=selectors.post_last_activity())
                .only("pk", "slug", "locale", "updated_at", "created_at").order_by("pk"))

    def versions(self, items):
        return {p.pk: [Version(p.locale, locale_path(p.locale, "articles:post", pk=p.pk, slug=p.slug), p.lastmod)]
                for p in items}


class PageSitemap(HelpCenterSitemap):
    """The help center's home and the community's list of topics, in every locale."""

    PAGES = ("articles:home", "articles:topics")

    def items(self):
        return [_Page(n, name) for n, name in enumerate(self.PAGES, start=1)]

    def versions(self, items):
        return {page.pk: [Version(code, locale_path(code, page.name), None) for code in locales()] for page in items}


class _Page:
    __slots__ = ("name", "pk")

    def __init__(self, pk: int, name: str):
        self.pk, self.name = pk, name


# Section name -> sitemap: /sitemap-<name>.xml when the sitemap is an index.
SITEMAPS = {
    "pages": PageSitemap,
    "categories": CategorySitemap,
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "posts": PostSitemap,
}
