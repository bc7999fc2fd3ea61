from django.conf import settings
from django.views.static import serve


def media(request, path):
    """An uploaded article image. Only the uploads folder is reachable (``serve`` refuses
    paths that leave it), and MEDIA_ROOT is read at request time (tests move it)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT / settings.MARKDOWNX_MEDIA_PATH)
