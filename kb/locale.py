"""Which language a request is served in: URL prefixes, the first request's negotiation and
the remembered choice (README, "Languages").

Human pages live in ``i18n_patterns`` (kb/urls.py): the default language keeps unprefixed
URLs, the others are served under ``/<code>/``; Django's LocaleMiddleware activates the
prefix's language, and the default one on unprefixed pages. :class:`LanguageMiddleware`
(right after it) decides when an unprefixed page is not what the visitor wants:

- a language cookie naming another served language: 302 to that language's URL;
- a cookie naming the default language: the unprefixed page, whatever Accept-Language says
  (a Spanish browser whose owner picked English stays in English);
- no cookie: Accept-Language decides, and a 302 to another language sets the cookie, so the
  negotiation happens once. No header (crawlers) or one that names nothing served: English.

Only GET and HEAD are redirected (a POST's body would be lost), and only pages with a URL in
the other language. A prefixed URL is always served in its language: it is what a link or a
search engine asked for. The page cache (kb.page_cache) sits in the views, after this, and
keys on the active language, so a redirect is never cached and languages never share a page.

Paths outside ``i18n_patterns`` (the API, the admin, /developers/) have one address and are
served in the default language (LocaleMiddleware does so for every unprefixed path when the
default language has no prefix): the API's links (``html_url``) and messages never change
with a client's headers; a view wanting a locale asks for it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from kb.i18n import default_locale, locales, normalize_locale

_SAFE_METHODS = ("GET", "HEAD")


def remember_language(response, code: str) -> None:
    """Set the language cookie: every later unprefixed page follows ``code``."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def language_home(code: str) -> str:
    """The help center's home page in language ``code``."""
    with translation.override(code):
        return reverse("articles:home")


def localized_url(path_info: str, code: str) -> str | None:
    """The URL of the page at ``path_info`` (resolved in the active language) in language
    ``code``, or None when nothing named is there. Like ``django.urls.translate_url``, but
    from ``path_info``, so it holds under a script prefix too."""
    return _localized(_resolve(path_info), code)


def _resolve(path_info: str):
    try:
        return resolve(path_info)
    except Resolver404:
        return None


def _localized(match, code: str) -> str | None:
    if match is None or not match.url_name:
        return None
    with translation.override(code):
        try:
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return None


def page_translations(request) -> dict[str, str]:
    """``{locale: path}`` of the page ``request`` shows, for every served locale: the
    same view in each language (``localized_url``). Views of an item that exists in only
    some languages pass their own (I18N_DESIGN.md, contract 2)."""
    match = _resolve(request.path_info)
    urls = {code: _localized(match, code) for code in locales()}
    if None in urls.values() or len(set(urls.values())) == 1:
        # Nothing there, or a page with one address (outside i18n_patterns, in the
        # default language): the other languages' links go to their homes.
        return {translation.get_language() or default_locale(): request.path}
    return urls


class LanguageMiddleware:
    """The first request's language and the remembered one (see the module docstring).
    Goes right after ``django.middleware.locale.LocaleMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path_info = request.path_info
        if translation.get_language_from_path(path_info):
            return self.get_response(request)  # a prefixed page: its language, always
        if request.method in _SAFE_METHODS:
            redirect = self._redirect(request)
            if redirect is not None:
                return redirect
        response = self.get_response(request)
        # What an unprefixed page answers depends on both (a shared cache must not hand a
        # Spanish visitor's redirect, or an English page, to the next visitor).
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def _redirect(self, request):
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        chosen = normalize_locale(cookie)
        if chosen is not None:
            wanted, remember = chosen, chosen != cookie
        elif request.META.get("HTTP_ACCEPT_LANGUAGE"):
            # Django's parser: q-values, regions ("es-MX" -> "es"), garbage -> the default.
            wanted = normalize_locale(translation.get_language_from_request(request)) or default_locale()
            remember = True
        else:
            return None  # a crawler, or a client that says nothing: the default language
        if wanted == default_locale():
            return None
        match = _resolve(request.path_info)
        target = _localized(match, wanted)
        if target is None or target == _localized(match, default_locale()):
            return None  # nothing there, or a page with one address (outside i18n_patterns)
        query = request.META.get("QUERY_STRING", "")
        response = HttpResponseRedirect(f"{target}?{query}" if query else target)
        if remember:
            remember_language(response, wanted)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
