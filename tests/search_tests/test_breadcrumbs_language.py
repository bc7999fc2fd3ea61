"""Search results name their section and category in the searcher's language."""

from django.urls import reverse
from django.utils import translation

from articles.translations import services as translations
from search.index import index_rebuild


def test_spanish_results_show_spanish_breadcrumbs_and_english_ones_english(client, make_article, agent, whoosh_index):
    article = make_article(title="Cancel your plan", body="Open Billing and choose Cancel.", draft=False)
    section, category = article.section, article.section.category
    translations.section_translation_save(section=section, locale="es", name="Facturación", draft=False, by=agent)
    translations.category_translation_save(category=category, locale="es", name="Cuenta", draft=False, by=agent)
    translations.article_translation_save(article=article, locale="es", title="Cancelar su plan",
                                          body="Abra Facturación y elija Cancelar.", draft=False, by=agent)
    index_rebuild()
    with translation.override("es"):
        spanish_url = reverse("search:search")
    [item] = client.get(spanish_url, {"q": "cancelar"}).context["results"].items
    assert [name for name, _url in item.breadcrumb] == ["Cuenta", "Facturación"]
    assert item.breadcrumb[1][1].startswith("/es/sections/")
    [item] = client.get(reverse("search:search"), {"q": "cancel"}).context["results"].items
    assert [name for name, _url in item.breadcrumb] == [category.name, section.name]
