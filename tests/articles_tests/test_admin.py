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
