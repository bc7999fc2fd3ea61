"""The search page, suggestions, click logging, analytics and the Zendesk-shaped API,
through the real stack: Django test client, real database, real Whoosh index on disk."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services
from search import analytics
from search.backends.base import reset_backends
from search.index import index_rebuild
from search.models import SearchClick, SearchQueryLog, Synonym
from search.query import clean_text
from search.synonyms import clear_synonym_cache
from search.tasks import sync_documents
from tests.beacons import log_search, logged_search, page_attribute
from tests.search_tests.backend_contract import BAD_QUERIES, demo_content

SEARCH = reverse("search:search")
API = reverse("search:api_articles")
SUGGEST = reverse("search:suggest")
CLICK = reverse("search:click")


@pytest.fixture(autouse=True)
def _fresh_backend(settings):
    settings.KB_SEARCH_BACKEND = "whoosh"
    reset_backends()
    clear_synonym_cache()
    yield
    reset_backends()


@pytest.fixture
def demo(agent, customer, topic):
    content = demo_content(agent, customer, topic)
    index_rebuild()
    return content


def result_urls(response):
    return [item.url for item in response.context["results"].items]


# --- the search page ------------------------------------------------------------------

def test_search_page_shows_highlighted_results_with_type_and_breadcrumb(client, demo):
    response = client.get(SEARCH, {"q": "stop billing"})
    assert response.status_code == 200
    assert result_urls(response)[0] == demo["cancel"].get_absolute_url()
    html = response.content.decode()
    assert "<mark>" in html
    assert "Managing your account" in html and "Account &amp; Billing" in html
    assert ">Article<" in html


def test_search_page_offers_a_spelling_correction(client, demo):
    response = client.get(SEARCH, {"q": "pasword resett"})
    assert response.context["results"].suggestion == "password reset"
    assert "Did you mean" in response.content.decode()
    assert f'{SEARCH}?q=password%20reset' in response.content.decode()


def test_empty_results_offer_the_request_form(client, demo):
    response = client.get(SEARCH, {"q": "qwertyuiopasdf"})
    assert response.context["results"].total == 0
    assert 'href="/requests/new/"' in response.content.decode()


def test_search_page_filters_by_type_and_section(client, demo):
    only_posts = client.get(SEARCH, {"q": "billing domain", "type": "post"})
    assert result_urls(only_posts) == [demo["post"].get_absolute_url()]
    payments = demo["sections"]["payments"]
    in_section = client.get(SEARCH, {"q": "billing", "section": payments.pk})
    assert set(result_urls(in_section)) == {demo["payment"].get_absolute_url(),
                                            demo["invoices"].get_absolute_url()}


def test_invalid_filters_are_ignored_not_errors(client, demo):
    response = client.get(SEARCH, {"q": "billing", "section": "abc", "page": "-3", "type": "nope"})
    assert response.status_code == 200
    assert response.context["results"].total >= 4


@pytest.fixture
def widget_tips(agent, make_section):
    """widget_tips(count): that many published "Widget tip" articles, indexed."""
    def make(count):
        section = make_section()
        for n in range(count):
            services.article_create(author=agent, section=section, title=f"Widget tip {n}",
                                    body="Widgets are handy.", draft=False)
        index_rebuild()

    return make


def test_search_page_paginates(client, widget_tips):
    widget_tips(23)
    first = client.get(SEARCH, {"q": "widget"})
    third = client.get(SEARCH, {"q": "widget", "page": 3})
    assert first.context["results"].total == 23
    assert len(result_urls(first)) == 10 and len(result_urls(third)) == 3
    assert not set(result_urls(first)) & set(result_urls(third))
    third_html = third.content.decode()
    assert f'href="{SEARCH}?q=widget&amp;page=2" rel="prev"' in third_html
    assert f'href="{SEARCH}?q=widget"><span class="visually-hidden">Page </span>1</a>' in third_html
    assert 'aria-label="Search result pages"' in third_html
    assert 'aria-current="page"><span class="page-link"><span class="visually-hidden">Page </span>3<' in third_html


def test_anonymous_search_pages_are_keyed_by_their_own_parameters_only(widget_tips):
    """Unknown parameters share the entry and never show in the page; the search's own
    parameters keep their order in its links; another page or query is another entry."""
    widget_tips(23)
    first = Client().get(SEARCH + "?zz=1&page=2&q=widget&utm_campaign=spring")
    assert first.headers["X-KB-Page-Cache"] == "miss"
    body = first.content.decode()
    assert "spring" not in body and "utm_campaign" not in body and "zz=" not in body
    assert f'href="{SEARCH}?q=widget&amp;page=3" rel="next"' in body
    assert f"/accounts/login/?next={SEARCH}%3Fq%3Dwidget%26page%3D2" in body
    assert Client().get(SEARCH + "?q=widget&page=2").headers["X-KB-Page-Cache"] == "hit"
    other = Client().get(SEARCH + "?page=3&q=widget")
    assert other.headers["X-KB-Page-Cache"] == "miss" and len(result_urls(other)) == 3
    assert Client().get(SEARCH + "?q=handy&page=2").headers["X-KB-Page-Cache"] == "miss"


def test_search_page_runs_a_constant_number_of_queries(client, agent, make_section, topic,
                                                       customer, django_assert_num_queries):
    section = make_section()
    for n in range(3):
        services.article_create(author=agent, section=section, title=f"Sprocket {n}", body="Sprockets.",
                                draft=False)
        services.post_create(author=customer, topic=topic, title=f"Sprocket question {n}", body="?")
    for n in range(50):
        services.article_create(author=agent, section=section, title=f"Gadget {n}", body="Gadgets.",
                                draft=False)
        services.post_create(author=customer, topic=topic, title=f"Gadget question {n}", body="?")
    index_rebuild()
    client.get(SEARCH, {"q": "warm up"})  # the per-process synonym cache
    # Articles, the query log, categories with their sections for the filters; posts add one.
    with django_assert_num_queries(2):
        response = client.get(SEARCH, {"q": "sprocket", "type": "article"})
    assert len(result_urls(response)) == 3
    with django_assert_num_queries(2):
        response = client.get(SEARCH, {"q": "gadget", "type": "article"})
    assert len(result_urls(response)) == 10 and response.context["results"].total == 50
    with django_assert_num_queries(3):
        response = client.get(SEARCH, {"q": "sprocket question"})
    assert {item.kind for item in response.context["results"].items} == {"article", "post"}


def test_searching_logs_the_normalised_query_without_ip(client, demo):
    page = client.get(SEARCH, {"q": "  Stop   BILLING "}, REMOTE_ADDR="203.0.113.9")
    assert not SearchQueryLog.objects.exists()  # the page writes nothing: its beacon logs
    assert log_search(client, page, REMOTE_ADDR="203.0.113.9").status_code == 200
    log = SearchQueryLog.objects.get()
    assert (log.query, log.source) == ("stop billing", "page")
    assert log.result_count >= 1
    assert "203.0.113.9" not in json.dumps([str(v) for v in vars(log).values()])


@pytest.mark.parametrize("text", BAD_QUERIES)
def test_bad_queries_on_the_page_answer_quickly_without_drafts(client, demo, text):
    started = time.monotonic()
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    assert response.context["query"] == clean_text(text)
    assert time.monotonic() - started < 1.0
    assert "zebracorn" not in response.content.decode().lower()
    assert demo["draft"].get_absolute_url() not in response.content.decode()


# --- JSON API --------------------------------------------------------------------------

def test_api_answers_in_the_zendesk_shape(client, demo):
    response = client.get(API, {"query": "delete my account", "per_page": 2})
    assert response.status_code == 200
    data = response.json()
    first = data["results"][0]
    cancel = demo["cancel"]
    assert first["id"] == cancel.pk
    assert first["html_url"] == "http://testserver" + cancel.get_absolute_url()
    assert first["result_type"] == "article"
    assert first["section_id"] == cancel.section_id
    assert sorted(first["label_names"]) == ["billing", "cancel"]
    assert set(first) >= {"title", "snippet", "created_at", "updated_at"}
    assert data["per_page"] == 2 and data["page"] == 1
    assert data["page_count"] == -(-data["count"] // 2)
    assert data["previous_page"] is None
    assert "page=2" in data["next_page"]


def test_api_returns_articles_only_and_caps_per_page(client, demo):
    data = client.get(API, {"query": "billing domain", "per_page": 5000}).json()
    assert data["per_page"] == 100
    assert [r["result_type"] for r in data["results"]] == ["article"] * data["count"]
    assert data["count"] >= 4


@pytest.mark.parametrize("params", [{}, {"query": ""}, {"query": "x", "page": "0"},
                                    {"query": "x", "per_page": "many"}, {"query": "\x00 \u202e"}])
def test_api_rejects_bad_parameters_with_a_json_400(client, demo, params):
    response = client.get(API, params)
    assert response.status_code == 400
    assert response.json()["error"] == "InvalidParameter"


@pytest.mark.parametrize("text", [t for t in BAD_QUERIES if t.replace("\x00", "").strip()])
def test_bad_queries_on_the_api_answer_quickly_without_drafts(client, demo, text):
    started = time.monotonic()
    response = client.get(API, {"query": text})
    assert response.status_code == 200
    assert time.monotonic() - started < 1.0
    assert demo["draft"].pk not in [r["id"] for r in response.json()["results"]]


# --- suggestions -----------------------------------------------------------------------

def test_suggestions_return_a_few_matching_article_titles(client, demo):
    data = client.get(SUGGEST, {"q": "reset passw"}).json()
    assert data["results"][0] == {"title": "Reset your password",
                                  "url": demo["password"].get_absolute_url()}
    assert len(client.get(SUGGEST, {"q": "billing"}).json()["results"]) <= 5
    assert client.get(SUGGEST, {"q": "zebracorn"}).json() == {"results": []}


# --- clicks and analytics ------------------------------------------------------------------

def test_a_result_click_is_logged_with_its_position(client, demo):
    ref = logged_search(client, client.get(SEARCH, {"q": "stop billing"}))
    key = f"article:{demo['cancel'].pk}"
    assert client.post(CLICK, {"log": ref, "position": 1, "key": key}).status_code == 204
    assert client.post(CLICK, {"log": ref, "position": 2, "key": key}).status_code == 204
    assert sorted(SearchClick.objects.values_list("position", flat=True)) == [1, 2]
    assert set(SearchClick.objects.values_list("query_log_id", flat=True)) == {SearchQueryLog.objects.get().pk}


def test_a_plain_click_link_only_redirects_and_writes_nothing(client, demo, django_assert_num_queries):
    ref = logged_search(client, client.get(SEARCH, {"q": "stop billing"}))
    with django_assert_num_queries(1):  # the article's address, read
        response = client.get(CLICK, {"log": ref, "position": 2, "key": f"article:{demo['cancel'].pk}"})
    assert response.status_code == 302 and response["Location"] == demo["cancel"].get_absolute_url()
    assert not SearchClick.objects.exists()


def test_click_links_never_redirect_to_a_draft(client, demo):
    response = client.get(CLICK, {"position": 1, "key": f"article:{demo['draft'].pk}"})
    assert response["Location"] == SEARCH


def test_agents_see_top_no_result_and_unclicked_queries(client, demo, agent):
    for text in ["stop billing", "stop billing", "qwertyuiop", "invoices"]:
        ref = logged_search(client, client.get(SEARCH, {"q": text}))
    client.post(CLICK, {"log": ref, "position": 1, "key": f"article:{demo['invoices'].pk}"})
    old = SearchQueryLog.objects.create(query="ancient", result_count=0)
    SearchQueryLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    client.force_login(agent)
    report = client.get(reverse("search:analytics"), {"days": 30}).context["report"]
    assert report.top_queries[0]["query"] == "stop billing" and report.top_queries[0]["searches"] == 2
    assert [r["query"] for r in report.no_results] == ["qwertyuiop"]
    assert [r["query"] for r in report.no_clicks] == ["stop billing"]
    assert report.positions[0] == {"position": 1, "clicks": 1, "rate": 1 / 3, "percent": 33.3}
    ninety = client.get(reverse("search:analytics"), {"days": 90}).context["report"]
    assert "ancient" in [r["query"] for r in ninety.no_results]


def test_customers_cannot_see_search_analytics(client, customer):
    client.force_login(customer)
    assert client.get(reverse("search:analytics")).status_code == 403
    client.logout()
    assert client.get(reverse("search:analytics")).status_code == 302


# --- synonyms --------------------------------------------------------------------------------

def test_synonyms_added_by_agents_apply_at_once(client, demo):
    assert demo["cancel"].get_absolute_url() not in result_urls(client.get(SEARCH, {"q": "terminate"}))
    Synonym.objects.create(terms="cancel, close, terminate, delete account")
    assert result_urls(client.get(SEARCH, {"q": "terminate"}))[0] == demo["cancel"].get_absolute_url()


# --- the page cache ------------------------------------------------------------------------

def test_a_repeated_anonymous_search_comes_from_the_cache_without_a_query_and_is_still_logged(
        client, demo, django_assert_num_queries):
    first = client.get(SEARCH, {"q": "stop billing"})
    assert first.headers["X-KB-Page-Cache"] == "miss"
    visitor = Client()
    with django_assert_num_queries(0):
        second = visitor.get(SEARCH, {"q": "stop billing"})
    assert second.headers["X-KB-Page-Cache"] == "hit"
    assert demo["cancel"].get_absolute_url() in second.content.decode()
    logged_search(client, first)
    logged_search(visitor, second)
    logs = list(SearchQueryLog.objects.order_by("pk"))
    assert len(logs) == 2
    assert logs[0].result_count == logs[1].result_count == first.context["results"].total


def test_a_click_on_a_cached_result_page_is_attributed_to_that_search(demo):
    Client().get(SEARCH, {"q": "stop billing"})
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(SEARCH, {"q": "stop billing"})
    assert page.headers["X-KB-Page-Cache"] == "hit"
    ref = logged_search(visitor, page)
    html = page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    key = f"article:{demo['cancel'].pk}"
    click = visitor.post(CLICK, {"log": ref, "position": 1, "key": key, "csrfmiddlewaretoken": token})
    assert click.status_code == 204
    assert SearchClick.objects.get().query_log_id == SearchQueryLog.objects.get().pk


def test_cached_result_pages_answer_conditional_gets_now_that_they_hold_nothing_per_visitor(client, demo):
    first = client.get(SEARCH, {"q": "stop billing"})
    again = client.get(SEARCH, {"q": "stop billing"}, HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert again.status_code == 304


# --- the log and click beacons ----------------------------------------------------------------

LOG = reverse("search:log")


def test_the_log_beacon_refuses_forged_altered_and_old_tokens(client, demo, clock):
    from django.core import signing

    start = clock(timezone.now())
    page = client.get(SEARCH, {"q": "stop billing"})
    token = page_attribute(page, "data-search-log-token")
    forged = signing.dumps({"at": int(start.timestamp()), "data": {"q": "buy cheap pills", "n": 0}},
                           salt="kb.beacons.search.log", key="not-our-key")
    altered = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    for bad in ["", "x", forged, altered, "a" * 2000]:
        response = client.post(LOG, {"token": bad})
        assert response.status_code == 400 and response.json()["error"] == "InvalidParameter"
    clock(start + analytics.TOKEN_MAX_AGE + timedelta(seconds=1))
    assert client.post(LOG, {"token": token}).status_code == 400
    assert not SearchQueryLog.objects.exists()
    assert client.get(LOG).status_code == 405


def test_pages_without_a_query_or_past_the_first_carry_no_token(client, widget_tips):
    widget_tips(12)
    assert page_attribute(client.get(SEARCH), "data-search-log-token") == ""
    assert page_attribute(client.get(SEARCH, {"q": "widget", "page": 2}), "data-search-log-token") == ""
    assert page_attribute(client.get(SEARCH, {"q": "widget"}), "data-search-log-token")


def test_a_search_with_no_results_is_logged_too(client, demo):
    logged_search(client, client.get(SEARCH, {"q": "qwertyuiop"}))
    assert SearchQueryLog.objects.get().result_count == 0


def test_the_log_beacon_is_limited_per_address_without_a_row(client, demo, settings):
    settings.KB_RATE_LIMITS = {"search_log.ip": "2/h"}
    page = client.get(SEARCH, {"q": "stop billing"})
    assert [log_search(client, page).status_code for _ in range(3)] == [200, 200, 429]
    assert SearchQueryLog.objects.count() == 2
    assert log_search(Client(), page, REMOTE_ADDR="198.51.100.7").status_code == 200  # another address


def test_the_log_beacon_is_limited_per_signed_in_visitor(client, demo, customer, settings):
    settings.KB_RATE_LIMITS = {"search_log.visitor": "1/h"}
    client.force_login(customer)
    page = client.get(SEARCH, {"q": "stop billing"})
    assert log_search(client, page, REMOTE_ADDR="198.51.100.1").status_code == 200
    assert log_search(client, page, REMOTE_ADDR="198.51.100.2").status_code == 429  # a new address does not help
    assert SearchQueryLog.objects.count() == 1


def test_agents_searches_are_not_logged(client, demo, agent):
    client.force_login(agent)
    response = log_search(client, client.get(SEARCH, {"q": "stop billing"}))
    assert response.status_code == 204
    assert not SearchQueryLog.objects.exists()


def test_the_click_beacon_refuses_made_up_references_and_is_limited(client, demo, settings):
    key = f"article:{demo['cancel'].pk}"
    ref = logged_search(client, client.get(SEARCH, {"q": "stop billing"}))
    log = SearchQueryLog.objects.get()
    for bad in [str(log.pk), "", ref[:-3] + "xyz"]:
        assert client.post(CLICK, {"log": bad, "position": 1, "key": key}).status_code == 400
    settings.KB_RATE_LIMITS = {"search_click.ip": "1/h"}
    assert client.post(CLICK, {"log": ref, "position": 1, "key": key}).status_code == 204
    assert client.post(CLICK, {"log": ref, "position": 2, "key": key}).status_code == 429
    assert list(SearchClick.objects.values_list("position", flat=True)) == [1]


def test_later_result_pages_are_cached_but_not_logged(client, widget_tips):
    widget_tips(12)
    client.get(SEARCH, {"q": "widget", "page": 2})
    page = client.get(SEARCH, {"q": "widget", "page": 2})
    assert page.headers["X-KB-Page-Cache"] == "hit"
    assert log_search(client, page).status_code == 400  # no token to post
    assert not SearchQueryLog.objects.exists()


def test_publishing_a_matching_article_shows_in_the_next_search(
        client, demo, agent, django_capture_on_commit_callbacks):
    assert client.get(SEARCH, {"q": "zeppelin"}).context["results"].total == 0
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_create(author=agent, section=demo["cancel"].section, draft=False,
                                          title="Zeppelin mode", body="Float above your inbox.")
    response = client.get(SEARCH, {"q": "zeppelin"})
    assert response.headers["X-KB-Page-Cache"] == "miss"
    assert result_urls(response) == [article.get_absolute_url()]


def test_a_search_between_the_commit_and_the_index_update_is_not_kept(
        client, demo, agent, settings, django_capture_on_commit_callbacks):
    immediate = settings.TASKS
    # A queue that nobody works on yet, as when the worker is busy: the commit happens,
    # the index update waits.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_create(author=agent, section=demo["cancel"].section, draft=False,
                                          title="Zeppelin mode", body="Float above your inbox.")
    assert client.get(SEARCH, {"q": "zeppelin"}).context["results"].total == 0  # now cached
    settings.TASKS = immediate
    sync_documents.enqueue([f"article:{article.pk}"])  # the worker gets to it
    response = client.get(SEARCH, {"q": "zeppelin"})
    assert response.headers["X-KB-Page-Cache"] == "miss"
    assert result_urls(response) == [article.get_absolute_url()]


def test_a_new_synonym_invalidates_cached_results(client, demo):
    client.get(SEARCH, {"q": "terminate"})
    assert client.get(SEARCH, {"q": "terminate"}).headers["X-KB-Page-Cache"] == "hit"
    synonym = Synonym.objects.create(terms="cancel, close, terminate, delete account")
    response = client.get(SEARCH, {"q": "terminate"})
    assert response.headers["X-KB-Page-Cache"] == "miss"
    assert result_urls(response)[0] == demo["cancel"].get_absolute_url()
    synonym.delete()
    assert client.get(SEARCH, {"q": "terminate"}).headers["X-KB-Page-Cache"] == "miss"


@pytest.mark.parametrize("who", ["customer", "agent"])
def test_signed_in_searchers_always_get_a_fresh_page(client, demo, request, who):
    Client().get(SEARCH, {"q": "stop billing"})  # cached by an anonymous visitor
    client.force_login(request.getfixturevalue(who))
    response = client.get(SEARCH, {"q": "stop billing"})
    assert "X-KB-Page-Cache" not in response.headers
    assert "Signed in as" in response.content.decode()


def test_a_signed_in_customers_search_is_logged_under_their_session(client, demo, customer):
    client.force_login(customer)
    logged_search(client, client.get(SEARCH, {"q": "stop billing"}))
    assert SearchQueryLog.objects.get().session_hash
