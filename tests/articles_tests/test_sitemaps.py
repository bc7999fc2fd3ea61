"""/sitemap.xml and /robots.txt: what search engines are told exists, in which languages,
and what they are asked to leave alone."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services, sitemaps
from articles.seo import locale_path
from articles.translations.services import article_translation_save, section_translation_save

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
ROOT = "http://testserver"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def entries(root: ET.Element) -> dict[str, dict]:
    """loc -> {"lastmod": str | None, "alternates": {hreflang: href}}"""
    found = {}
    for url in root.findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc not in found, f"{loc} listed twice"
        found[loc] = {
            "lastmod": url.findtext("sm:lastmod", namespaces=NS),
            "alternates": {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)},
        }
    return found


@pytest.fixture
def help_center(make_article, make_post, agent, customer, topic):
    article = make_article(title="Cancel your plan", body="Open **Billing**.")
    draft = make_article(title="Unreleased pricing", body="Secret.", section=article.section, draft=True)
    post = make_post(title="How do I cancel?", body="Please help.")
    services.comment_create(author=agent, target=post, body="Open Billing.")
    return {"article": article, "draft": draft, "post": post, "section": article.section,
            "category": article.section.category, "topic": topic}


def test_sitemap_lists_every_public_page_with_lastmod_and_no_draft(client, help_center):
    listed = entries(parse(client.get("/sitemap.xml")))
    article, post = help_center["article"], help_center["post"]
    expected = [article.get_absolute_url(), post.get_absolute_url(), help_center["section"].get_absolute_url(),
                help_center["category"].get_absolute_url(), help_center["topic"].get_absolute_url(),
                reverse("articles:home"), reverse("articles:topics")]
    for path in expected:
        assert ROOT + path in listed
    assert ROOT + help_center["draft"].get_absolute_url() not in listed
    assert not any("/agent/" in loc or "/accounts/" in loc or "/search/" in loc for loc in listed)
    for path in expected[:5]:
        assert listed[ROOT + path]["lastmod"], path
    assert listed[ROOT + article.get_absolute_url()]["lastmod"] == article.updated_at.date().isoformat()


def test_sitemap_gives_each_published_translation_with_hreflang_alternates_and_x_default(client, help_center, agent):
    article = help_center["article"]
    article_translation_save(article=article, locale="es", title="Cancelar su plan", body="Abra **Facturación**.",
                             by=agent, draft=False)
    article_translation_save(article=article, locale="de", title="Tarif kündigen", body="Entwurf.", by=agent,
                             draft=True)
    listed = entries(parse(client.get("/sitemap.xml")))
    source = ROOT + locale_path("en", "articles:article", pk=article.pk, slug=article.slug)
    spanish = ROOT + locale_path("es", "articles:article", pk=article.pk, slug="cancelar-su-plan")
    german = ROOT + locale_path("de", "articles:article", pk=article.pk, slug="tarif-kundigen")
    alternates = {"en": source, "es": spanish, "x-default": source}
    assert listed[source]["alternates"] == alternates
    assert listed[spanish]["alternates"] == alternates
    assert german not in listed  # a draft translation is not a page yet
    assert not any("tarif" in loc for loc in listed)


def test_a_translated_section_is_listed_in_its_languages(client, help_center, agent):
    section = help_center["section"]
    section_translation_save(section=section, locale="es", name="Facturación", by=agent, draft=False)
    listed = entries(parse(client.get(reverse("seo:sitemap_section", kwargs={"section": "sections"}))))
    source = ROOT + locale_path("en", "articles:section", pk=section.pk, slug=section.slug)
    assert listed[source]["lastmod"]
    locs = {locale_path(code, "articles:section", pk=section.pk, slug=section.slug) for code in ("en", "es")}
    # Until URLs carry a language prefix a translated section shares its source's path.
    if len(locs) == 2:
        assert set(listed[source]["alternates"]) == {"en", "es", "x-default"}


def test_a_large_help_center_gets_a_sitemap_index_of_paged_files(client, help_center, make_article, monkeypatch):
    make_article(title="Change your plan", section=help_center["section"])
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 3)  # one item per file with three locales
    root = parse(client.get("/sitemap.xml"))
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    files = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    articles_file = ROOT + reverse("seo:sitemap_section", kwargs={"section": "articles"})
    assert articles_file in files and articles_file + "?p=2" in files
    seen = set()
    for file in files:
        seen |= set(entries(parse(client.get(file.removeprefix(ROOT)))))
    assert ROOT + help_center["article"].get_absolute_url() in seen
    assert ROOT + help_center["post"].get_absolute_url() in seen


@pytest.mark.parametrize("query", ["?p=3", "?p=0", "?p=x", "?p=99999999999999999999", "?p=%00"])
def test_a_sitemap_page_that_does_not_exist_is_a_404(client, help_center, query):
    assert client.get(reverse("seo:sitemap_section", kwargs={"section": "articles"}) + query).status_code == 404


def test_an_unknown_sitemap_is_a_404(client, db):
    assert client.get("/sitemap-drafts.xml").status_code == 404


def test_sitemap_urls_use_the_public_address_when_it_is_set(client, help_center, settings):
    settings.KB_SITE_URL, settings.KB_SITE_URL_SET = "https://help.example.com", True
    listed = entries(parse(client.get("/sitemap.xml")))
    assert "https://help.example.com" + help_center["article"].get_absolute_url() in listed
    assert all(loc.startswith("https://help.example.com/") for loc in listed)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_sitemap_pages_cost_the_same_queries_whatever_the_number_of_items(client, help_center, make_article,
                                                                          make_post, agent):
    """One query for the page's items and one for their translations, per sitemap."""
    urls = ["/sitemap.xml"] + [reverse("seo:sitemap_section", kwargs={"section": name}) for name in sitemaps.SITEMAPS]
    before = {url: _queries(client, url) for url in urls}
    for n in range(4):
        article = make_article(title=f"Article {n}", section=help_center["section"])
        article_translation_save(article=article, locale="es", title=f"Artículo {n}", body="Hola.", by=agent,
                                 draft=False)
        article_translation_save(article=article, locale="de", title=f"Artikel {n}", body="Hallo.", by=agent,
                                 draft=False)
        make_article(title=f"Other {n}")  # a new section and category each
        post = make_post(title=f"Question {n}")
        services.comment_create(author=agent, target=post, body="Answer.")
    after = {url: _queries(client, url) for url in urls}
    assert after == before
    assert before[reverse("seo:sitemap_section", kwargs={"section": "articles"})] <= 3


