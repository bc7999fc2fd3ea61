"""Search per language, through the real stack on every backend: documents carry their
locale, each locale is analysed with its own language, and searches follow the visitor's.

The PostgreSQL cases exist only when the suite runs on PostgreSQL (DATABASE_URL); they are
not collected, rather than skipped, on SQLite (as in test_backends.py).
"""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from articles import services
from articles.translations.services import (
    article_translation_save,
    section_translation_save,
    translation_delete,
)
from search.backends.base import ALL_LOCALES, SearchQuery, get_backend, make_key, reset_backends
from search.index import index_check, index_rebuild
from search.models import SearchEntry, Synonym
from search.query import analyze
from search.selectors import search_run, search_suggest
from search.synonyms import clear_synonym_cache

BACKENDS = ["whoosh"] + (["postgres"] if connection.vendor == "postgresql" else [])

CANCEL_EN = ("Cancel your subscription", "Open Billing and choose Cancel plan. Your invoices stay available.")
CANCEL_ES = ("Cancelar su suscripción",
             "Abra Facturación y elija la cancelación del plan. Sus facturas siguen disponibles.")
CANCEL_DE = ("Abonnement kündigen", "Öffnen Sie Abrechnung und wählen Sie Kündigung. Ihre Rechnungen bleiben.")
INVOICES_EN = ("Download your invoices", "Every invoice is listed under Billing, as a PDF.")
INVOICES_DE = ("Rechnungen herunterladen", "Jede Rechnung steht unter Abrechnung als PDF bereit.")
PASSWORD_EN = ("Reset your password", "Choose Forgot password on the sign-in page.")


@pytest.fixture(params=BACKENDS)
def backend(request, settings):
    settings.KB_SEARCH_BACKEND = request.param
    reset_backends()
    clear_synonym_cache()
    yield get_backend()
    reset_backends()
    clear_synonym_cache()


@pytest.fixture
def center(backend, agent, customer, topic, make_section, django_capture_on_commit_callbacks):
    """English sources; cancel translated into Spanish and German, invoices into German
    only, password into nothing; a post written in Spanish. Indexed by the signals."""
    section = make_section("Billing")
    with django_capture_on_commit_callbacks(execute=True):
        cancel = services.article_create(author=agent, section=section, title=CANCEL_EN[0], body=CANCEL_EN[1],
                                         draft=False)
        invoices = services.article_create(author=agent, section=section, title=INVOICES_EN[0],
                                           body=INVOICES_EN[1], draft=False)
        password = services.article_create(author=agent, section=section, title=PASSWORD_EN[0],
                                           body=PASSWORD_EN[1], draft=False)
        article_translation_save(article=cancel, locale="es", title=CANCEL_ES[0], body=CANCEL_ES[1], by=agent,
                                 draft=False)
        article_translation_save(article=cancel, locale="de", title=CANCEL_DE[0], body=CANCEL_DE[1], by=agent,
                                 draft=False)
        article_translation_save(article=invoices, locale="de", title=INVOICES_DE[0], body=INVOICES_DE[1],
                                 by=agent, draft=False)
        post = services.post_create(author=customer, topic=topic, title="No puedo descargar mis facturas",
                                    body="¿Dónde están las facturas de mi cuenta?")
        post.locale = "es"
        post.save()
    return {"cancel": cancel, "invoices": invoices, "password": password, "post": post, "section": section}


def keys(backend, text, locale="en", **kwargs):
    return [hit.key for hit in backend.search(SearchQuery(text=text, locale=locale, **kwargs)).hits]


# --- analysis ---------------------------------------------------------------------------

def test_spanish_and_german_words_are_stemmed_and_stop_words_dropped():
    assert analyze("cancelación", "es") == analyze("cancelar", "es") == ["cancel"]
    assert analyze("¿Cómo puedo cancelar mi suscripción?", "es") == ["cancel", "suscripcion"]
    assert analyze("Rechnungen", "de") == analyze("Rechnung", "de")
    assert analyze("kündigen", "de") == analyze("Kündigung", "de")
    assert analyze("Wie kann ich meine Rechnungen sehen", "de") == ["rechnung", "seh"]
    # English keeps its own analyzer (porter2, its stop words).
    assert analyze("How do I reset my password") == ["reset", "password"]


