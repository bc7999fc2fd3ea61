"""The language switcher's links (templates/includes/language_switcher.html)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from kb.i18n import current_locale, locale_name, locales
from kb.locale import language_home

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language, each through the switch view (which remembers the choice) to
    ``page_translations[code]``, or to that language's home when the page has none there."""
    translations = context.get("page_translations") or {}
    current = current_locale()
    return [
        {
            "code": code,
            "name": locale_name(code),
            "url": reverse("language", args=[code]) + "?" + urlencode({"next": translations.get(code) or language_home(code)}),
            "current": code == current,
        }
        for code in locales()
    ]