def test_sitemap_is_served_from_the_page_cache_until_content_changes(client, help_center, make_article):
    url = reverse("seo:sitemap_section", kwargs={"section": "articles"})
    assert client.get(url)["X-KB-Page-Cache"] == "miss"
    assert client.get(url)["X-KB-Page-Cache"] == "hit"
    new = make_article(title="Brand new", section=help_center["section"])
    assert ROOT + new.get_absolute_url() in entries(parse(client.get(url)))


def test_robots_txt_points_at_the_sitemap_and_keeps_private_pages_out(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")}
    for path in ("/admin/", "/agent/", "/accounts/", "/search/", "/requests/"):
        assert path in disallowed
    # The API-token page lives under /accounts/; public pages stay crawlable.
    assert reverse("api:tokens").startswith("/accounts/")
    for public in (reverse("articles:home"), reverse("tickets:contact"), reverse("articles:topics")):
        assert not any(public.startswith(path) for path in disallowed), public


def test_robots_txt_names_the_public_address_when_it_is_set(client, db, settings):
    settings.KB_SITE_URL, settings.KB_SITE_URL_SET = "https://help.example.com", True
    assert "Sitemap: https://help.example.com/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_a_translation_published_after_the_sitemap_was_cached_appears_in_it(client, help_center, agent):
    article = help_center["article"]
    url = reverse("seo:sitemap_section", kwargs={"section": "articles"})
    assert client.get(url)["X-KB-Page-Cache"] == "miss"
    assert client.get(url)["X-KB-Page-Cache"] == "hit"
    article_translation_save(article=article, locale="es", title="Cancelar su plan", body="Hola.", by=agent,
                             draft=False)
    spanish = ROOT + locale_path("es", "articles:article", pk=article.pk, slug="cancelar-su-plan")
    assert spanish in entries(parse(client.get(url)))
