"""Hybrid retrieval: documents found by words and by meaning, fused (search/selectors.py,
search/ranking/dense.py, fusion.py), through the real model, database, index and endpoints."""

import pytest
from django.urls import reverse

from articles import services
from search.ranking import dense, fusion
from search.selectors import search_run, search_suggest
from tests.search_tests.conftest import API, BILLING, OTHERS, SUBSCRIPTION, titles

SEARCH = reverse("search:search")
SLOW = OTHERS[2][0]  # "Why is my site slow?"


def test_a_question_sharing_no_word_with_its_answer_finds_it(client, help_center, settings):
    settings.KB_SEARCH_SEMANTIC = False
    assert titles(client, "quit the service") == []
    assert titles(client, "website loads slowly") == []
    settings.KB_SEARCH_SEMANTIC = True
    assert titles(client, "quit the service")[0] == SUBSCRIPTION[0]
    assert titles(client, "website loads slowly")[0] == SLOW
    assert titles(client, "where do I find old invoices")[0] == BILLING[0]


def test_nonsense_still_finds_nothing(client, help_center):
    for text in ("qqqzzz xkcd", "asdf", "hello"):
        assert titles(client, text) == [], text


def test_exact_product_words_still_win(client, help_center):
    # "Speed report" is named in one article only; meaning alone would also like others.
    assert titles(client, "Speed report")[0] == SLOW
    assert titles(client, "mail merge")[0] == OTHERS[1][0]


def test_filters_apply_to_documents_found_by_meaning(client, help_center, agent, make_section,
                                                     django_capture_on_commit_callbacks):
    other = make_section()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_create(author=agent, section=other, title="Close your workspace for good",
                                body="Owners can close the workspace from Settings.", draft=False)
    subscription = help_center[SUBSCRIPTION[0]]
    both = titles(client, "quit the service")
    assert SUBSCRIPTION[0] in both and "Close your workspace for good" in both
    in_section = search_run(text="quit the service", section_id=subscription.section_id)
    assert [item.title for item in in_section.items] == [SUBSCRIPTION[0]]
    in_other = search_run(text="quit the service", category_id=other.category_id)
    assert [item.title for item in in_other.items] == ["Close your workspace for good"]


