"""The search backend contract: one suite every backend must pass.

Use it by subclassing in a test module and naming the backend alias::

    from tests.search_tests.backend_contract import SearchBackendContract

    class TestWhooshBackend(SearchBackendContract):
        backend_alias = "whoosh"

Content is created through the services, then the index is built with ``index_rebuild``
(or updated with ``index_sync``) — the same paths the site and commands use.
"""

import pytest

from articles import services
from articles.models import Category, Section
from search.backends.base import ARTICLE, POST, SearchQuery, get_backend, reset_backends
from search.index import index_check, index_fix, index_rebuild, index_sync
from search.models import Synonym
from search.synonyms import clear_synonym_cache

BAD_QUERIES = [
    "*",
    "?",
    "body:[a TO z]",
    "title:password",
    "NOT NOT x",
    "AND OR NOT",
    '"unclosed phrase',
    "pass*",
    "x" * 10_000,
    "password\x00reset",
    "\x00",
    "🔑🔒 password 🙂",
    "كيف أعيد تعيين كلمة المرور",
    "איך לבטל את החשבון",
    "\u202epassword\u202c",
    "((((((((((",
    "a~2 b^3 {x TO y}",
    "   ",
]


def demo_content(agent, customer, topic):
    """A small help center like the demo: the cancel article among look-alikes."""
    billing = Category.objects.create(name="Account & Billing", slug="account-billing")
    getting_started = Category.objects.create(name="Getting Started", slug="getting-started")
    account = Section.objects.create(category=billing, name="Managing your account", slug="managing-account")
    payments = Section.objects.create(category=billing, name="Payments and invoices", slug="payments")
    basics = Section.objects.create(category=getting_started, name="Basics", slug="basics")

    def article(title, body, section, labels=(), draft=False):
        return services.article_create(author=agent, section=section, title=title, body=body,
                                       draft=draft, label_names=list(labels))

    content = {
        "cancel": article(
            "How do I cancel my account?",
            "We cannot close an account for you, because your account holds data only you "
            "should decide to remove. You can stop billing at any time yourself.\n\n"
            "## Lumora Complete\n\n1. Sign in and open **Account** from the menu.\n"
            "2. Under *Need to cancel*, choose **Please close my account completely**.\n\n"
            "Outstanding charges are cancelled and you are no longer billed. Your data may be "
            "deleted right away, so export anything you want to keep first.\n\n"
            "## Lumora Pages Premium\n\nDowngrade to Lumora Pages Free to stop paying.",
            account, labels=["cancel", "billing"]),
        "payment": article(
            "Update your payment method",
            "Change the credit card we charge each month. Open **Billing** and choose "
            "*Payment method*. The new card is used from your next invoice.",
            payments, labels=["billing"]),
        "invoices": article(
            "Download your invoices",
            "Every invoice is listed under **Billing > Invoices**. Download a PDF for your records.",
            payments, labels=["billing"]),
        "password": article(
            "Reset your password",
            "Forgot your password? Use **Forgot password** on the sign-in page and follow the "
            "link we email you to choose a new password. Resetting signs out other devices.",
            account, labels=["sign in"]),
        "plan": article(
            "Change your plan",
            "Upgrade or downgrade between Lumora Complete and Lumora Pages at any time. "
            "Billing is prorated.",
            account),
        "first_page": article(
            "Build your first page",
            "Pick a template, add your text and publish. Pages are free on every plan.",
            basics),
        "draft": article(
            "Secret roadmap for cancellations",
            "Internal draft: zebracorn retention offers.",
            account, draft=True),
    }
    content["post"] = services.post_create(
        author=customer, topic=topic, title="Emails bounce after domain change",
        body="Since I changed my domain, messages bounce back.")
    content["sections"] = {"account": account, "payments": payments, "basics": basics}
    content["categories"] = {"billing": billing, "getting_started": getting_started}
    return content


