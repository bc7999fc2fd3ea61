import sys

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.static import serve

from kb.http import safe_next
from kb.i18n import normalize_locale
from kb.locale import language_home, remember_language
from kb.unavailable import is_database_unavailable, service_unavailable


def media(request, path):
    """An uploaded article image. Only the uploads folder is reachable (``serve`` refuses
    paths that leave it), and MEDIA_ROOT is read at request time (tests move it)."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT / settings.MARKDOWNX_MEDIA_PATH)
    except OSError:
        # A name the file system cannot even look up (longer than it allows): no such file.
        raise Http404 from None


@require_safe
@never_cache
def language_switch(request, code):
    """The language switcher's links: remember ``code`` (the cookie every later unprefixed
    page follows, kb.locale) and go to ``next``, the same page in that language. Only a
    page of this site is followed (``safe_next``: no open redirect); anything else goes to
    that language's home.

    A GET, so the switcher is plain links (keyboard, no script); what a forged link can do
    is change the language of someone's next page, which the switcher undoes."""
    locale = normalize_locale(code)
    if locale is None:
        raise Http404
    response = HttpResponseRedirect(safe_next(request, language_home(locale)))
    remember_language(response, locale)
    return response


def _error_page(template_name: str, status: int):
    # Rendered without the request: no context processor runs, so no session, user or
    # database row is read — the page works while the database is down, and a 404 storm
    # costs no queries. The active language still applies.
    body = loader.render_to_string(template_name, {"site_name": settings.KB_SITE_NAME})
    return HttpResponse(body, status=status)


def bad_request(request, exception):
    return _error_page("400.html", 400)


def permission_denied(request, exception):
    return _error_page("403.html", 403)


def page_not_found(request, exception):
    return _error_page("404.html", 404)


def server_error(request):
    # Django calls this inside its ``except`` block: a database that went away while a
    # middleware used it (a session saved on the way out) is a 503, not a bug (kb.unavailable).
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return service_unavailable(request, error)
    return _error_page("500.html", 500)
