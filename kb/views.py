from django.conf import settings
from django.http import Http404
from django.views.static import serve


def media(request, path):
    """An uploaded article image. Only the uploads folder is reachable (``serve`` refuses
    paths that leave it), and MEDIA_ROOT is read at request time (tests move it)."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT / settings.MARKDOWNX_MEDIA_PATH)
    except OSError:
        # A name the file system cannot even look up (longer than it allows): no such file.
        raise Http404 from None
