"""What search engines read in a page's head: its canonical URL, hreflang alternates, feed
links, JSON-LD structured data and Open Graph / Twitter card tags.

Everything here is computed from what the page's view already put in its context (the
article, post or listing page, the breadcrumbs and ``page_translations``, see the issue 15
design), so it costs no query: pages keep their pinned query counts.

Absolute URLs use ``KB_SITE_URL`` when it is set (the public address, whatever name a
proxy or a crawler used), else the address of the request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import unescape

from django.conf import settings
from django.core.paginator import Page
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from kb.i18n import current_locale, default_locale

EXCERPT_LENGTH = 200
# Pages with a canonical URL and hreflang alternates: the public pages a search engine
# should index. Agent, account, request and search-result pages are kept out (robots.txt,
# and the search page says noindex).
INDEXED_VIEWS = frozenset({
    "articles:home", "articles:category", "articles:section", "articles:article",
    "articles:topics", "articles:topic", "articles:post",
    "tickets:contact", "tickets:cancel_flow", "api:developers",
})
# The context names under which listings and threads hand over the page being shown.
PAGE_CONTEXT_NAMES = ("article_page", "page", "comment_page")
# Open Graph wants language_TERRITORY; a locale without an entry uses Django's spelling.
OG_LOCALES = {"en": "en_US", "es": "es_ES", "de": "de_DE", "fr": "fr_FR", "pt": "pt_BR"}
# json_script's escapes: no "</script>", "<!--" or "&" sequence can appear inside the data.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def site_root(request) -> str:
    """Scheme and host of absolute URLs, without a trailing slash."""
    if settings.KB_SITE_URL_SET or request is None:
        return settings.KB_SITE_URL
    return f"{request.scheme}://{request.get_host()}"


def absolute(request, path: str) -> str:
    return site_root(request) + path


def locale_path(locale: str, name: str, **kwargs) -> str:
    """The path of URL ``name`` in ``locale`` (its /es/... form once URLs carry a prefix)."""
    with translation.override(locale):
        return reverse(name, kwargs=kwargs)


def og_locale(locale: str) -> str:
    return OG_LOCALES.get(locale) or translation.to_locale(locale)


def excerpt(html: str, length: int = EXCERPT_LENGTH) -> str:
    """Plain text of rendered ``html``, whitespace folded, cut on a word near ``length``."""
    text = " ".join(strip_tags(html).split())
    # strip_tags leaves entities: the text is escaped again wherever it is written.
    return Truncator(unescape(text)).chars(length)


def ld_json(data) -> SafeString:
    """``data`` as the body of a ``<script type="application/ld+json">``, escaped like
    ``json_script``: a title holding ``</script>`` cannot end the element."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))


# --- Canonical URL and alternates -----------------------------------------------------


def _shown_page(context: Mapping) -> Page | None:
    for name in PAGE_CONTEXT_NAMES:
        page = context.get(name)
        if isinstance(page, Page):
            return page
    return None


def _source_locale(context: Mapping, translations: Mapping[str, str]) -> str:
    for name in ("article", "section", "category"):
        item = context.get(name)
        locale = getattr(item, "locale", None)
        if locale in translations:
            return locale
    return default_locale() if default_locale() in translations else next(iter(translations))


def page_urls(request, context: Mapping) -> dict:
    """The canonical URL of the page being rendered, its locale and its hreflang
    alternates (``[(code, url)]`` with ``x-default`` last), per contract 2 of the design.

    The canonical URL is the page's own path in the current locale when the item exists
    in it, else the source's (a fallback page is not a page of its own); it keeps
    ``?page=N`` for N > 1 and drops every other query parameter. Alternates are given for
    the first page only: page 3 of a Spanish thread has no English equivalent.
    """
    translations = context.get("page_translations") or {}
    locale = current_locale()
    if translations:
        if locale not in translations:
            locale = _source_locale(context, translations)
        path = translations[locale]
    else:
        path = request.path
        # Without per-page translations the page shows its item in the item's language.
        item = next((context.get(n) for n in ("article", "section", "category") if context.get(n) is not None), None)
        locale = getattr(item, "locale", None) or locale
    shown = _shown_page(context)
    number = shown.number if shown is not None else 1
    canonical = absolute(request, path + (f"?page={number}" if number > 1 else ""))
    alternates = []
    if translations and number == 1:
        alternates = [(code, absolute(request, href)) for code, href in translations.items()]
        default = translations.get(default_locale()) or translations[_source_locale(context, translations)]
        alternates.append(("x-default", absolute(request, default)))
    return {"canonical": canonical, "locale": locale, "alternates": alternates}


# --- Feeds ----------------------------------------------------------------------------


def articles_feed_path(locale: str | None = None) -> str:
    locale = locale or current_locale()
    if locale == default_locale():
        return reverse("seo:feed_articles")
    return reverse("seo:feed_articles_locale", kwargs={"locale": locale})


def feed_links(view_name: str, context: Mapping) -> list[tuple[str, str]]:
    """(title, path) of the Atom feeds a page advertises."""
    links = []
    if view_name in ("articles:home", "articles:category", "articles:article"):
        links.append((gettext("Recently updated articles"), articles_feed_path()))
    if view_name == "articles:section" and (section := context.get("section")) is not None:
        links.append((gettext("Articles in %(section)s") % {"section": section.name},
                      reverse("seo:feed_section", kwargs={"pk": section.pk})))
    if view_name == "articles:topic" and (topic := context.get("topic")) is not None:
        links.append((gettext("Posts in %(topic)s") % {"topic": topic.name},
                      reverse("seo:feed_topic", kwargs={"slug": topic.slug})))
    if view_name == "articles:post" and (post := context.get("post")) is not None:
        links.append((gettext("Comments on %(post)s") % {"post": post.title},
                      reverse("seo:feed_post_comments", kwargs={"pk": post.pk})))
    return links


