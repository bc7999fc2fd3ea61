"""Community topics can be followed like sections: a new post in a followed topic emails
the topic's followers (signed-in and confirmed email ones, never the asker), through the
same digests, with an unsubscribe link; the topic page has the Follow button and its
count, the Following page lists topics, and a topic follow re-renders that topic's page
only."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import EmailFollow, Follow, NotificationEvent, Topic

from .pages import html, text

UNSUBSCRIBE_LINK = re.compile(r"https?://\S+/notifications/unsubscribe/[^/\s]+/")
CONFIRM_LINK = re.compile(r"https?://\S+/notifications/confirm/[^/\s]+/")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_batch_wait(settings):
    settings.KB_NOTIFY_BATCH_SECONDS = 0
    settings.KB_SITE_URL = "http://testserver"


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


def cache_state(response):
    return response.headers.get("X-KB-Page-Cache")


def test_a_new_post_emails_the_topics_followers_but_not_its_asker(
        topic, make_post, make_user, customer, mailoutbox, django_capture_on_commit_callbacks):
    chloe, asker = make_user("chloe"), make_user("asker")
    services.follow_set(user=chloe, target=topic, following=True)
    services.follow_set(user=asker, target=topic, following=True)
    EmailFollow.objects.create(email="dana@example.org", topic=topic, confirmed_at=timezone.now())
    EmailFollow.objects.create(email="pending@example.org", topic=topic)  # never confirmed

    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(author=asker, title="Invoices in euros?", body="Can I get *invoices* in euros?")

    assert sorted(m.to[0] for m in mailoutbox) == ["chloe@example.com", "dana@example.org"]
    for message in mailoutbox:
        assert message.subject == "New post: Invoices in euros?"
        assert "Can I get invoices in euros?" in message.body
        assert f"http://testserver{post.get_absolute_url()}" in message.body
        assert "Stop emails about this topic" in message.body


def test_a_topic_follower_unsubscribes_from_the_topic_by_its_link(
        topic, make_post, make_user, customer, mailoutbox, django_capture_on_commit_callbacks):
    chloe = make_user("chloe")
    services.follow_set(user=chloe, target=topic, following=True)
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post()
    url = path_of(UNSUBSCRIBE_LINK.search(mailoutbox[0].body).group(0))
    client = Client(enforce_csrf_checks=True)
    assert f"“{topic.name}”" in text(client.get(url))
    assert client.post(url).status_code == 200
    assert not Follow.objects.filter(user=chloe, topic=topic).exists()

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_post(title="Another question")
        services.comment_create(author=customer, target=post, body="Anyone?")
    assert mailoutbox == []


def test_posts_created_without_notifying_and_comments_record_no_topic_event(topic, make_user, customer):
    services.follow_set(user=make_user("chloe"), target=topic, following=True)
    services.post_create(author=customer, topic=topic, title="Imported", body="Old question", notify=False)
    post = services.post_create(author=customer, topic=topic, title="New", body="New question")
    services.comment_create(author=customer, target=post, body="A comment")  # only the asker follows the post

    assert list(NotificationEvent.objects.values_list("kind", "post_id")) == [("post_published", post.pk)]


def test_a_post_in_an_unfollowed_topic_records_nothing(topic, make_post, make_user):
    other = Topic.objects.create(name="Billing", slug="billing")
    services.follow_set(user=make_user("chloe"), target=other, following=True)
    make_post()
    assert not NotificationEvent.objects.exists()


def test_the_follow_button_on_the_topic_page_works_without_javascript(client, topic, make_post, other_customer):
    make_post()
    url = reverse("articles:follow", kwargs={"kind": "topic", "pk": topic.pk})
    assert "0 followers" in text(client.get(topic.get_absolute_url()))
    assert url in html(client.get(topic.get_absolute_url()))

    client.force_login(other_customer)
    response = client.post(url, {"following": "on", "next": topic.get_absolute_url()})
    assert response.status_code == 302 and response.url == topic.get_absolute_url()
    page = text(client.get(topic.get_absolute_url()))
    assert "1 follower" in page and "Following" in page
    client.post(url, {"following": "on"})  # a double submit changes nothing
    assert Follow.objects.filter(topic=topic).count() == 1
    client.post(url, {"following": "off"})
    assert not Follow.objects.filter(topic=topic).exists()


def test_following_a_topic_needs_a_csrf_token_and_a_sign_in(topic, other_customer):
    url = reverse("articles:follow", kwargs={"kind": "topic", "pk": topic.pk})
    anonymous = Client()
    assert anonymous.post(url, {"following": "on"}).status_code == 302  # to the sign-in page
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(other_customer)
    assert strict.post(url, {"following": "on"}).status_code == 403
    assert Client().post(reverse("articles:follow", kwargs={"kind": "topic", "pk": 999})).status_code == 404
    assert not Follow.objects.exists()


def test_topic_follow_changes_are_rate_limited(client, topic, other_customer, settings):
    settings.KB_RATE_LIMITS = {"follow.user": "2/h"}
    url = reverse("articles:follow", kwargs={"kind": "topic", "pk": topic.pk})
    client.force_login(other_customer)
    codes = [client.post(url, {"following": state}).status_code for state in ("on", "off", "on")]
    assert codes == [302, 302, 429]
    assert not Follow.objects.filter(topic=topic).exists()


def test_a_visitor_follows_a_topic_by_email_and_is_counted_once_confirmed(
        client, topic, mailoutbox, django_capture_on_commit_callbacks):
    follow_url = reverse("articles:email_follow", kwargs={"kind": "topic", "pk": topic.pk})
    assert follow_url in html(client.get(topic.get_absolute_url()))
    assert "gets a new question" in text(client.get(follow_url))  # the page without JS
    with django_capture_on_commit_callbacks(execute=True):
        client.post(follow_url, {"email": "Dana@Example.org", "website": ""})
    assert "0 followers" in text(client.get(topic.get_absolute_url()))  # pending
    client.post(path_of(CONFIRM_LINK.search(mailoutbox[-1].body).group(0)))
    response = client.get(topic.get_absolute_url())
    assert cache_state(response) == "miss" and "1 follower" in text(response)


def test_the_following_page_lists_a_followed_topic_with_unfollow(client, topic, other_customer):
    services.follow_set(user=other_customer, target=topic, following=True)
    client.force_login(other_customer)
    page = client.get(reverse("articles:following"))
    assert "Community topic" in text(page) and topic.name in text(page)
    assert reverse("articles:follow", kwargs={"kind": "topic", "pk": topic.pk}) in html(page)


def test_a_topic_follow_rerenders_that_topics_page_only(client, topic, make_post, other_customer):
    post = make_post()
    elsewhere = Topic.objects.create(name="Billing", slug="billing")
    pages = ["/", "/community/", topic.get_absolute_url(), elsewhere.get_absolute_url(), post.get_absolute_url()]
    for url in pages:
        client.get(url)
    services.follow_set(user=other_customer, target=topic, following=True)
    states = {url: cache_state(client.get(url)) for url in pages}
    assert states == {"/": "hit", "/community/": "hit", topic.get_absolute_url(): "miss",
                      elsewhere.get_absolute_url(): "hit", post.get_absolute_url(): "hit"}


def test_one_follow_per_person_and_topic_and_one_target_per_follow(topic, make_post, customer):
    post = make_post()  # the asker follows it
    services.follow_set(user=customer, target=topic, following=True)
    assert services.follow_set(user=customer, target=topic, following=True) is False
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=customer, topic=topic)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=customer, topic=topic, post=post)
    EmailFollow.objects.create(email="Dana@example.org", topic=topic)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailFollow.objects.create(email="dana@EXAMPLE.org", topic=topic)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_topic_page_costs_the_same_queries_whatever_its_followers_and_posts(
        client, topic, make_post, make_user, other_customer, django_assert_num_queries, signed_in):
    if signed_in:
        client.force_login(other_customer)
    make_post()

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(topic.get_absolute_url(), {"page": 1}).status_code == 200
        return len(captured)

    few = queries()
    for n in range(5):
        services.follow_set(user=make_user(f"fan{n}"), target=topic, following=True)
        make_post(title=f"Question {n}")
    services.follow_set(user=other_customer, target=topic, following=True)
    with django_assert_num_queries(few):
        response = client.get(topic.get_absolute_url(), {"page": 1})
    assert "6 followers" in text(response)
