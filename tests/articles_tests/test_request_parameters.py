"""Page numbers and ids typed into article, community and search addresses never crash a
page (issue 13): junk gives page 1 or a 400 from the JSON API, never a 500."""

import pytest
from django.urls import reverse

BAD_NUMBERS = ["99999999999999999999", "²", "-1", "1e3", "\x00", "١٢", "0", "inf", "9" * 400]


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_reading_pages_answer_a_junk_page_number(client, make_article, make_post, value):
    article = make_article()
    post = make_post()
    section = article.section
    for url in (article.get_absolute_url(), post.get_absolute_url(),
                reverse("articles:section", kwargs={"pk": section.pk, "slug": section.slug})):
        assert client.get(url, {"page": value}).status_code in (200, 301, 302)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_search_and_its_api_refuse_junk_numbers_without_crashing(client, db, whoosh_index, value):
    page = client.get(reverse("search:search"), {"q": "reset", "page": value, "section": value, "category": value})
    assert page.status_code < 500
    api = client.get(reverse("search:api_articles"), {"query": "reset", "page": value, "per_page": value})
    assert api.status_code in (200, 400)
    click = client.post(reverse("search:click"), {"log": value, "position": value})
    assert click.status_code < 500
