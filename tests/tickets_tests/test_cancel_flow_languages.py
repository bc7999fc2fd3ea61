"""The cancel flow's office-hours sentence, slot labels and form in English, Spanish and German
at fixed moments (``clock``): 24-hour times and local weekday names, whole sentences translated."""

from datetime import datetime, time

import pytest
from django.urls import reverse
from django.utils import translation

from tickets import office_hours as oh
from tickets.office_hours import Schedule, WeeklyHours

from .conftest import HOLIDAY_MOMENT, LA, OPEN_MOMENT


def demo_schedule():
    return Schedule(LA, tuple(WeeklyHours(d, time(8), time(17)) for d in range(5)), holiday_country="US")


@pytest.mark.parametrize(("language", "open_text", "closed_text"), [
    ("en", "Open now until 5:00 PM PT", "Closed — opens Monday 8:00 AM PT, in 2 days 22 hours"),
    ("es", "Abierto ahora hasta las 17:00 (PT)", "Cerrado: abre el lunes a las 8:00 (PT), dentro de 2 días y 22 horas"),
    ("de", "Jetzt geöffnet bis 17:00 Uhr (PT)",
     "Geschlossen – öffnet am Montag um 8:00 Uhr (PT), in 2 Tagen und 22 Stunden"),
])
def test_cancel_flow_states_open_and_closed_hours_in_each_language(
        use_language, client, cancel_demo, clock, settings, language, open_text, closed_text):
    use_language(language)
    url = reverse("tickets:cancel_flow")
    clock(OPEN_MOMENT)
    assert open_text in client.get(url).content.decode()
    clock(HOLIDAY_MOMENT)  # Christmas Friday: next opening Monday
    assert closed_text in client.get(url).content.decode()


@pytest.mark.parametrize(("language", "today", "tomorrow", "far"), [
    ("en", "Closed — opens today at 8:00 AM PT, in 45 minutes",
     "Closed — opens tomorrow at 8:00 AM PT, in 14 hours",
     "Closed — opens Monday, July 6 8:00 AM PT, in 6 days 14 hours"),
    ("es", "Cerrado: abre hoy a las 8:00 (PT), dentro de 45 minutos",
     "Cerrado: abre mañana a las 8:00 (PT), dentro de 14 horas",
     "Cerrado: abre el lunes 6 de julio a las 8:00 (PT), dentro de 6 días y 14 horas"),
    ("de", "Geschlossen – öffnet heute um 8:00 Uhr (PT), in 45 Minuten",
     "Geschlossen – öffnet morgen um 8:00 Uhr (PT), in 14 Stunden",
     "Geschlossen – öffnet am Montag, 6. Juli um 8:00 Uhr (PT), in 6 Tagen und 14 Stunden"),
])
def test_status_sentence_for_today_tomorrow_and_a_later_date(language, today, tomorrow, far):
    schedule = demo_schedule()
    with translation.override(language):
        assert oh.status_text(schedule, datetime(2026, 6, 3, 7, 15, tzinfo=LA)) == today
        assert oh.status_text(schedule, datetime(2026, 6, 7, 18, 0, tzinfo=LA)) == tomorrow
        # Open on Mondays only, asked on a Monday evening: a week ahead, so the date is named.
        mondays = Schedule(LA, (WeeklyHours(0, time(8), time(17)),))
        assert oh.status_text(mondays, datetime(2026, 6, 29, 18, 0, tzinfo=LA)) == far


@pytest.mark.parametrize(("language", "label"), [
    ("en", "10:30 AM PT – 11:00 AM PT"),
    ("es", "10:30 (PT) – 11:00 (PT)"),
    ("de", "10:30 Uhr (PT) – 11:00 Uhr (PT)"),
])
def test_callback_slots_and_form_are_labelled_in_each_language(use_language, client, cancel_demo, clock, settings, language, label):
    use_language(language)
    url = reverse("tickets:cancel_flow")
    clock(OPEN_MOMENT)
    html = client.get(url).content.decode()
    assert label in html
    words = {"en": "Why do you want to cancel?", "es": "¿Por qué quiere cancelar?", "de": "Warum möchten Sie kündigen?"}
    assert words[language] in html
    # office_hours.js gets its sentences in the same language.
    sentence = {"en": "in your time zone", "es": "en su zona horaria", "de": "in Ihrer Zeitzone"}[language]
    assert f"data-i18n-local=\"{{label}} {{time}} {sentence} ({{zone}}).\"" in html


def test_a_spanish_visitor_sees_spanish_errors_on_the_callback_form(use_language, client, cancel_demo, clock, settings):
    use_language("es")
    url = reverse("tickets:cancel_flow")
    clock(OPEN_MOMENT)
    html = client.post(url, {"name": "  ", "email": "x@example.com", "plan": "no-such-plan"}).content.decode()
    assert "Este campo es requerido." in html  # Django's own catalog
    assert "Elija uno de los planes de la lista." in html
    assert "Solo podemos llamarle con su consentimiento. Marque la casilla para continuar." in html
