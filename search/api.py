"""The Zendesk Help Center shape of search results: ``GET /api/v2/help_center/articles/
search.json`` and ``/api/v2/help_center/community_posts/search.json`` (what the views
serialise).

A plain search (words, perhaps a category or section) is the site's own hybrid search.
With Zendesk's other filters (``label_names``, ``topic``, the ``created_``/``updated_``
``before``/``after``/``at`` days) or a ``sort_by``, the first ``CANDIDATES`` matches by
words are filtered in the database and paged there: Zendesk too answers at most 1,000
results a search. Without words, the filters alone list what they match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils.html import strip_tags
from django.utils.text import slugify

from articles.models import Article, ArticleTranslation, Label, Post
from kb import throttle
from kb.i18n import default_locale
from search.backends.base import ALL_LOCALES, ARTICLE, POST, highlight_snippet
from search.query import analyze
from search.selectors import search_ranked_ids, search_run

# Heavy use of /api/v2/ gets 429 with Retry-After, counted by kb.throttle (shared by every
# worker). Zendesk allows 700 requests a minute on its larger plans: signed-in callers get
# that, anonymous ones a third of it per address; both can be changed in KB_RATE_LIMITS
# ({"api.user": "1000/m", "api.ip": "100/m"}). The api app counts its endpoints here too.
API_SCOPE = "api"
API_USER_RATE = throttle.Rate.parse("700/m")
API_ANONYMOUS_RATE = throttle.Rate.parse("200/m")


def api_limits(user, request) -> list[throttle.Limit]:
    """Per user when the caller is signed in (token or session), else per address."""
    if user is not None and user.is_authenticated:
        return [throttle.Limit("user", str(user.pk), API_USER_RATE)]
    return [throttle.Limit("ip", throttle.client_ip(request), API_ANONYMOUS_RATE)]

DEFAULT_PER_PAGE = 25
CANDIDATES = 1000
LOCALE = "en-us"  # how the Zendesk-shaped API names English (kb stores "en")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# Columns a result needs, bodies' HTML included (for snippets of filtered searches).
_ARTICLE_COLUMNS = ("id", "slug", "title", "section_id", "author_id", "draft", "promoted", "position",
                    "created_at", "updated_at", "body_html", "locale")
_POST_COLUMNS = ("id", "slug", "title", "topic_id", "author_id", "comment_total", "created_at", "updated_at",
                 "body_html", "locale")


@dataclass
class Found:
    """What the view logs: the total of the search."""

    total: int


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def zendesk_locale(code: str) -> str:
    return LOCALE if code == "en" else code


def _result(kind: str, obj, snippet: str, absolute_url: Callable[[str], str], *,
            title: str | None = None, url: str | None = None, locale: str | None = None) -> dict:
    """One result; ``title``, ``url`` and ``locale`` are a translation's when the hit is one."""
    source_locale = zendesk_locale(obj.locale)
    locale = zendesk_locale(locale) if locale else source_locale
    common = {
        "id": obj.pk,
        "title": title or obj.title,
        "html_url": absolute_url(url or obj.get_absolute_url()),
        "snippet": snippet,
        "result_type": "article" if kind == ARTICLE else "post",
        "author_id": obj.author_id,
        "created_at": _time(obj.created_at),
        "updated_at": _time(obj.updated_at),
    }
    if kind == POST:
        return {**common, "url": absolute_url(f"/api/v2/community/posts/{obj.pk}.json"),
                "topic_id": obj.topic_id, "comment_count": obj.comment_total, "locale": locale}
    return {**common, "url": absolute_url(f"/api/v2/help_center/{locale}/articles/{obj.pk}.json"),
            "name": title or obj.title, "section_id": obj.section_id, "draft": obj.draft, "promoted": obj.promoted,
            "position": obj.position, "locale": locale, "source_locale": source_locale, "outdated": False,
            "label_names": [label.name for label in obj.labels.all()]}


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def _filtered(queryset: QuerySet, kind: str, params: dict) -> QuerySet:
    """Zendesk's filters on published articles or posts, in the database."""
    if kind == ARTICLE:
        if params.get("category"):
            queryset = queryset.filter(section__category_id=params["category"])
        if params.get("section"):
            queryset = queryset.filter(section_id=params["section"])
        if params.get("label_names"):
            # At least one of the labels (Zendesk's rule), matched as kb matches labels: by slug.
            slugs = [slugify(name)[:80] for name in params["label_names"]]
            queryset = queryset.filter(pk__in=Label.articles.through.objects.filter(
                label__slug__in=slugs).values("article_id"))
    elif params.get("topic"):
        queryset = queryset.filter(topic_id=params["topic"])
    for field in ("created", "updated"):
        if params.get(f"{field}_after"):
            queryset = queryset.filter(**{f"{field}_at__gte": _day_bounds(params[f"{field}_after"])[1]})
        if params.get(f"{field}_before"):
            queryset = queryset.filter(**{f"{field}_at__lt": _day_bounds(params[f"{field}_before"])[0]})
        if params.get(f"{field}_at"):
            start, end = _day_bounds(params[f"{field}_at"])
            queryset = queryset.filter(**{f"{field}_at__gte": start, f"{field}_at__lt": end})
    return queryset


