"""Reading pages: home, category, section, article; votes, comments, drafts, queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Article, Category, Section, Vote
from articles.pages import VOTE_RATE

from .pages import html, make_agent, many_comments, text


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- Home ---------------------------------------------------------------------------


def test_home_shows_search_categories_promoted_activity_and_cancel_entry(client, make_article, make_post):
    article = make_article(title="Close your Lumora Complete account", promoted=True)
    make_article(title="An ordinary article", section=article.section)
    make_post(title="Can I downgrade to Pages Free?")
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    page, body = text(response), html(response)
    assert 'role="search"' in body and 'id="search-q-lg"' in body
    assert article.section.category.name in page and article.section.name in page
    assert "Promoted articles" in page and "Close your Lumora Complete account" in page
    assert "Recent community activity" in page and "Can I downgrade to Pages Free?" in page
    assert "Need to cancel?" in page
    assert 'href="/contact/cancel/"' in body


def test_home_never_shows_drafts(client, make_article):
    make_article(title="Secret launch plan", promoted=True, draft=True)
    assert "Secret launch plan" not in text(client.get(reverse("articles:home")))


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_home_queries_do_not_grow_with_content(client, make_article, make_section, make_post, customer,
                                                django_assert_num_queries, signed_in):
    make_article(promoted=True)
    make_post()
    if signed_in:
        client.force_login(customer)
    expected = _query_count(client, reverse("articles:home"))
    assert expected <= 12
    category = Category.objects.create(name="More", slug="more")
    for n in range(8):
        section = make_section(category=category)
        for m in range(5):
            make_article(title=f"Article {n}-{m}", section=section, promoted=m == 0)
        make_post(title=f"Question {n}")
    with django_assert_num_queries(expected):
        client.get(reverse("articles:home"))


# --- Category and section ------------------------------------------------------------


def test_category_lists_sections_and_their_published_articles(client, make_article, make_section):
    article = make_article(title="Export contacts")
    make_article(title="Unreleased feature", section=article.section, draft=True)
    response = client.get(article.section.category.get_absolute_url())
    page = text(response)
    assert article.section.name in page and "Export contacts" in page
    assert "Unreleased feature" not in page
    assert 'nav aria-label="Breadcrumb"' in html(response)


def test_section_lists_articles_with_follow_button_and_count(client, make_article, customer, other_customer):
    article = make_article(title="Change your plan")
    services.follow_set(user=other_customer, target=article.section, following=True)
    client.force_login(customer)
    response = client.get(article.section.get_absolute_url())
    page = text(response)
    assert "Change your plan" in page
    assert "1 follower" in page and "Follow" in page
    client.post(reverse("articles:follow", kwargs={"kind": "section", "pk": article.section.pk}), {"following": "on"})
    assert "2 followers" in text(client.get(article.section.get_absolute_url()))


def test_section_hides_drafts_from_customers_and_badges_them_for_agents(client, make_article, customer, agent):
    draft = make_article(title="Upcoming pricing", draft=True)
    client.force_login(customer)
    assert "Upcoming pricing" not in text(client.get(draft.section.get_absolute_url()))
    client.force_login(agent)
    page = text(client.get(draft.section.get_absolute_url()))
    assert "Upcoming pricing Draft" in page


def test_section_url_with_a_stale_slug_redirects_to_the_canonical_one(client, make_article):
    section = make_article().section
    response = client.get(reverse("articles:section", kwargs={"pk": section.pk, "slug": "old-name"}))
    assert response.status_code == 301 and response.url == section.get_absolute_url()


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_section_queries_do_not_grow_with_articles(client, make_section, make_article, customer,
                                                   django_assert_num_queries, signed_in):
    small, big = make_section(), make_section()
    for n in range(5):
        make_article(title=f"Small {n}", section=small)
    for n in range(200):
        make_article(title=f"Big {n}", section=big)
    if signed_in:
        client.force_login(customer)
    expected = _query_count(client, small.get_absolute_url())
    assert expected <= 12
    with django_assert_num_queries(expected):
        response = client.get(big.get_absolute_url())
    assert "200 articles" in text(response) and "Page 1 of 4" in text(response)
    with django_assert_num_queries(expected):
        response = client.get(big.get_absolute_url() + "?page=4")
    assert html(response).count('<li class="list-group-item d-flex') == 50 and "Page 4 of 4" in text(response)


def test_section_lists_fifty_articles_a_page_and_counts_what_the_reader_may_see(
    client, make_section, make_article, customer, agent
):
    section = make_section()
    for n in range(60):
        make_article(title=f"Guide {n:02d}", section=section)
    make_article(title="Guide 99 (draft)", section=section, draft=True)
    first = client.get(section.get_absolute_url())
    second = client.get(section.get_absolute_url() + "?page=2")
    titles = re.compile(r'<a href="/articles/\d+-[^"]+">(Guide [^<]+)</a>')
    assert titles.findall(html(first)) == [f"Guide {n:02d}" for n in range(50)]
    assert titles.findall(html(second)) == [f"Guide {n:02d}" for n in range(50, 60)]
    assert "60 articles" in text(first) and "Page 2 of 2" in text(second)
    assert 'nav class="mt-3" aria-label="Article pages"' in html(first)
    client.force_login(agent)
    agents_view = client.get(section.get_absolute_url() + "?page=2")
    assert "61 articles" in text(agents_view) and "Guide 99 (draft) Draft" in text(agents_view)


# --- Article ------------------------------------------------------------------------


def test_article_page_shows_title_author_dates_body_labels_and_breadcrumbs(client, make_article, agent):
    agent.first_name, agent.last_name = "Frank", "Hagan"
    agent.save()
    article = make_article(title="Cancel Lumora Complete", body="Open **Account**.", label_names=["billing", "cancel"])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page, body = text(response), html(response)
    assert "Cancel Lumora Complete" in page and "Frank Hagan" in page
    assert "Created" in page and "Updated" in page
    assert "<strong>Account</strong>" in body
    assert "billing" in page and "cancel" in page
    assert 'nav aria-label="Breadcrumb"' in body
    assert article.section.category.name in page and article.section.name in page
    assert "Was this article helpful?" in page
    assert "0 out of 0 found this helpful" in page
    assert "0 comments" in page
    assert "0 followers" in page


def test_article_shows_related_articles_from_section_and_labels_but_no_drafts(client, make_article, make_section):
    article = make_article(title="Main article", label_names=["billing"])
    make_article(title="Same section sibling", section=article.section)
    make_article(title="Shares a label", section=make_section(), label_names=["billing"])
    make_article(title="Unrelated elsewhere", section=make_section())
    make_article(title="Draft sibling", section=article.section, draft=True)
    page = text(client.get(article.get_absolute_url()))
    related = page.split("Related articles", 1)[1]
    assert "Same section sibling" in related and "Shares a label" in related
    assert "Unrelated elsewhere" not in related and "Draft sibling" not in related
    assert related.index("Same section sibling") < related.index("Shares a label")


def test_draft_article_is_not_found_for_customers_and_anonymous(client, make_article, customer):
    draft = make_article(draft=True)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(customer)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.post(reverse("articles:article_vote", kwargs={"pk": draft.pk}), {"helpful": "yes"}).status_code == 404
    assert client.post(reverse("articles:follow", kwargs={"kind": "article", "pk": draft.pk})).status_code == 404
    assert client.post(reverse("articles:article_comment", kwargs={"pk": draft.pk}), {"body": "hi"}).status_code == 404


def test_agent_sees_a_draft_with_its_badge_and_an_edit_link(client, make_article, agent):
    draft = make_article(title="Next quarter pricing", draft=True)
    client.force_login(agent)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Next quarter pricing Draft" in text(response)
    assert reverse("articles:agent_article_edit", kwargs={"pk": draft.pk}) in html(response)


def test_votes_show_n_out_of_m_found_this_helpful(client, make_article, make_user, customer):
    article = make_article()
    for n, helpful in enumerate([True, True, False]):
        services.vote_set(user=make_user(f"voter{n}"), article=article, helpful=helpful)
    client.force_login(customer)
    response = client.post(reverse("articles:article_vote", kwargs={"pk": article.pk}), {"helpful": "yes"})
    assert response.status_code == 302
    assert response.url == article.get_absolute_url() + "#article-vote"
    page = text(client.get(article.get_absolute_url()))
    assert "3 out of 4 found this helpful" in page
    assert "Thank you for your feedback." in page
    client.post(reverse("articles:article_vote", kwargs={"pk": article.pk}), {"helpful": "no"})
    assert "2 out of 4 found this helpful" in text(client.get(article.get_absolute_url()))
    assert Vote.objects.filter(article=article, user=customer).count() == 1


def test_vote_without_an_answer_changes_nothing(client, make_article, customer):
    article = make_article()
    client.force_login(customer)
    client.post(reverse("articles:article_vote", kwargs={"pk": article.pk}), {"helpful": "maybe"})
    assert not Vote.objects.exists()


def test_votes_past_the_rate_get_a_429_and_change_nothing(client, make_article, customer):
    article = make_article()
    client.force_login(customer)
    url = reverse("articles:article_vote", kwargs={"pk": article.pk})
    answers = ["no" if n % 2 else "yes" for n in range(VOTE_RATE.limit - 1)] + ["no", "yes"]
    responses = [client.post(url, {"helpful": answer}) for answer in answers]
    assert [r.status_code for r in responses] == [302] * VOTE_RATE.limit + [429]
    assert "We received too many votes" in text(responses[-1]) and responses[-1]["Retry-After"]
    assert Vote.objects.get(article=article, user=customer).helpful is False  # the refused "yes" did nothing


def test_votes_from_one_address_are_limited_across_accounts(client, make_article, make_user, settings):
    settings.KB_RATE_LIMITS = {"vote.ip": "2/h"}
    article = make_article()
    url = reverse("articles:article_vote", kwargs={"pk": article.pk})
    codes = []
    for n in range(3):
        client.force_login(make_user(f"voter{n}"))
        codes.append(client.post(url, {"helpful": "yes"}, REMOTE_ADDR="203.0.113.5").status_code)
    assert codes == [302, 302, 429]
    assert Vote.objects.filter(article=article).count() == 2
    assert client.post(url, {"helpful": "yes"}, REMOTE_ADDR="198.51.100.6").status_code == 302


def test_anonymous_vote_is_sent_to_sign_in(client, make_article):
    article = make_article()
    response = client.post(reverse("articles:article_vote", kwargs={"pk": article.pk}), {"helpful": "yes"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")
    assert not Vote.objects.exists()


def test_signed_out_article_comment_is_kept_through_sign_in(client, make_article, customer):
    article = make_article()
    page_url = article.get_absolute_url()
    response = client.post(reverse("articles:article_comment", kwargs={"pk": article.pk}), {"body": "Keep me please"})
    assert response.status_code == 302 and "%23comment-form" in response.url
    assert client.session[f"comment_draft:article:{article.pk}"] == "Keep me please"
    client.post(response.url, {"username": customer.username, "password": "kb-test-pass-2026",
                               "next": page_url + "#comment-form"})
    assert "Keep me please" in html(client.get(page_url))
    assert f"comment_draft:article:{article.pk}" not in client.session


def test_article_anonymous_sees_sign_in_text(client, make_article):
    page = text(client.get(make_article().get_absolute_url()))
    assert "Please sign in to leave a comment." in page


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_article_queries_do_not_grow_with_comments_votes_or_followers(
    client, make_article, make_user, agent, customer, django_assert_num_queries, signed_in
):
    small = make_article(title="Small", label_names=["billing"])
    big = make_article(title="Big", label_names=["billing", "cancel"])
    authors = [agent, customer, make_agent("agent_three"), make_user("reader")]
    many_comments(target=small, authors=authors, count=3)
    many_comments(target=big, authors=authors, count=300)
    for n in range(30):
        voter = make_user(f"fan{n}")
        services.vote_set(user=voter, article=big, helpful=n % 3 != 0)
        services.follow_set(user=voter, target=big, following=True)
    if signed_in:
        client.force_login(customer)
        services.vote_set(user=customer, article=big, helpful=True)
    expected = _query_count(client, small.get_absolute_url())
    assert expected <= 12
    with django_assert_num_queries(expected):
        response = client.get(big.get_absolute_url())
    page = text(response)
    assert "300 comments" in page
    assert ("21 out of 31" if signed_in else "20 out of 30") in page
    assert "30 followers" in page


# --- Methods ------------------------------------------------------------------------


@pytest.mark.parametrize("name, kwargs", [
    ("articles:article_vote", {"pk": 1}),
    ("articles:article_comment", {"pk": 1}),
    ("articles:post_comment", {"pk": 1}),
    ("articles:comment_official", {"pk": 1}),
    ("articles:follow", {"kind": "article", "pk": 1}),
    ("articles:markdownx_markdownify", {}),
    ("articles:markdownx_upload", {}),
])
def test_writes_refuse_get_with_405(client, customer, name, kwargs):
    client.force_login(customer)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 405


def test_reading_pages_need_no_sign_in(client, make_article, make_post):
    article = make_article()
    post = make_post()
    for url in [reverse("articles:home"), article.section.category.get_absolute_url(),
                article.section.get_absolute_url(), article.get_absolute_url(),
                reverse("articles:topics"), post.topic.get_absolute_url(), post.get_absolute_url()]:
        assert client.get(url).status_code == 200, url


def test_unknown_pages_are_404(client, db):
    assert client.get("/categories/nope/").status_code == 404
    assert client.get("/sections/999-nope/").status_code == 404
    assert client.get("/articles/999-nope/").status_code == 404
    assert Section.objects.count() == 0


def test_article_comments_are_paginated_in_constant_queries(client, make_article, customer, agent,
                                                            django_assert_num_queries):
    article = make_article()
    many_comments(target=article, authors=[customer, agent], count=120)
    with CaptureQueriesContext(connection) as first:
        client.get(article.get_absolute_url())
    for number, (start, stop) in [(2, (50, 100)), (3, (100, 120))]:
        with django_assert_num_queries(len(first)):
            response = client.get(f"{article.get_absolute_url()}?page={number}")
        assert re.findall(r"<p>(Comment \d+)</p>", html(response)) == [f"Comment {n}" for n in range(start, stop)]
        assert "120 comments" in text(response) and f"Page {number} of 3" in text(response)


def test_comment_permalink_of_a_draft_article_is_for_agents_only(client, make_article, customer, agent):
    article = make_article(draft=False)
    comment = services.comment_create(author=customer, target=article, body="Worked for me")
    Article.objects.filter(pk=article.pk).update(draft=True)
    url = reverse("articles:comment_permalink", kwargs={"pk": comment.pk})
    assert client.get(url).status_code == 404
    client.force_login(customer)
    assert client.get(url).status_code == 404
    client.force_login(agent)
    response = client.get(url)
    assert response.status_code == 302 and response.url == f"{article.get_absolute_url()}#comment-{comment.pk}"
