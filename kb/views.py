from django.conf import settings
from django.http import Http404, HttpResponse
from django.template import loader
from django.views.static import serve


def media(request, path):
    """An uploaded article image. Only the uploads folder is reachable (``serve`` refuses
    paths that leave it), and MEDIA_ROOT is read at request time (tests move it)."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT / settings.MARKDOWNX_MEDIA_PATH)
    except OSError:
        # A name the file system cannot even look up (longer than it allows): no such file.
        raise Http404 from None


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
    return _error_page("500.html", 500)
