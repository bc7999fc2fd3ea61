"""Community topics, posts and comments, article comments, votes and subscriptions
through the Django test client: who may do what, and query counts."""

import pytest

from articles import services
from articles.models import Comment, EmailFollow, Follow, Post, Topic

pytestmark = pytest.mark.django_db

HC = "/api/v2/help_center"
COMMUNITY = "/api/v2/community"


def _json(client, method, url, body=None, **headers):
    return getattr(client, method)(url, body, content_type="application/json", **headers)


def test_anonymous_callers_must_sign_in_to_post_comment_vote_or_subscribe(client, make_article, topic, make_post):
    article, post = make_article(), make_post()

    attempts = [
        _json(client, "post", f"{COMMUNITY}/posts.json", {"post": {"title": "Hi", "topic_id": topic.pk}}),
        _json(client, "post", f"{COMMUNITY}/posts/{post.pk}/comments.json", {"comment": {"body": "Hi"}}),
        _json(client, "post", f"{HC}/articles/{article.pk}/comments.json", {"comment": {"body": "Hi"}}),
        _json(client, "post", f"{HC}/articles/{article.pk}/up.json", {}),
        _json(client, "post", f"{HC}/articles/{article.pk}/subscriptions.json", {"subscription": {}}),
    ]

    assert [r.status_code for r in attempts] == [401] * 5
    assert Comment.objects.count() == 0 and Post.objects.count() == 1


def test_customers_neither_manage_topics_nor_moderate_posts(client, customer, basic_auth, make_post):
    post = make_post()
    headers = basic_auth(customer)

    topic = _json(client, "post", f"{COMMUNITY}/topics.json", {"topic": {"name": "Mine"}}, **headers)
    edit = _json(client, "put", f"{COMMUNITY}/posts/{post.pk}.json", {"post": {"title": "Edited"}}, **headers)
    delete = client.delete(f"{COMMUNITY}/posts/{post.pk}.json", **headers)

    assert (topic.status_code, edit.status_code, delete.status_code) == (403, 403, 403)
    assert Topic.objects.count() == 1 and Post.objects.get().title == post.title


def test_a_comment_is_changed_by_its_author_or_an_agent_only(client, customer, other_customer, agent, basic_auth,
                                                            make_article):
    article = make_article()
    comment = services.comment_create(author=customer, target=article, body="First")
    url = f"{HC}/articles/{article.pk}/comments/{comment.pk}.json"

    other = _json(client, "put", url, {"comment": {"body": "Hijacked"}}, **basic_auth(other_customer))
    own = _json(client, "put", url, {"comment": {"body": "Edited"}}, **basic_auth(customer))
    removed = client.delete(url, **basic_auth(agent))

    assert other.status_code == 403
    assert own.status_code == 200 and own.json()["comment"]["body"] == "<p>Edited</p>"
    assert removed.status_code == 204 and not Comment.objects.exists()


def test_drafts_take_no_comments_votes_or_subscriptions_from_readers(client, customer, basic_auth, make_article):
    draft = make_article(draft=True)
    headers = basic_auth(customer)

    responses = [
        _json(client, "post", f"{HC}/articles/{draft.pk}/comments.json", {"comment": {"body": "Hi"}}, **headers),
        _json(client, "post", f"{HC}/articles/{draft.pk}/up.json", {}, **headers),
        _json(client, "post", f"{HC}/articles/{draft.pk}/subscriptions.json", {"subscription": {}}, **headers),
        client.get(f"{HC}/articles/{draft.pk}/comments.json"),
    ]

    assert [r.status_code for r in responses] == [404] * 4


def test_readers_see_only_their_own_votes_and_subscriptions_agents_all(client, customer, other_customer, agent,
                                                                       basic_auth, make_section):
    section = make_section()
    services.follow_set(user=customer, target=section, following=True)
    services.follow_set(user=other_customer, target=section, following=True)
    url = f"{HC}/sections/{section.pk}/subscriptions.json"

    own = client.get(url, **basic_auth(customer)).json()["subscriptions"]
    everyone = client.get(url, **basic_auth(agent)).json()["subscriptions"]
    theirs = Follow.objects.get(user=other_customer)
    refused = client.delete(f"{HC}/sections/{section.pk}/subscriptions/{theirs.pk}.json", **basic_auth(customer))

    assert [s["user_id"] for s in own] == [customer.pk]
    assert sorted(s["user_id"] for s in everyone) == sorted([customer.pk, other_customer.pk])
    assert refused.status_code == 404
    assert Follow.objects.count() == 2


