"""The Django admin edits articles through the same services as the site."""

import pytest
from django.urls import reverse

from articles.models import Article

from .pages import html


@pytest.fixture
def superuser(make_user):
    return make_user("root_rita", is_staff=True, is_superuser=True)


def _article_form(section, author, **overrides):
    data = {
        "section": section.pk, "title": "Admin written", "body": "Hello **admin** <script>x</script>",
        "author": author.pk, "draft": "on", "position": 0, "external_id": "", "labels": [],
        # the translations inline's management form (no translation rows)
        "translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_add_page_uses_our_agent_markdownx_endpoints(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    body = html(response)
    assert f'data-markdownx-urls-path="{reverse("articles:markdownx_markdownify")}"' in body
    assert f'data-markdownx-upload-urls-path="{reverse("articles:markdownx_upload")}"' in body


def test_admin_adds_an_article_rendered_by_the_one_renderer(client, superuser, make_section):
    section = make_section()
    client.force_login(superuser)
    response = client.post(reverse("admin:articles_article_add"), _article_form(section, superuser))
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.title == "Admin written" and article.slug == "admin-written"
    assert "<strong>admin</strong>" in article.body_html and "<script" not in article.body_html
    assert article.draft


def test_admin_changes_an_article_and_rerenders_it(client, superuser, make_article):
    article = make_article(title="Before", label_names=["billing"])
    client.force_login(superuser)
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _article_form(article.section, article.author, title="After", body="*new*",
                                               draft=None, labels=[label.pk for label in article.labels.all()]))
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.title == "After" and article.slug == "after"
    assert "<em>new</em>" in article.body_html and not article.draft
    assert [label.name for label in article.labels.all()] == ["billing"]


def test_admin_reports_a_bracket_bomb_as_a_form_error(client, superuser, make_section):
    section = make_section()
    client.force_login(superuser)
    response = client.post(reverse("admin:articles_article_add"), _article_form(section, superuser, body="[" * 5000))
    assert response.status_code == 200
    assert "too many brackets" in html(response)
    assert not Article.objects.exists()


def test_admin_deletes_keep_the_section_count(client, superuser, make_article, make_section):
    from articles.models import Section

    section = make_section()
    one, two, three = (make_article(title=f"Tip {n}", section=section) for n in range(3))
    client.force_login(superuser)
    response = client.post(reverse("admin:articles_article_delete", args=[one.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert Section.objects.get(pk=section.pk).published_count == 2
    response = client.post(reverse("admin:articles_article_changelist"),
                           {"action": "delete_selected", "_selected_action": [two.pk, three.pk],
                            "post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(section=section).exists()
    assert Section.objects.get(pk=section.pk).published_count == 0


# --- community posts ------------------------------------------------------------------


def test_admin_edits_a_post_through_the_service_page_and_search_follow(
    client, superuser, make_post, other_customer, whoosh_index, django_capture_on_commit_callbacks
):
    """An edit in the admin re-renders the post, re-indexes it, and keeps its author."""
    from search.index import index_rebuild

    post = make_post(title="Cannot sign in", body="The login page says no.")
    author = post.author
    index_rebuild()
    client.force_login(superuser)
    url = reverse("admin:articles_post_change", args=[post.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {
            "topic": post.topic.pk, "title": "Locked out after a password change",
            "body": "Every **passphrase** fails <script>alert(1)</script>",
            "author": other_customer.pk,  # read-only: ignored
        })
    assert response.status_code == 302, response.content.decode()[:3000]
    post.refresh_from_db()
    assert post.author == author
    assert post.slug == "locked-out-after-a-password-change"
    assert "<strong>passphrase</strong>" in post.body_html and "<script" not in post.body_html

    page = client.get(post.get_absolute_url())
    assert "<strong>passphrase</strong>" in html(page) and "Locked out after a password change" in html(page)
    results = client.get(reverse("search:search"), {"q": "passphrase"})
    assert [item.url for item in results.context["results"].items] == [post.get_absolute_url()]
    assert not client.get(reverse("search:search"), {"q": "login page"}).context["results"].items


def test_admin_post_change_form_shows_the_author_read_only(client, superuser, make_post):
    post = make_post()
    client.force_login(superuser)
    body = html(client.get(reverse("admin:articles_post_change", args=[post.pk])))
    assert 'name="author"' not in body and post.author.username in body


def test_admin_refuses_a_post_body_the_renderer_cannot_take(client, superuser, make_post):
    post = make_post()
    client.force_login(superuser)
    response = client.post(reverse("admin:articles_post_change", args=[post.pk]),
                           {"topic": post.topic.pk, "title": post.title, "body": "[" * 5000})
    assert response.status_code == 200
    assert "too many brackets" in html(response)


def test_post_update_refuses_users_without_the_change_permission(make_post, other_customer):
    from django.core.exceptions import PermissionDenied

    from articles import services

    post = make_post()
    with pytest.raises(PermissionDenied):
        services.post_update(post=post, by=other_customer, body="Rewritten")
