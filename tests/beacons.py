"""What the pages' scripts do after load, for tests: read the event token a page carries and
post it to its beacon, as static/js/search.js and static/js/cancel_flow.js do."""

import html
import re

from django.urls import reverse


def page_attribute(response, name: str) -> str:
    """The value of attribute ``name`` in a page ("" when absent), read from the HTML as a
    browser would (cached pages have no template context)."""
    match = re.search(rf'{name}="([^"]*)"', response.content.decode())
    return html.unescape(match.group(1)) if match else ""


def log_search(client, page, **extra):
    """search.js: post the page's search token; the beacon's response."""
    return client.post(reverse("search:log"), {"token": page_attribute(page, "data-search-log-token")}, **extra)


def logged_search(client, page) -> str:
    """Post the search page's token; the reference its click beacons send."""
    response = log_search(client, page)
    assert response.status_code == 200, response.content
    return response.json()["log"]


def flow_event(client, page, *, link=None, **extra):
    """cancel_flow.js: post the page's token (with a link's id when one is followed)."""
    data = {"token": page_attribute(page, "data-event-token")}
    if link is not None:
        data["link"] = link
    return client.post(reverse("tickets:cancel_flow_event"), data, **extra)
