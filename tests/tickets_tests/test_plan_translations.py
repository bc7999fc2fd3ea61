"""Plans in the visitor's language: translations written through tickets.services.plans
(the admin's inline too), and the cancel flow showing the active language's texts with a
fallback to the plan's own, in the same number of queries."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tickets.models import Plan, PlanTranslation
from tickets.selectors.callbacks import active_plans
from tickets.services.plans import plan_translation_delete, plan_translation_save

from .conftest import NIGHT_MOMENT

URL = reverse("tickets:cancel_flow")


def url_in(language: str) -> str:
    """The cancel flow's address in ``language`` (/es/contact/cancel/), as its visitors reach it."""
    with translation.override(language):
        return reverse("tickets:cancel_flow")


def test_every_demo_plan_has_spanish_and_german_texts(cancel_demo):
    for plan in Plan.objects.all():
        assert set(plan.translations.values_list("locale", flat=True)) == {"es", "de"}, plan.slug
    spanish = PlanTranslation.objects.get(plan__slug="lumora-complete", locale="es")
    assert "Cerrar mi cuenta por completo" in spanish.cancel_steps and spanish.after_cancel


def test_loading_the_demo_again_leaves_the_same_plan_translations(cancel_demo):
    from demo import tickets as demo

    before = list(PlanTranslation.objects.order_by("pk").values("pk", "plan", "locale", "name", "summary",
                                                                 "cancel_steps", "after_cancel"))
    demo.load()
    after = list(PlanTranslation.objects.order_by("pk").values("pk", "plan", "locale", "name", "summary",
                                                                "cancel_steps", "after_cancel"))
    assert after == before


def test_saving_a_translation_again_replaces_it(cancel_demo):
    plan = Plan.objects.get(slug="lumora-pages-premium")
    row = plan_translation_save(plan=plan, locale="ES", name=" Páginas ", cancel_steps="1. Uno")
    assert (row.locale, row.name, row.summary, row.after_cancel) == ("es", "Páginas", "", "")
    assert plan.translations.filter(locale="es").count() == 1
    plan_translation_delete(translation=row)
    assert not plan.translations.filter(locale="es").exists()


@pytest.mark.parametrize("locale", ["en", "en-us", "fr", "", "x" * 30])
def test_a_translation_into_the_plans_own_or_an_unserved_language_is_refused(cancel_demo, locale):
    plan = Plan.objects.get(slug="lumora-complete")
    with pytest.raises(ValidationError) as error:
        plan_translation_save(plan=plan, locale=locale, name="X", cancel_steps="1. X")
    assert error.value.error_dict["locale"][0].code in {"invalid_locale", "source_locale"}


def test_steps_that_cannot_be_rendered_are_refused(cancel_demo):
    plan = Plan.objects.get(slug="lumora-complete")
    with pytest.raises(ValidationError) as error:
        plan_translation_save(plan=plan, locale="de", name="X", cancel_steps="[" * 5000)
    assert "cancel_steps" in error.value.error_dict


def test_the_cancel_flow_shows_the_plan_in_spanish_when_spanish_is_active(client, cancel_demo, clock, settings):
    url = url_in("es")
    clock(NIGHT_MOMENT)
    page = client.get(url + "?plan=lumora-complete")
    html = page.content.decode()
    assert "Cerrar mi cuenta por completo" in html
    assert "se anularán los cargos pendientes" in html  # after-cancel text
    assert "La cuenta completa de Lumora" in html  # summary
    assert "Close my account completely" not in html
    # The plan picker and the callback form name the plans as the visitor reads them.
    assert page.context["picker"].fields["plan"].choices[0] == ("lumora-complete", "Lumora Complete")


def test_the_cancel_flow_shows_german_steps_for_the_other_plan(client, cancel_demo, clock, settings):
    url = url_in("de")
    clock(NIGHT_MOMENT)
    html = client.get(url + "?plan=lumora-pages-premium").content.decode()
    assert "Diesen Tarif auswählen" in html and "Nur Landingpages" in html
    assert "Select this plan" not in html


def test_english_visitors_keep_the_plans_own_texts(client, cancel_demo, clock):
    clock(NIGHT_MOMENT)
    html = client.get(URL + "?plan=lumora-complete").content.decode()
    assert "Close my account completely" in html
    assert "Cerrar mi cuenta" not in html


def test_a_plan_without_a_translation_falls_back_to_its_own_texts(client, cancel_demo, clock, settings):
    Plan.objects.create(name="Lumora Starter", slug="lumora-starter", summary="The small plan.",
                        cancel_steps="1. Click **Stop Starter**.", after_cancel="Billing stops today.", position=3)
    url = url_in("es")
    clock(NIGHT_MOMENT)
    page = client.get(url + "?plan=lumora-starter")
    html = page.content.decode()
    assert "<strong>Stop Starter</strong>" in html and "Billing stops today." in html and "The small plan." in html
    names = dict(page.context["picker"].fields["plan"].choices)
    assert names["lumora-starter"] == "Lumora Starter"


def test_blank_texts_of_a_translation_fall_back_to_the_plans_own(cancel_demo):
    plan = Plan.objects.get(slug="lumora-pages-premium")
    plan_translation_save(plan=plan, locale="es", name="Páginas Premium", cancel_steps="1. Uno", summary="",
                          after_cancel="")
    shown = next(p for p in active_plans("es") if p.slug == plan.slug)
    assert (shown.shown_name, shown.shown_cancel_steps) == ("Páginas Premium", "1. Uno")
    assert (shown.shown_summary, shown.shown_after_cancel) == (plan.summary, plan.after_cancel)
    # The plan's own name stays what agents and tickets call it.
    assert shown.name == "Lumora Pages Premium"