def _needs_database(kind: str, params: dict) -> bool:
    """Whether the filters go past what the search backends filter on."""
    return bool(not params.get("query") or params.get("sort_by") or params.get("label_names")
                or (kind == POST and params.get("topic"))
                or any(params.get(f"{f}_{w}") for f in ("created", "updated") for w in ("before", "after", "at")))


def _in_locale(queryset: QuerySet, kind: str, locale: str) -> QuerySet:
    """Articles written in or published in ``locale``; posts written in it."""
    if locale == ALL_LOCALES:
        return queryset
    if kind == POST:
        return queryset.filter(locale=locale)
    translated = ArticleTranslation.objects.filter(locale=locale, draft=False).values("article_id")
    return queryset.filter(Q(locale=locale) | Q(pk__in=translated))


def _database_page(kind: str, params: dict, *, page: int, per_page: int) -> tuple[list, int]:
    """(rows of the page, total) for a filtered or sorted search."""
    model, columns = (Article, _ARTICLE_COLUMNS) if kind == ARTICLE else (Post, _POST_COLUMNS)
    queryset = model.objects.published() if kind == ARTICLE else model.objects.all()
    queryset = _in_locale(queryset.only(*columns), kind, params["locale"])
    if kind == ARTICLE:
        queryset = queryset.prefetch_related("labels")
    ranked: list[int] | None = None
    if params.get("query"):
        ranked = search_ranked_ids(text=params["query"], kind=kind, limit=CANDIDATES,
                                   category_id=params.get("category") if kind == ARTICLE else None,
                                   section_id=params.get("section") if kind == ARTICLE else None,
                                   locale=params["locale"], fallback=False)
        queryset = queryset.filter(pk__in=ranked)
    queryset = _filtered(queryset, kind, params)
    start = (page - 1) * per_page
    if params.get("sort_by") or ranked is None:
        sign = "" if params.get("sort_order") == "asc" else "-"
        field = params.get("sort_by") or "updated_at"
        ordered = queryset.order_by(f"{sign}{field}", f"{sign}id")
        return list(ordered[start:start + per_page]), queryset.count()
    matching = set(queryset.values_list("pk", flat=True))
    in_order = [pk for pk in ranked if pk in matching]
    page_ids = in_order[start:start + per_page]
    rows = queryset.filter(pk__in=page_ids).in_bulk()
    return [rows[pk] for pk in page_ids if pk in rows], len(in_order)


def search_json(*, kind: str, params: dict, page: int, per_page: int,
                absolute_url: Callable[[str], str], page_url: Callable[[int], str]) -> tuple[dict, Found]:
    """One page of published articles (``kind`` ARTICLE) or posts matching the cleaned
    ``params`` of ``search.forms.ApiSearchForm``, as Zendesk answers it.

    ``absolute_url`` turns a path into a full URL; ``page_url(n)`` is the URL of page ``n``
    of the same search. Returns the JSON body and the total (the view logs it).
    """
    locale = params.get("locale") or default_locale()
    if _needs_database(kind, params):
        rows, total = _database_page(kind, params, page=page, per_page=per_page)
        words = analyze(params.get("query") or "", locale if locale != ALL_LOCALES else "en")
        translations = {}
        if kind == ARTICLE and locale != ALL_LOCALES:
            translations = {row.article_id: row for row in ArticleTranslation.objects.filter(
                locale=locale, draft=False, article_id__in=[obj.pk for obj in rows if obj.locale != locale])}
        results = []
        for obj in rows:
            shown = translations.get(obj.pk)
            results.append(_result(
                kind, obj, highlight_snippet(strip_tags(shown.body_html if shown else obj.body_html), words),
                absolute_url, title=shown.title if shown else None,
                url=shown.get_absolute_url() if shown else None, locale=shown.locale if shown else None))
    else:
        # Zendesk's locale filter is strict: documents in that locale only (no fallback).
        found = search_run(text=params["query"], kinds=(kind,), page=page, per_page=per_page, with_labels=True,
                           category_id=params.get("category") if kind == ARTICLE else None,
                           section_id=params.get("section") if kind == ARTICLE else None,
                           locale=locale, fallback=False)
        results = [_result(kind, item.obj, str(item.snippet), absolute_url, title=item.title, url=item.url,
                           locale=item.locale or None)
                   for item in found.items]
        total = found.total
    page_count = -(-total // per_page)
    body = {
        "results": results,
        "count": total,
        "page": page,
        "per_page": per_page,
        "page_count": page_count,
        "next_page": page_url(page + 1) if page < page_count else None,
        "previous_page": page_url(page - 1) if page > 1 else None,
    }
    return body, Found(total=total)
