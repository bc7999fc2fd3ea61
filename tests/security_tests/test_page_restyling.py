"""Issue 13: what visitors write must not restyle the page for every other reader.

A customer's ``<div class="modal d-block">`` was a full-screen Bootstrap overlay served
from the page cache to every anonymous reader; a heading id could take over
``#comment-form``; an image could make every reader's browser hit tracked URLs.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import services
from articles.models import Comment

MODAL = (
    '<div class="modal d-block bg-white" style="z-index:9999">Your session expired. '
    '<a href="https://evil.example/login">Sign in again</a></div>'
)


def test_a_customers_modal_overlay_renders_as_text_on_the_cached_page(client, make_article, customer):
    article = make_article()
    services.comment_create(author=customer, target=article, body=MODAL)
    for _ in range(2):  # a miss, then the page cache's copy
        page = client.get(article.get_absolute_url()).content.decode()
        assert "<div class=\"modal" not in page and "modal d-block" in page  # as text
        assert "Sign in again" in page


def test_an_agents_comment_keeps_markup_but_not_the_classes(make_article, agent):
    comment = services.comment_create(author=agent, target=make_article(), body=MODAL)
    assert comment.body_html.startswith("<div>")
    assert "modal" not in comment.body_html and "style" not in comment.body_html


def test_a_heading_in_a_comment_cannot_take_the_comment_form_anchor(client, make_article, customer):
    article = make_article()
    services.comment_create(author=customer, target=article, body="# Comment form\n\n## x\n{: #comment-form }")
    client.force_login(customer)
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('id="comment-form"') == 1  # the real form's


def test_a_post_image_pointing_at_search_is_dropped_and_an_upload_kept(make_post):
    post = make_post(body="![q](/search/?q=cancel) ![click](/search/click/9/) ![ok](/media/uploads/a1.png)")
    assert "/search/" not in post.body_html
    assert 'src="/media/uploads/a1.png"' in post.body_html
    assert "q" in post.body_html and "click" in post.body_html


@pytest.mark.parametrize("body", [
    "# Title\n\n```python\nx = 1\n```\n\n| a | b |\n|:-|-:|\n| 1 | 2 |",
    '<div class="modal">x</div> <span class="badge">y</span>\n\n![i](/media/uploads/z.png) ![j](/search/?q=x)',
])
def test_the_editor_preview_equals_what_saving_an_article_stores(client, agent, make_article, body):
    client.force_login(agent)
    preview = client.post(reverse("articles:markdownx_markdownify"), {"content": body}).content.decode()
    assert preview == make_article(body=body).body_html


def test_rerender_markdown_turns_stored_customer_html_into_text_and_keeps_it(make_article, customer, agent):
    article = make_article()
    by_customer = services.comment_create(author=customer, target=article, body=MODAL)
    by_agent = services.comment_create(author=agent, target=article, body="# Steps")
    # As stored by the renderer before issue 13.
    Comment.objects.filter(pk=by_customer.pk).update(body_html=MODAL)
    Comment.objects.filter(pk=by_agent.pk).update(body_html='<h1 id="steps">Steps</h1>')

    call_command("rerender_markdown")

    by_customer.refresh_from_db()
    by_agent.refresh_from_db()
    assert "<div" not in by_customer.body_html and "Sign in again" in by_customer.body_html
    assert by_customer.body == MODAL
    assert by_agent.body_html == '<h1 id="h-steps">Steps</h1>'


def test_rerender_markdown_dry_run_writes_nothing(make_article, customer, capsys):
    comment = services.comment_create(author=customer, target=make_article(), body=MODAL)
    Comment.objects.filter(pk=comment.pk).update(body_html=MODAL)
    call_command("rerender_markdown", "--dry-run")
    comment.refresh_from_db()
    assert comment.body_html == MODAL
    assert "Comment: 1 would change" in capsys.readouterr().out


def test_an_agent_editing_a_customers_post_does_not_make_its_html_markup(make_post, agent):
    post = make_post(body="Question")
    services.post_update(post=post, by=agent, body=MODAL)
    assert "<div" not in post.body_html and "Sign in again" in post.body_html
