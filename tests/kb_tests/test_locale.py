"""Locale URLs, the first request's language, the remembered choice and the switcher
(kb.locale, kb.views.language_switch; README, "Languages")."""

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from articles.models import Category
from articles.translations.services import article_translation_save
from kb.accounts.services import password_reset_mail

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
SPANISH_BROWSER = "es-MX,es;q=0.9,en;q=0.5"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def switcher(response) -> str:
    html = response.content.decode()
    return re.search(r'<nav class="language-switcher.*?</nav>', html, re.DOTALL).group(0)


@pytest.fixture
def article(make_article):
    return make_article(title="Cancel your plan", body="Open Billing and choose Cancel.")


# --- The first request -----------------------------------------------------------------

@pytest.mark.parametrize("accept, language", [
    ("es", "es"),
    (SPANISH_BROWSER, "es"),
    ("de-DE,de;q=0.9,en;q=0.8", "de"),
    ("en;q=0.2, es;q=0.9", "es"),  # q-values, not order
    ("fr-FR, fr;q=0.9, de;q=0.5", "de"),  # the first served language the browser accepts
])
def test_a_first_visit_goes_to_the_browsers_language_and_remembers_it(client, article, accept, language):
    response = client.get(article.get_absolute_url() + "?page=1&utm_source=x", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == f"/{language}{article.get_absolute_url()}?page=1&utm_source=x"
    assert response.cookies[COOKIE].value == language
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}

    # Remembered: the next unprefixed page goes there without asking the browser again.
    again = client.get(reverse("tickets:contact"))
    assert (again.status_code, again["Location"]) == (302, f"/{language}/contact/")
    assert COOKIE not in again.cookies  # already set

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page["Content-Language"] == language and html_lang(page) == language


@pytest.mark.parametrize("accept", [
    "en-US,en;q=0.9,es;q=0.8", "en", "fr", "*", "zz-ZZ", "garbage;;q=x,,", "es;q=abc", ";" * 600,
    "x" * 5000, "\u00e9s",
])
def test_an_english_or_unreadable_accept_language_gets_the_english_page(client, article, accept):
    response = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert response["Content-Language"] == "en" and html_lang(response) == "en"
    assert COOKIE not in response.cookies


def test_crawlers_get_the_english_page_and_no_cookie(client, article):
    """No Accept-Language and no cookie: what a search engine's crawler sends."""
    for url in (article.get_absolute_url(), reverse("articles:home"), reverse("search:search") + "?q=cancel"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == "en" and COOKIE not in response.cookies


def test_choosing_english_keeps_a_spanish_browser_in_english(client, article):
    client.cookies[COOKIE] = "en"
    response = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=SPANISH_BROWSER)
    assert response.status_code == 200 and html_lang(response) == "en"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_a_prefixed_page_is_served_in_its_language_whatever_the_cookie_says(client, article):
    client.cookies[COOKIE] = "de"
    response = client.get("/es" + article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200 and response["Content-Language"] == "es"


def test_an_unreadable_cookie_is_replaced_by_the_negotiated_language(client, article):
    client.cookies[COOKIE] = "xx-\u00e9"
    response = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    assert (response.status_code, response.cookies[COOKIE].value) == (302, "de")


def test_a_cookie_with_a_region_is_read_as_its_language(client, article):
    client.cookies[COOKIE] = "ES-mx"
    response = client.get(article.get_absolute_url())
    assert response["Location"] == "/es" + article.get_absolute_url()
    assert response.cookies[COOKIE].value == "es"  # rewritten in the form Django reads


def test_posts_are_never_redirected(client, customer):
    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "wrong"},
                           HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200  # the form with its error, not a redirect that drops the body
    client.cookies[COOKIE] = "es"
    assert client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"}).status_code == 200


