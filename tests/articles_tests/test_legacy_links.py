"""Old Zendesk Guide links of an imported help center answer 301 to the imported page."""

import pytest

from articles import services
from articles.models import Article, Category, Post, Section, Topic


@pytest.fixture
def imported(agent, customer):
    category = services.category_create(name="Getting started")
    section = services.section_create(category=category, name="Accounts")
    article = services.article_create(author=agent, section=section, title="Reset your password", body="Go.",
                                      draft=False, external_id="360001")
    draft = services.article_create(author=agent, section=section, title="Secret plans", body="Soon.",
                                    external_id="360002")
    topic = services.topic_create(name="Ideas")
    post = services.post_create(author=customer, topic=topic, title="Dark mode", body="Please.")
    for model, row, zid in ((Category, category, "11"), (Section, section, "22"), (Topic, topic, "44"),
                            (Post, post, "55")):
        model.objects.filter(pk=row.pk).update(external_id=zid)
    return {"article": article, "draft": draft, "category": category, "section": section, "topic": topic,
            "post": post}


@pytest.mark.parametrize(("path", "target"), [
    ("/hc/en-us/articles/360001", "article"),
    ("/hc/en-us/articles/360001-Reset-your-password", "article"),
    ("/hc/articles/360001-Reset-your-password/", "article"),
    ("/hc/de/articles/360001", "article"),
    ("/hc/en-us/sections/22-Accounts", "section"),
    ("/hc/en-us/categories/11", "category"),
    ("/hc/en-us/community/posts/55-Dark-mode", "post"),
    ("/hc/en-us/community/topics/44-Ideas", "topic"),
])
def test_old_links_answer_301_to_the_imported_page(client, imported, path, target):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == imported[target].get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("path", [
    "/hc/en-us/articles/999",
    "/hc/en-us/articles/0",
    "/hc/en-us/articles/" + "9" * 40,
    "/hc/en-us/articles/9223372036854775808-too-big",
    "/hc/en-us/sections/360001",  # an article's id is not a section's
    "/hc/en-us/community/posts/11",
])
def test_unknown_or_impossible_ids_are_404(client, imported, path):
    assert client.get(path).status_code == 404


def test_a_draft_is_found_by_agents_only(client, imported, agent):
    # Its URL carries its title: customers must not learn it from the redirect.
    assert client.get("/hc/en-us/articles/360002").status_code == 404
    client.force_login(agent)
    response = client.get("/hc/en-us/articles/360002")
    assert response.status_code == 301 and response["Location"] == imported["draft"].get_absolute_url()


def test_the_old_home_answers_301_to_the_home_page(client, db):
    for path in ("/hc", "/hc/", "/hc/en-us", "/hc/en-us/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (301, "/")


def test_a_redirect_costs_one_query(client, imported, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/hc/en-us/articles/360001").status_code == 301
    assert Article.objects.count() == 2
