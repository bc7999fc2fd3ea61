"""PostgreSQL search at scale (issue 16): term statistics, top-k candidates (with and
without RUM) and capped counts.

Collected only when the suite runs on PostgreSQL (like the PostgreSQL class of
test_backends.py): on SQLite there is nothing to test.
"""

import importlib
import os

from django.db import connection

if connection.vendor == "postgresql":
    import pytest
    from django.urls import reverse
    from django.utils.html import escape

    from articles import services
    from articles.models import Article
    from search.backends import postgres
    from search.backends.base import SearchQuery, get_backend, reset_backends
    from search.index import index_rebuild, index_sync
    from search.models import SearchTerm
    from search.synonyms import clear_synonym_cache
    from tests.search_tests.backend_contract import demo_content

    migration = importlib.import_module("search.migrations.0004_term_statistics")

    SEARCH = reverse("search:search")
    API = reverse("search:api_articles")
    # Words of the filler articles: "account", "billing", "page" and "plan" end up in most
    # documents, so with the thresholds lowered below they are common words.
    FILLER_WORDS = ["account", "billing", "page", "plan", "settings", "menu", "open", "choose", "team", "member", "email", "domain", "invoice", "report", "export", "import", "theme", "editor", "mobile", "app"]
    QUERIES = ["cancel my account", "reset password", "download invoices", "change plan billing",
               "account billing page", "stop billing", "plan", "account page plan billing"]

    @pytest.fixture
    def backend(settings, db):
        settings.KB_SEARCH_BACKEND = "postgres"
        reset_backends()
        clear_synonym_cache()
        yield get_backend()
        reset_backends()

    def use(settings, *, rum: bool):
        """The backend again, with or without the RUM path."""
        settings.KB_SEARCH_OPTIONS = {"RUM": rum}
        reset_backends()
        return get_backend()

    def fillers(section, agent, count, *, title_every=4):
        """``count`` published articles made of FILLER_WORDS; every ``title_every``-th holds
        a common word in its title too."""
        rows = []
        for n in range(count):
            words = [FILLER_WORDS[(n * 7 + i * 3) % len(FILLER_WORDS)] for i in range(12 + n % 30)]
            title = f"Note {n} about {FILLER_WORDS[n % 4] if n % title_every == 0 else 'things'}"
            body = " ".join(words)
            rows.append(Article(section=section, title=title, slug=f"note-{n}", body=body,
                                body_html=f"<p>{escape(body)}</p>", author=agent, draft=False))
        Article.objects.bulk_create(rows)

    @pytest.fixture
    def corpus(backend, agent, customer, topic):
        content = demo_content(agent, customer, topic)
        fillers(content["sections"]["basics"], agent, 160)
        index_rebuild(backend=backend)
        return content

    def ranking(backend, text, depth=5):
        return [(hit.key, hit.score) for hit in backend.search(SearchQuery(text=text, per_page=depth)).hits]

    def exact_rankings(monkeypatch, backend):
        # Every word "rare": every matching row is a candidate, as before top-k.
        with monkeypatch.context() as m:
            m.setattr(postgres, "RARE_DOCUMENTS", 10**9)
            return {text: ranking(backend, text) for text in QUERIES}

    def lowered(monkeypatch):
        # With 170 documents, words in more than 20 of them are common, and each common
        # word brings few candidates: the candidate paths are what decides.
        monkeypatch.setattr(postgres, "RARE_DOCUMENTS", 20)
        monkeypatch.setattr(postgres, "BROAD_CANDIDATES", 40)
        monkeypatch.setattr(postgres, "TITLE_CANDIDATES", 60)

    def assert_ranks_like(exact, found):
        """The same first result; the results that clearly answer (scoring at least two
        thirds of the best) score the same, in the same order (fillers repeat, so an identical
        document may stand in for another); below them the top five score within 15 % of
        exact scoring's."""
        for text, best in exact.items():
            assert found[text][0][0] == best[0][0], text
            clear = [score for _, score in best if score >= best[0][1] * 2 / 3]
            assert [s for _, s in found[text][:len(clear)]] == pytest.approx(clear, rel=1e-6), text
            assert [s for _, s in found[text]] == pytest.approx([s for _, s in best], rel=0.15), text

    # --- top-k candidates --------------------------------------------------------------
    def test_the_rum_path_ranks_like_exact_scoring(settings, monkeypatch, corpus):
        backend = use(settings, rum=True)
        assert backend.rum, "migration 0004 made RUM indexes on this server"
        exact = exact_rankings(monkeypatch, backend)
        lowered(monkeypatch)
        assert_ranks_like(exact, {text: ranking(backend, text) for text in QUERIES})

    def test_the_no_rum_path_ranks_like_exact_scoring(settings, monkeypatch, corpus):
        backend = use(settings, rum=False)
        assert not backend.rum
        exact = exact_rankings(monkeypatch, backend)
        lowered(monkeypatch)
        assert_ranks_like(exact, {text: ranking(backend, text) for text in QUERIES})

    def test_common_words_are_common_in_the_fixture_corpus(backend, corpus):
        """The two tests above test candidates only if their queries hold common words."""
        documents = dict(SearchTerm.objects.filter(locale="en", kind="article",
                                                   term__in=["account", "plan", "bill", "page"])
                         .values_list("term", "documents"))
        assert len(documents) == 4 and all(n > 20 for n in documents.values()), documents

    def test_later_pages_are_served_past_the_candidates_of_the_first(settings, monkeypatch, corpus):
        for rum in (True, False):
            backend = use(settings, rum=rum)
            lowered(monkeypatch)
            page = backend.search(SearchQuery(text="account", page=3, per_page=10))
            assert len(page.hits) == 10, rum

    # --- term statistics ---------------------------------------------------------------
    def counted_terms():
        with connection.cursor() as cursor:
            cursor.execute("""
                SELECT locale, kind, term, count(*) FROM articles_searchentry,
                       unnest(tsvector_to_array(vector)) AS term GROUP BY locale, kind, term
                UNION ALL SELECT locale, kind, '', count(*) FROM articles_searchentry GROUP BY locale, kind""")
            return {(locale, kind, term): n for locale, kind, term, n in cursor.fetchall()}

    def stored_terms():
        return {(locale, kind, term): n for locale, kind, term, n in
                SearchTerm.objects.values_list("locale", "kind", "term", "documents")}

    def test_term_statistics_follow_rebuild_index_and_delete(backend, corpus, agent, make_article):
        assert stored_terms() == counted_terms()
        assert ("en", "article", "zebracorn") not in stored_terms()
        article = make_article(title="Zebracorn sightings", body="A zebracorn was seen near the billing page.")
        index_sync(keys=[f"article:{article.pk}"], backend=backend)
        assert stored_terms()[("en", "article", "zebracorn")] == 1
        assert stored_terms() == counted_terms()
        services.article_update(article=article, body="Nothing to see here.", title="Sightings")
        index_sync(keys=[f"article:{article.pk}"], backend=backend)
        assert ("en", "article", "zebracorn") not in stored_terms()
        assert stored_terms() == counted_terms()
        backend.delete([f"article:{corpus['cancel'].pk}", "not a key", "article:999999"])
        assert stored_terms() == counted_terms()
        index_rebuild(backend=backend)
        assert stored_terms() == counted_terms()

    def test_the_idf_comes_from_the_statistics(backend, corpus):
        """Scores use the stored document frequencies: doubling a word's count lowers
        the score of a document holding it."""
        key = f"article:{corpus['invoices'].pk}"
        before = next(h.score for h in backend.search(SearchQuery(text="invoices")).hits if h.key == key)
        everything = SearchTerm.objects.get(locale="en", kind="article", term="").documents
        SearchTerm.objects.filter(locale="en", kind="article", term="invoic").update(documents=everything)
        after = next(h.score for h in backend.search(SearchQuery(text="invoices")).hits if h.key == key)
        assert after < before

    # --- migration with and without RUM -------------------------------------------------
    def rum_indexes():
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%\\_rum"])
            return {name for (name,) in cursor.fetchall()}

    def test_the_migration_makes_rum_indexes_where_rum_is_available(backend):
        with connection.schema_editor() as editor:
            migration.drop_rum_indexes(editor)
            assert not rum_indexes()
            assert migration.create_rum_indexes(editor)
        assert rum_indexes() == {migration.rum_index_name(c) for c in ("en", "es", "de", "other")}
        reset_backends()
        assert get_backend().rum

    def test_the_migration_works_without_rum(backend, monkeypatch, corpus):
        with connection.schema_editor() as editor:
            migration.drop_rum_indexes(editor)
            monkeypatch.setattr(migration, "rum_available", lambda connection: False)
            assert not migration.create_rum_indexes(editor)
            migration.fill_term_statistics(editor)
        assert not rum_indexes()
        assert stored_terms() == counted_terms()
        reset_backends()
        backend = get_backend()
        assert not backend.rum
        assert ranking(backend, "stop billing")[0][0] == f"article:{corpus['cancel'].pk}"

    def test_the_setting_keeps_the_migration_from_making_rum_indexes(backend, settings):
        settings.KB_SEARCH_POSTGRES_RUM = False
        with connection.schema_editor() as editor:
            migration.drop_rum_indexes(editor)
            assert not migration.create_rum_indexes(editor)
        assert not rum_indexes()

    if os.environ.get("CI") == "true":
        def test_ci_has_the_rum_extension(backend):
            """CI installs postgresql-N-rum (.ci/run): the RUM path cannot silently go."""
            assert migration.rum_available(connection)
            assert backend.rum

    # --- capped counts -----------------------------------------------------------------
    def test_counts_past_the_cap_read_as_at_least(settings, client, backend, make_section, agent,
                                                  django_assert_num_queries):
        settings.KB_SEARCH_COUNT_CAP = 3
        section = make_section()
        for n in range(5):
            services.article_create(author=agent, section=section, title=f"Invoice number {n}",
                                    body="Where to find an invoice.", draft=False)
        index_rebuild(backend=backend)
        results = backend.search(SearchQuery(text="invoice"))
        assert results.counts_capped and results.total == 3 and results.kind_counts["article"] == 3
        response = client.get(SEARCH, {"q": "invoice"})
        html = response.content.decode()
        assert "3+ results for" in html
        assert '<span class="badge text-bg-light">3+</span>' in html
        # Few matches are counted exactly.
        exact = backend.search(SearchQuery(text="invoice", kinds=("post",)))
        assert exact.kind_counts["post"] == 0 and exact.total == 0

    def test_a_thousand_matches_show_as_1000_plus_and_pages_stop_there(client, backend, make_section, agent,
                                                                      django_assert_num_queries):
        section = make_section()
        fillers(section, agent, 1005, title_every=1)
        for n in range(3):
            services.article_create(author=agent, section=section, title=f"Zebracorn {n}",
                                    body="A rare animal.", draft=False)
        index_rebuild(backend=backend)
        response = client.get(SEARCH, {"q": "note account"})
        html = response.content.decode()
        assert "1,000+ results for" in html
        assert '<span class="badge text-bg-light">1,000+</span>' in html
        assert response.context["results"].page_count == 100
        last = client.get(SEARCH, {"q": "note account", "page": 100})
        assert len(last.context["results"].items) == 10
        api = client.get(API, {"query": "note account"}).json()
        assert api["count"] == 1000
        # The search page reads as much for a capped search as for a narrow one: the
        # words' statistics and the search (each in a savepoint: 3 queries), the hits'
        # rows, the articles shown, their translations, the filters.
        client.get(SEARCH, {"q": "note"})
        with django_assert_num_queries(9):
            client.get(SEARCH, {"q": "note account billing"})
        with django_assert_num_queries(9):
            narrow = client.get(SEARCH, {"q": "zebracorn"})
        assert "3 results for" in narrow.content.decode()
