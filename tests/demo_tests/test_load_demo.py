"""``manage.py load_demo``: the Lumora demo help center, loaded safely on every start."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.urls import resolve as resolve_in_active_language
from django.utils import translation

import demo.articles as demo
from articles import services
from articles.models import (
    Article,
    ArticleTranslation,
    Category,
    Comment,
    Follow,
    Label,
    Post,
    Section,
    Topic,
    Vote,
)
from demo.management.commands import load_demo as load_demo_command
from kb.permissions import is_agent

pytestmark = pytest.mark.django_db

DEMO_MODELS = [
    get_user_model(),
    Category,
    Section,
    Topic,
    Label,
    Article,
    Post,
    Comment,
    Follow,
    Vote,
]


def run_load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict:
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


def cancel_post() -> Post:
    return Post.objects.get(topic__slug="partners-team", slug="how-do-i-cancel-my-account")


def resolve(path):
    """``path`` resolved in the language its prefix names (/es/... in Spanish), as the
    middleware does for a visitor."""
    with translation.override(translation.get_language_from_path(path) or "en"):
        return resolve_in_active_language(path)


def test_load_demo_builds_categories_sections_and_thirty_published_articles():
    output = run_load_demo()

    assert Category.objects.count() >= 4
    assert Section.objects.count() >= 8
    assert Article.objects.published().count() >= 30
    assert Topic.objects.count() >= 3
    assert "Demo help center: created" in output
    # Every section has something to read.
    assert not Section.objects.filter(articles__isnull=True).exists()


def test_load_demo_promotes_some_articles_labels_them_and_keeps_a_few_drafts():
    run_load_demo()

    assert Article.objects.filter(promoted=True, draft=False).count() >= 4
    assert 1 <= Article.objects.filter(draft=True).count() <= 3
    assert {"billing", "cancel", "security", "beginner", "api"} <= set(
        Label.objects.values_list("slug", flat=True)
    )


def test_cancel_article_gives_steps_for_each_plan():
    run_load_demo()

    article = Article.objects.get(external_id="demo-cancel-account")
    assert article.title == "How do I cancel my account?"
    assert not article.draft and article.promoted
    assert {"billing", "cancel"} <= set(article.labels.values_list("slug", flat=True))
    for fact in ["Lumora Complete", "Close my account completely", "Lumora Pages Premium",
                 "Select this plan", "Lumora Pages Free", "(555) 013-2400"]:  # fmt: skip
        assert fact in article.body_html
    assert Article.objects.filter(title="How do I stop being billed?", draft=False).exists()


def test_cancel_post_has_one_official_agent_answer_and_two_followers():
    run_load_demo()

    post = cancel_post()
    assert post.title == "How do I cancel my account?"
    assert post.author.username == "customer"
    assert post.topic.name == "Partners Team"
    assert post.comments.count() == 1
    assert post.follows.count() == 2

    answer = post.comments.get()
    assert answer.is_official
    assert answer.author.username == "agent"
    assert answer.official_marked_by.username == "agent"
    for fact in ["Lumora Complete", "Close my account completely", "signed out automatically",
                 "Lumora Pages Premium", "Select this plan", "export your data",
                 "Business Solution Advisors", "(555) 013-2400, option 1", "chat",
                 "https://lumora.example/videos/", "https://lumora.example/legal/terms"]:  # fmt: skip
        assert fact in answer.body_html, fact
    assert post.get_absolute_url() == f"/community/posts/{post.pk}-how-do-i-cancel-my-account/"


def test_other_posts_mix_official_and_community_comments():
    run_load_demo()

    others = Post.objects.exclude(pk=cancel_post().pk)
    assert others.count() >= 3
    assert Comment.objects.filter(post__in=others, is_official=True).exists()
    assert Comment.objects.filter(post__in=others, is_official=False).exists()


def test_demo_accounts_sign_in_with_the_documented_password(client):
    run_load_demo()
    User = get_user_model()

    for username in ["agent", "customer", "customer2"]:
        assert client.login(username=username, password="kb-demo-2026"), username
        client.logout()

    agent = User.objects.get(username="agent")
    assert is_agent(agent) and agent.is_staff and not agent.is_superuser
    assert agent.email == "agent@lumora.example"
    customer = User.objects.get(username="customer")
    assert not is_agent(customer) and not customer.is_staff
    assert customer.email == "customer@lumora.example"
    # Community members only author posts and votes.
    assert not User.objects.get(username="maya.lindqvist").has_usable_password()


def test_votes_and_follows_make_counts_look_alive():
    run_load_demo()

    assert (
        Vote.objects.filter(helpful=True).count() > Vote.objects.filter(helpful=False).count() > 0
    )
    assert not Vote.objects.filter(article__draft=True).exists()
    # Posts and comments have scores too, kept in their stored totals.
    assert Post.objects.filter(vote_count__gt=0).exists() and Comment.objects.filter(vote_count__gt=0).exists()
    assert services.item_vote_totals_recount() == 0
    assert Follow.objects.filter(section__isnull=False).exists()
    assert Follow.objects.filter(article__isnull=False).exists()


def test_links_between_demo_pages_point_at_published_objects():
    run_load_demo()

    bodies = [a.body_html for a in Article.objects.all()]
    bodies += [p.body_html for p in Post.objects.all()]
    bodies += [c.body_html for c in Comment.objects.all()]
    bodies += [t.body_html for t in ArticleTranslation.objects.all()]
    paths = {path for html in bodies for path in re.findall(r'href="(/[^"]*)"', html)}
    assert paths, "the demo content links between its pages"
    for path in paths:
        match = resolve(path)
        if match.url_name == "article":
            # The source's address, or a published translation's (links written in Spanish
            # or German lead to the article in that language).
            slug = match.kwargs["slug"]
            assert Article.objects.published().filter(
                Q(slug=slug) | Q(translations__slug=slug, translations__draft=False), pk=match.kwargs["pk"],
            ).exists(), path
        elif match.url_name == "section":
            assert Section.objects.filter(**match.kwargs).exists(), path
        elif match.namespace == "tickets":
            # The cancel answers point at the office-hours cancel flow.
            assert match.url_name == "cancel_flow", path
        else:
            assert match.url_name == "topic" and Topic.objects.filter(**match.kwargs).exists(), path
    assert not any('href="#"' in html or "article:" in html for html in bodies)


def test_running_twice_creates_nothing_new():
    run_load_demo()
    before = row_counts()
    last_change = max(Article.objects.values_list("updated_at", flat=True))

    output = run_load_demo()

    assert row_counts() == before
    assert max(Article.objects.values_list("updated_at", flat=True)) == last_change
    assert "already loaded, nothing to create" in output
    assert demo.load() == {}


def test_rerun_keeps_edits_and_unfollows_but_restores_a_deleted_article():
    run_load_demo()
    customer = get_user_model().objects.get(username="customer")
    section = Section.objects.get(slug="billing-and-plans")
    services.follow_set(user=customer, target=section, following=False)
    refund = Article.objects.get(external_id="demo-refund-policy")
    services.article_update(article=refund, title="Refunds")
    Article.objects.get(external_id="demo-glossary").delete()

    created = demo.load()

    assert created["articles"] == 1
    assert set(created) <= {"articles", "votes"}
    assert Article.objects.filter(external_id="demo-glossary").exists()
    assert Article.objects.get(external_id="demo-refund-policy").title == "Refunds"
    assert not Follow.objects.filter(user=customer, section=section).exists()


def test_a_failing_loader_rolls_everything_back(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the second loader fails")

    monkeypatch.setattr(load_demo_command, "LOADERS", [demo.load, broken])

    with pytest.raises(RuntimeError):
        run_load_demo()

    assert not Article.objects.exists()
    assert not get_user_model().objects.filter(username="agent").exists()
