"""Who may write what: every write checks the user on the server and demands CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import services
from articles.models import Article, Comment, Follow, Post, Vote


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def csrf_client(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    return client


def test_writes_without_a_csrf_token_are_refused_and_change_nothing(csrf_client, make_article, make_post, agent):
    article = make_article()
    post = make_post(author=agent)
    comment = services.comment_create(author=agent, target=post, body="answer")
    attempts = [
        (reverse("articles:follow", kwargs={"kind": "article", "pk": article.pk}), {"following": "on"}),
        (reverse("articles:article_vote", kwargs={"pk": article.pk}), {"helpful": "yes"}),
        (reverse("articles:article_comment", kwargs={"pk": article.pk}), {"body": "csrf?"}),
        (reverse("articles:post_comment", kwargs={"pk": post.pk}), {"body": "csrf?"}),
        (reverse("articles:comment_official", kwargs={"pk": comment.pk}), {"official": "on"}),
        (reverse("articles:post_create", kwargs={"slug": post.topic.slug}), {"title": "t", "body": "b"}),
        (reverse("articles:markdownx_markdownify"), {"content": "x"}),
        (reverse("accounts:logout"), {}),
    ]
    for url, data in attempts:
        assert csrf_client.post(url, data).status_code == 403, url
    assert not Follow.objects.filter(article=article).exists()
    assert not Vote.objects.exists()
    assert Comment.objects.count() == 1 and not Comment.objects.filter(is_official=True).exists()
    assert Post.objects.count() == 1


def test_the_same_write_with_the_page_token_succeeds(csrf_client, make_article):
    article = make_article()
    page = csrf_client.get(article.get_absolute_url())
    token = page.context["csrf_token"]
    response = csrf_client.post(reverse("articles:follow", kwargs={"kind": "article", "pk": article.pk}),
                                {"following": "on", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert Follow.objects.filter(article=article).count() == 1


def test_customer_cannot_mark_official_via_post_and_nothing_changes(client, make_post, agent, customer):
    post = make_post()
    comment = services.comment_create(author=agent, target=post, body="answer")
    client.force_login(customer)
    for state in ("on", "off"):
        assert client.post(reverse("articles:comment_official", kwargs={"pk": comment.pk}),
                           {"official": state}).status_code == 403
    comment.refresh_from_db()
    assert not comment.is_official and comment.official_marked_by is None


def test_customer_gets_403_on_agent_pages_and_endpoints(client, customer, make_article):
    article = make_article()
    client.force_login(customer)
    assert client.get(reverse("articles:agent_article_create")).status_code == 403
    assert client.get(reverse("articles:agent_article_edit", kwargs={"pk": article.pk})).status_code == 403
    assert client.post(reverse("articles:markdownx_markdownify"), {"content": "x"}).status_code == 403
    assert client.post(reverse("articles:markdownx_upload")).status_code == 403
    assert Article.objects.count() == 1


def test_anonymous_gets_403_on_markdownx_endpoints(client, db):
    assert client.post(reverse("articles:markdownx_markdownify"), {"content": "x"}).status_code == 403
    assert client.post(reverse("articles:markdownx_upload")).status_code == 403


def test_markdownx_stock_endpoints_are_not_mounted(client, db):
    # markdownx's own views need no login; only our agent-only ones exist.
    assert client.post("/markdownx/markdownify/", {"content": "x"}).status_code == 404
    assert client.post("/markdownx/upload/").status_code == 404


def test_customers_never_reach_drafts(client, customer, make_article):
    draft = make_article(title="Hidden roadmap", draft=True)
    client.force_login(customer)
    assert client.get(draft.get_absolute_url()).status_code == 404
    for url in [reverse("articles:home"), draft.section.get_absolute_url(),
                draft.section.category.get_absolute_url(), reverse("articles:following")]:
        assert "Hidden roadmap" not in client.get(url).content.decode(), url
    assert client.post(reverse("articles:follow", kwargs={"kind": "article", "pk": draft.pk}),
                       {"following": "on"}).status_code == 404
    assert not Follow.objects.exists()


def test_customer_cannot_use_the_admin(client, customer):
    client.force_login(customer)
    response = client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 302 and "/admin/login/" in response.url
