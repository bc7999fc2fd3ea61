"""Atom feeds: recently updated articles per locale, a section's articles, a topic's posts
and a post's comments; advertised on their pages, read in constant queries."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.seo import locale_path
from articles.translations.services import article_translation_save

ATOM = {"a": "http://www.w3.org/2005/Atom"}
ROOT = "http://testserver"


def feed(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    # Atom's required elements of the feed and of each entry.
    for required in ("a:id", "a:title", "a:updated"):
        assert root.find(required, ATOM) is not None, required
    for entry in root.findall("a:entry", ATOM):
        for required in ("a:id", "a:title", "a:updated", "a:link", "a:author/a:name"):
            assert entry.find(required, ATOM) is not None, required
    return root


def entries(root) -> list[tuple[str, str]]:
    return [(e.findtext("a:title", namespaces=ATOM), e.find("a:link", ATOM).get("href"))
            for e in root.findall("a:entry", ATOM)]


def test_articles_feed_lists_published_articles_newest_change_first(client, make_article):
    older = make_article(title="Reset your password", body="Open **Settings** & choose Reset.")
    newer = make_article(title="Cancel your plan", body="Open Billing.")
    make_article(title="Secret pricing", draft=True)
    root = feed(client, reverse("seo:feed_articles"))
    assert entries(root) == [("Cancel your plan", ROOT + newer.get_absolute_url()),
                             ("Reset your password", ROOT + older.get_absolute_url())]
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    summary = root.findall("a:entry", ATOM)[1].findtext("a:summary", namespaces=ATOM)
    assert summary == "Open Settings &amp; choose Reset."  # plain text, escaped into Atom's HTML summary
    self_link = [link.get("href") for link in root.findall("a:link", ATOM) if link.get("rel") == "self"]
    assert self_link == [ROOT + reverse("seo:feed_articles")]


def test_a_locales_feed_lists_its_published_translations_and_articles_written_in_it(client, make_article, agent):
    article = make_article(title="Cancel your plan")
    untranslated = make_article(title="Change your plan")
    article_translation_save(article=article, locale="es", title="Cancelar su plan", body="Abra Facturación.",
                             by=agent, draft=False)
    article_translation_save(article=untranslated, locale="es", title="Cambiar su plan", body="Borrador.",
                             by=agent, draft=True)
    spanish_source = make_article(title="Preguntas frecuentes")
    # Written in Spanish (no service sets an article's source locale yet).
    type(spanish_source).objects.filter(pk=spanish_source.pk).update(locale="es")
    root = feed(client, reverse("seo:feed_articles_locale", kwargs={"locale": "es"}))
    found = dict(entries(root))
    assert found["Cancelar su plan"] == ROOT + locale_path("es", "articles:article", pk=article.pk,
                                                            slug="cancelar-su-plan")
    assert "Cambiar su plan" not in found and "Cancel your plan" not in found
    assert found["Preguntas frecuentes"] == ROOT + locale_path("es", "articles:article", pk=spanish_source.pk,
                                                                 slug=spanish_source.slug)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    # English readers do not get the Spanish translation.
    assert "Cancelar su plan" not in dict(entries(feed(client, reverse("seo:feed_articles"))))


@pytest.mark.parametrize("locale", ["en", "xx", "ES", "es-mx"])
def test_a_feed_for_a_locale_not_served_under_its_own_address_is_a_404(client, db, locale):
    assert client.get(reverse("seo:feed_articles_locale", kwargs={"locale": locale})).status_code == 404


def test_section_feed_lists_the_sections_published_articles(client, make_article, make_section):
    section = make_section(name="Billing")
    article = make_article(title="Invoices", section=section)
    make_article(title="Elsewhere")
    make_article(title="Draft invoice", section=section, draft=True)
    root = feed(client, reverse("seo:feed_section", kwargs={"pk": section.pk}))
    assert entries(root) == [("Invoices", ROOT + article.get_absolute_url())]
    assert "Billing" in root.findtext("a:title", namespaces=ATOM)
    assert client.get(reverse("seo:feed_section", kwargs={"pk": 999999})).status_code == 404


def test_topic_feed_lists_the_topics_newest_posts(client, make_post, topic):
    first = make_post(title="First question")
    second = make_post(title="Second <question>")
    root = feed(client, reverse("seo:feed_topic", kwargs={"slug": topic.slug}))
    assert entries(root) == [("Second <question>", ROOT + second.get_absolute_url()),
                             ("First question", ROOT + first.get_absolute_url())]
    assert client.get(reverse("seo:feed_topic", kwargs={"slug": "nothing-here"})).status_code == 404


def test_post_comments_feed_lists_comments_and_marks_the_official_answer(client, make_post, agent, other_customer):
    post = make_post(title="How do I cancel?")
    answer = services.comment_create(author=agent, target=post, body="Open **Billing**.")
    services.comment_set_official(comment=answer, by=agent, official=True)
    services.comment_create(author=other_customer, target=post, body="Same question.")
    root = feed(client, reverse("seo:feed_post_comments", kwargs={"pk": post.pk}))
    titles = [title for title, _link in entries(root)]
    assert titles == [f"Comment by {other_customer.get_username()}", f"Official answer by {agent.get_username()}"]
    assert entries(root)[1][1] == ROOT + reverse("articles:comment_permalink", kwargs={"pk": answer.pk})
    assert client.get(reverse("seo:feed_post_comments", kwargs={"pk": 999999})).status_code == 404


def feed_links(html: str) -> list[str]:
    return re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">', html)


def test_pages_advertise_their_feeds(client, make_article, make_post, topic):
    article = make_article()
    post = make_post()
    section = article.section
    assert feed_links(client.get(reverse("articles:home")).content.decode()) == [reverse("seo:feed_articles")]
    assert reverse("seo:feed_section", kwargs={"pk": section.pk}) in feed_links(
        client.get(section.get_absolute_url()).content.decode())
    assert feed_links(client.get(topic.get_absolute_url()).content.decode()) == [
        reverse("seo:feed_topic", kwargs={"slug": topic.slug})]
    assert feed_links(client.get(post.get_absolute_url()).content.decode()) == [
        reverse("seo:feed_post_comments", kwargs={"pk": post.pk})]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_feeds_cost_the_same_queries_whatever_their_size(client, make_article, make_post, make_section, agent,
                                                         customer, topic):
    section = make_section()
    post = make_post()

    def add(n):
        article = make_article(title=f"Article {n}", section=section)
        article_translation_save(article=article, locale="es", title=f"Artículo {n}", body="Hola.", by=agent,
                                 draft=False)
        make_post(title=f"Question {n}")
        services.comment_create(author=customer if n % 2 else agent, target=post, body=f"Comment {n}")

    add(0)
    urls = [reverse("seo:feed_articles"), reverse("seo:feed_articles_locale", kwargs={"locale": "es"}),
            reverse("seo:feed_section", kwargs={"pk": section.pk}), reverse("seo:feed_topic", kwargs={"slug": topic.slug}),
            reverse("seo:feed_post_comments", kwargs={"pk": post.pk})]
    before = {url: _queries(client, url) for url in urls}
    for n in range(1, 6):
        add(n)
    assert {url: _queries(client, url) for url in urls} == before
    assert max(before.values()) <= 3


def test_feeds_are_served_from_the_page_cache_and_refreshed_by_a_new_comment(client, make_post, agent):
    post = make_post()
    url = reverse("seo:feed_post_comments", kwargs={"pk": post.pk})
    assert client.get(url)["X-KB-Page-Cache"] == "miss"
    assert client.get(url)["X-KB-Page-Cache"] == "hit"
    services.comment_create(author=agent, target=post, body="An answer.")
    response = client.get(url)
    assert response["X-KB-Page-Cache"] == "miss"
    assert len(entries(ET.fromstring(response.content))) == 1


def test_feed_entries_use_the_public_address_when_it_is_set(client, make_article, settings):
    settings.KB_SITE_URL, settings.KB_SITE_URL_SET = "https://help.example.com", True
    article = make_article()
    assert entries(feed(client, reverse("seo:feed_articles")))[0][1] == "https://help.example.com" + \
        article.get_absolute_url()