def test_head_requests_are_negotiated_like_gets(client, article):
    response = client.head(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302


def test_a_missing_page_is_not_redirected(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404


def test_the_api_answers_in_the_default_language_whatever_the_client_sends(client, article):
    client.cookies[COOKIE] = "es"
    response = client.get("/api/v2/help_center/articles.json", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200 and response["Content-Language"] == "en"
    assert response.json()["articles"][0]["html_url"].endswith(article.get_absolute_url())
    assert "/es/" not in article.get_absolute_url()


def test_a_page_with_one_address_is_english_and_its_switcher_leads_to_the_other_homes(client):
    """/developers/ sits outside the prefixes (kb/urls.py)."""
    client.cookies[COOKIE] = "es"
    response = client.get(reverse("api:developers"), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200 and response["Content-Language"] == "en"
    nav = switcher(response)
    assert "/language/es/?next=%2Fes%2F" in nav and "/language/de/?next=%2Fde%2F" in nav
    assert "/language/en/?next=%2Fdevelopers%2F" in nav


# --- Every page kind has its address in each language -----------------------------------

@pytest.fixture
def public_pages(article, make_post, topic):
    post = make_post(title="How do I cancel?")
    section = article.section
    return [
        reverse("articles:home"),
        reverse("articles:category", kwargs={"slug": section.category.slug}),
        section.get_absolute_url(),
        article.get_absolute_url(),
        reverse("articles:topics"),
        topic.get_absolute_url(),
        post.get_absolute_url(),
        reverse("search:search") + "?q=cancel",
        reverse("tickets:contact"),
        reverse("tickets:cancel_flow"),
        reverse("tickets:request_create"),
        reverse("accounts:login"),
        reverse("accounts:signup"),
        reverse("accounts:password_reset"),
    ]


@pytest.mark.parametrize("language", ["es", "de"])
def test_every_public_page_kind_resolves_under_its_language_prefix(client, public_pages, whoosh_index, language):
    for url in public_pages:
        response = client.get(f"/{language}{url}")
        assert response.status_code == 200, url
        assert response["Content-Language"] == language and html_lang(response) == language, url
        # Links on the page stay in its language.
        assert f'href="/{language}/contact/"' in response.content.decode(), url


def test_signed_in_and_agent_pages_have_prefixed_addresses_too(client, customer, agent):
    client.force_login(customer)
    for name in ("articles:following", "tickets:request_list"):
        assert client.get("/es" + reverse(name)).status_code == 200, name
    client.force_login(agent)
    for name in ("tickets:agent_queue", "tickets:dashboard", "search:analytics", "articles:agent_article_create"):
        assert client.get("/de" + reverse(name)).status_code == 200, name


def test_reverse_outside_a_request_gives_the_default_languages_url(client, article):
    client.get("/es" + article.get_absolute_url())
    # The request's language ended with it (kb.apps.reset_language).
    assert translation.get_language() == "en"
    assert reverse("articles:home") == "/"
    with translation.override("de"):
        assert reverse("articles:home") == "/de/"


def test_tasks_run_in_the_default_language_even_when_enqueued_by_a_spanish_request(
        customer, mailoutbox, django_capture_on_commit_callbacks):
    """As a worker runs them: the immediate backend runs a task inside the request that
    enqueued it, whose language is the visitor's (kb.tasks)."""
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):
        password_reset_mail.enqueue(customer.email)
    [message] = mailoutbox
    assert "/reset/" in message.body and "/es/" not in message.body


# --- The switcher ---------------------------------------------------------------------

def test_every_page_has_a_switcher_naming_each_language_in_itself(client, article):
    spanish = article_translation_save(article=article, locale="es", title="Cancelar su plan", body="Abra Facturación.",
                                       draft=False)
    with translation.override("es"):
        spanish_url = spanish.get_absolute_url()
    response = client.get(spanish_url)
    nav = switcher(response)
    assert 'aria-label="' in nav
    links = re.findall(r'<a href="([^"]*)" lang="(\w+)" hreflang="(\w+)"( aria-current="true")?[^>]*>([^<]*)</a>', nav)
    assert [(lang, hreflang, name) for _href, lang, hreflang, _current, name in links] == [
        ("en", "en", "English"), ("es", "es", "Español"), ("de", "de", "Deutsch")]
    assert [bool(current) for *_rest, current, _name in links] == [False, True, False]
    # Each link goes to the same article in that language where it exists (the source, the
    # Spanish translation), else to that language's home.
    hrefs = [href.replace("&amp;", "&") for href, *_rest in links]
    assert hrefs == [f"/language/{code}/?next=" + path.replace("/", "%2F")
                     for code, path in (("en", article.get_absolute_url()), ("es", spanish_url), ("de", "/de/"))]


def test_the_switcher_follows_the_views_page_translations_and_falls_back_to_home():
    """A view showing an item that exists in only some languages passes ``page_translations``
    (I18N_DESIGN.md, contract 2): a missing language links to its home."""
    request = RequestFactory().get("/articles/5-cancel/")
    with translation.override("en"):
        html = render_to_string("includes/language_switcher.html", {
            "page_translations": {"en": "/articles/5-cancel/", "es": "/es/articles/5-cancelar/"}}, request=request)
    assert "/language/es/?next=%2Fes%2Farticles%2F5-cancelar%2F" in html
    assert "/language/de/?next=%2Fde%2F" in html  # no German translation: German home


def test_the_switch_view_remembers_the_choice_and_goes_to_the_page(client, article):
    spanish = "/es" + article.get_absolute_url()
    response = client.get(reverse("language", args=["es"]) + f"?next={spanish}")
    assert (response.status_code, response["Location"]) == (302, spanish)
    assert response.cookies[COOKIE].value == "es"
    assert "no-cache" in response["Cache-Control"]

    back = client.get(reverse("language", args=["en"]) + f"?next={article.get_absolute_url()}",
                      HTTP_ACCEPT_LANGUAGE=SPANISH_BROWSER)
    assert back["Location"] == article.get_absolute_url() and back.cookies[COOKIE].value == "en"
    page = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=SPANISH_BROWSER)
    assert page.status_code == 200 and html_lang(page) == "en"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example", "javascript:alert(1)",
    "http:evil.example", "evil.example", "", " //evil.example", "\x00/x", "https://testserver.evil.example/",
])
def test_the_switch_view_never_redirects_off_the_site(client, target):
    response = client.get(reverse("language", args=["de"]), {"next": target})
    assert (response.status_code, response["Location"]) == (302, "/de/")
    assert response.cookies[COOKIE].value == "de"


