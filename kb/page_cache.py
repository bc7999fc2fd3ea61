"""Whole-page cache for anonymous readers, with precise invalidation and conditional GET.

A help center is read far more than it is written, and in spikes (a pricing change sends
everyone to "How do I cancel?"). Anonymous readers all see the same article, so the
rendered page is kept in the shared "pages" cache and served without touching the database.

Invalidation uses *generations*: every page names the scopes it depends on ("content" for
anything editorial, "article:12" for one article's comments, votes and follows, ...). Its
cache key includes the current generation of each scope, and a change bumps the
generations it affects (``bump``), so stale entries are simply never looked up again.

Only requests without a session cookie are served from the cache: a signed-in reader (or a
visitor with a draft or a flash message in their session) always gets a fresh page. The
CSRF token in cached forms is replaced on the way out with one for the current visitor.

Pages with other per-request values (the search page carries the id of THIS visitor's logged
search) render a ``Slot`` for each: templates print its placeholder, the entry keeps a small
``meta`` dict, and on a hit the view's ``per_request(request, meta)`` supplies the values.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.http import http_date, parse_http_date_safe, quote_etag

CONTENT = "content"  # articles, sections, categories, labels, topics, posts, synonyms: editorial
COMMUNITY = "community"  # anything shown in community listings (comment and follower counts)

_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN_PLACEHOLDER = "__kb_csrf_token__"
_CACHE_ALIAS = "pages"


def scope(kind: str, pk: int | None = None) -> str:
    return kind if pk is None else f"{kind}:{pk}"


def placeholder(name: str) -> str:
    """The marker standing for per-request value ``name`` in a stored page.

    The same in every worker (entries are shared) but derived from SECRET_KEY, so a visitor
    cannot make a page that echoes their input (a search query) contain it.
    """
    return "kbslot" + salted_hmac("kb.page_cache.placeholder", name).hexdigest()[:24]


class Slot(str):
    """A value that differs per request in a cacheable page, e.g. the id of a logged search.

    ``str()`` is this request's value, so views and tests use it as usual; templates render
    its placeholder, which the page cache replaces in every response it sends.
    """

    placeholder: str

    def __new__(cls, name: str, value: object = ""):
        slot = super().__new__(cls, value)
        slot.placeholder = placeholder(name)
        return slot

    def __html__(self) -> str:
        return self.placeholder


def with_slots(response: HttpResponse, *slots: Slot, meta: dict) -> HttpResponse:
    """Mark ``response`` as rendered with ``slots``; ``meta`` (small, picklable) is stored
    with the cache entry and handed to ``per_request`` on every hit."""
    response.page_cache_values = {slot.placeholder: str(slot) for slot in slots}
    response.page_cache_meta = meta
    return response


def _fill(html: str, values: dict[str, str]) -> str:
    for marker, value in values.items():
        html = html.replace(marker, escape(value))
    return html


def _fill_response(response: HttpResponse) -> HttpResponse:
    """This request's values into a page the view rendered with slots (no cache involved)."""
    values = getattr(response, "page_cache_values", None)
    if values and not response.streaming:
        if hasattr(response, "render") and callable(response.render):
            response.render()
        response.content = _fill(response.content.decode(response.charset), values)
    return response


def _cache():
    return caches[_CACHE_ALIAS]


def _generations(scopes: list[str]) -> list[str]:
    cache = _cache()
    keys = [f"gen:{s}" for s in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # A missing generation (never set, or evicted) gets a fresh random value, never
            # a constant: otherwise an old page stored under that constant could come back.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key) or uuid.uuid4().hex
    return [found[key] for key in keys]


def bump(*scopes: str) -> None:
    """Invalidate every cached page that depends on one of ``scopes``.

    Called at once and again after the transaction commits: the first makes the change
    visible immediately to this process's next request; the second closes the window in
    which another worker could render the old data and store it under the new generation.
    """

    def do_bump():
        _cache().set_many({f"gen:{s}": uuid.uuid4().hex for s in scopes}, timeout=None)

    do_bump()
    transaction.on_commit(do_bump, robust=True)


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _not_modified(request, etag: str, created: float) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(created) <= since


def _finish(response: HttpResponse, etag: str, created: float, state: str, *,
            validators: bool = True) -> HttpResponse:
    if validators:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(created)
    # Revalidate every time (cheap: a 304); the page carries a per-visitor CSRF token, so
    # shared proxies must not keep it.
    response["Cache-Control"] = "private, no-cache"
    response["X-KB-Page-Cache"] = state
    response.headers.setdefault("Vary", "Cookie")
    return response


def cache_anonymous_page(view: Callable, *, scopes: Callable[..., Iterable[str]],
                         per_request: Callable[..., dict[str, str]] | None = None,
                         timeout: float | None = DEFAULT_TIMEOUT) -> Callable:
    """Serve ``view`` from the page cache for anonymous readers.

    ``scopes(**url_kwargs)`` names what the page depends on (see ``scope``).
    ``per_request(request, meta) -> {placeholder: value}`` is called on every cache hit of a
    page the view rendered ``with_slots``; it may record the request (the search page logs
    the search) and returns this request's values. Such pages get no ETag and no 304: the
    browser's copy carries the values of an earlier request. ``timeout``: entry lifetime.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return _fill_response(view(request, *args, **kwargs))
        generations = _generations([CONTENT, *scopes(**kwargs)] if scopes else [CONTENT])
        digest = hashlib.sha256(
            "|".join([request.get_full_path(), *generations]).encode()
        ).hexdigest()[:32]
        key = f"page:{digest}"
        etag = quote_etag(digest)
        cache = _cache()
        entry = cache.get(key)
        if entry is not None:
            html, content_type, created, *rest = entry
            meta = rest[0] if rest else None
            slotted = meta is not None and per_request is not None
            if not slotted and _not_modified(request, etag, created):
                return _finish(HttpResponseNotModified(), etag, created, "hit")
            values = dict(per_request(request, meta)) if slotted else {}
            if _TOKEN_PLACEHOLDER in html:
                values[_TOKEN_PLACEHOLDER] = get_token(request)
            body = _fill(html, values) if values else html
            return _finish(HttpResponse(body, content_type=content_type), etag, created, "hit",
                           validators=not slotted)

        response = view(request, *args, **kwargs)
        session = getattr(request, "session", None)
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or (session is not None and session.modified)
        ):
            return _fill_response(response)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        created = time.time()
        html = _CSRF_INPUT.sub(rf"\g<1>{_TOKEN_PLACEHOLDER}\g<2>", response.content.decode(response.charset))
        meta = getattr(response, "page_cache_meta", None)
        if meta is not None and per_request is None:
            raise ValueError(f"{view.__qualname__} renders per-request slots: pass per_request=")
        cache.set(key, (html, response["Content-Type"], created, meta), timeout)
        _fill_response(response)
        return _finish(response, etag, created, "miss", validators=meta is None)

    return wrapped
