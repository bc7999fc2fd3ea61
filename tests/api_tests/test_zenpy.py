"""zenpy 2.0.57, unchanged, against kb's live server: what a team's existing Zendesk
scripts do, end to end (reads, writes with a token, both pagination styles to the end,
search with filters, the incremental export to end_of_stream)."""

from datetime import timedelta

import pytest
from django.core import mail
from zenpy.lib.api_objects.help_centre_objects import Article as ZArticle
from zenpy.lib.api_objects.help_centre_objects import Category as ZCategory
from zenpy.lib.api_objects.help_centre_objects import Label as ZLabel
from zenpy.lib.api_objects.help_centre_objects import Section as ZSection
from zenpy.lib.exception import APIException, RecordNotFoundException

from articles import services
from articles.models import Article, NotificationEvent, Section

pytestmark = pytest.mark.django_db(transaction=True)


def test_anonymous_reads_published_categories_sections_and_articles(zendesk, make_article, make_section):
    section = make_section()
    published = make_article(title="Reset your password", section=section)
    make_article(title="Unfinished draft", section=section, draft=True)
    client = zendesk()

    assert [c.name for c in client.help_center.categories()] == [section.category.name]
    assert [s.id for s in client.help_center.categories.sections(section.category_id)] == [section.pk]
    assert [a.title for a in client.help_center.articles()] == ["Reset your password"]
    article = client.help_center.articles(id=published.pk)
    assert (article.title, article.section_id, article.locale, article.draft) == (
        "Reset your password", section.pk, "en-us", False)
    assert "<p>" in article.body
    assert [a.id for a in client.help_center.sections.articles(section.pk)] == [published.pk]
    assert [a.id for a in client.help_center.categories.articles(section.category_id)] == [published.pk]


def test_a_draft_is_not_found_for_anonymous_callers_but_agents_see_it(zendesk, make_article, agent):
    draft = make_article(title="Unfinished draft", draft=True)

    with pytest.raises(RecordNotFoundException):
        zendesk().help_center.articles(id=draft.pk)
    assert zendesk(agent).help_center.articles(id=draft.pk).draft is True


def test_cursor_pagination_runs_to_the_last_page(zendesk, make_article, make_section):
    section = make_section()
    ids = [make_article(title=f"Article {n}", section=section, position=n).pk for n in range(5)]

    # zenpy asks for page[size]=2 and follows links.next while meta.has_more.
    found = [a.id for a in zendesk().help_center.articles(cursor_pagination=2)]

    assert found == ids


def test_offset_pagination_runs_to_the_last_page(zendesk, make_article, make_section):
    section = make_section()
    ids = [make_article(title=f"Article {n:02}", section=section, position=n).pk for n in range(32)]

    # Without cursor_pagination zenpy pages by offset (30 a page, next_page until null).
    found = [a.id for a in zendesk().help_center.articles(cursor_pagination=False)]

    assert found == ids


def test_an_agent_creates_updates_labels_and_archives_through_zenpy(zendesk, agent, customer):
    client = zendesk(agent)

    category = client.help_center.categories.create(ZCategory(name="Billing", description="Money"))
    section = client.help_center.sections.create(ZSection(name="Refunds", category_id=category.id))
    services.follow_set(user=customer, target=Section.objects.get(pk=section.id), following=True)
    article = client.help_center.articles.create(
        section=section.id,
        article=ZArticle(title="Getting a refund", body="<p>Ask within <b>30 days</b>.</p>", locale="en-us",
                         label_names=["refunds"], user_segment_id=None, permission_group_id=1),
        notify_subscribers=True)

    stored = Article.objects.get(pk=article.id)
    assert (stored.title, stored.section_id, stored.draft, stored.author) == ("Getting a refund", section.id, False, agent)
    assert "<b>30 days</b>" in stored.body_html
    assert article.label_names == ["refunds"]

    article.title = "Getting a refund (30 days)"
    article.promoted = True
    updated = client.help_center.articles.update(article)
    assert (updated.title, updated.promoted) == ("Getting a refund (30 days)", True)

    label = client.help_center.labels.create(article.id, ZLabel(name="money"))
    assert sorted(x.name for x in client.help_center.articles.labels(article.id)) == ["money", "refunds"]
    client.help_center.labels.delete(article.id, label)
    assert [x.name for x in client.help_center.articles.labels(article.id)] == ["refunds"]

    client.help_center.articles.archive(updated)
    assert Article.objects.get(pk=article.id).draft is True
    with pytest.raises(RecordNotFoundException):
        zendesk().help_center.articles(id=article.id)
    # notify_subscribers (Zendesk's default): the section's followers hear of the new article.
    assert NotificationEvent.objects.filter(kind=NotificationEvent.Kind.ARTICLE_PUBLISHED, article_id=article.id).exists()


def test_notify_subscribers_false_tells_no_follower(zendesk, agent, customer, make_section):
    section = make_section()
    services.follow_set(user=customer, target=section, following=True)

    zendesk(agent).help_center.articles.create(
        section=section.pk, article=ZArticle(title="Quiet change", body="Nothing to see", locale="en-us"),
        notify_subscribers=False)

    assert not NotificationEvent.objects.exists()
    assert mail.outbox == []


