"""Page links of the request list and the agent queue: the one pagination include keeps
every other GET parameter, encoded."""

import html as html_lib
import re

from django.urls import reverse

from tickets.models import Ticket

QUEUE = reverse("tickets:agent_queue")
MINE = reverse("tickets:request_list")


def _seed(count, **fields):
    Ticket.objects.bulk_create(
        Ticket(reference=f"LUM-P{n:07d}", source="request_form", requester_email=f"r{n}@example.com",
               subject=f"Request {n}", **fields) for n in range(count))


def _nav(response, label):
    body = response.content.decode()
    return re.search(rf'<nav class="mt-3" aria-label="{label}">(.*?)</nav>', body, re.DOTALL).group(1)


def _hrefs(nav):
    return [html_lib.unescape(href) for href in re.findall(r'href="([^"]*)"', nav)]


def test_queue_page_links_keep_filters_with_special_characters_encoded(client, agent):
    _seed(60)
    client.force_login(agent)
    response = client.get(QUEUE, {"status": "a&b", "team": "x y", "priority": "50%"})
    assert response.status_code == 200
    nav = _nav(response, "Queue pages")
    next_link = QUEUE + "?status=a%26b&team=x+y&priority=50%25&page=2"
    assert _hrefs(nav) == [next_link, next_link]  # page 2 and "Next"
    assert "status=a&b" not in html_lib.unescape(nav)
    assert nav.count('aria-current="page"') == 1

    second = client.get(next_link)
    assert second.context["page"].number == 2 and second.context["filters"]["status"] == "a&b"
    # Back to page 1: its one URL, without ?page=, the filters kept.
    assert _hrefs(_nav(second, "Queue pages"))[0] == QUEUE + "?status=a%26b&team=x+y&priority=50%25"


def test_my_requests_page_links_keep_other_parameters_encoded(client, customer):
    _seed(51, requester=customer)
    client.force_login(customer)
    response = client.get(MINE, {"q": "refund & return"})
    nav = _nav(response, "Request pages")
    assert MINE + "?q=refund+%26+return&page=2" in _hrefs(nav)
    assert "Page 1 of 2" in nav


def test_one_page_of_requests_has_no_page_navigation(client, customer):
    _seed(3, requester=customer)
    client.force_login(customer)
    assert 'aria-label="Request pages"' not in client.get(MINE).content.decode()
