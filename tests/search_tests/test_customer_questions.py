"""Everyday customer questions about the demo help center must keep finding their articles.

The questions (bench/data/customer_questions.jsonl, described in bench/customer_questions.py)
were written from the demo articles the way customers type them; most share no word with
the title of their answer. ``bench/customer_relevance.py`` measures every search mode on
them; this test guards the default one (``search_run`` as configured) against regressions.
"""

from collections import Counter

import pytest

from bench.customer_questions import demo_titles, load, shares_title_word
from search.backends.base import reset_backends
from search.ranking import semantic
from search.synonyms import clear_synonym_cache

#: Floors for the default search (``search_run`` with default settings: hybrid retrieval)
#: on the customer questions. Measured 2026-12-03: P@1 0.679 (91/134), success@3 0.896
#: (120/134); before hybrid retrieval (the lexical top 50 re-ranked) 0.649 / 0.806; lexical
#: alone 0.552 / 0.672; dense retrieval alone 0.649 / 0.888 (bench/README.md). The floors
#: sit about three questions below the measured figures, so a change that loses more fails
#: here; raise them with the next improvement.
MIN_P_AT_1 = 0.655
MIN_SUCCESS_AT_3 = 0.87


@pytest.fixture(scope="module")
def questions():
    return load()


def test_the_question_file_is_well_formed(questions):
    titles = demo_titles()  # published demo articles: external_id -> title
    assert len(questions) >= 100
    assert len({q["q"].lower() for q in questions}) == len(questions), "duplicate questions"
    for item in questions:
        assert set(item) == {"q", "relevant", "shares_title_word", "product_words"}, item
        assert item["q"].strip() and 1 <= len(item["relevant"]) <= 2, item
        assert set(item["relevant"]) <= set(titles), item
        # The flag is computed (bench/customer_questions.py --refresh), never typed by hand.
        assert item["shares_title_word"] == shares_title_word(item["q"], item["relevant"],
                                                              titles), item
    no_title_word = sum(not q["shares_title_word"] for q in questions)
    assert no_title_word >= 0.7 * len(questions)
    # Some questions keep the articles' own words (plan names, error codes)...
    assert sum(q["product_words"] for q in questions) >= 0.1 * len(questions)
    # ...and they cover most articles, not a few.
    covered = Counter(key for q in questions for key in q["relevant"])
    assert len(covered) >= 0.9 * len(titles)


@pytest.mark.django_db
def test_the_default_search_answers_customer_questions_above_the_floor(settings, questions):
    import demo.articles
    from search.index import index_rebuild
    from search.selectors import search_run

    settings.KB_SEARCH_BACKEND = "whoosh"
    settings.KB_SEARCH_SEMANTIC = True  # the product default (tests turn it off elsewhere)
    reset_backends()
    semantic.clear_query_cache()
    clear_synonym_cache()
    try:
        demo.articles.load()
        index_rebuild()  # the index and every article's embedding
        first, top3, misses = 0, 0, []
        for item in questions:
            page = search_run(text=item["q"], kinds=("article",), per_page=3)
            ranking = [result.obj.external_id for result in page.items]
            first += bool(ranking) and ranking[0] in item["relevant"]
            found = bool(set(ranking) & set(item["relevant"]))
            top3 += found
            if not found:
                misses.append(item["q"])
    finally:
        reset_backends()
        # The demo's synonym groups are cached per process; the rolled-back rows must not
        # keep expanding other tests' queries.
        clear_synonym_cache()
    n = len(questions)
    detail = f"P@1 {first / n:.3f}, success@3 {top3 / n:.3f}; missed in the top 3: {misses}"
    assert first / n >= MIN_P_AT_1, detail
    assert top3 / n >= MIN_SUCCESS_AT_3, detail