class SearchBackendContract:
    backend_alias = None  # "whoosh", "postgres", ...

    @pytest.fixture
    def backend(self, settings):
        settings.KB_SEARCH_BACKEND = self.backend_alias
        reset_backends()
        clear_synonym_cache()
        yield get_backend()
        reset_backends()

    @pytest.fixture
    def demo(self, backend, agent, customer, topic):
        content = demo_content(agent, customer, topic)
        index_rebuild(backend=backend)
        return content

    @staticmethod
    def keys(backend, text, **kwargs):
        return [hit.key for hit in backend.search(SearchQuery(text=text, **kwargs)).hits]

    # --- ranking --------------------------------------------------------------------
    def test_stop_billing_finds_the_cancel_article_first(self, backend, demo):
        assert self.keys(backend, "stop billing")[0] == f"article:{demo['cancel'].pk}"

    def test_a_question_in_plain_words_finds_the_cancel_article_first(self, backend, demo):
        assert self.keys(backend, "how do I stop being billed")[0] == f"article:{demo['cancel'].pk}"

    def test_delete_my_account_finds_the_cancel_article_first(self, backend, demo):
        assert self.keys(backend, "delete my account")[0] == f"article:{demo['cancel'].pk}"

    def test_terms_are_ored_so_an_extra_unknown_word_still_finds_the_article(self, backend, demo):
        assert self.keys(backend, "reset password quixotically")[0] == f"article:{demo['password'].pk}"

    def test_stemming_matches_other_forms_of_a_word(self, backend, demo):
        assert f"article:{demo['password'].pk}" in self.keys(backend, "resetting passwords")

    def test_title_matches_rank_above_body_only_matches(self, backend, demo):
        keys = self.keys(backend, "invoices")
        assert keys[0] == f"article:{demo['invoices'].pk}"

    def test_community_posts_are_searchable(self, backend, demo):
        assert self.keys(backend, "domain bounce") == [f"post:{demo['post'].pk}"]

    def test_official_answers_weigh_more_than_other_comments(self, backend, agent, customer, topic, make_post):
        plain = make_post(title="Question one", body="Something happened.")
        answered = make_post(title="Question two", body="Something else happened.")
        services.comment_create(author=customer, target=plain, body="Try the xylophone setting.")
        official = services.comment_create(author=agent, target=answered, body="Use the xylophone setting.")
        services.comment_set_official(comment=official, by=agent, official=True)
        index_rebuild(backend=backend)
        assert self.keys(backend, "xylophone") == [f"post:{answered.pk}", f"post:{plain.pk}"]

    # --- what is never shown ----------------------------------------------------------
    def test_drafts_are_never_indexed(self, backend, demo):
        assert self.keys(backend, "zebracorn") == []
        assert f"article:{demo['draft'].pk}" not in backend.stored_versions()

    def test_publishing_and_unpublishing_follow_the_database(self, backend, demo):
        draft = demo["draft"]
        services.article_update(article=draft, draft=False)
        index_sync(keys=[f"article:{draft.pk}"], backend=backend)
        assert self.keys(backend, "zebracorn") == [f"article:{draft.pk}"]
        services.article_update(article=draft, draft=True)
        index_sync(keys=[f"article:{draft.pk}"], backend=backend)
        assert self.keys(backend, "zebracorn") == []

    def test_deleted_content_leaves_the_index(self, backend, demo):
        key = f"post:{demo['post'].pk}"
        demo["post"].delete()
        index_sync(keys=[key], backend=backend)
        assert self.keys(backend, "domain bounce") == []
        assert key not in backend.stored_versions()

    # --- filters, counts, pages --------------------------------------------------------
    def test_filters_by_kind_category_and_section(self, backend, demo):
        assert all(k.startswith("article:") for k in self.keys(backend, "billing domain", kinds=(ARTICLE,)))
        assert self.keys(backend, "billing domain", kinds=(POST,)) == [f"post:{demo['post'].pk}"]
        payments = demo["sections"]["payments"]
        assert set(self.keys(backend, "billing", section_id=payments.pk)) == {
            f"article:{demo['payment'].pk}", f"article:{demo['invoices'].pk}"}
        basics = demo["categories"]["getting_started"]
        assert self.keys(backend, "billing", category_id=basics.pk) == []

    def test_counts_per_kind_ignore_the_kind_filter(self, backend, demo):
        results = backend.search(SearchQuery(text="billing domain", kinds=(POST,)))
        assert results.total == 1
        assert results.kind_counts[POST] == 1
        assert results.kind_counts[ARTICLE] >= 4

    def test_pages_partition_the_results(self, backend, demo):
        everything = backend.search(SearchQuery(text="billing account page", per_page=100))
        pages = [self.keys(backend, "billing account page", per_page=2, page=n) for n in (1, 2, 3)]
        assert [k for page in pages for k in page] == [h.key for h in everything.hits][:6]
        assert everything.total == len(everything.hits) >= 5

    # --- snippets ------------------------------------------------------------------------
    def test_snippets_mark_matches_and_escape_html(self, backend, agent, make_section):
        services.article_create(author=agent, section=make_section(), draft=False,
                                title="Embedding widgets",
                                body="Paste `<script>alert(1)</script>` into the widget box & save.")
        index_rebuild(backend=backend)
        hit = backend.search(SearchQuery(text="widget")).hits[0]
        assert "<mark>" in hit.snippet.lower()
        assert "<script>" not in hit.snippet
        assert "&lt;script&gt;" in hit.snippet

    # --- hostile input --------------------------------------------------------------------
    @pytest.mark.parametrize("text", BAD_QUERIES)
    def test_bad_queries_answer_without_errors_or_drafts(self, backend, demo, text):
        results = backend.search(SearchQuery(text=text))
        assert f"article:{demo['draft'].pk}" not in [h.key for h in results.hits]
        backend.suggest(text)

    def test_field_syntax_is_searched_as_words(self, backend, demo):
        # "title:password" is two words, not a field query: the password article is found.
        assert self.keys(backend, "title:password")[0] == f"article:{demo['password'].pk}"

    # --- synonyms, suggestions, spelling -------------------------------------------------
    def test_synonyms_expand_the_query(self, backend, demo):
        assert f"article:{demo['cancel'].pk}" not in self.keys(backend, "terminate")
        Synonym.objects.create(terms="cancel, terminate, close")
        assert self.keys(backend, "terminate")[0] == f"article:{demo['cancel'].pk}"

    def test_suggestions_complete_the_word_being_typed(self, backend, demo):
        found = backend.suggest("reset passw")
        assert found and found[0].pk == demo["password"].pk
        assert all(s.kind == ARTICLE for s in found)
        assert len(backend.suggest("account billing plan page", limit=3)) <= 3

    def test_spelling_corrections_use_indexed_words(self, backend, demo):
        assert backend.spelling("pasword resett") == "password reset"
        assert backend.spelling("password reset") is None

    # --- keeping the index honest -----------------------------------------------------------
    def test_check_finds_missing_stale_and_orphan_documents_and_fix_repairs(self, backend, demo):
        assert index_check(backend=backend).ok
        new = services.article_create(author=demo["cancel"].author, section=demo["sections"]["basics"],
                                      title="Add a custom domain", body="Point your DNS.", draft=False)
        services.article_update(article=demo["plan"], title="Switch plans")
        backend.index([])  # nothing written: the index is now behind the database
        removed = f"article:{demo['first_page'].pk}"
        demo["first_page"].delete()
        report = index_check(backend=backend)
        assert report.missing == [f"article:{new.pk}"]
        assert report.stale == [f"article:{demo['plan'].pk}"]
        assert report.orphans == [removed]
        index_fix(report, backend=backend)
        assert index_check(backend=backend).ok
        assert self.keys(backend, "custom domain DNS")[0] == f"article:{new.pk}"

    def test_rebuild_replaces_the_whole_index(self, backend, demo):
        removed = f"article:{demo['invoices'].pk}"
        demo["invoices"].delete()
        count, _ = index_rebuild(backend=backend)
        assert removed not in backend.stored_versions()
        assert count == len(backend.stored_versions())
