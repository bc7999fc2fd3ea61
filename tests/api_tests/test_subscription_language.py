"""A subscription made through the API is in the URL's locale (``en-us``, the only one the
API serves today), not in whatever language is active around the call: the subscriber's
emails then use it."""

import pytest
from django.utils import translation

from articles.models import Follow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v2/help_center", "/api/v2/help_center/en-us"])
def test_an_api_subscription_is_in_the_default_language_whatever_language_is_active(
        client, customer, basic_auth, make_article, path):
    article = make_article()
    with translation.override("de"):
        response = client.post(f"{path}/articles/{article.pk}/subscriptions.json",
                               {"subscription": {"source_locale": "en-us"}}, content_type="application/json",
                               HTTP_ACCEPT_LANGUAGE="de", **basic_auth(customer))
    assert response.status_code == 201
    assert Follow.objects.get(user=customer, article=article).locale == "en"
