"""Every public page names one canonical URL and its language alternates; old slugs and
stray query strings lead to it."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from articles import seo, services
from articles.models import Category, FormerSlug

ROOT = "http://testserver"


def canonical(html: str) -> str | None:
    found = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
    assert len(found) <= 1
    return found[0] if found else None


def hreflangs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_public_pages_name_their_absolute_canonical_url(client, make_article, make_post, topic):
    article = make_article()
    post = make_post()
    for url in (reverse("articles:home"), article.get_absolute_url(), article.section.get_absolute_url(),
                article.section.category.get_absolute_url(), reverse("articles:topics"), topic.get_absolute_url(),
                post.get_absolute_url(), reverse("tickets:contact")):
        assert canonical(page(client, url)) == ROOT + url


@pytest.mark.parametrize("signed_in", [False, True])
def test_tracking_parameters_are_not_part_of_the_canonical_url(client, customer, make_article, signed_in):
    if signed_in:  # rendered afresh, not from the page cache (which drops unknown parameters)
        client.force_login(customer)
    article = make_article()
    html = page(client, article.get_absolute_url() + "?utm_source=news&fbclid=x&page=1")
    assert canonical(html) == ROOT + article.get_absolute_url()


def test_later_pages_of_a_listing_keep_their_page_number(client, make_post, topic, customer):
    for n in range(31):  # topic pages hold 30 posts
        make_post(title=f"Question {n}")
    url = topic.get_absolute_url()
    assert canonical(page(client, url + "?page=2&utm_source=x")) == f"{ROOT}{url}?page=2"
    assert canonical(page(client, url + "?page=1")) == ROOT + url
    # Past the end a listing shows its last page: that page is the canonical one.
    assert canonical(page(client, url + "?page=9")) == f"{ROOT}{url}?page=2"


def test_private_and_search_pages_have_no_canonical_url(client, agent, db):
    assert canonical(page(client, reverse("search:search") + "?q=cancel")) is None
    assert canonical(page(client, reverse("accounts:login"))) is None
    client.force_login(agent)
    assert canonical(page(client, reverse("tickets:agent_queue"))) is None


def test_the_canonical_url_uses_the_public_address_when_it_is_set(client, make_article, settings):
    settings.KB_SITE_URL, settings.KB_SITE_URL_SET = "https://help.example.com", True
    article = make_article()
    assert canonical(page(client, article.get_absolute_url())) == "https://help.example.com" + \
        article.get_absolute_url()


# --- Language alternates (contract 2 of the issue 15 design: ``page_translations``) -------


def render_head(path: str, context: dict, locale: str = "en") -> str:
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    with translation.override(locale):
        return Template("{% load seo %}{% seo_head %}").render(Context({"request": request, **context}))


def test_hreflang_alternates_come_from_page_translations_with_x_default(make_article):
    article = make_article()
    translations = {"en": article.get_absolute_url(), "es": "/es/articles/1-cancelar/"}
    html = render_head(article.get_absolute_url(), {"article": article, "page_translations": translations})
    assert hreflangs(html) == {"en": ROOT + translations["en"], "es": ROOT + translations["es"],
                               "x-default": ROOT + translations["en"]}
    assert canonical(html) == ROOT + translations["en"]
    assert '<meta property="og:locale:alternate" content="es_ES">' in html


def test_a_translated_page_is_its_own_canonical_and_a_fallback_page_points_at_the_source(make_article):
    article = make_article()
    translations = {"en": article.get_absolute_url(), "es": "/es/articles/1-cancelar/"}
    spanish = render_head(article.get_absolute_url(),
                          {"article": article, "page_translations": translations}, locale="es")
    assert canonical(spanish) == ROOT + translations["es"]
    assert '<meta property="og:locale" content="es_ES">' in spanish
    # No German translation: the German page shows the source, whose URL is canonical.
    german = render_head(article.get_absolute_url(), {"article": article, "page_translations": translations},
                         locale="de")
    assert canonical(german) == ROOT + translations["en"]
    assert hreflangs(german)["x-default"] == ROOT + translations["en"]


def test_a_spanish_source_is_the_x_default_when_there_is_no_english_version(make_article):
    article = make_article()
    article.locale = "es"
    translations = {"es": "/es/articles/1-fuente/", "de": "/de/articles/1-quelle/"}
    html = render_head(article.get_absolute_url(), {"article": article, "page_translations": translations},
                       locale="en")
    assert canonical(html) == ROOT + translations["es"]
    assert hreflangs(html)["x-default"] == ROOT + translations["es"]


def test_page_urls_of_a_later_page_give_no_alternates(rf, db):
    request = rf.get("/community/topics/x/?page=2")
    from django.core.paginator import Paginator

    shown = Paginator(range(60), 30).page(2)
    urls = seo.page_urls(request, {"page": shown, "page_translations": {"en": "/community/topics/x/"}})
    assert urls["canonical"] == ROOT + "/community/topics/x/?page=2"
    assert urls["alternates"] == []


# --- Changed slugs answer 301 -------------------------------------------------------------


def test_an_article_section_or_post_with_a_changed_slug_answers_301(client, make_article, make_post, agent):
    article = make_article(title="Cancel your plan")
    old_article = article.get_absolute_url()
    services.article_update(article=article, by=agent, title="Cancel or pause your plan")
    section = article.section
    old_section = section.get_absolute_url()
    services.section_update(section=section, name="Plans and billing")
    post = make_post(title="How do I cancel?")
    old_post = post.get_absolute_url()
    services.post_update(post=post, by=_moderator(agent), title="How do I cancel my plan?")
    for old, row in ((old_article, article), (old_section, section), (old_post, post)):
        row.refresh_from_db()
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == row.get_absolute_url()


def _moderator(user):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="change_post"))
    return type(user).objects.get(pk=user.pk)


def test_a_renamed_category_answers_301_from_its_old_slug(client, make_article):
    category = make_article().section.category
    old = category.get_absolute_url()
    services.category_update(category=category, name="Plans and billing")
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse("articles:category", kwargs={"slug": "plans-and-billing"})
    assert client.get(response["Location"]).status_code == 200


def test_a_renamed_topic_answers_301_from_its_old_slug(client, topic, make_post):
    make_post()
    old = topic.get_absolute_url()
    services.topic_update(topic=topic, name="Partners")
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == reverse("articles:topic", kwargs={"slug": "partners"})


def test_renaming_back_makes_the_first_slug_live_again_and_the_second_a_redirect(client, db):
    category = services.category_create(name="Billing")
    services.category_update(category=category, name="Payments")
    services.category_update(category=category, name="Billing")
    assert client.get("/categories/billing/").status_code == 200
    assert client.get("/categories/payments/")["Location"] == "/categories/billing/"
    assert list(FormerSlug.objects.values_list("slug", flat=True)) == ["payments"]


def test_an_old_slug_leads_to_the_last_heading_that_gave_it_up(client, db):
    first = services.category_create(name="Billing")
    services.category_update(category=first, name="Payments")
    second = services.category_create(name="Billing")  # "billing" is live again, another category
    assert client.get("/categories/billing/").status_code == 200
    services.category_update(category=second, name="Invoices")
    assert client.get("/categories/billing/")["Location"] == "/categories/invoices/"
    assert FormerSlug.objects.get(slug="billing").category == second


def test_a_slug_never_used_is_still_a_404(client, db):
    services.category_create(name="Billing")
    assert client.get("/categories/nothing/").status_code == 404
    assert client.get("/community/topics/nothing/").status_code == 404


def test_a_slug_changed_in_the_admin_keeps_the_old_url(admin_client, client, db):
    category = services.category_create(name="Billing")
    change = reverse("admin:articles_category_change", args=[category.pk])
    response = admin_client.post(change, {"name": "Billing", "slug": "money", "description": "", "position": 0,
                                          "locale": "en", "translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Category.objects.get(pk=category.pk).slug == "money"
    assert client.get("/categories/billing/")["Location"] == "/categories/money/"