def test_tabs_totals_and_pages_count_documents_found_by_meaning_once(client, help_center, make_post,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_post(title="Leaving the service next month", body="How do we end our plan?")
    page = client.get(SEARCH, {"q": "quit the service"}).context
    assert page["results"].kind_counts == {"article": 1, "post": 1}
    assert page["results"].total == 2
    articles_only = client.get(SEARCH, {"q": "quit the service", "type": "article"}).context["results"]
    assert articles_only.total == 1 and articles_only.kind_counts == {"article": 1, "post": 1}
    # Every hit once across pages, and the same as one long page.
    everything = titles(client, "open page account charge", per_page=100)
    paged = []
    for number in range(1, 8):
        paged += titles(client, "open page account charge", per_page=2, page=number)
    assert paged == everything and len(set(everything)) == len(everything)


def test_results_found_by_meaning_carry_a_snippet_of_their_text(client, help_center):
    result = client.get(API, {"query": "quit the service"}).json()["results"][0]
    assert result["title"] == SUBSCRIPTION[0]
    assert result["snippet"].startswith("Open Account, choose Plan")


def test_new_and_edited_articles_are_found_by_meaning_at_once(client, help_center, agent,
                                                              django_capture_on_commit_callbacks):
    assert titles(client, "my parcel never arrived") == []
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_create(author=agent, section=help_center[BILLING[0]].section,
                                          title="Track a delivery", body="Where is my order? "
                                          "Follow its shipping status from Orders.", draft=False)
    assert titles(client, "my parcel never arrived")[0] == "Track a delivery"
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(article=article, by=agent, draft=True)
    assert "Track a delivery" not in titles(client, "my parcel never arrived")


def test_instant_suggestions_offer_articles_found_by_meaning(help_center):
    suggested = [s["title"] for s in search_suggest(text="website loads slowly")]
    assert suggested[0] == SLOW
    assert search_suggest(text="qqqzzz xkcd") == []


def test_without_hybrid_nothing_is_added(client, help_center, settings):
    settings.KB_SEARCH_HYBRID = False
    assert titles(client, "quit the service") == []


@pytest.mark.parametrize("method", fusion.METHODS)
def test_both_fusion_methods_rank_words_and_meaning(client, help_center, settings, method):
    settings.KB_SEARCH_FUSION = method
    assert titles(client, "quit the service")[0] == SUBSCRIPTION[0]
    assert titles(client, "Speed report")[0] == SLOW


def test_agents_see_why_each_result_ranks_where_it_does(client, help_center, agent, customer):
    url = reverse("search:explain")
    client.force_login(customer)
    assert client.get(url, {"q": "quit"}).status_code == 403
    client.force_login(agent)
    page = client.get(url, {"q": "cancel when billing stops"})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert rows[0]["title"] in {SUBSCRIPTION[0], BILLING[0]}
    sources = {row["title"]: row["explanation"].source for row in rows}
    assert sources[BILLING[0]] == "words + meaning"
    html = page.content.decode()
    assert "Lexical" in html and "Meaning" in html
    found_by_meaning = client.get(url, {"q": "quit the service"}).context["rows"]
    assert found_by_meaning[0]["explanation"].source == "meaning"
    assert found_by_meaning[0]["explanation"].lexical_rank is None


def test_the_in_memory_vectors_follow_writes_from_other_processes(help_center, agent, settings):
    from search.models import DocumentEmbedding

    assert dense.neighbours(_vector("quit the service"), limit=5, min_cosine=0.35)
    DocumentEmbedding.objects.all().delete()  # as another process would, then announces it
    dense.vectors_changed()
    assert dense.neighbours(_vector("quit the service"), limit=5, min_cosine=0.35) == []


def _vector(text):
    from search.ranking import semantic

    return semantic.query_vector(text)


def test_related_articles_are_the_closest_by_meaning(client, help_center, agent, make_section,
                                                     django_capture_on_commit_callbacks):
    from articles.selectors import article_detail, related_articles

    with django_capture_on_commit_callbacks(execute=True):
        elsewhere = services.article_create(author=agent, section=make_section(), title="Ending your plan early",
                                            body="You can stop your subscription at any time; the plan "
                                            "runs until the end of the month you paid for.", draft=False)
    subscription = article_detail(pk=help_center[SUBSCRIPTION[0]].pk, viewer=None, include_drafts=False)
    related = [a.title for a in related_articles(article=subscription)]
    assert related[0] == "Ending your plan early"  # another section, but the same question
    assert SUBSCRIPTION[0] not in related
    page = client.get(subscription.get_absolute_url())
    assert elsewhere.get_absolute_url() in page.content.decode()


def test_the_request_form_suggests_articles_found_by_meaning(client, help_center):
    found = client.get(reverse("tickets:request_suggest"), {"q": "website loads slowly"}).json()["results"]
    assert found[0]["title"] == SLOW


def test_an_edit_is_read_in_place_and_a_deletion_reloads(help_center, agent, settings,
                                                         django_capture_on_commit_callbacks,
                                                         django_assert_max_num_queries):
    subscription = help_center[SUBSCRIPTION[0]]
    before = dense._vectors()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(article=subscription, by=agent, title="Close your account for good",
                                body="Owners delete the whole account under Settings > Close.")
    with django_assert_max_num_queries(2):  # the changed rows and the count
        after = dense._vectors()
    assert after.generation != before.generation
    assert after.loaded == before.loaded  # read in place, not loaded again
    assert dense.neighbours(_vector("delete my whole account"), limit=1, min_cosine=0.3)[0].pk == subscription.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(article=subscription, by=agent, draft=True)
    assert f"article:{subscription.pk}" not in dense._vectors().rows