if connection.vendor == "postgresql":

    @pytest.mark.parametrize(("config", "locale", "words"), [
        ("spanish", "es", ["cancelación", "cancelar", "facturas", "suscripciones", "contraseñas"]),
        ("german", "de", ["Rechnungen", "kündigen", "Kündigung", "Abrechnung", "herunterladen"]),
        ("english", "en", ["cancelled", "billing", "invoices", "passwords"]),
    ])
    def test_stems_agree_with_postgresqls_text_search_configuration(db, config, locale, words):
        """The Python analyzers run the Snowball stemmers PostgreSQL's configurations use."""
        with connection.cursor() as cursor:
            for word in words:
                cursor.execute("SELECT array_to_string(tsvector_to_array(to_tsvector(%s::regconfig, %s)), ' ')",
                               [config, word])
                assert analyze(word, locale) == [cursor.fetchone()[0]], word


# --- documents ------------------------------------------------------------------------

def test_each_published_translation_is_a_document_in_its_locale(backend, center):
    stored = set(backend.stored_versions())
    cancel, invoices, password = center["cancel"], center["invoices"], center["password"]
    assert {make_key("article", cancel.pk, "es"), make_key("article", cancel.pk, "de"),
            make_key("article", invoices.pk, "de"), make_key("article", password.pk),
            make_key("post", center["post"].pk)} <= stored
    assert make_key("article", invoices.pk, "es") not in stored
    assert index_check(backend=backend).ok


def test_a_draft_or_deleted_translation_leaves_the_index(backend, center, agent,
                                                         django_capture_on_commit_callbacks):
    cancel = center["cancel"]
    with django_capture_on_commit_callbacks(execute=True):
        article_translation_save(article=cancel, locale="es", title=CANCEL_ES[0], body=CANCEL_ES[1], by=agent,
                                 draft=True)
    assert make_key("article", cancel.pk, "es") not in backend.stored_versions()
    # Spanish searchers now get the English source instead (it stands in for Spanish again).
    assert keys(backend, "cancel subscription", "es")[0] == make_key("article", cancel.pk)
    with django_capture_on_commit_callbacks(execute=True):
        translation_delete(translation=cancel.translations.get(locale="de"))
    assert make_key("article", cancel.pk, "de") not in backend.stored_versions()
    assert index_check(backend=backend).ok