# --- Structured data (schema.org JSON-LD) and social cards ----------------------------


def _person(user) -> dict:
    return {"@type": "Person", "name": user.get_full_name() or user.get_username()}


def _publisher(request) -> dict:
    return {"@type": "Organization", "name": settings.KB_SITE_NAME, "url": absolute(request, _home_path())}


def _home_path() -> str:
    return reverse("articles:home")


def breadcrumb_list(request, breadcrumbs: Iterable, canonical: str) -> dict:
    """``BreadcrumbList`` of the page's breadcrumbs, the help center's home first; the last
    crumb (the page itself, shown without a link) is the canonical URL."""
    crumbs = [(_home_path(), gettext("Help center")), *breadcrumbs]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": str(name),
             "item": absolute(request, url) if url else canonical}
            for n, (url, name) in enumerate(crumbs, start=1)
        ],
    }


def article_data(request, article, *, canonical: str, locale: str, breadcrumbs: Iterable) -> list[dict]:
    """``Article`` and ``BreadcrumbList`` of an article page."""
    return [
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": Truncator(article.title).chars(110),
            "description": excerpt(article.body_html),
            "datePublished": article.created_at,
            "dateModified": article.updated_at,
            "author": _person(article.author),
            "publisher": _publisher(request),
            "inLanguage": locale,
            "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
            "url": canonical,
        },
        {"@context": "https://schema.org", **breadcrumb_list(request, breadcrumbs, canonical)},
    ]


def _answer(request, comment, canonical: str) -> dict:
    return {
        "@type": "Answer",
        "text": excerpt(comment.body_html, 2000),
        "dateCreated": comment.created_at,
        "datePublished": comment.created_at,
        "author": _person(comment.author),
        "upvoteCount": comment.vote_sum,
        "url": f"{canonical}#comment-{comment.pk}",
    }


def post_data(request, post, *, comments: Iterable, answer_count: int, canonical: str, locale: str) -> list[dict]:
    """``QAPage`` of a community post: the question, the official comment as its accepted
    answer, the other comments shown on this page as suggested answers.

    Official comments come first in a thread, so the accepted answer is on the first page;
    a later page lists its own comments as suggested answers only.
    """
    accepted, suggested = None, []
    for comment in comments:
        if comment.is_official and accepted is None:
            accepted = _answer(request, comment, canonical)
        else:
            suggested.append(_answer(request, comment, canonical))
    question = {
        "@type": "Question",
        "name": Truncator(post.title).chars(110),
        "text": excerpt(post.body_html, 2000) or post.title,
        "answerCount": answer_count,
        "upvoteCount": post.vote_sum,
        "dateCreated": post.created_at,
        "datePublished": post.created_at,
        "author": _person(post.author),
        "url": canonical,
    }
    if accepted is not None:
        question["acceptedAnswer"] = accepted
    if suggested:
        question["suggestedAnswer"] = suggested
    return [{"@context": "https://schema.org", "@type": "QAPage", "inLanguage": locale, "mainEntity": question}]


def social_tags(*, title: str, description: str, canonical: str, locale: str, alternates: Iterable,
                published, modified) -> list[tuple[str, str, str]]:
    """Open Graph and Twitter card tags as (attribute, name, content)."""
    tags = [
        ("property", "og:type", "article"),
        ("property", "og:site_name", settings.KB_SITE_NAME),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", canonical),
        ("property", "og:locale", og_locale(locale)),
    ]
    tags += [("property", "og:locale:alternate", og_locale(code))
             for code, _url in alternates if code not in ("x-default", locale)]
    tags += [
        ("property", "article:published_time", published.isoformat()),
        ("property", "article:modified_time", modified.isoformat()),
        ("name", "twitter:card", "summary"),
        ("name", "twitter:title", title),
        ("name", "twitter:description", description),
    ]
    return tags


def head(context) -> dict:
    """Everything includes/seo_head.html writes for the page in ``context``."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    if request is None or view_name not in INDEXED_VIEWS:
        return {}
    urls = page_urls(request, context)
    result = {**urls, "feeds": feed_links(view_name, context)}
    article, post = context.get("article"), context.get("post")
    if view_name == "articles:article" and article is not None:
        result["structured_data"] = ld_json(article_data(
            request, article, canonical=urls["canonical"], locale=urls["locale"],
            breadcrumbs=context.get("breadcrumbs") or []))
        result["social"] = social_tags(
            title=article.title, description=excerpt(article.body_html), canonical=urls["canonical"],
            locale=urls["locale"], alternates=urls["alternates"], published=article.created_at,
            modified=article.updated_at)
    elif view_name == "articles:post" and post is not None:
        result["structured_data"] = ld_json(post_data(
            request, post, comments=context.get("comments") or [],
            answer_count=context.get("comment_count") or 0, canonical=urls["canonical"],
            locale=post.locale))
        result["social"] = social_tags(
            title=post.title, description=excerpt(post.body_html), canonical=urls["canonical"],
            locale=post.locale, alternates=[], published=post.created_at, modified=post.updated_at)
    return result
