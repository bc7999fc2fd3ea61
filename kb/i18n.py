"""The help center's languages: which locales exist and how a locale code is read.

Locales are Django language codes ("en", "es", "de") from ``settings.LANGUAGES``; the
first request's language, URL prefixes and the switcher live in the middleware and views
built on these helpers. Zendesk-style codes ("en-us", "es-ES") name the same languages.
"""

from django.conf import settings
from django.utils import translation


def default_locale() -> str:
    return settings.LANGUAGE_CODE


def locales() -> list[str]:
    """Every locale the help center serves, the default first."""
    codes = [code for code, _ in settings.LANGUAGES]
    return [default_locale()] + [code for code in codes if code != default_locale()]


def normalize_locale(value) -> str | None:
    """The served locale ``value`` names ("es", "ES", "es-mx", "en-us" -> "en"), or None.

    A region the help center does not serve falls back to its language, as Accept-Language
    negotiation does; anything else (not a string, unknown, too long) is None.
    """
    if not isinstance(value, str) or not 0 < len(value) <= 20:
        return None
    code = value.strip().lower().replace("_", "-")
    served = locales()
    if code in served:
        return code
    language = code.split("-", 1)[0]
    return language if language in served else None


def current_locale() -> str:
    """The locale of the request being served (the active language), or the default."""
    return normalize_locale(translation.get_language() or "") or default_locale()


def locale_name(code: str) -> str:
    """``code``'s language named in that language ("Español"), for switchers and labels."""
    return translation.get_language_info(code)["name_local"]
