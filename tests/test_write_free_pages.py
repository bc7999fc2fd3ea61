"""Serving a page never writes to the database (README, "Privacy of the figures").

Every public page is read by anonymous visitors (from the page cache, a miss and then a
hit) and by a signed-in customer (always rendered), and every SQL statement it runs is
captured: none may be an INSERT, UPDATE or DELETE. What pages record (page views, the
search that ran, the cancel-flow route shown) arrives afterwards through their beacons.
"""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles import services as article_services
from demo import tickets as tickets_demo
from search.index import index_rebuild
from tickets.models import PlanLink

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# A closed moment of the demo's callbacks team (a Wednesday evening in Los Angeles).
NIGHT = datetime(2026, 6, 3, 20, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


@pytest.fixture
def public_pages(make_article, make_post, topic, whoosh_index, clock):
    clock(NIGHT)
    article = make_article(title="Cancel your account", body="Open Billing and choose Cancel.")
    section = article.section
    post = make_post(title="How do I cancel my plan?", body="Billing question.")
    tickets_demo.load()
    link = PlanLink.objects.filter(plan__is_active=True).order_by("pk").first()
    index_rebuild()
    pages = {
        "home": reverse("articles:home"),
        "category": reverse("articles:category", kwargs={"slug": section.category.slug}),
        "section": reverse("articles:section", kwargs={"pk": section.pk, "slug": section.slug}),
        "article": article.get_absolute_url(),
        "topics": reverse("articles:topics"),
        "topic": reverse("articles:topic", kwargs={"slug": topic.slug}),
        "post": post.get_absolute_url(),
        "search": reverse("search:search") + "?q=cancel",
        "search without results": reverse("search:search") + "?q=qqqzzz",
        "search page 2": reverse("search:search") + "?q=cancel&page=2",
        "search suggestions": reverse("search:suggest") + "?q=canc",
        "cancel flow": reverse("tickets:cancel_flow"),
        "self-service link": reverse("tickets:self_service_link", args=[link.pk]),
        "contact": reverse("tickets:contact"),
        "request form": reverse("tickets:request_create"),
        "request suggestions": reverse("tickets:request_suggest") + "?q=cancel",
        "click link": reverse("search:click") + f"?position=1&key=article:{article.pk}",
    }
    # The same pages in Spanish (/es/...).
    pages.update({f"{name} (es)": "/es" + url for name, url in pages.items()})
    # Pages with one address in every language (no /es/ form, no language redirect).
    image = Image.new("RGB", (4, 3), (10, 120, 200))
    png = io.BytesIO()
    image.save(png, "PNG")
    pages.update(one_address_pages(section=section, topic=topic, post=post,
                                   image=article_services.image_upload_store(data=png.getvalue())))
    return pages


ONE_ADDRESS = ("API page", "robots.txt", "sitemap", "sitemap of articles", "articles feed",
               "Spanish articles feed", "section feed", "topic feed", "comments feed", "uploaded image")


def one_address_pages(*, section, topic, post, image) -> dict[str, str]:
    return {
        "API page": reverse("api:developers"),
        "robots.txt": reverse("seo:robots"),
        "sitemap": reverse("seo:sitemap"),
        "sitemap of articles": reverse("seo:sitemap_section", kwargs={"section": "articles"}),
        "articles feed": reverse("seo:feed_articles"),
        "Spanish articles feed": reverse("seo:feed_articles_locale", kwargs={"locale": "es"}),
        "section feed": reverse("seo:feed_section", kwargs={"pk": section.pk}),
        "topic feed": reverse("seo:feed_topic", kwargs={"slug": topic.slug}),
        "comments feed": reverse("seo:feed_post_comments", kwargs={"pk": post.pk}),
        "uploaded image": image,  # read from the public storage (kb.storage)
    }


def writes_of(client: Client, url: str, **headers) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response.status_code, [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


def test_no_public_page_writes_for_anonymous_visitors_cached_or_not(public_pages):
    for name, url in public_pages.items():
        for attempt in ("miss", "hit"):
            status, writes = writes_of(Client(), url)
            assert status in (200, 302), (name, attempt, status)
            assert writes == [], (name, attempt, writes)


def test_the_first_visits_language_redirect_writes_nothing(public_pages):
    """A Spanish browser's first request is answered with a redirect and a cookie only."""
    for name, url in public_pages.items():
        if name in ONE_ADDRESS:  # served as they are, whatever the browser's language
            status, writes = writes_of(Client(), url, HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
            assert status == 200 and writes == [], (name, status, writes)
            continue
        if "(es)" in name:
            continue
        client = Client()
        status, writes = writes_of(client, url, HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
        assert status == 302 and writes == [], (name, status, writes)
        status, writes = writes_of(client, url)  # the cookie, remembered
        assert status == 302 and writes == [], (name, status, writes)


def test_cached_pages_are_served_from_the_cache_the_second_time(public_pages):
    # Guards the test above: the second round really exercises the cache hits.
    for name in ("home", "article", "post", "topic", "search", "cancel flow", "home (es)", "article (es)"):
        Client().get(public_pages[name])
        assert Client().get(public_pages[name]).headers.get("X-KB-Page-Cache") == "hit", name


def test_no_public_page_writes_for_a_signed_in_customer(public_pages, customer):
    client = Client()
    client.force_login(customer)  # the session row is written here, before the pages are read
    for name, url in public_pages.items():
        status, writes = writes_of(client, url)
        assert status in (200, 302), (name, status)
        assert writes == [], (name, writes)
