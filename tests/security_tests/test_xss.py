"""Cross-site scripting: hostile Markdown/HTML in every user-written field, pushed through
the real services and views, must come out inert on every page that shows it.

Each rendered page is parsed and checked as a whole: no script other than our own static
files, no event-handler or style attributes, no javascript:/data:/vbscript: URLs, no
embedding or styling elements, and no form controls inside user content.
"""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles import services
from articles.models import Comment

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    "[ref][1]\n\n[1]: javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    "<body onload=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<textarea><script>alert(1)</script></textarea>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<details open ontoggle=alert(1)>",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</script>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<video><source onerror=alert(1)></video>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<abbr title="x" onmouseover=alert(1)>x</abbr>',
    '<h2 id="x" onclick=alert(1)>heading</h2>',
    "`<script>alert(1)</script>`",
    "<!--<script>alert(1)//-->",
]

FORBIDDEN_TAGS = {
    "iframe", "object", "embed", "svg", "style", "math", "base", "frame", "frameset", "applet",
    "video", "audio", "source", "noscript",
}  # fmt: skip
FORM_TAGS = {"form", "input", "button", "textarea", "select"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr", "base"}
USER_CONTENT_CLASSES = {"article-body", "comment-body", "post-body"}
# The head's canonical URL, hreflang alternates and feed links point at this site only.
SAME_SITE_LINK_RELS = {"canonical", "alternate"}


def _same_site(href: str) -> bool:
    return (href.startswith("/") and not href.startswith("//")) or href.startswith("http://testserver/")


class PageChecker(HTMLParser):
    """Collects every unsafe construct in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[bool] = []  # per open element: is it user content?

    @property
    def in_user_content(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        # JSON-LD: a data block, never executed; its content is checked in handle_data.
        self.in_data_block = tag == "script" and attributes.get("type") == "application/ld+json"
        if tag == "script" and not self.in_data_block and not (attributes.get("src") or "").startswith("/static/"):
            self.problems.append(f"inline or foreign <script> {attrs}")
        if tag == "script" and self.in_user_content:
            self.problems.append("<script> inside user content")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "link" and not (attributes.get("href") or "").startswith("/static/") and not (
                attributes.get("rel") in SAME_SITE_LINK_RELS and _same_site(attributes.get("href") or "")):
            self.problems.append(f"<link> to {attributes.get('href')}")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append("<meta http-equiv>")
        if tag in FORM_TAGS and self.in_user_content:
            self.problems.append(f"<{tag}> inside user content")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r}")
            if name == "style":
                self.problems.append(f"style attribute {value!r}")
            if name in URL_ATTRIBUTES and value:
                squashed = "".join(ch for ch in value if ch > " ").lower()
                if squashed.startswith(BAD_SCHEMES):
                    self.problems.append(f"{name}={value!r}")
        if tag not in VOID:
            self.stack.append(bool(classes & USER_CONTENT_CLASSES))

    def handle_data(self, data):
        if getattr(self, "in_data_block", False):
            # Had a payload ended the block, the rest would be parsed as tags (and flagged);
            # the block itself must be JSON with no markup character left unescaped.
            if "<" in data or ">" in data:
                self.problems.append("markup inside a JSON-LD block")
            try:
                json.loads(data)
            except ValueError:
                self.problems.append("a JSON-LD block that is not JSON")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        self.in_data_block = False
        if tag not in VOID and self.stack:
            self.stack.pop()


def assert_inert(response, payload: str) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    checker = PageChecker()
    checker.feed(page)
    checker.close()
    assert checker.problems == [], f"{payload!r} -> {checker.problems}"
    if "<" in payload:
        assert payload not in page, f"{payload!r} appears unescaped"
    return page


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Four users per payload: the default PBKDF2 work factor would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def hostile_content(make_article, make_post, agent, customer, other_customer, client):
    """Article, post and comments whose titles and bodies are all the same payload."""

    def make(payload):
        article = make_article(title=f"Article {payload}", body=f"Intro\n\n{payload}\n\nOutro", promoted=True)
        post = make_post(title=f"Post {payload}", body=payload)
        services.comment_create(author=other_customer, target=article, body=payload)
        agent_reply = services.comment_create(author=agent, target=post, body=f"Official: {payload}")
        services.comment_set_official(comment=agent_reply, by=agent, official=True)
        # One comment goes through the real view, as a reader would post it.
        client.force_login(other_customer)
        response = client.post(reverse("articles:post_comment", kwargs={"pk": post.pk}), {"body": payload})
        assert response.status_code == 302
        services.follow_set(user=other_customer, target=article, following=True)
        return article, post

    return make


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_on_every_page(client, hostile_content, payload):
    article, post = hostile_content(payload)
    assert Comment.objects.count() == 3
    pages = [
        article.get_absolute_url(),
        post.get_absolute_url(),
        reverse("articles:home"),
        article.section.get_absolute_url(),
        article.section.category.get_absolute_url(),
        post.topic.get_absolute_url(),
        reverse("articles:following"),
    ]
    for url in pages:
        assert_inert(client.get(url), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_editor_preview_is_inert(client, agent, payload):
    client.force_login(agent)
    response = client.post(reverse("articles:markdownx_markdownify"), {"content": payload})
    assert_inert(response, payload)


def test_titles_are_escaped_by_templates(client, make_article, make_post):
    article = make_article(title='<script>alert("t")</script> & <b>bold</b>')
    post = make_post(title="<img src=x onerror=alert(1)>")
    article_page = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in article_page
    assert "<b>bold</b>" not in article_page
    post_page = client.get(post.get_absolute_url()).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in post_page
    assert "<img src=x" not in post_page


def test_the_checker_itself_catches_unsafe_markup():
    """Guards the guard: each construct the suite forbids is detected."""
    for unsafe in [
        "<script>alert(1)</script>", '<a href=" JavaScript:x">', "<img src=x onerror=y>",
        '<p style="color:red">', "<svg></svg>", '<div class="comment-body"><form></form></div>',
        '<a href="data:text/html,x">', "<iframe></iframe>",
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>',
        '<script type="application/ld+json">{"a": "<b>"}</script>', '<link rel="canonical" href="//evil.example/">',
        '<link rel="stylesheet" href="http://testserver/x.css">',
    ]:
        checker = PageChecker()
        checker.feed(unsafe)
        assert checker.problems, unsafe
    checker = PageChecker()
    checker.feed('<form action="/x"><input name="q"></form><script src="/static/js/site.js"></script>'
                 '<link rel="canonical" href="http://testserver/articles/1-x/"><script type="application/ld+json">'
                 '{"a": "\\u003C/script\\u003E"}</script>')
    assert checker.problems == []
