"""What kb does not have — follows of topics — answered the documented way: an empty list,
a 422 naming why on writes, 404 for one record; never stored anywhere. And a user's own
votes on articles. (Votes on posts and comments are real: test_item_votes.py.)"""

import pytest
from zenpy.lib.api_objects.help_centre_objects import Subscription as ZSubscription
from zenpy.lib.exception import APIException

from articles import services
from articles.models import Follow

API = "/api/v2/help_center"
COMMUNITY = "/api/v2/community"


@pytest.mark.django_db
def test_topic_subscriptions_are_empty_and_subscribing_is_a_422(client, topic, customer, basic_auth):
    headers = basic_auth(customer)
    url = f"{COMMUNITY}/topics/{topic.pk}/subscriptions.json"

    assert client.get(url).json()["subscriptions"] == []
    response = client.post(url, {"subscription": {"source_locale": "en-us"}}, content_type="application/json",
                           **headers)
    assert response.status_code == 422
    assert "not topics" in response.json()["details"]["base"][0]["description"]
    assert client.get(f"{COMMUNITY}/topics/{topic.pk}/subscriptions/1.json").status_code == 404
    assert client.delete(f"{COMMUNITY}/topics/{topic.pk}/subscriptions/1.json", **headers).status_code == 404
    assert client.get(f"{COMMUNITY}/topics/999/subscriptions.json").status_code == 404
    assert not Follow.objects.exists()


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
def test_zenpy_reports_the_422_of_a_topic_subscription(zendesk, customer, topic):
    client = zendesk(customer)

    with pytest.raises(APIException, match="not topics"):
        client.help_center.topics.create_subscription(topic.pk, ZSubscription(source_locale="en-us"))
    assert list(client.help_center.topics.subscriptions(topic.pk)) == []
