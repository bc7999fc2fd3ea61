"""Community posts keep the language they are written in: chosen on the form (the page's
language preselected), stored, shown with its ``lang``, and offered only in it."""

import re

from django.urls import reverse
from django.utils import translation

from articles.models import Follow, Post


def _url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def test_the_question_form_preselects_the_pages_language(client, customer, topic):
    client.force_login(customer)
    html = client.get(_url("articles:post_create", "es", slug=topic.slug)).content.decode()
    assert re.search(r'<option value="es"[^>]*selected', html)
    assert "Español" in html and "Deutsch" in html and "English" in html


def test_a_question_asked_on_a_spanish_page_is_spanish_and_so_is_its_askers_follow(client, customer, topic):
    client.force_login(customer)
    response = client.post(_url("articles:post_create", "es", slug=topic.slug),
                           {"title": "¿Cómo cancelo mi plan?", "body": "No encuentro el botón.", "language": "es"})
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.locale == "es"
    assert Follow.objects.get(user=customer, post=post).locale == "es"


def test_the_asker_may_choose_another_language(client, customer, topic):
    client.force_login(customer)
    client.post(_url("articles:post_create", "es", slug=topic.slug),
                {"title": "Rechnung fehlt", "body": "Wo finde ich sie?", "language": "de"})
    assert Post.objects.get().locale == "de"


def test_an_unserved_language_is_a_form_error_and_nothing_is_posted(client, customer, topic):
    client.force_login(customer)
    response = client.post(_url("articles:post_create", "en", slug=topic.slug),
                           {"title": "Question", "body": "Details", "language": "fr"})
    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert not Post.objects.exists()


def test_a_posts_page_offers_only_its_own_language_and_marks_its_text(client, make_post):
    post = make_post()
    Post.objects.filter(pk=post.pk).update(locale="es")
    page = client.get(post.get_absolute_url())
    assert page.context["page_translations"] == {"es": _url("articles:post", "es", pk=post.pk, slug=post.slug)}
    html = page.content.decode()
    assert f'<h1 id="post-title" lang="es">{post.title}</h1>' in html
    assert 'hreflang="de"' not in html.split("</head>")[0]
