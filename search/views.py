"""Search views: the search page, instant suggestions, click logging, agents' analytics,
and the Zendesk-shaped JSON endpoint. Shells around search.selectors and search.api."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from kb import clock, page_cache
from kb.permissions import agent_required
from search import analytics, api
from search.backends.base import ARTICLE, KINDS, POST, split_key
from search.cache import cached
from search.forms import AnalyticsPeriodForm, ApiSearchForm, ClickForm, SearchForm
from search.ranking import semantic
from search.selectors import MAX_PER_PAGE, filter_choices, result_url, search_explain, search_run, search_suggest
from search.synonyms import CACHE_SECONDS as SYNONYM_SECONDS

PER_PAGE = 10
TYPE_LABELS = {ARTICLE: "Article", POST: "Community post"}
SEARCH_LOG = "search-log"  # the page slot holding this request's SearchQueryLog id


def _session_key(request):
    # The cookie value rather than request.session: no session row is read or created.
    return request.COOKIES.get(settings.SESSION_COOKIE_NAME)


def _log_search(request, query: str, result_count: int) -> page_cache.Slot:
    log = analytics.query_log_create(text=query, result_count=result_count, source="page",
                                     session_key=_session_key(request)) if query else None
    return page_cache.Slot(SEARCH_LOG, log.pk if log else "")


def _log_cached_search(request, meta: dict) -> dict[str, str]:
    """A cache hit is still a search: log it, and put its id in the page for click logging."""
    log_id = _log_search(request, meta.get("query", ""), meta.get("result_count", 0))
    return {log_id.placeholder: str(log_id)}


def _search_page(request):
    form = SearchForm(request.GET)
    form.is_valid()
    query = form.value("q", "")
    kind = form.value("type", "")
    category_id, section_id = form.value("category"), form.value("section")
    page_number = form.value("page", 1)
    page = search_run(text=query, kinds=(kind,) if kind else KINDS, category_id=category_id,
                      section_id=section_id, page=page_number, per_page=PER_PAGE)
    logged = {"query": query, "result_count": page.total} if query and page.page == 1 else {}
    log_id = _log_search(request, logged.get("query", ""), page.total)
    categories = filter_choices()
    tabs = [
        {"value": value, "label": label, "current": value == kind,
         "count": sum(page.kind_counts.get(k, 0) for k in ((value,) if value else KINDS))}
        for value, label in [("", "All"), (ARTICLE, "Articles"), (POST, "Community")]
    ]
    response = render(request, "search/search.html", {
        "query": query,
        "results": page,
        "items": [{"item": item, "type_label": TYPE_LABELS[item.kind]} for item in page.items],
        "tabs": tabs,
        "kind": kind,
        "categories": categories,
        "category_id": category_id,
        "section_id": section_id,
        "filtered": bool(kind or category_id or section_id),
        "log_id": log_id,
        "first_position": (page.page - 1) * page.per_page + 1,
    })
    return page_cache.with_slots(response, log_id, meta=logged)


# Anonymous searches come from the page cache: results depend on content and synonyms
# ("content") and on the index ("search"). Every request is still logged, hit or not.
# Entries live as long as another process may keep old synonyms (see search.synonyms).
search_page = require_GET(cached(_search_page, per_request=_log_cached_search,
                                 timeout=SYNONYM_SECONDS))


@require_GET
def suggest(request):
    results = search_suggest(text=request.GET.get("q", ""), limit=5)
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_http_methods(["GET", "POST"])
def record_click(request):
    """POST (from search.js, a beacon): 204. GET (a plain link): log, then redirect."""
    form = ClickForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        if request.method == "POST":
            return JsonResponse({"error": "InvalidParameter", "fields": list(form.errors)}, status=400)
        return HttpResponseRedirect(reverse("search:search"))
    kind, pk = split_key(form.cleaned_data["key"])
    analytics.click_create(query_log_id=form.cleaned_data["log"],
                           position=form.cleaned_data["position"], kind=kind, object_id=pk)
    if request.method == "POST":
        return HttpResponse(status=204)
    return HttpResponseRedirect(result_url(kind=kind, pk=pk) or reverse("search:search"))


@agent_required
def search_analytics(request):
    form = AnalyticsPeriodForm(request.GET)
    days = form.cleaned_data["days"] if form.is_valid() else analytics.DEFAULT_PERIOD
    report = analytics.search_report(days=days, at=clock.now())
    periods = [{"days": d, "current": d == days} for d in analytics.PERIODS]
    return render(request, "search/analytics.html", {"report": report, "periods": periods})


@agent_required
def search_explain_page(request):
    """Why each result of a query ranks where it does: words, meaning, or both."""
    form = SearchForm(request.GET)
    query = form.value("q", "")
    rows = search_explain(text=query) if query else []
    return render(request, "search/explain.html", {"query": query, "rows": rows,
                                                   "semantic": semantic.enabled()})


def _api_error(message, status=400, **extra):
    return JsonResponse({"error": "InvalidParameter", "description": message, **extra}, status=status)


def _api_search(request, kind):
    """A Zendesk-shaped search of ``kind`` (search.api), logged on its first page."""
    form = ApiSearchForm(request.GET)
    if not form.is_valid():
        return _api_error("Invalid search parameters.", details={
            name: [e["message"] for e in errors] for name, errors in form.errors.get_json_data().items()
        })
    per_page = min(form.cleaned_data.get("per_page") or api.DEFAULT_PER_PAGE, MAX_PER_PAGE)
    page_number = form.cleaned_data.get("page") or 1
    query = form.cleaned_data["query"]

    def page_url(number):
        params = request.GET.copy()
        params["page"] = number
        params["per_page"] = per_page
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    body, found = api.search_json(kind=kind, params=form.cleaned_data, page=page_number, per_page=per_page,
                                  absolute_url=request.build_absolute_uri, page_url=page_url)
    if page_number == 1 and query:
        analytics.query_log_create(text=query, result_count=found.total, source="api",
                                   session_key=_session_key(request))
    return JsonResponse(body)


@require_GET
def api_article_search(request):
    """GET /api/v2/help_center/articles/search.json?query=&category=&section=&label_names=
    &created_before=&sort_by=&page=&per_page= (Zendesk shape)."""
    return _api_search(request, ARTICLE)


@require_GET
def api_post_search(request):
    """GET /api/v2/help_center/community_posts/search.json?query=&topic=&... (Zendesk shape)."""
    return _api_search(request, POST)
