"""``kb.http.safe_next``: the one check before following a ``next`` parameter."""

import pytest
from django.test import RequestFactory

from kb.http import safe_next


@pytest.mark.parametrize("candidate, expected", [
    ("/community/", "/community/"),
    ("/articles/1-x/?page=2#comments", "/articles/1-x/?page=2#comments"),
    ("https://testserver/ok/", "https://testserver/ok/"),
    ("https://evil.example/", "/fallback/"),
    ("//evil.example/", "/fallback/"),
    ("javascript:alert(1)", "/fallback/"),
    ("", "/fallback/"),
    ("community", "/fallback/"),  # redirect() would reverse it as a URL name (issue 13)
    ("articles:home", "/fallback/"),
])
def test_next_is_followed_only_when_it_stays_on_this_site(candidate, expected):
    request = RequestFactory().post("/", {"next": candidate})
    assert safe_next(request, "/fallback/") == expected


def test_posted_next_wins_over_the_query_string():
    request = RequestFactory().post("/?next=/from-query/", {"next": "/from-form/"})
    assert safe_next(request, "/fallback/") == "/from-form/"
    assert safe_next(RequestFactory().get("/?next=/from-query/"), "/fallback/") == "/from-query/"


def test_an_http_next_is_refused_on_an_https_request():
    request = RequestFactory().post("/", {"next": "http://testserver/x/"}, secure=True)
    assert safe_next(request, "/fallback/") == "/fallback/"
