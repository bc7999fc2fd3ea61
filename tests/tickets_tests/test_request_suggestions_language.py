"""The request form's article suggestions speak the reader's language: a Spanish reader
gets the Spanish translation's title and address, or the source where there is none."""

from django.urls import reverse
from django.utils import translation

from articles.translations.services import article_translation_save
from search.index import index_rebuild


def _suggest_url(language: str) -> str:
    with translation.override(language):
        return reverse("tickets:request_suggest")


def test_spanish_suggestions_name_and_link_the_spanish_translation(client, make_article, agent, whoosh_index):
    article = make_article(title="Cancel your plan", body="Open Billing and choose Cancel.", draft=False)
    untranslated = make_article(title="Cancel a team invitation", body="Cancelar invitación pendiente.", draft=False)
    spanish = article_translation_save(article=article, locale="es", title="Cancelar su plan",
                                       body="Abra Facturación y elija Cancelar.", draft=False, by=agent)
    index_rebuild()
    results = client.get(_suggest_url("es"), {"q": "cancelar"}).json()["results"]
    by_id = {row["id"]: row for row in results}
    assert by_id[article.pk]["title"] == "Cancelar su plan"
    with translation.override("es"):
        assert by_id[article.pk]["url"] == spanish.get_absolute_url()
        if untranslated.pk in by_id:  # the source, at its Spanish address (shown with a notice)
            assert by_id[untranslated.pk]["title"] == "Cancel a team invitation"
            assert by_id[untranslated.pk]["url"].startswith("/es/articles/")


def test_english_suggestions_keep_the_source(client, make_article, agent, whoosh_index):
    article = make_article(title="Cancel your plan", body="Open Billing and choose Cancel.", draft=False)
    article_translation_save(article=article, locale="es", title="Cancelar su plan", body="Abra Facturación.",
                             draft=False, by=agent)
    index_rebuild()
    results = client.get(_suggest_url("en"), {"q": "cancel plan"}).json()["results"]
    assert [(row["id"], row["title"], row["url"]) for row in results][:1] == [
        (article.pk, "Cancel your plan", article.get_absolute_url())]