def test_the_switch_view_keeps_a_local_path_with_its_query(client):
    response = client.get(reverse("language", args=["es"]), {"next": "/es/search/?q=cancelar&page=2"})
    assert response["Location"] == "/es/search/?q=cancelar&page=2"


@pytest.mark.parametrize("code", ["fr", "xx", "e", "es-es-es-es-es-es-es-es"])
def test_an_unknown_language_is_not_found(client, code):
    response = client.get(f"/language/{code}/?next=/")
    assert response.status_code == 404 and COOKIE not in response.cookies


def test_the_switch_view_only_answers_get_and_head(client):
    assert client.post(reverse("language", args=["es"]), {"next": "/"}).status_code == 405
    assert client.head(reverse("language", args=["es"])).status_code == 302


# --- The page cache keys on the language ---------------------------------------------

def test_spanish_and_english_readers_never_share_a_cached_page(article):
    english, spanish = article.get_absolute_url(), "/es" + article.get_absolute_url()
    assert Client().get(english)["X-KB-Page-Cache"] == "miss"
    first = Client().get(spanish)
    assert first["X-KB-Page-Cache"] == "miss" and html_lang(first) == "es"
    second = Client().get(spanish)
    assert second["X-KB-Page-Cache"] == "hit" and html_lang(second) == "es"
    again = Client().get(english)
    assert again["X-KB-Page-Cache"] == "hit" and html_lang(again) == "en"


def test_the_negotiation_redirect_comes_before_the_cache(article):
    Client().get(article.get_absolute_url())  # the English page is now cached
    response = Client().get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302 and "X-KB-Page-Cache" not in response


def test_a_cached_unprefixed_page_still_says_it_varies_with_the_language(article):
    Client().get(article.get_absolute_url())
    response = Client().get(article.get_absolute_url())
    assert response["X-KB-Page-Cache"] == "hit"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


# --- Query counts --------------------------------------------------------------------

def _query_count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_spanish_pages_cost_what_english_ones_do_and_do_not_grow(client, make_article, make_section, make_post,
                                                                   customer, django_assert_num_queries, signed_in,
                                                                   settings):
    # The page cache off: each read renders.
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    article = make_article(promoted=True)
    make_post()
    if signed_in:
        client.force_login(customer)
    pages = [reverse("articles:home"), article.get_absolute_url(), article.section.get_absolute_url()]
    expected = {url: _query_count(client, url) for url in pages}
    assert {url: _query_count(client, "/es" + url) for url in pages} == expected
    category = Category.objects.create(name="More", slug="more")
    for n in range(4):
        section = make_section(category=category)
        for m in range(3):
            make_article(title=f"Article {n}-{m}", section=section, promoted=m == 0)
        make_post(title=f"Question {n}")
    for url in pages:
        with django_assert_num_queries(expected[url]):
            client.get("/es" + url)
