"""Selectors: counts derived in SQL, agent badges without per-comment queries, no drafts."""

from django.contrib.auth.models import Permission

from articles import selectors, services
from kb.permissions import is_agent

from .pages import make_agent


def test_agent_users_agree_with_is_agent(make_user, agent, customer):
    superuser = make_user("root", is_superuser=True)
    direct = make_user("direct")
    direct.user_permissions.add(Permission.objects.get(codename="act_as_agent"))
    staff = make_user("staff", is_staff=True)
    retired = make_user("retired", agent=True, is_active=False)
    users = [agent, customer, superuser, direct, staff, retired]
    agent_ids = set(selectors.agent_users().values_list("pk", flat=True))
    for user in users:
        fresh = type(user).objects.get(pk=user.pk)  # no cached permissions
        assert (user.pk in agent_ids) == is_agent(fresh), user.username


def test_comments_come_official_first_with_agent_flags_in_one_query(
    make_post, agent, customer, other_customer, django_assert_num_queries
):
    post = make_post()
    services.comment_create(author=customer, target=post, body="first")
    answer = services.comment_create(author=agent, target=post, body="answer")
    services.comment_create(author=other_customer, target=post, body="third")
    services.comment_set_official(comment=answer, by=agent, official=True)
    post = selectors.post_detail(pk=post.pk, viewer=None)  # annotates the total: comment_count
    with django_assert_num_queries(1):
        comments = selectors.comment_page(target=post).object_list
        flags = [(c.body, c.author_is_agent, c.author.username) for c in comments]
    assert flags == [("answer", True, "agent_alex"), ("first", False, "customer_casey"),
                     ("third", False, "customer_bo")]


def test_article_detail_counts_votes_followers_and_comments(make_article, make_user, customer):
    article = make_article()
    for n, helpful in enumerate([True, False, True]):
        user = make_user(f"v{n}")
        services.vote_set(user=user, article=article, helpful=helpful)
        services.follow_set(user=user, target=article, following=True)
        services.comment_create(author=user, target=article, body="x")
    services.vote_set(user=customer, article=article, helpful=False)
    found = selectors.article_detail(pk=article.pk, viewer=customer, include_drafts=False)
    assert (found.helpful_count, found.vote_count, found.follower_count, found.comment_count) == (2, 4, 3, 3)
    assert found.viewer_vote is False and found.viewer_following is False


def test_drafts_are_left_out_unless_asked_for(make_article, customer):
    published = make_article(title="Published")
    draft = make_article(title="Draft", section=published.section, draft=True)
    services.follow_set(user=customer, target=published, following=True)
    services.follow_set(user=customer, target=draft, following=True)  # followed before it became a draft
    for include_drafts, expected in [(False, ["Published"]), (True, ["Draft", "Published"])]:
        section = selectors.section_detail(pk=published.section_id, viewer=None, include_drafts=include_drafts)
        assert section.article_count == len(expected)
        page = selectors.section_articles(section=section, include_drafts=include_drafts)
        assert [a.title for a in page.object_list] == expected
    assert [f.article.title for f in selectors.follows_of(user=customer, include_drafts=False)] == ["Published"]
    assert selectors.related_articles(article=published) == []
    [category] = selectors.home_categories()  # a list: each name is in the reader's language
    section = category.sections.get()
    assert section.published_count == 1


def test_recent_posts_come_by_latest_activity(make_post, other_customer):
    older = make_post(title="Older question")
    make_post(title="Newer question")
    services.comment_create(author=other_customer, target=older, body="bump")
    assert [p.title for p in selectors.recent_posts()] == ["Older question", "Newer question"]
    assert selectors.recent_posts()[0].comment_count == 1


def test_topic_posts_know_whether_they_are_answered(make_post, agent):
    answered = make_post(title="Answered")
    make_post(title="Open")
    reply = services.comment_create(author=agent, target=answered, body="Yes")
    services.comment_set_official(comment=reply, by=agent, official=True)
    posts = {p.title: p for p in selectors.topic_posts(topic=answered.topic)}
    assert posts["Answered"].answered and not posts["Open"].answered
    assert posts["Answered"].follower_count == 1 and posts["Answered"].comment_count == 1


def test_second_agent_is_badged_too(make_post, agent):
    post = make_post()
    services.comment_create(author=make_agent("agent_sky"), target=post, body="hi")
    post = selectors.post_detail(pk=post.pk, viewer=None)
    assert selectors.comment_page(target=post).object_list[0].author_is_agent


def thread_with_answer(make_post, agent, customer):
    """A post with comments c0..c6 and an official answer posted last (so: page 1 first)."""
    post = make_post()
    for n in range(7):
        services.comment_create(author=customer, target=post, body=f"c{n}")
    answer = services.comment_create(author=agent, target=post, body="answer")
    services.comment_set_official(comment=answer, by=agent, official=True)
    return selectors.post_detail(pk=post.pk, viewer=None)


def test_a_comment_page_is_one_limited_query_in_thread_order(make_post, agent, customer, django_assert_num_queries):
    post = thread_with_answer(make_post, agent, customer)
    with django_assert_num_queries(1) as captured:
        page = selectors.comment_page(target=post, number="2", per_page=3)
    assert "LIMIT 3" in captured.captured_queries[0]["sql"] and "COUNT" not in captured.captured_queries[0]["sql"]
    assert [c.body for c in page.object_list] == ["c2", "c3", "c4"]  # answer, c0, c1 are page 1
    assert page.paginator.num_pages == 3
    assert [c.body for c in selectors.comment_page(target=post, number="junk", per_page=3).object_list] == [
        "answer", "c0", "c1"]
    assert [c.body for c in selectors.comment_page(target=post, number="99", per_page=3).object_list] == [
        "c5", "c6"]


def test_comment_page_number_follows_the_thread_order(make_post, agent, customer, django_assert_num_queries):
    post = make_post()
    comments = [services.comment_create(author=customer, target=post, body=f"c{n}") for n in range(7)]
    answer = services.comment_create(author=agent, target=post, body="answer")
    with django_assert_num_queries(1):
        assert selectors.comment_page_number(comment=answer, per_page=3) == 3  # 8th: after c0..c6
    services.comment_set_official(comment=answer, by=agent, official=True)
    answer.refresh_from_db()
    expected = {"answer": 1, "c0": 1, "c1": 1, "c2": 2, "c4": 2, "c5": 3, "c6": 3}
    by_body = {c.body: c for c in [*comments, answer]}
    for body, number in expected.items():
        assert selectors.comment_page_number(comment=by_body[body], per_page=3) == number, body
