"""Where uploaded files live: two aliases of Django's ``STORAGES``, each a local folder by
default or an S3-compatible object store (django-storages) when the environment says so
(``storages_from_env``, read once by kb/settings.py; docs/deploy.md, "Media on shared
storage").

- ``"default"`` (``PUBLIC``): article images (the editor's uploads, imported images, the
  images of article attachments), all under ``uploads/``. Their address is always kb's
  own ``/media/uploads/<name>`` (``public_url``), whatever the storage: article bodies keep
  it, so moving the files to another storage never rewrites a body, and the sanitiser's
  one rule ("images only from our uploads") holds. ``kb.views.media`` serves them from
  the storage (or a web server serves the local folder itself).
- ``"attachments"`` (``PRIVATE``): request-desk attachments (at its root) and the other
  files of article attachments (under ``articles/``). Never given a URL (``url()``
  refuses): only views that check who is asking read them, and they stream the bytes
  (``attachment_response``) rather than redirect to a signed object-store URL. Why: a signed URL
  is a bearer token that works for anyone holding it until it expires (forwarded, logged,
  kept in a history) and cannot be withdrawn when a ticket's access or an article's status
  changes; it cannot carry ``nosniff`` or the sandboxing CSP; and it points browsers at
  the object store, which is often not reachable from the internet at all. Attachments are
  at most 5 MB and rarely read, so streaming them costs little.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from datetime import datetime

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from kb.storage_settings import PRIVATE, PUBLIC

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait when the file store is not answering.
RETRY_AFTER = 30

# --- The storages -----------------------------------------------------------------------


class PrivateFileSystemStorage(FileSystemStorage):
    """A local folder for files only access-checked views read: by default
    ``KB_ATTACHMENTS_ROOT`` (read when first used, so tests can move it), files readable by
    kb's own user only, and no URL."""

    def __init__(self, location=None, file_permissions_mode=0o600, directory_permissions_mode=0o700, **kwargs):
        kwargs.pop("base_url", None)
        super().__init__(location=location, file_permissions_mode=file_permissions_mode,
                         directory_permissions_mode=directory_permissions_mode, **kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.KB_ATTACHMENTS_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Attachments have no URL: an access-checked view serves them.")


def public_storage() -> Storage:
    return storages[PUBLIC]


def private_storage() -> Storage:
    return storages[PRIVATE]


def public_url(name: str) -> str:
    """kb's address for a file on the public storage (``/media/uploads/...``), whatever
    that storage is: the one an article body shows."""
    return f"{settings.MEDIA_URL}{name}"


def checked_name(path: str) -> str:
    """A name asked for in a URL, made of plain segments: "." or ".." is a suspicious path
    (400); an empty segment, a backslash or a control character is no file of ours (404)."""
    if len(path) > 255 or not path:
        raise Http404("No such file.")
    for segment in path.split("/"):
        if segment in (".", ".."):
            raise SuspiciousFileOperation(f"Path {path!r} leaves its folder.")
        if not segment or "\\" in segment or any(ord(c) < 32 or ord(c) == 127 for c in segment):
            raise Http404("No such file.")
    return path


def files_older_than(storage: Storage, folder: str, oldest: datetime) -> list[str]:
    """The names of the files directly in ``folder`` (``""``: the top) last changed before
    ``oldest``, as ``storage.open`` takes them. A file that goes while being looked at is
    left out."""
    try:
        _, names = storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        path = f"{folder}{name}"
        try:
            if storage.get_modified_time(path) < oldest:
                found.append(path)
        except FileNotFoundError:
            continue
    return found


def open_or_404(storage: Storage, name: str):
    """The file ``name`` open for reading, or Http404 when there is none."""
    try:
        return storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404("No such file.") from None
    except OSError as error:
        # A name the file system cannot even look up (longer than it allows): no such file.
        raise Http404("No such file.") from error


def image_response(request, name: str) -> FileResponse | HttpResponseNotModified:
    """A public image from ``PUBLIC``. A name is never given other bytes (uploads get new,
    server-chosen names), so the name is the ETag and a revalidation costs one existence
    check instead of a read; browsers keep an image an hour (a deleted attachment's image
    stops showing within that)."""
    storage = public_storage()
    etag = f'"{name}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    if request.headers.get("If-None-Match") == etag and storage.exists(name):
        response = HttpResponseNotModified()
    else:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = FileResponse(open_or_404(storage, name), content_type=content_type)
    for header, value in headers.items():
        response[header] = value
    return response


def attachment_response(name: str, *, file_name: str, content_type: str, cache_control: str) -> FileResponse:
    """A private file from ``PRIVATE`` as a download, streamed through the view that
    checked the reader (never a redirect: see the module docstring)."""
    response = FileResponse(open_or_404(private_storage(), name), as_attachment=True, filename=file_name,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = cache_control
    return response


# --- A store that is down -----------------------------------------------------------------


def is_unavailable(error: BaseException) -> bool:
    """Did ``error`` come from a file store that is not answering (an object store down,
    unreachable or failing with a 5xx), rather than from a request it refused?"""
    try:
        from botocore.exceptions import ClientError, HTTPClientError
        from botocore.exceptions import ConnectionError as StoreConnectionError
    except ImportError:  # no object store configured, nor installed
        return False
    if isinstance(error, ClientError):
        return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500
    return isinstance(error, StoreConnectionError | HTTPClientError)


class StorageUnavailableMiddleware:
    """An object store that stops answering makes the requests that read or write a file
    answer 503 with ``Retry-After`` (JSON on the API) instead of a 500; the rest of the
    site does not touch it and goes on, and the next request after it is back works.
    Nothing half-done stays: an upload fails before its row is committed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_unavailable(exception):
            return None
        logger.warning("File store unavailable for %s: %r", request.path, exception)
        if request.path.startswith("/api/"):
            message = _("Files cannot be read or stored right now. Please try again in a minute.")
            response = JsonResponse({"error": "ServiceUnavailable", "description": message}, status=503)
        else:
            # The same page as a database outage (kb.unavailable): it reads nothing.
            body = loader.render_to_string("503.html", {"site_name": settings.KB_SITE_NAME})
            response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        response["Cache-Control"] = "no-store"  # no proxy keeps an outage
        return response
