"""Every page is CSP-clean and accessible in the ways a parser can check: no inline script
or style attributes, one <main> and one <h1>, landmarks, and a label for every control."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles import services


class MarkupAudit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.tags, self.label_for, self.controls = [], [], set(), []
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        # A JSON-LD data block is never executed (CSP does not apply to it): not a script.
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/ld+json":
            self.problems.append("inline <script>")
        if "style" in attributes or tag == "style":
            self.problems.append(f"inline style on <{tag}>")
        if any(name.startswith("on") for name in attributes):
            self.problems.append(f"event handler on <{tag}>")
        if tag == "label":
            self._label_depth += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        if tag in ("input", "textarea", "select") and attributes.get("type") not in ("hidden", "submit"):
            labelled = bool(attributes.get("aria-label") or attributes.get("aria-labelledby") or self._label_depth)
            self.controls.append((attributes.get("id"), labelled, attributes.get("name")))

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1

    def audit(self):
        for control_id, labelled, name in self.controls:
            if not labelled and control_id not in self.label_for:
                self.problems.append(f"unlabelled control {name!r}")
        for landmark in ("header", "nav", "main", "footer"):
            if landmark not in self.tags:
                self.problems.append(f"no <{landmark}>")
        if self.tags.count("main") != 1:
            self.problems.append("not exactly one <main>")
        if self.tags.count("h1") != 1:
            self.problems.append(f"{self.tags.count('h1')} <h1> elements")
        return self.problems


@pytest.fixture
def site(make_article, make_post, agent, customer):
    article = make_article(title="Cancel Lumora Complete", label_names=["billing"], promoted=True)
    make_article(title="Draft one", section=article.section, draft=True)
    post = make_post()
    reply = services.comment_create(author=agent, target=post, body="Official answer")
    services.comment_set_official(comment=reply, by=agent, official=True)
    services.comment_create(author=customer, target=article, body="Thanks")
    services.follow_set(user=customer, target=article, following=True)
    return article, post


def _pages(article, post):
    return [
        reverse("articles:home"),
        article.section.category.get_absolute_url(),
        article.section.get_absolute_url(),
        article.get_absolute_url(),
        reverse("articles:topics"),
        post.topic.get_absolute_url(),
        post.get_absolute_url(),
    ]


@pytest.mark.parametrize("who", ["anonymous", "customer", "agent"])
def test_pages_are_csp_clean_and_labelled(client, site, who, customer, agent):
    article, post = site
    urls = _pages(article, post)
    if who == "anonymous":
        urls += [reverse("accounts:login"), reverse("accounts:signup"), reverse("accounts:password_reset")]
    else:
        client.force_login(customer if who == "customer" else agent)
        urls += [reverse("articles:following"), reverse("articles:post_create", kwargs={"slug": post.topic.slug})]
    if who == "agent":
        urls += [reverse("articles:agent_article_create"),
                 reverse("articles:agent_article_edit", kwargs={"pk": article.pk})]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        audit = MarkupAudit()
        audit.feed(response.content.decode())
        assert audit.audit() == [], (url, audit.problems)


def test_the_audit_itself_catches_problems():
    """Guards the guard: inline script, style attributes and unlabelled inputs are found."""
    audit = MarkupAudit()
    audit.feed('<header></header><nav></nav><main><h1>x</h1><script type="application/ld+json">{}</script>'
               '<script>x()</script><p style="color:red">'
               '<input name="q"></main><footer></footer>')
    assert audit.audit() == ["inline <script>", "inline style on <p>", "unlabelled control 'q'"]
