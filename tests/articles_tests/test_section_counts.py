"""Section.published_count: the stored number of published articles each section holds,
kept by the services through every publish, unpublish, move, delete and import, and shown
on the home page and the section page."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import selectors, services
from articles.importing import import_lines
from articles.models import Article, Section

from .migrations import at_migration
from .pages import text


def counts(*sections) -> list[int]:
    return [Section.objects.get(pk=section.pk).published_count for section in sections]


def actual_counts() -> dict[int, int]:
    return {section.pk: section.articles.filter(draft=False).count() for section in Section.objects.all()}


def stored_counts() -> dict[int, int]:
    return dict(Section.objects.values_list("pk", "published_count"))


def test_creating_counts_published_articles_only(make_section, make_article):
    section = make_section()
    make_article(title="Live", section=section)
    make_article(title="Draft", section=section, draft=True)
    assert counts(section) == [1]


def test_publishing_unpublishing_moving_and_deleting_follow_the_article(make_section, make_article, agent):
    billing, security = make_section(), make_section()
    article = make_article(section=billing, draft=True)
    assert counts(billing, security) == [0, 0]

    services.article_update(article=article, draft=False, by=agent)
    assert counts(billing, security) == [1, 0]
    services.article_update(article=article, title="Renamed", by=agent)  # no change of place
    assert counts(billing, security) == [1, 0]
    services.article_update(article=article, section=security, by=agent)
    assert counts(billing, security) == [0, 1]
    services.article_update(article=article, draft=True, by=agent)
    assert counts(billing, security) == [0, 0]
    services.article_update(article=article, section=billing, by=agent)  # a draft moving counts nowhere
    assert counts(billing, security) == [0, 0]
    services.article_update(article=article, section=security, draft=False, by=agent)  # both at once
    assert counts(billing, security) == [0, 1]

    services.article_delete(article=article)
    assert counts(billing, security) == [0, 0]
    assert not Article.objects.filter(pk=article.pk).exists()


def test_deleting_a_draft_leaves_the_count_alone(make_section, make_article):
    section = make_section()
    make_article(section=section)
    draft = make_article(title="Draft", section=section, draft=True)
    services.article_delete(article=draft)
    assert counts(section) == [1]


def test_an_update_from_an_instance_already_changed_counts_from_the_stored_row(make_section, make_article):
    """The admin hands article_update an instance its form has already changed: the old
    place is read from the database, not from the instance."""
    billing, security = make_section(), make_section()
    article = make_article(section=billing, draft=True)
    article.draft, article.section = False, security  # what ModelForm.save(commit=False) does
    services.article_update(article=article)
    assert counts(billing, security) == [0, 1]


def test_a_stale_copy_of_an_update_does_not_count_twice(make_section, make_article):
    """Two editors publish the same draft from copies loaded before either saved."""
    section = make_section()
    article = make_article(section=section, draft=True)
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    services.article_update(article=first, draft=False)
    services.article_update(article=second, draft=False)
    assert counts(section) == [1]


def test_the_admin_publishes_and_moves_with_the_counts(client, make_user, make_section, make_article):
    superuser = make_user("root_rita", is_staff=True, is_superuser=True)
    billing, security = make_section(), make_section()
    article = make_article(section=billing, draft=True)
    client.force_login(superuser)
    form = {"section": security.pk, "title": article.title, "body": article.body, "author": article.author_id,
            "position": 0, "external_id": "", "labels": [],  # no "draft": the box is unticked, so published
            "translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0}  # the translations inline, empty
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert counts(billing, security) == [0, 1]


def test_saving_a_section_loaded_earlier_keeps_articles_published_since(make_section, make_article):
    section = make_section()
    stale = Section.objects.get(pk=section.pk)  # published_count 0
    make_article(section=section)
    stale.name = "Renamed"
    stale.save()
    section.refresh_from_db()
    assert (section.name, section.published_count) == ("Renamed", 1)


def test_importing_counts_new_moved_and_unpublished_articles(agent, make_section):
    lines = [
        json.dumps({"title": "Export", "body": "x", "section": "Reports", "external_id": "a"}),
        json.dumps({"title": "Import", "body": "x", "section": "Reports", "external_id": "b"}),
        json.dumps({"title": "Later", "body": "x", "section": "Reports", "external_id": "c", "draft": True}),
    ]
    assert import_lines(lines, author=agent).failures == []
    reports = Section.objects.get(name="Reports")
    assert counts(reports) == [2]

    again = [
        json.dumps({"title": "Export", "body": "x", "section": "Billing", "external_id": "a"}),  # moved
        json.dumps({"title": "Import", "body": "x", "section": "Reports", "external_id": "b", "draft": True}),
        json.dumps({"title": "Later", "body": "x", "section": "Reports", "external_id": "c"}),  # published
    ]
    assert import_lines(again, author=agent).failures == []
    assert counts(reports, Section.objects.get(name="Billing")) == [1, 1]


def test_a_dry_run_import_leaves_the_counts_as_they_were(agent):
    lines = [json.dumps({"title": "Export", "body": "x", "section": "Reports"})]
    import_lines(lines, author=agent)
    import_lines(lines, author=agent, dry_run=True)
    assert counts(Section.objects.get(name="Reports")) == [1]


def test_the_demo_loader_leaves_every_count_equal_to_the_rows(db):
    call_command("load_demo", stdout=io.StringIO())
    assert stored_counts() == actual_counts()
    assert sum(stored_counts().values()) > 20


def test_recount_repairs_counts_after_writes_that_bypass_the_services(make_section, make_article, agent):
    billing, security = make_section(), make_section()
    make_article(section=billing)
    Article.objects.bulk_create([
        Article(section=security, title=f"Bulk {n}", slug=f"bulk-{n}", body="x", body_html="<p>x</p>",
                author=agent, draft=False)
        for n in range(3)
    ])
    Article.objects.filter(section=billing).update(draft=True)
    assert counts(billing, security) == [1, 0]  # bulk writes do not count
    assert services.section_published_counts_recount() == 2
    assert counts(billing, security) == [0, 3]
    assert services.section_published_counts_recount() == 0


def test_home_and_section_pages_show_the_stored_count(client, make_section, make_article, agent):
    section = make_section(name="Billing and plans")
    for n in range(3):
        make_article(title=f"Guide {n}", section=section)
    make_article(title="Unreleased", section=section, draft=True)
    assert "Billing and plans (3)" in text(client.get(reverse("articles:home")))
    assert "3 articles" in text(client.get(section.get_absolute_url()))
    client.force_login(agent)  # agents see drafts, and count them
    assert "4 articles" in text(client.get(section.get_absolute_url()))


def test_home_counts_come_with_the_sections_in_one_query(make_section, make_article, django_assert_num_queries):
    section = make_section()
    make_article(section=section)
    make_article(title="Second", section=section)
    with django_assert_num_queries(2):  # categories, then their sections
        found = [s for category in selectors.home_categories() for s in category.sections.all()]
    assert [s.published_count for s in found] == [2]


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_articles_already_there(make_user):
    """Upgrading fills published_count from the rows, so no section reads 0 afterwards."""
    with at_migration("articles", "0004_published_listing_index") as old:
        Category, OldSection, OldArticle = (old.get_model("articles", name) for name in ("Category", "Section", "Article"))
        author = make_user("writer")
        category = Category.objects.create(name="C", slug="c")
        full, empty = (OldSection.objects.create(category=category, name=name, slug=name) for name in ("full", "empty"))
        for n, draft in enumerate([False, False, True]):
            OldArticle.objects.create(section=full, title=f"A{n}", slug=f"a{n}", body="x", author_id=author.pk,
                                      draft=draft)
    assert counts(full, empty) == [2, 0]
