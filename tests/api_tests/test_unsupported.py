"""What kb does not have — votes on posts and comments — answered the same documented way
on every such endpoint: an empty list, a 422 naming why on writes, 404 for one record;
never stored anywhere. And a user's own votes on articles. (Topic subscriptions are real:
kb's topic follows, tested in test_community.py and test_zenpy.py.)"""

import pytest
from zenpy.lib.exception import APIException

from articles import services
from articles.models import Vote

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
    return [f"{COMMUNITY}/posts/{p}", f"{API}/articles/{a}/comments/{things['article_comment'].pk}",
            f"{COMMUNITY}/posts/{p}/comments/{things['post_comment'].pk}"]


@pytest.mark.django_db
def test_votes_on_posts_and_comments_are_an_empty_list_and_voting_a_422(client, things, customer, basic_auth):
    headers = basic_auth(customer)
    for base in _vote_paths(things):
        listed = client.get(f"{base}/votes.json", **headers)
        assert listed.status_code == 200, base
        assert (listed.json()["votes"], listed.json()["count"]) == ([], 0)
        for action in ("up", "down"):
            response = client.post(f"{base}/{action}.json", **headers)
            assert response.status_code == 422, base
            assert response.json()["error"] == "RecordInvalid"
            assert "votes on articles only" in response.json()["details"]["base"][0]["description"]
        assert client.post(f"{base}/up.json").status_code == 401
        assert client.get(f"{base}/up.json", **headers).status_code == 405
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_votes_of_a_missing_or_hidden_thing_are_not_found(client, make_article, customer, basic_auth):
    draft = make_article(draft=True)
    comment = services.comment_create(author=customer, target=make_article(), body="Hi")

    assert client.get(f"{COMMUNITY}/posts/999/votes.json").status_code == 404
    assert client.get(f"{API}/articles/{draft.pk}/comments/{comment.pk}/votes.json").status_code == 404
    assert client.post(f"{API}/articles/{comment.article_id}/comments/999/up.json",
                       **basic_auth(customer)).status_code == 404


@pytest.mark.django_db
def test_a_user_lists_their_own_article_votes_and_agents_anyones(client, make_article, customer, other_customer,
                                                                 agent, basic_auth):
    article = make_article()
    services.vote_set(user=customer, article=article, helpful=True)
    url = f"{API}/users/{customer.pk}/votes.json"

    own = client.get(url, **basic_auth(customer)).json()["votes"]

    assert [(v["item_id"], v["value"]) for v in own] == [(article.pk, 1)]
    assert client.get(url, **basic_auth(agent)).json()["count"] == 1
    assert client.get(url, **basic_auth(other_customer)).status_code == 403
    assert client.get(url).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_zenpy_reports_the_422_of_a_post_vote(zendesk, customer, make_post):
    post = make_post()
    client = zendesk(customer)

    assert list(client.help_center.posts.votes(post.pk)) == []
    with pytest.raises(APIException, match="votes on articles only"):
        client.help_center.posts.vote_up(post.pk)
