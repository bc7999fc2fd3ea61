"""A user's own votes on articles (``users/{id}/votes.json``). Votes on posts and comments
are in test_item_votes.py; topic subscriptions in test_community.py and test_zenpy.py."""

import pytest

from articles import services

API = "/api/v2/help_center"


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
