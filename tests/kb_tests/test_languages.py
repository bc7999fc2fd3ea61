"""Pages in the visitor's language, at its addresses (/es/..., /de/...: ``use_language``).
Strings, dates, plurals and the JavaScript's sentences all follow it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import dateformat, translation

from kb.durations import describe_wait

LA = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize(("language", "heading", "lang_attribute"), [
    ("en", "How can we help?", 'lang="en"'),
    ("es", "¿En qué podemos ayudarle?", 'lang="es"'),
    ("de", "Wie können wir helfen?", 'lang="de"'),
])
def test_home_page_speaks_the_active_language(use_language, client, db, settings, language, heading, lang_attribute):
    use_language(language)
    html = client.get(reverse("articles:home")).content.decode()
    assert heading in html
    assert lang_attribute in html


def test_spanish_pages_translate_navigation_search_box_and_its_script_sentences(use_language, client, db, settings):
    use_language("es")
    html = client.get(reverse("articles:home")).content.decode()
    assert "Saltar al contenido principal" in html
    assert ">Contacto<" in html and ">Iniciar sesión<" in html
    assert 'placeholder="Buscar respuestas"' in html
    # search.js reads its sentences from the search box.
    assert 'data-i18n-many="{count} sugerencias disponibles.' in html
    assert "Skip to main content" not in html


def test_german_article_page_shows_german_dates_and_plurals(use_language, client, settings, make_article, clock):
    clock(datetime(2026, 3, 4, 10, 0, tzinfo=LA))
    use_language("de")
    article = make_article(title="Passwort zurücksetzen")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "War dieser Artikel hilfreich?" in html
    assert "0 Kommentare" in html
    assert "Verwandte Artikel" in html
    created = article.created_at.astimezone(LA)
    month = {3: "März"}.get(created.month)
    if month:  # the article's stored date, in German ("4. März 2026")
        assert f"{created.day}. {month} {created.year}" in html


def test_english_dates_keep_the_help_centers_format(client, settings, make_article):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    created = article.created_at.astimezone(LA)
    assert dateformat.format(created, "N j, Y") in html  # "March 4, 2026", "Jan. 5, 2026"


@pytest.mark.parametrize(("language", "title", "lead"), [
    ("en", "Page not found", "We can't find that page"),
    ("es", "Página no encontrada", "No encontramos esa página"),
    ("de", "Seite nicht gefunden", "Wir können diese Seite nicht finden"),
])
@override_settings(DEBUG=False)
def test_404_page_in_each_language_reads_nothing_from_the_database(
        use_language, client, customer, settings, django_assert_num_queries, language, title, lead):
    use_language(language)
    prefix = "" if language == "en" else f"/{language}"
    client.force_login(customer)  # a session, which a context processor would read
    with django_assert_num_queries(0):
        page = client.get(prefix + "/no-such-page/")
    html = page.content.decode()
    assert page.status_code == 404
    assert title in html and lead in html
    assert f'lang="{language}"' in html


def test_403_page_is_translated(use_language, client, customer, settings):
    use_language("de")
    client.force_login(customer)
    page = client.get(reverse("tickets:dashboard"))  # agents only
    assert page.status_code == 403
    assert "Sie können diese Seite nicht öffnen" in page.content.decode()


@pytest.mark.parametrize(("language", "minutes", "text"), [
    ("es", 1, "dentro de 1 minuto"),
    ("es", 45, "dentro de 45 minutos"),
    ("es", 62 * 60, "dentro de 2 días y 14 horas"),
    ("de", 60, "in 1 Stunde"),
    ("de", 14 * 60, "in 14 Stunden"),
    ("de", 72 * 60, "in 3 Tagen"),
    ("de", 49 * 60, "in 2 Tagen und 1 Stunde"),
])
def test_waits_are_worded_with_plurals_in_each_language(language, minutes, text):
    from datetime import timedelta
    with translation.override(language):
        assert describe_wait(timedelta(minutes=minutes)) == text
