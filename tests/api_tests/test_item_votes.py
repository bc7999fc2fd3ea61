"""Zendesk's votes on community posts and on comments (articles' and posts'), stored as
kb's up and down votes: list, up, down, the vote JSON and the totals on posts and comments."""

import pytest

from articles import services
from articles.models import ItemVote

API = "/api/v2/help_center"
COMMUNITY = "/api/v2/community"


@pytest.fixture
def things(make_article, make_post, customer):
    article, post = make_article(), make_post()
    return {
        "article": article, "post": post,
        "article_comment": services.comment_create(author=customer, target=article, body="Thanks"),
        "post_comment": services.comment_create(author=customer, target=post, body="Same here"),
    }


def _vote_paths(things):
    a, p = things["article"].pk, things["post"].pk
    return {
        "post": (f"{COMMUNITY}/posts/{p}", things["post"], "Post"),
        "article_comment": (f"{API}/articles/{a}/comments/{things['article_comment'].pk}",
                            things["article_comment"], "Comment"),
        "post_comment": (f"{COMMUNITY}/posts/{p}/comments/{things['post_comment'].pk}",
                         things["post_comment"], "Comment"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["post", "article_comment", "post_comment"])
def test_a_reader_votes_up_then_down_and_lists_their_vote(client, things, other_customer, basic_auth, kind):
    base, item, item_type = _vote_paths(things)[kind]
    headers = basic_auth(other_customer)

    up = client.post(f"{base}/up.json", **headers)
    assert up.status_code == 201
    vote = up.json()["vote"]
    assert (vote["user_id"], vote["value"], vote["item_id"], vote["item_type"]) == (
        other_customer.pk, 1, item.pk, item_type)
    assert vote["url"] == f"http://testserver{base}/votes.json".replace(f"{API}/", f"{API}/en-us/")
    assert vote["created_at"].endswith("Z") and vote["updated_at"].endswith("Z")

    down = client.post(f"{base}/down.json", **headers).json()["vote"]
    assert (down["id"], down["value"]) == (vote["id"], -1)  # the same vote, changed
    listed = client.get(f"{base}/votes.json", **headers).json()
    assert [(v["id"], v["value"]) for v in listed["votes"]] == [(vote["id"], -1)]
    item.refresh_from_db()
    assert (item.vote_sum, item.vote_count) == (-1, 1)


@pytest.mark.django_db
def test_vote_totals_show_on_post_and_comment_json(client, things, customer, other_customer, basic_auth):
    post, comment = things["post"], things["post_comment"]
    for user in (customer, other_customer):
        services.item_vote_set(user=user, item=post, value=1)
    services.item_vote_set(user=other_customer, item=comment, value=-1)

    shown = client.get(f"{COMMUNITY}/posts/{post.pk}.json").json()["post"]
    comments = client.get(f"{COMMUNITY}/posts/{post.pk}/comments.json").json()["comments"]

    assert (shown["vote_sum"], shown["vote_count"]) == (2, 2)
    assert [(c["vote_sum"], c["vote_count"]) for c in comments] == [(-1, 1)]


@pytest.mark.django_db
def test_readers_list_their_own_votes_agents_everyones(client, things, customer, other_customer, agent, basic_auth):
    post = things["post"]
    services.item_vote_set(user=customer, item=post, value=1)
    services.item_vote_set(user=other_customer, item=post, value=-1)
    url = f"{COMMUNITY}/posts/{post.pk}/votes.json"

    assert [v["user_id"] for v in client.get(url, **basic_auth(customer)).json()["votes"]] == [customer.pk]
    assert client.get(url, **basic_auth(agent)).json()["count"] == 2
    assert client.get(url).json()["votes"] == []  # anonymous: no votes of their own


@pytest.mark.django_db
def test_voting_needs_sign_in_and_the_right_method(client, things, customer, basic_auth):
    for base, _item, _type in _vote_paths(things).values():
        assert client.post(f"{base}/up.json").status_code == 401
        assert client.get(f"{base}/up.json", **basic_auth(customer)).status_code == 405
        assert client.post(f"{base}/votes.json", **basic_auth(customer)).status_code == 405
    assert not ItemVote.objects.exists()


@pytest.mark.django_db
def test_votes_of_a_missing_or_hidden_thing_are_not_found(client, make_article, customer, agent, basic_auth):
    article = make_article()
    comment = services.comment_create(author=customer, target=article, body="Hi")
    services.article_update(article=article, draft=True)

    assert client.get(f"{COMMUNITY}/posts/999/votes.json").status_code == 404
    assert client.get(f"{API}/articles/{article.pk}/comments/{comment.pk}/votes.json").status_code == 404
    assert client.post(f"{API}/articles/{article.pk}/comments/{comment.pk}/up.json",
                       **basic_auth(customer)).status_code == 404
    # Agents see the draft's comment, but a draft takes no votes.
    assert client.post(f"{API}/articles/{article.pk}/comments/{comment.pk}/up.json",
                       **basic_auth(agent)).status_code == 403
    assert not ItemVote.objects.exists()


@pytest.mark.django_db
def test_a_comment_is_found_only_under_its_own_post(client, things, make_post, customer, basic_auth):
    other = make_post(title="Another question")
    url = f"{COMMUNITY}/posts/{other.pk}/comments/{things['post_comment'].pk}/up.json"
    assert client.post(url, **basic_auth(customer)).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_zenpy_votes_on_posts_and_comments(zendesk, customer, other_customer, make_post, make_article):
    post, article = make_post(), make_article()
    post_comment = services.comment_create(author=customer, target=post, body="Same here")
    article_comment = services.comment_create(author=customer, target=article, body="Thanks")
    client = zendesk(other_customer)

    up = client.help_center.posts.vote_up(post.pk)
    client.help_center.posts.comments.vote_comment_down(post.pk, post_comment.pk)
    client.help_center.articles.vote_comment_up(article.pk, article_comment.pk)

    assert (up.value, up.item_id, up.item_type) == (1, post.pk, "Post")
    assert [(v.user_id, v.value) for v in client.help_center.posts.votes(post.pk)] == [(other_customer.pk, 1)]
    assert [v.value for v in client.help_center.posts.comments.comment_votes(post.pk, post_comment.pk)] == [-1]
    assert [v.item_id for v in client.help_center.articles.comment_votes(article.pk, article_comment.pk)] == [
        article_comment.pk]
    assert client.help_center.posts(id=post.pk).vote_sum == 1
