"""Search views: the search page, instant suggestions, click logging, agents' analytics,
and the Zendesk-shaped JSON endpoint. Shells around search.selectors and search.api."""

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kb import beacons, clock, throttle
from kb.permissions import agent_required, is_agent
from search import analytics, api
from search.backends.base import ARTICLE, KINDS, POST, count_cap, split_key
from search.cache import cached
from search.forms import AnalyticsPeriodForm, ApiSearchForm, ClickForm, SearchForm, SearchLogForm
from search.ranking import semantic
from search.selectors import MAX_PER_PAGE, filter_choices, result_url, search_explain, search_run, search_suggest
from search.synonyms import CACHE_SECONDS as SYNONYM_SECONDS

PER_PAGE = 10
TYPE_LABELS = {ARTICLE: _("Article"), POST: _("Community post")}


def _session_key(request):
    # The cookie value rather than request.session: no session row is read or created.
    return request.COOKIES.get(settings.SESSION_COOKIE_NAME)


def _search_page(request):
    form = SearchForm(request.GET)
    form.is_valid()
    query = form.value("q", "")
    kind = form.value("type", "")
    category_id, section_id = form.value("category"), form.value("section")
    page_number = form.value("page", 1)
    page = search_run(text=query, kinds=(kind,) if kind else KINDS, category_id=category_id,
                      section_id=section_id, page=page_number, per_page=PER_PAGE)
    categories = filter_choices()
    tabs = []
    for value, label in [("", _("All")), (ARTICLE, _("Articles")), (POST, _("Community"))]:
        count = sum(page.kind_counts.get(k, 0) for k in ((value,) if value else KINDS))
        # Past the cap the backend stopped counting: the tab says "1,000+".
        capped = page.counts_capped and count >= count_cap()
        tabs.append({"value": value, "label": label, "current": value == kind,
                     "count": min(count, count_cap()) if capped else count, "capped": capped})
    return render(request, "search/search.html", {
        "query": query,
        "results": page,
        "total_capped": page.counts_capped and page.total >= count_cap(),
        "items": [{"item": item, "type_label": TYPE_LABELS[item.kind]} for item in page.items],
        "tabs": tabs,
        "kind": kind,
        "categories": categories,
        "category_id": category_id,
        "section_id": section_id,
        "filtered": bool(kind or category_id or section_id),
        # The page writes nothing: search.js posts this to search:log (see search.analytics).
        # Only first pages count as searches; later pages are the same search read further.
        "log_token": analytics.search_token(text=query, result_count=page.total, at=clock.now())
        if page.page == 1 else "",
        "first_position": (page.page - 1) * page.per_page + 1,
    })


# Anonymous searches come from the page cache: results depend on content and synonyms
# ("content") and on the index ("search"). The page is the same for every visitor (its
# log token included), so a hit costs no query at all. Entries live as long as another
# process may keep old synonyms (see search.synonyms).
search_page = require_GET(cached(_search_page, timeout=SYNONYM_SECONDS))


@require_GET
def suggest(request):
    results = search_suggest(text=request.GET.get("q", ""), limit=5)
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, max-age=60"
    return response


# CSRF-exempt like every beacon (kb.beacons): it records only what the token says the site
# showed, within the limits.
@csrf_exempt
@require_POST
def record_search(request):
    """The search page's beacon: record its search; JSON with the reference clicks send."""
    form = SearchLogForm(request.POST)
    at = clock.now()
    found = analytics.search_from_token(form.cleaned_data["token"], at=at) if form.is_valid() else None
    if found is None:
        return JsonResponse({"error": "InvalidParameter", "fields": ["token"]}, status=400)
    if limited := beacons.limited_response(request, scope=analytics.LOG_SCOPE, at=at,
                                           address=analytics.LOG_ADDRESS_RATE, visitor=analytics.LOG_VISITOR_RATE):
        return limited
    if is_agent(request.user):  # agents trying their own help center are not customers searching
        return beacons.no_content()
    query, result_count = found
    log = analytics.query_log_create(text=query, result_count=result_count, source="page",
                                     session_key=_session_key(request))
    response = JsonResponse({"log": analytics.click_ref(log, at=at)})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def record_click(request):
    """POST (search.js's beacon): record the click, 204. GET (an old plain link): only redirect,
    since a GET writes nothing."""
    form = ClickForm(request.POST if request.method == "POST" else request.GET)
    valid = form.is_valid()
    if request.method == "GET":
        key = form.cleaned_data.get("key")
        if not key:
            return HttpResponseRedirect(reverse("search:search"))
        kind, pk = split_key(key)
        return HttpResponseRedirect(result_url(kind=kind, pk=pk) or reverse("search:search"))
    at = clock.now()
    log_id = analytics.log_id_from_ref(form.cleaned_data["log"], at=at) if valid else None
    if log_id is None:
        fields = sorted(form.errors) if not valid else ["log"]
        return JsonResponse({"error": "InvalidParameter", "fields": fields}, status=400)
    if limited := beacons.limited_response(request, scope=analytics.CLICK_SCOPE, at=at,
                                           address=analytics.CLICK_ADDRESS_RATE,
                                           visitor=analytics.CLICK_VISITOR_RATE):
        return limited
    kind, pk = split_key(form.cleaned_data["key"])
    analytics.click_create(query_log_id=log_id, position=form.cleaned_data["position"], kind=kind, object_id=pk)
    return beacons.no_content()


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
    """A Zendesk-shaped search of ``kind`` (search.api), logged on its first page. Counted
    against the API's rate limits like every /api/v2/ call, which also bounds its logging."""
    decision = throttle.hit(scope=api.API_SCOPE, limits=api.api_limits(request.user, request))
    if decision.limited:
        retry = decision.retry_after_seconds(clock.now())
        response = JsonResponse({"error": "TooManyRequests",
                                 "description": "Rate limit exceeded: retry after the number of seconds in Retry-After."},
                                status=429)
        response["Retry-After"] = str(retry)
        return response
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
    # An API search is logged as it is answered: an API client runs no beacon script.
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