def test_customers_cannot_write_and_anonymous_callers_must_sign_in(zendesk, customer, make_section):
    section = make_section()

    with pytest.raises(APIException) as refused:
        zendesk(customer).help_center.categories.create(ZCategory(name="Mine"))
    assert refused.value.response.status_code == 403
    with pytest.raises(APIException) as anonymous:
        zendesk().help_center.articles.create(section=section.pk, article=ZArticle(title="x", locale="en-us"))
    assert anonymous.value.response.status_code == 401


def test_bearer_tokens_sign_in_as_oauth_tokens_do(live_server, monkeypatch, make_token, agent, make_article):
    from zenpy import Zenpy

    draft = make_article(draft=True)
    monkeypatch.setenv("ZENPY_FORCE_NETLOC", live_server.url.split("://", 1)[1])
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")

    client = Zenpy(subdomain="kb", oauth_token=make_token(agent))

    assert client.help_center.articles(id=draft.pk).id == draft.pk
    client.users.session.close()


def test_incremental_export_runs_to_end_of_stream(zendesk, agent, make_article):
    from django.utils import timezone

    long_ago = timezone.now() - timedelta(days=2)
    ids = []
    for n in range(5):
        article = make_article(title=f"Article {n}")
        # Changed two days ago, one second apart (zenpy stops at pages newer than 5 minutes).
        Article.objects.filter(pk=article.pk).update(updated_at=long_ago + timedelta(seconds=n // 2))
        ids.append(article.pk)

    exported = list(zendesk(agent).help_center.articles.incremental(start_time=long_ago - timedelta(hours=1),
                                                                     per_page=2))

    assert [a.id for a in exported] == ids


def test_incremental_export_is_for_agents(zendesk, customer):
    with pytest.raises(APIException) as refused:
        list(zendesk(customer).help_center.articles.incremental(start_time=0))
    assert refused.value.response.status_code == 403


def test_search_with_filters_pages_to_the_end(zendesk, whoosh_index, make_article, make_section):
    from datetime import datetime

    from search.index import index_rebuild

    section = make_section()
    wanted = [make_article(title=f"Billing question {n}", body="About billing.", section=section,
                           label_names=["money"]).pk for n in range(3)]
    make_article(title="Billing without the label", body="About billing.", section=section)
    index_rebuild()
    client = zendesk()

    found = client.help_center.articles.search(query="billing", label_names=["money"], section=section.pk,
                                               created_after=datetime(2000, 1, 1), sort_by="created_at",
                                               sort_order="asc", per_page=1)

    # zenpy follows next_page one result at a time; it has no call for community_posts
    # search (tests/api_tests/test_search.py covers that endpoint).
    assert [a.id for a in found] == wanted


def test_community_topics_posts_and_comments_through_zenpy(zendesk, agent, customer, other_customer):
    from zenpy.lib.api_objects.help_centre_objects import Comment as ZComment
    from zenpy.lib.api_objects.help_centre_objects import Post as ZPost
    from zenpy.lib.api_objects.help_centre_objects import Topic as ZTopic

    from articles.models import Comment, Post

    topic = zendesk(agent).help_center.topics.create(ZTopic(name="Integrations", description="Plug-ins"))
    asker = zendesk(customer)
    post = asker.help_center.posts.create(ZPost(title="Export to a spreadsheet?", details="How?", topic_id=topic.id))
    comment = zendesk(other_customer).help_center.posts.comments.create(post.id, ZComment(body="Use *Export*."))

    assert Post.objects.get(pk=post.id).author == customer
    assert Comment.objects.get(pk=comment.id).post_id == post.id
    assert [p.id for p in zendesk().help_center.topics.posts(topic.id)] == [post.id]
    assert [p.title for p in zendesk().help_center.posts()] == ["Export to a spreadsheet?"]
    assert [c.body for c in zendesk().help_center.posts.comments(post.id)] == ["<p>Use <em>Export</em>.</p>"]
    with pytest.raises(APIException) as refused:  # only the author or an agent edits a comment
        comment.body = "Changed by someone else"
        asker.help_center.posts.comments.update(post.id, comment)
    assert refused.value.response.status_code == 403
    zendesk(agent).help_center.posts.comments.delete(post.id, comment.id)
    assert not Comment.objects.exists()


def test_article_comments_votes_and_subscriptions_through_zenpy(zendesk, customer, make_article):
    from zenpy.lib.api_objects.help_centre_objects import Comment as ZComment
    from zenpy.lib.api_objects.help_centre_objects import Subscription as ZSubscription

    from articles.models import Follow, Vote

    article = make_article(title="Reset your password")
    client = zendesk(customer)

    comment = client.help_center.comments.create(article.pk, ZComment(body="Worked for me", locale="en-us"))
    vote = client.help_center.articles.vote_up(article.pk)
    client.help_center.articles.vote_down(article.pk)  # a second vote changes the first
    subscription = client.help_center.articles.create_subscription(article.pk, ZSubscription(source_locale="en-us"))

    assert [c.id for c in zendesk().help_center.articles.comments(article.pk)] == [comment.id]
    assert Vote.objects.get(pk=vote.id).helpful is False
    assert [v.value for v in client.help_center.articles.votes(article.pk)] == [-1]
    assert zendesk().help_center.articles(id=article.pk).vote_sum == -1
    assert Follow.objects.filter(user=customer, article=article).exists()
    assert [s.user_id for s in client.help_center.articles.subscriptions(article.pk)] == [customer.pk]
    client.help_center.articles.delete_subscription(article.pk, subscription.id)
    assert not Follow.objects.filter(user=customer, article=article).exists()


def test_topic_subscriptions_through_zenpy(zendesk, customer, other_customer, topic, mailoutbox, settings):
    """A script subscribes someone to a topic: they hear of its next post (not of their own)."""
    from zenpy.lib.api_objects.help_centre_objects import Post as ZPost
    from zenpy.lib.api_objects.help_centre_objects import Subscription as ZSubscription

    from articles.models import Follow

    settings.KB_NOTIFY_BATCH_SECONDS = 0
    client = zendesk(customer)

    subscription = client.help_center.topics.create_subscription(topic.pk, ZSubscription(source_locale="en-us"))

    assert Follow.objects.get(pk=subscription.id).topic_id == topic.pk
    assert [(s.user_id, s.content_id, s.content_type) for s in client.help_center.topics.subscriptions(topic.pk)] == [
        (customer.pk, topic.pk, "Topic")]
    assert zendesk().help_center.topics(id=topic.pk).follower_count == 1
    zendesk(other_customer).help_center.posts.create(ZPost(title="Dark mode?", details="Please", topic_id=topic.pk))
    assert [m.subject for m in mailoutbox if m.to == [customer.email]] == ["New post: Dark mode?"]
    client.help_center.topics.delete_subscription(topic.pk, subscription.id)
    assert not Follow.objects.filter(topic=topic).exists()
    assert list(client.help_center.topics.subscriptions(topic.pk)) == []


def test_an_articles_author_is_read_through_the_users_endpoint(zendesk, customer, agent, make_article):
    article = make_article()

    fetched = zendesk(customer).help_center.articles(id=article.pk)

    assert (fetched.author.id, fetched.author.name, fetched.author.role) == (agent.pk, agent.username, "agent")
    assert fetched.author.email is None  # another user's address stays private


def test_an_article_is_rewritten_through_its_en_us_translation(zendesk, agent, make_article, make_section):
    from zenpy.lib.api_objects.help_centre_objects import Translation

    article = make_article(title="Old title", body="Old body")
    section = make_section("Refunds")
    client = zendesk(agent)

    translations = list(client.help_center.articles.translations(article.pk))
    updated = client.help_center.articles.update_translation(
        article.pk, Translation(locale="en-us", title="New title", body="<p>New body</p>"))
    client.help_center.sections.update_translation(section.pk, Translation(locale="en-us", title="Money back"))

    assert [(t.locale, t.title, t.source_type) for t in translations] == [("en-us", "Old title", "Article")]
    assert updated.title == "New title"
    article.refresh_from_db()
    assert (article.title, article.body) == ("New title", "<p>New body</p>")
    section.refresh_from_db()
    assert section.name == "Money back"
    assert client.help_center.articles.missing_translations(article.pk) == ["es", "de"]
    with pytest.raises(APIException) as refused:  # a language kb does not serve
        client.help_center.articles.create_translation(article.pk, Translation(locale="fr", title="Titre"))
    assert refused.value.response.status_code == 400


def test_translations_round_trip_through_zenpy(zendesk, agent, make_article):
    """A team's translation script: create a Spanish draft, publish it, find the missing
    languages, see it outdated after the source changes, then delete it."""
    from zenpy.lib.api_objects.help_centre_objects import Translation

    article = make_article(title="Cancel your plan", body="Open Billing.")
    client = zendesk(agent)

    created = client.help_center.articles.create_translation(
        article.pk, Translation(locale="es", title="Cancelar su plan", body="<p>Abra Facturación.</p>", draft=True))
    assert (created.locale, created.draft, created.source_id, created.source_type) == (
        "es", True, article.pk, "Article")
    assert created.created_by_id == agent.pk and created.outdated is False
    assert [t.locale for t in zendesk().help_center.articles.translations(article.pk)] == ["en-us"]  # a draft
    published = client.help_center.articles.update_translation(article.pk, Translation(locale="es", draft=False))
    assert (published.title, published.draft) == ("Cancelar su plan", False)
    assert "Facturación" in published.body
    assert client.help_center.articles.missing_translations(article.pk) == ["de"]
    assert sorted(t.locale for t in client.help_center.articles.translations(article.pk)) == ["en-us", "es"]
    services.article_update(article=article, title="Cancel your subscription", by=agent)
    outdated = [t for t in client.help_center.articles.translations(article.pk) if t.locale == "es"]
    assert outdated[0].outdated is True
    client.help_center.articles.delete_translation(created.id)
    assert client.help_center.articles.missing_translations(article.pk) == ["es", "de"]