def test_subscribing_twice_keeps_one_follow(client, customer, basic_auth, make_post):
    post = make_post(author=customer)  # the asker already follows their question
    url = f"{COMMUNITY}/posts/{post.pk}/subscriptions.json"

    again = _json(client, "post", url, {"subscription": {"source_locale": "en-us"}}, **basic_auth(customer))

    assert again.status_code == 200
    assert Follow.objects.filter(post=post).count() == 1


def test_a_topic_with_posts_is_not_deleted(client, agent, basic_auth, make_post, topic):
    make_post()

    response = client.delete(f"{COMMUNITY}/topics/{topic.pk}.json", **basic_auth(agent))

    assert response.status_code == 422
    assert Topic.objects.filter(pk=topic.pk).exists()


@pytest.mark.parametrize("url", [f"{COMMUNITY}/posts.json?page[size]=10", f"{COMMUNITY}/posts.json?per_page=10",
                                 "comments"])
def test_post_and_comment_pages_cost_the_same_queries_for_1_or_10_rows(
        client, make_post, customer, django_assert_num_queries, steady_clock, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = make_post()
    if url == "comments":
        url = f"{COMMUNITY}/posts/{first.pk}/comments.json?page[size]=10"
        services.comment_create(author=customer, target=first, body="One")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(9):
        make_post(title=f"Question {n}")
        services.comment_create(author=customer, target=first, body=f"More {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        body = client.get(url).json()
    assert len(body.get("posts", body.get("comments"))) == 10


def test_users_are_shown_to_signed_in_callers_with_addresses_kept_private(client, customer, other_customer, agent,
                                                                         basic_auth):
    url = f"/api/v2/users/{other_customer.pk}.json"

    anonymous = client.get(url)
    seen_by_customer = client.get(url, **basic_auth(customer)).json()["user"]
    seen_by_agent = client.get(url, **basic_auth(agent)).json()["user"]
    me = client.get("/api/v2/users/me.json", **basic_auth(customer)).json()["user"]

    assert anonymous.status_code == 401
    assert (seen_by_customer["id"], seen_by_customer["email"], seen_by_customer["role"]) == (
        other_customer.pk, None, "end-user")
    assert seen_by_agent["email"] == other_customer.email
    assert (me["id"], me["email"]) == (customer.pk, customer.email)


def test_a_moderator_with_the_admins_permission_deletes_a_post(client, admin_user, basic_auth, make_post, customer):
    post = make_post()
    services.comment_create(author=customer, target=post, body="A reply")

    response = client.delete(f"{COMMUNITY}/posts/{post.pk}.json", **basic_auth(admin_user))

    assert response.status_code == 204
    assert not Post.objects.exists() and not Comment.objects.exists()


def test_topic_subscriptions_are_the_topics_follows(client, topic, customer, other_customer, agent, basic_auth):
    url = f"{COMMUNITY}/topics/{topic.pk}/subscriptions.json"
    services.follow_set(user=other_customer, target=topic, following=True)
    EmailFollow.objects.create(email="dana@example.org", topic=topic, confirmed_at=topic_follow_time())

    created = _json(client, "post", url, {"subscription": {"source_locale": "en-us"}}, **basic_auth(customer))
    again = _json(client, "post", url, {"subscription": {"source_locale": "en-us"}}, **basic_auth(customer))

    assert (created.status_code, again.status_code) == (201, 200)
    subscription = created.json()["subscription"]
    follow = Follow.objects.get(user=customer, topic=topic)
    assert subscription["id"] == follow.pk
    assert (subscription["content_type"], subscription["content_id"], subscription["user_id"]) == (
        "Topic", topic.pk, customer.pk)
    assert subscription["url"] == f"http://testserver{COMMUNITY}/topics/{topic.pk}/subscriptions/{follow.pk}.json"
    assert client.get(subscription["url"], **basic_auth(customer)).json()["subscription"]["id"] == follow.pk
    own = client.get(url, **basic_auth(customer)).json()["subscriptions"]
    everyone = client.get(url, **basic_auth(agent)).json()["subscriptions"]
    assert [s["user_id"] for s in own] == [customer.pk]
    assert sorted(s["user_id"] for s in everyone) == sorted([customer.pk, other_customer.pk])
    # Counted as the topic page counts: signed-in and confirmed email followers.
    assert client.get(f"{COMMUNITY}/topics/{topic.pk}.json").json()["topic"]["follower_count"] == 3

    theirs = Follow.objects.get(user=other_customer, topic=topic)
    assert client.delete(f"{COMMUNITY}/topics/{topic.pk}/subscriptions/{theirs.pk}.json",
                         **basic_auth(customer)).status_code == 404
    assert client.delete(f"{COMMUNITY}/topics/{topic.pk}/subscriptions/{theirs.pk}.json",
                         **basic_auth(agent)).status_code == 403  # only the subscriber ends it
    assert client.delete(subscription["url"], **basic_auth(customer)).status_code == 204
    assert not Follow.objects.filter(user=customer, topic=topic).exists()
    assert Follow.objects.filter(user=other_customer, topic=topic).exists()


def test_topic_subscriptions_need_a_sign_in_and_an_existing_topic(client, topic, customer, basic_auth):
    url = f"{COMMUNITY}/topics/{topic.pk}/subscriptions.json"

    assert _json(client, "post", url, {"subscription": {}}).status_code == 401
    assert client.get(url).json()["subscriptions"] == []  # anonymous callers have none of their own
    assert client.get(f"{COMMUNITY}/topics/999/subscriptions.json").status_code == 404
    assert _json(client, "post", f"{COMMUNITY}/topics/999/subscriptions.json", {"subscription": {}},
                 **basic_auth(customer)).status_code == 404
    assert client.get(f"{COMMUNITY}/topics/{topic.pk}/subscriptions/999.json",
                      **basic_auth(customer)).status_code == 404
    assert client.put(url, **basic_auth(customer)).status_code == 405
    assert not Follow.objects.filter(topic=topic).exists()


def test_a_post_created_through_the_api_tells_topic_subscribers_unless_told_not_to(
        client, topic, customer, other_customer, basic_auth):
    from articles.models import NotificationEvent

    services.follow_set(user=other_customer, target=topic, following=True)
    quiet = _json(client, "post", f"{COMMUNITY}/posts.json",
                  {"post": {"title": "Imported", "details": "Old", "topic_id": topic.pk}, "notify_subscribers": False},
                  **basic_auth(customer))
    loud = _json(client, "post", f"{COMMUNITY}/posts.json",
                 {"post": {"title": "New question", "details": "New", "topic_id": topic.pk}}, **basic_auth(customer))

    assert (quiet.status_code, loud.status_code) == (201, 201)
    assert list(NotificationEvent.objects.values_list("kind", "post_id")) == [
        ("post_published", loud.json()["post"]["id"])]


def test_topic_subscription_lists_cost_the_same_queries_for_2_or_12(client, topic, agent, make_user, basic_auth,
                                                                  django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"{COMMUNITY}/topics/{topic.pk}/subscriptions.json"
    headers = basic_auth(agent)
    for n in range(2):
        services.follow_set(user=make_user(f"fan{n}"), target=topic, following=True)
    with CaptureQueriesContext(connection) as few:
        client.get(url, **headers)
    for n in range(2, 12):
        services.follow_set(user=make_user(f"fan{n}"), target=topic, following=True)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url, **headers).json()["count"] == 12


def topic_follow_time():
    from django.utils import timezone

    return timezone.now()


def test_a_posts_follower_count_is_the_one_its_page_shows(client, make_post):
    post = make_post()  # the asker follows it
    EmailFollow.objects.create(email="dana@example.org", post=post, confirmed_at=topic_follow_time())
    EmailFollow.objects.create(email="pending@example.org", post=post)  # not confirmed: not counted

    assert client.get(f"{COMMUNITY}/posts/{post.pk}.json").json()["post"]["follower_count"] == 2
    assert "2 followers" in client.get(post.get_absolute_url()).content.decode()
