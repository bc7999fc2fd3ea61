"""Article.comment_total and Post.comment_total: each thread's stored number of comments,
kept by the services (comments added on the site, edited or deleted in the admin) and shown
on the article, post, topic, section and home pages without counting the thread."""

import pytest
from django.db import connection
from django.urls import reverse

from articles import services
from articles.models import Article, Comment, Post

from .migrations import at_migration
from .pages import html, text


def totals(*targets) -> list[int]:
    return [type(t).objects.get(pk=t.pk).comment_total for t in targets]


def comment(author, target, body="Thanks, that worked."):
    return services.comment_create(author=author, target=target, body=body)


def test_comments_on_the_site_are_counted_per_thread(make_article, make_post, customer, agent):
    article, post, other = make_article(), make_post(), make_post(title="Another question")
    comment(customer, article)
    comment(agent, post)
    comment(customer, post)
    assert totals(article, post, other) == [1, 2, 0]


def test_pages_show_the_stored_total(client, make_article, make_post, customer, topic):
    article, post = make_article(title="Close your account"), make_post(title="Where is my invoice?")
    for n in range(3):
        comment(customer, post, f"Same here ({n})")
    comment(customer, article)
    assert "3 comments" in text(client.get(post.get_absolute_url()))
    assert "1 comment" in text(client.get(article.get_absolute_url()))
    assert "3 comments" in text(client.get(topic.get_absolute_url()))
    assert "3 comments" in text(client.get(reverse("articles:home")))
    assert "1 comment" in text(client.get(article.section.get_absolute_url()))


def test_saving_a_thread_loaded_earlier_keeps_comments_added_since(make_article, make_post, customer, agent):
    article, post = make_article(), make_post()
    stale_article, stale_post = Article.objects.get(pk=article.pk), Post.objects.get(pk=post.pk)
    comment(customer, article)
    comment(customer, post)
    services.article_update(article=stale_article, title="Renamed while someone commented", by=agent)
    stale_post.title = "Renamed too"
    stale_post.save()
    assert totals(article, post) == [1, 1]
    assert Article.objects.get(pk=article.pk).title == "Renamed while someone commented"


def test_deleting_in_the_admin_counts_down(client, make_user, make_post, customer):
    superuser = make_user("root_rita", is_staff=True, is_superuser=True)
    post = make_post()
    first, second, third = (comment(customer, post, f"Comment {n}") for n in range(3))
    client.force_login(superuser)
    response = client.post(reverse("admin:articles_comment_delete", args=[first.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert totals(post) == [2]
    response = client.post(reverse("admin:articles_comment_changelist"), {
        "action": "delete_selected", "_selected_action": [second.pk, third.pk], "post": "yes"})
    assert response.status_code == 302
    assert totals(post) == [0]
    assert not Comment.objects.filter(post=post).exists()


def test_editing_in_the_admin_renders_and_sanitises_the_new_text(client, make_user, make_post, customer):
    superuser = make_user("root_rita", is_staff=True, is_superuser=True)
    post = make_post()
    written = comment(customer, post, "My card number is 4111 1111 1111 1111")
    client.force_login(superuser)
    change = reverse("admin:articles_comment_change", args=[written.pk])
    response = client.post(change, {"body": "**Removed** by a moderator <script>alert(1)</script>"})
    assert response.status_code == 302, html(response)[:2000]
    written.refresh_from_db()
    assert "<strong>Removed</strong>" in written.body_html
    assert "<script" not in written.body_html
    assert "4111" not in text(client.get(post.get_absolute_url()))
    assert totals(post) == [1]
    # The thread, author and official mark are not the admin's to change: the page shows
    # them as text, and the add form does not exist.
    assert 'name="post"' not in html(client.get(change))
    assert client.get(reverse("admin:articles_comment_add")).status_code == 403


def test_recount_repairs_totals_after_writes_that_bypass_the_services(make_article, make_post, customer):
    article, post = make_article(), make_post()
    comment(customer, article)
    Comment.objects.bulk_create([Comment(post=post, author=customer, body=f"Bulk {n}", body_html=f"<p>Bulk {n}</p>")
                                 for n in range(4)])
    Comment.objects.filter(article=article).delete()
    assert totals(article, post) == [1, 0]  # bulk writes do not count
    assert services.comment_totals_recount() == 2
    assert totals(article, post) == [0, 4]
    assert services.comment_totals_recount() == 0


def test_the_post_page_reads_no_count_of_its_thread(client, make_post, customer, django_assert_num_queries):
    """The stored total is read with the post: no COUNT over the thread's comments."""
    post = make_post()
    for n in range(3):
        comment(customer, post, f"Reply {n}")
    client.get(post.get_absolute_url())  # warm the page's own caches (sessions, synonyms...)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(post.get_absolute_url(), HTTP_COOKIE="sessionid=none").status_code == 200
    counting = [q["sql"] for q in queries.captured_queries
                if "COUNT(" in q["sql"].upper() and "articles_comment" in q["sql"]]
    assert counting == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_comments_already_there(make_user):
    """Upgrading fills comment_total from the rows, so no thread reads 0 afterwards."""
    with at_migration("articles", "0006_document_embedding") as old:
        Category, Section, OldArticle, Topic, OldPost, OldComment = (
            old.get_model("articles", name) for name in ("Category", "Section", "Article", "Topic", "Post", "Comment"))
        author = make_user("writer")
        section = Section.objects.create(category=Category.objects.create(name="C", slug="c"), name="S", slug="s")
        article = OldArticle.objects.create(section=section, title="A", slug="a", body="x", author_id=author.pk,
                                            draft=False)
        topic = Topic.objects.create(name="T", slug="t")
        busy, quiet = (OldPost.objects.create(topic=topic, title=t, slug=t, body="x", author_id=author.pk)
                       for t in ("busy", "quiet"))
        for n in range(3):
            OldComment.objects.create(post=busy, author_id=author.pk, body=f"c{n}")
        OldComment.objects.create(article=article, author_id=author.pk, body="c")
    assert (Article.objects.get(pk=article.pk).comment_total, Post.objects.get(pk=busy.pk).comment_total,
            Post.objects.get(pk=quiet.pk).comment_total) == (1, 3, 0)
