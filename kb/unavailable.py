"""The database unavailable: a clear 503 page, never a traceback or a 500.

When PostgreSQL restarts, fails over or refuses connections, every query raises
``OperationalError`` (the server went away, refused, timed out, was shut down) or
``InterfaceError`` (a connection already closed). Those are not bugs of a page: the visitor
should be told the site is briefly unavailable and when to try again, and monitoring should
see 503s, not 500s. So both become:

- a 503 page (templates/503.html) in the visitor's language, rendered without the request's
  context processors, so it reads nothing from the database (as kb.views' other error pages);
- for the API (``/api/...``), Zendesk's JSON error shape with error ``ServiceUnavailable``;
- ``Retry-After: RETRY_AFTER_SECONDS`` and ``Cache-Control: no-store`` (no proxy keeps it);
- one warning in the log per ``LOG_EVERY_SECONDS``, with how many requests failed meanwhile.

Where they are caught: ``DatabaseUnavailableMiddleware.process_exception`` for exceptions
from views (most queries), and ``kb.views.server_error`` (the 500 handler) for those raised
in middleware (a session saved on the way out, a lazy user loaded by another middleware).

Recovery needs no restart: Django closes a connection that saw an error at the end of the
request (``close_if_unusable_or_obsolete``), and with ``CONN_HEALTH_CHECKS`` (kb.settings,
PostgreSQL) a kept connection is checked before its first use in a request, so the first
request after the database is back opens a new connection and works. Nothing is half-written:
every write runs in a transaction, and a failed one rolls back (the 503 page says so).

``OperationalError`` also covers a query cancelled by a statement timeout, a deadlock or
SQLite's "database is locked" after its busy timeout: each is "busy, try again", for which a
503 with Retry-After is the right answer too.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

#: What the 503 asks clients to wait (a PostgreSQL restart or fail-over takes seconds).
RETRY_AFTER_SECONDS = 30
LOG_EVERY_SECONDS = 10.0

_log_lock = threading.Lock()
_log_state = {"logged_at": -LOG_EVERY_SECONDS, "failures": 0}


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, (OperationalError, InterfaceError))


def _is_api(request) -> bool:
    # /api/... and its language-prefixed forms (/es/api/... for the search endpoints).
    parts = request.path_info.lstrip("/").split("/", 2)
    if len(parts) > 1 and parts[0] in {code for code, _ in settings.LANGUAGES}:
        parts = parts[1:]
    return parts[0] == "api"


def _log(request, error: BaseException) -> None:
    now = time.monotonic()
    with _log_lock:
        _log_state["failures"] += 1
        if now - _log_state["logged_at"] < LOG_EVERY_SECONDS:
            return
        failures, _log_state["failures"], _log_state["logged_at"] = _log_state["failures"], 0, now
    logger.warning("Database unavailable (%s: %s): answered %d request(s) with 503 since the last message; "
                   "last: %s %s", type(error).__name__, str(error).strip(), failures, request.method,
                   request.path)


def service_unavailable(request, error: BaseException) -> HttpResponse:
    """The 503 answer to ``request``, whose handling failed with ``error`` (module docstring)."""
    _log(request, error)
    if _is_api(request):
        response = JsonResponse({
            "error": "ServiceUnavailable",
            "description": "The service is temporarily unavailable: retry after the number of seconds in "
                           "Retry-After.",
        }, status=503)
    else:
        body = loader.render_to_string("503.html", {"site_name": settings.KB_SITE_NAME})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged above, a line per LOG_EVERY_SECONDS: not an ERROR line per request from
    # django.request as well (its log_response skips a response marked so).
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Turns a view's database connection failure into the 503 answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return service_unavailable(request, exception)
        return None