def test_the_spanish_cancel_page_costs_the_same_queries_as_the_english_one(
        client, cancel_demo, clock, settings, django_assert_num_queries):
    clock(NIGHT_MOMENT)
    client.get(URL + "?plan=lumora-complete")  # the session exists and remembers the plan
    # teams, hours, exceptions, plans (with their translation joined), links, session
    with django_assert_num_queries(6):
        english = client.get(URL)
    with django_assert_num_queries(6):
        spanish = client.get(url_in("es"))
    assert "Close my account completely" in english.content.decode()
    assert "Cerrar mi cuenta por completo" in spanish.content.decode()


def test_agents_add_a_translation_in_the_plan_admin(admin_client, cancel_demo):
    plan = Plan.objects.get(slug="lumora-pages-premium")
    plan.translations.all().delete()
    links = list(plan.links.all())
    data = {
        "name": plan.name, "slug": plan.slug, "summary": plan.summary, "cancel_steps": plan.cancel_steps,
        "after_cancel": plan.after_cancel, "export_reminder": "", "position": plan.position, "is_active": "on",
        "links-TOTAL_FORMS": len(links), "links-INITIAL_FORMS": len(links),
        "translations-TOTAL_FORMS": 1, "translations-INITIAL_FORMS": 0,
        "translations-0-locale": "de", "translations-0-name": "Lumora Pages Premium",
        "translations-0-summary": "", "translations-0-cancel_steps": "1. **Upgrade** klicken.",
        "translations-0-after_cancel": "",
    }
    for n, link in enumerate(links):
        data.update({f"links-{n}-id": link.pk, f"links-{n}-plan": plan.pk, f"links-{n}-kind": link.kind,
                     f"links-{n}-label": link.label, f"links-{n}-url": link.url, f"links-{n}-position": link.position})
    page = admin_client.post(f"/admin/tickets/plan/{plan.pk}/change/", data)
    assert page.status_code == 302, page.content.decode()[:2000]
    row = plan.translations.get()
    assert (row.locale, row.cancel_steps) == ("de", "1. **Upgrade** klicken.")

    # English is the plans' own language: not offered, and refused.
    data.update({"translations-0-locale": "en"})
    page = admin_client.post(f"/admin/tickets/plan/{plan.pk}/change/", data)
    assert page.status_code == 200
    assert plan.translations.count() == 1


def test_the_plan_list_shows_which_languages_each_plan_lacks(admin_client, cancel_demo, django_assert_max_num_queries):
    Plan.objects.create(name="Lumora Starter", slug="lumora-starter", cancel_steps="1. Stop.", position=3)
    PlanTranslation.objects.filter(plan__slug="lumora-pages-premium", locale="de").delete()
    admin_client.get("/admin/tickets/plan/")
    with django_assert_max_num_queries(8):  # session, user, counts, plans, their translations
        html = admin_client.get("/admin/tickets/plan/").content.decode()
    assert "es, de</td>" in html  # Lumora Complete
    assert "es (missing: de)" in html
    assert "— (missing: es, de)" in html


def test_a_callback_asked_for_in_spanish_names_the_plan_as_agents_know_it(
        client, cancel_demo, clock, settings, callback_data):
    from tickets.models import Ticket

    from .conftest import OPEN_MOMENT

    plan = Plan.objects.get(slug="lumora-pages-premium")
    plan_translation_save(plan=plan, locale="es", name="Páginas Premium", cancel_steps="1. Uno")
    url = url_in("es")
    clock(OPEN_MOMENT)
    page = client.post(url, callback_data(plan="lumora-pages-premium", slot="2026-06-03T18:00+00:00"))
    assert page.status_code == 302
    assert Ticket.objects.get().subject == "Callback: cancelling Lumora Pages Premium"


def test_translated_steps_go_through_the_sanitising_renderer(client, cancel_demo, clock, settings):
    plan = Plan.objects.get(slug="lumora-complete")
    plan_translation_save(plan=plan, locale="es", name="Completo",
                          cancel_steps='1. Pulse <script>alert(1)</script> **Cuenta** <a href="javascript:x()">aquí</a>')
    url = url_in("es")
    clock(NIGHT_MOMENT)
    html = client.get(url + "?plan=lumora-complete").content.decode()
    assert "<strong>Cuenta</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html


def _link_labels(html: str) -> list[str]:
    import re

    return re.findall(r'href="/(?:\w\w/)?contact/cancel/go/\d+/"[^>]*>([^<]+)<', html)


def test_plan_links_are_shown_in_the_readers_language(client, cancel_demo, clock):
    clock(NIGHT_MOMENT)
    spanish = _link_labels(client.get(url_in("es") + "?plan=lumora-complete").content.decode())
    english = _link_labels(client.get(URL + "?plan=lumora-complete").content.decode())
    assert "Exporte sus datos" in spanish and "Export your data" not in spanish
    assert "Export your data" in english and "Exporte sus datos" not in english
    assert len(spanish) == len(english) == 4


def test_a_language_without_links_of_its_own_gets_the_general_ones(client, cancel_demo, clock):
    from tickets.models import PlanLink

    PlanLink.objects.filter(locale="de").delete()
    clock(NIGHT_MOMENT)
    german = _link_labels(client.get(url_in("de") + "?plan=lumora-complete").content.decode())
    assert "Export your data" in german and "Daten exportieren" not in german


def test_a_link_for_a_language_the_help_center_does_not_serve_is_refused():
    from tickets.models import PlanLink

    with pytest.raises(ValidationError) as error:
        PlanLink(label="Lien", url="https://example.com/", kind="other", locale="fr").clean_fields(exclude=["plan"])
    assert "locale" in error.value.message_dict
