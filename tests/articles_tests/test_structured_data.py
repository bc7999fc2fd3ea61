"""JSON-LD (schema.org) and Open Graph / Twitter card tags on article and post pages,
checked against the properties schema.org and Google's rich results require."""

import json
import re
from datetime import datetime
from html.parser import HTMLParser

import pytest

from articles import services

ROOT = "http://testserver"


class Head(HTMLParser):
    """The JSON-LD blocks, meta tags and canonical link of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ld, self.meta, self.canonical = [], [], None
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.ld.append("")
        elif tag == "meta" and ("property" in a or "name" in a):
            self.meta.append((a.get("property") or a.get("name"), a.get("content")))
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.ld[-1] += data


def head_of(client, url) -> Head:
    response = client.get(url)
    assert response.status_code == 200
    head = Head()
    head.feed(response.content.decode())
    return head


def graph(head: Head) -> dict[str, dict]:
    """The page's one JSON-LD block, by @type."""
    assert len(head.ld) == 1
    data = json.loads(head.ld[0])
    items = data if isinstance(data, list) else [data]
    assert all(item["@context"] == "https://schema.org" for item in items)
    return {item["@type"]: item for item in items}


def is_date(value) -> bool:
    return isinstance(datetime.fromisoformat(value), datetime)


def check_person(value):
    assert value["@type"] in ("Person", "Organization") and value["name"]


def check_answer(answer):
    # Google's Answer: text and author required; dates, upvotes and url recommended.
    assert answer["@type"] == "Answer"
    assert answer["text"]
    check_person(answer["author"])
    assert is_date(answer["datePublished"]) and is_date(answer["dateCreated"])
    assert isinstance(answer["upvoteCount"], int)
    assert answer["url"].startswith(ROOT)


def test_article_page_has_article_and_breadcrumb_list(client, make_article):
    article = make_article(title="Cancel your plan", body="Open **Billing** and choose *Cancel*.")
    head = head_of(client, article.get_absolute_url())
    canonical = ROOT + article.get_absolute_url()
    found = graph(head)
    data = found["Article"]
    assert data["headline"] == "Cancel your plan" and len(data["headline"]) <= 110
    assert data["description"] == "Open Billing and choose Cancel."
    assert is_date(data["datePublished"]) and is_date(data["dateModified"])
    assert data["dateModified"] >= data["datePublished"]
    check_person(data["author"])
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"]
    assert data["inLanguage"] == "en"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}

    crumbs = found["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3, 4]
    assert all(c["@type"] == "ListItem" and c["name"] and c["item"].startswith(ROOT) for c in crumbs)
    assert [c["item"] for c in crumbs] == [ROOT + "/", ROOT + article.section.category.get_absolute_url(),
                                          ROOT + article.section.get_absolute_url(), canonical]
    assert [c["name"] for c in crumbs][1:] == [article.section.category.name, article.section.name, article.title]


def test_a_title_cannot_break_out_of_the_json_ld_block(client, make_article):
    title = '</script><script>alert(1)</script> & <!-- "quotes"'
    article = make_article(title=title, body="Body.")
    html = client.get(article.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)[0]["headline"] == title
    assert "<script>alert(1)" not in html


def test_article_page_has_open_graph_and_twitter_tags(client, make_article):
    article = make_article(title="Cancel your plan", body="Open **Billing**.\n\n" + "Words. " * 100)
    head = head_of(client, article.get_absolute_url())
    meta = dict(head.meta)
    assert meta["og:type"] == "article"
    assert meta["og:title"] == meta["twitter:title"] == "Cancel your plan"
    assert meta["og:description"].startswith("Open Billing. Words.")
    assert "<" not in meta["og:description"] and "**" not in meta["og:description"]
    assert len(meta["og:description"]) <= 200
    assert meta["og:url"] == head.canonical == ROOT + article.get_absolute_url()
    assert meta["og:locale"] == "en_US"
    assert meta["twitter:card"] == "summary"
    assert meta["og:site_name"]


@pytest.fixture
def question(make_post, agent, other_customer):
    post = make_post(title="How do I cancel?", body="I want to **cancel**.")
    services.comment_create(author=other_customer, target=post, body="Same question here.")
    official = services.comment_create(author=agent, target=post, body="Open **Billing** and choose Cancel.")
    services.comment_set_official(comment=official, by=agent, official=True)
    services.item_vote_set(user=other_customer, item=official, value=1)
    return post, official


def test_post_page_is_a_qa_page_with_the_official_comment_as_accepted_answer(client, question, customer):
    post, official = question
    found = graph(head_of(client, post.get_absolute_url()))
    page = found["QAPage"]
    q = page["mainEntity"]
    # Google's Question: name, answerCount required; text, author, dates, upvotes recommended.
    assert q["@type"] == "Question"
    assert q["name"] == "How do I cancel?"
    assert q["text"] == "I want to cancel."
    assert q["answerCount"] == 2
    assert is_date(q["dateCreated"]) and is_date(q["datePublished"])
    check_person(q["author"])
    assert q["author"]["name"] == customer.get_username()
    assert isinstance(q["upvoteCount"], int)
    check_answer(q["acceptedAnswer"])
    assert q["acceptedAnswer"]["text"] == "Open Billing and choose Cancel."
    assert q["acceptedAnswer"]["upvoteCount"] == 1
    assert q["acceptedAnswer"]["url"].endswith(f"#comment-{official.pk}")
    assert [a["text"] for a in q["suggestedAnswer"]] == ["Same question here."]
    for answer in q["suggestedAnswer"]:
        check_answer(answer)
    assert page["inLanguage"] == post.locale


def test_a_question_without_an_official_answer_has_only_suggested_answers(client, make_post, other_customer):
    post = make_post()
    services.comment_create(author=other_customer, target=post, body="Try Billing.")
    q = graph(head_of(client, post.get_absolute_url()))["QAPage"]["mainEntity"]
    assert "acceptedAnswer" not in q
    assert [a["text"] for a in q["suggestedAnswer"]] == ["Try Billing."]


def test_a_later_page_of_a_thread_lists_its_own_comments(client, question, other_customer):
    post, _official = question
    for n in range(50):
        services.comment_create(author=other_customer, target=post, body=f"Comment {n}")
    q = graph(head_of(client, post.get_absolute_url() + "?page=2"))["QAPage"]["mainEntity"]
    assert q["answerCount"] == 52
    assert "acceptedAnswer" not in q  # official answers lead the thread: on page 1
    assert [a["text"] for a in q["suggestedAnswer"]] == ["Comment 48", "Comment 49"]


def test_post_page_has_open_graph_tags(client, question):
    post, _official = question
    head = head_of(client, post.get_absolute_url())
    meta = dict(head.meta)
    assert meta["og:type"] == "article"
    assert meta["og:title"] == "How do I cancel?"
    assert meta["og:description"] == "I want to cancel."
    assert meta["og:url"] == head.canonical == ROOT + post.get_absolute_url()
    assert meta["og:locale"] == "en_US"


def test_listing_pages_carry_no_structured_data_of_articles_or_posts(client, make_article, topic):
    article = make_article()
    for url in ("/", article.section.get_absolute_url(), topic.get_absolute_url()):
        head = head_of(client, url)
        assert head.ld == [] and not any(name.startswith("og:") for name, _ in head.meta)
        assert head.canonical == ROOT + url