def test_a_translated_section_name_is_indexed_with_its_articles(backend, center, agent,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        section_translation_save(section=center["section"], locale="es", name="Pagos y cuentas", by=agent,
                                 draft=False)
    assert keys(backend, "pagos", "es", fallback=False) == [make_key("article", center["cancel"].pk, "es")]


def test_rebuild_index_writes_every_locale(backend, center):
    before = backend.stored_versions()
    index_rebuild(backend=backend)
    assert backend.stored_versions() == before
    if backend.name == "postgres":
        assert dict(SearchEntry.objects.values_list("key", "locale"))[
            make_key("article", center["cancel"].pk, "es")] == "es"


# --- searching per locale -----------------------------------------------------------------

def test_spanish_queries_are_stemmed_in_spanish(backend, center):
    es = make_key("article", center["cancel"].pk, "es")
    assert keys(backend, "cancelación", "es")[0] == es
    assert keys(backend, "¿Cómo puedo cancelar mi suscripción?", "es")[0] == es
    # Stop words alone find nothing.
    assert keys(backend, "de la que mi", "es", fallback=False) == []


def test_german_queries_are_stemmed_in_german(backend, center):
    assert keys(backend, "Rechnung", "de")[0] == make_key("article", center["invoices"].pk, "de")
    assert keys(backend, "kündigen", "de")[0] == make_key("article", center["cancel"].pk, "de")
    assert keys(backend, "Kündigung", "de")[0] == make_key("article", center["cancel"].pk, "de")


def test_a_spanish_searcher_sees_spanish_documents_first_then_untranslated_sources(backend, center):
    found = keys(backend, "cancelar password", "es")
    # The Spanish translation, then the English source of an article without a Spanish one;
    # never the English source of the translated article.
    assert found[0] == make_key("article", center["cancel"].pk, "es")
    assert make_key("article", center["password"].pk) in found[1:]
    assert make_key("article", center["cancel"].pk) not in found
    results = backend.search(SearchQuery(text="cancelar password", locale="es"))
    assert results.total == len(found) == 2


def test_english_searches_read_english_documents_only(backend, center):
    found = keys(backend, "cancel invoices facturas rechnungen")
    assert found and all(key.count(":") == 1 for key in found)
    assert make_key("post", center["post"].pk) not in found


def test_a_spanish_post_is_found_by_a_spanish_query_in_spanish_only(backend, center):
    post = make_key("post", center["post"].pk)
    assert post in keys(backend, "descargar facturas", "es")
    assert post not in keys(backend, "descargar facturas", "en")
    assert post not in keys(backend, "descargar facturas", "de")


def test_every_locale_at_once(backend, center):
    found = keys(backend, "Rechnungen facturas invoices", ALL_LOCALES, per_page=20)
    assert make_key("article", center["invoices"].pk, "de") in found
    assert make_key("article", center["invoices"].pk) in found
    assert make_key("post", center["post"].pk) in found


def test_synonyms_apply_to_searches_in_their_locale_only(backend, center):
    es = make_key("article", center["cancel"].pk, "es")
    assert es not in keys(backend, "baja", "es")
    Synonym.objects.create(terms="cancelar, dar de baja", locale="es")
    clear_synonym_cache()
    assert keys(backend, "dar de baja", "es")[0] == es
    # The Spanish group does not widen English searches.
    assert keys(backend, "dar de baja") == []


def test_did_you_mean_uses_the_locales_vocabulary(backend, center):
    assert backend.spelling("facturs", "es") == "facturas"
    # English words are not offered to a Spanish searcher, nor Spanish ones to an English one.
    assert backend.spelling("pasword", "es") is None
    assert backend.spelling("facturs") != "facturas"


def test_suggestions_follow_the_locale(backend, center):
    titles = [s.title for s in backend.suggest("cancel", locale="es")]
    assert titles[0] == CANCEL_ES[0]
    assert CANCEL_EN[0] not in titles
    assert next(s.title for s in backend.suggest("Rechn", locale="de")) == INVOICES_DE[0]
    # Untranslated articles are suggested in their source language.
    assert PASSWORD_EN[0] in [s.title for s in backend.suggest("password", locale="de")]


# --- selectors, pages and the API --------------------------------------------------------

def test_results_show_the_translations_title_and_address(backend, center):
    with translation.override("es"):
        page = search_run(text="cancelación")
        suggestions = search_suggest(text="cancela")
    item = page.items[0]
    assert (item.title, item.locale, item.obj.pk) == (CANCEL_ES[0], "es", center["cancel"].pk)
    assert item.url == center["cancel"].translations.get(locale="es").get_absolute_url()
    assert suggestions[0]["title"] == CANCEL_ES[0]


def _get_in(client, locale, name, params):
    # The active language as the visitor's request sets it (its URL prefix or Accept-Language).
    with translation.override(locale):
        return client.get(reverse(name), params, HTTP_ACCEPT_LANGUAGE=locale)


def test_the_search_page_in_spanish_runs_a_constant_number_of_queries(backend, center, client, customer,
                                                                      django_assert_num_queries):
    client.force_login(customer)
    _get_in(client, "es", "search:search", {"q": "facturas"})  # session and user rows warmed
    # Session, the articles shown, their translations, the posts shown, the filters, the
    # user and their permissions (the header); PostgreSQL: its words' statistics and the
    # search (each in a savepoint: SAVEPOINT, the statement, RELEASE) and its rows too.
    queries = 8 + (7 if backend.name == "postgres" else 0)
    with django_assert_num_queries(queries):
        response = _get_in(client, "es", "search:search", {"q": "cancelación facturas password"})
    assert response.status_code == 200
    assert CANCEL_ES[0] in response.content.decode()
    assert PASSWORD_EN[0] in response.content.decode()
    with django_assert_num_queries(queries):
        _get_in(client, "es", "search:search", {"q": "cancelar factura contraseña password descargar"})


def test_instant_suggestions_follow_the_visitors_language(backend, center, client):
    response = _get_in(client, "de", "search:suggest", {"q": "Kündig"})
    assert response.json()["results"][0]["title"] == CANCEL_DE[0]


def test_api_locale_filter(backend, center, client):
    api = reverse("search:api_articles")

    def titles(**params):
        response = client.get(api, params)
        assert response.status_code == 200, response.content
        return [(r["title"], r["locale"]) for r in response.json()["results"]]

    assert titles(query="cancelar", locale="es") == [(CANCEL_ES[0], "es")]
    assert titles(query="Rechnungen", locale="DE")[0] == (INVOICES_DE[0], "de")
    assert titles(query="cancel", locale="en-us") == [(CANCEL_EN[0], "en-us")]
    assert titles(query="cancel") == titles(query="cancel", locale="en")
    # Strict: an untranslated article is not a Spanish result.
    assert titles(query="password", locale="es") == []
    both = titles(query="cancel cancelar kündigen", locale="*", per_page=10)
    assert {(CANCEL_EN[0], "en-us"), (CANCEL_ES[0], "es"), (CANCEL_DE[0], "de")} <= set(both)
    # The filtered path (labels, dates, sorting) keeps the locale too.
    assert titles(query="cancelar", locale="es", sort_by="updated_at") == [(CANCEL_ES[0], "es")]
    posts = client.get(reverse("search:api_posts"), {"query": "facturas", "locale": "es"}).json()
    assert [p["locale"] for p in posts["results"]] == ["es"]


@pytest.mark.parametrize("value", ["fr", "xx-yy", "e", "**", "es es", "\x00"])
def test_api_rejects_an_unknown_locale_with_a_clear_400(backend, center, client, value):
    response = client.get(reverse("search:api_articles"), {"query": "cancel", "locale": value})
    assert response.status_code == 400
    assert "locale" in response.json()["details"]
    if value != "\x00":  # Django's own message for that one
        assert "use one of en-us, es, de, *" in response.json()["details"]["locale"][0]


def test_request_form_suggestions_follow_the_visitors_language(backend, center):
    from tickets.selectors.requests import suggested_articles

    with translation.override("de"):
        found = suggested_articles("Rechnungen herunterladen")
    assert found[0].pk == center["invoices"].pk


def test_the_database_fallback_searches_per_locale_too(center, settings):
    """When the index cannot answer, the database backend keeps the same rules."""
    from search.backends.database import DatabaseBackend

    database = DatabaseBackend()
    found = [hit.key for hit in database.search(SearchQuery(text="cancelación password", locale="es")).hits]
    assert found[0] == make_key("article", center["cancel"].pk, "es")
    assert make_key("article", center["password"].pk) in found
    assert make_key("article", center["cancel"].pk) not in found
    posts = [hit.key for hit in database.search(SearchQuery(text="facturas", locale="en")).hits]
    assert make_key("post", center["post"].pk) not in posts


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_locale_of_existing_entries(make_article, make_post, agent):
    """Rows written before languages get their document's locale and fallback locales."""
    from django.db.migrations.executor import MigrationExecutor

    spanish = make_article(title="Cancelar")
    type(spanish).objects.filter(pk=spanish.pk).update(locale="es")
    english = make_article(title="Cancel")
    article_translation_save(article=english, locale="de", title="Kündigen", body="Text.", by=agent, draft=False)
    post = make_post()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("search", "0002_embedding_metadata")])
    try:
        old = MigrationExecutor(connection).loader.project_state([("search", "0002_embedding_metadata")]).apps
        Entry = old.get_model("search", "SearchEntry")
        for kind, pk in (("article", spanish.pk), ("article", english.pk), ("post", post.pk)):
            Entry.objects.create(key=f"{kind}:{pk}", kind=kind, object_id=pk, title="t", url="/", version="v",
                                 created_at=spanish.created_at, updated_at=spanish.updated_at)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    rows = {key: (locale, fallback) for key, locale, fallback in
            SearchEntry.objects.values_list("key", "locale", "fallback")}
    assert rows[f"article:{spanish.pk}"] == ("es", " en de ")
    assert rows[f"article:{english.pk}"] == ("en", " es ")
    assert rows[f"post:{post.pk}"] == ("en", "")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'articles_searchentry'")
            names = {name for (name,) in cursor.fetchall()}
        assert {"articles_searchentry_vector_es_gin", "articles_searchentry_vector_de_gin"} <= names
        assert "articles_searchentry_vector_gin" not in names
