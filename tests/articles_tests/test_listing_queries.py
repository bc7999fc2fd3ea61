"""Related articles, recent activity and deep pages: the queries reshaped so their cost does
not grow with a section's or a thread's size still return what they did."""

from articles import selectors, services
from articles.models import Article


def _related(article, django_assert_num_queries, queries=1):
    article = selectors.article_detail(pk=article.pk, viewer=None, include_drafts=True)
    with django_assert_num_queries(queries) as captured:
        related = selectors.related_articles(article=article)
    return [a.title for a in related], captured.captured_queries[0]["sql"]


def test_a_full_section_gives_its_first_articles_in_listing_order(make_section, make_article,
                                                                   django_assert_num_queries):
    section, elsewhere = make_section(), make_section()
    article = make_article(title="Subject", section=section, label_names=["billing"], position=3)
    for n, position in enumerate([5, 1, 1, 9, 2, 7]):
        make_article(title=f"Sibling {n}", section=section, position=position)
    make_article(title="Draft sibling", section=section, draft=True, position=0)
    make_article(title="Shares a label", section=elsewhere, label_names=["billing"], position=0)
    titles, sql = _related(article, django_assert_num_queries)
    # position, then title: the five first of the section, the article itself left out
    assert titles == ["Sibling 1", "Sibling 2", "Sibling 4", "Sibling 0", "Sibling 5"]
    assert "CASE" not in sql and "LIMIT 5" in sql


def test_a_small_section_is_followed_by_articles_sharing_a_label(make_section, make_article,
                                                                  django_assert_num_queries):
    section, elsewhere = make_section(), make_section()
    article = make_article(title="Subject", section=section, label_names=["billing"])
    make_article(title="Zeta sibling", section=section, position=9)
    make_article(title="Alpha label match", section=elsewhere, label_names=["billing"])
    make_article(title="Draft label match", section=elsewhere, label_names=["billing"], draft=True)
    make_article(title="No label", section=elsewhere)
    titles, _ = _related(article, django_assert_num_queries)
    assert titles == ["Zeta sibling", "Alpha label match"]


def test_a_draft_read_by_an_agent_is_not_counted_among_its_section(make_section, make_article,
                                                                   django_assert_num_queries):
    section, elsewhere = make_section(), make_section()
    draft = make_article(title="Draft", section=section, label_names=["billing"], draft=True)
    for n in range(4):
        make_article(title=f"Sibling {n}", section=section)
    make_article(title="Label match", section=elsewhere, label_names=["billing"])
    # four published siblings do not fill five places: the label match comes after them
    titles, _ = _related(draft, django_assert_num_queries)
    assert titles == ["Sibling 0", "Sibling 1", "Sibling 2", "Sibling 3", "Label match"]


def test_an_official_answer_counts_as_the_newest_activity(make_post, agent, other_customer):
    older = make_post(title="Older question")
    newer = make_post(title="Newer question")
    services.comment_create(author=other_customer, target=newer, body="bump")
    reply = services.comment_create(author=agent, target=older, body="Here is how")
    services.comment_set_official(comment=reply, by=agent, official=True)
    assert [p.title for p in selectors.recent_posts()] == ["Older question", "Newer question"]
    services.comment_create(author=other_customer, target=newer, body="bump again")
    assert [p.title for p in selectors.recent_posts()] == ["Newer question", "Older question"]


def test_the_last_page_of_a_thread_reads_only_its_rows(make_post, agent, customer, django_assert_num_queries):
    from tests.articles_tests.test_selectors import thread_with_answer

    post = thread_with_answer(make_post, agent, customer)
    with django_assert_num_queries(1) as captured:
        page = selectors.comment_page(target=post, number="3", per_page=3)
    assert [(c.body, c.author_is_agent) for c in page.object_list] == [("c5", False), ("c6", False)]
    sql = captured.captured_queries[0]["sql"]
    # The ids are picked in a subquery (closed by the parenthesis), then only they are read.
    assert "LIMIT 2 OFFSET 6)" in sql and sql.count("OFFSET") == 1


def test_agents_page_through_drafts_in_listing_order(make_section, make_article, agent):
    section = make_section()
    for n in range(5):
        make_article(title=f"Guide {n}", section=section, draft=n % 2 == 1)
    found = selectors.section_detail(pk=section.pk, viewer=agent, include_drafts=True)
    pages = [selectors.section_articles(section=found, include_drafts=True, number=n, per_page=2) for n in (1, 2, 3)]
    assert [[a.title for a in page.object_list] for page in pages] == [
        ["Guide 0", "Guide 1"], ["Guide 2", "Guide 3"], ["Guide 4"]]
    readers = selectors.section_detail(pk=section.pk, viewer=None, include_drafts=False)
    page = selectors.section_articles(section=readers, include_drafts=False, number=2, per_page=2)
    assert [a.title for a in page.object_list] == ["Guide 4"] and page.paginator.num_pages == 2
    assert Article.objects.filter(section=section, draft=False).count() == readers.article_count == 3
