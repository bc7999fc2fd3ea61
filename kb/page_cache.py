"""Whole-page cache for anonymous readers, with precise invalidation and conditional GET.

A help center is read far more than it is written, and in spikes (a pricing change sends
everyone to "How do I cancel?"). Anonymous readers all see the same page, so the rendered
page is kept in the shared "pages" cache and served without touching the database. What a
page records about its readers (the search page's logged search, the cancel flow's events)
goes through a signed-token beacon (``kb.beacons``) that the page calls after loading, so a
stored page is the same bytes for everyone but its CSRF token.

Invalidation uses *generations*: every page names the scopes it depends on ("content" for
anything editorial, "article:12" for one article's comments, votes and follows, ...). Its
cache key includes the current generation of each scope, and a change bumps the
generations it affects (``bump``), so stale entries are simply never looked up again.

Who gets a cached page: a GET or HEAD whose session holds nothing and which carries no
flash message. A signed-in reader (or a visitor with a draft or a remembered plan in their
session) always gets a fresh page. Cookies are only read when the request sends them, and
an unknown, expired or made-up ``sessionid`` loads as an empty session (one lookup; Django
then deletes the cookie), as does a live session with nothing in it (its cookie is left
alone); a messages cookie with a bad signature loads as no messages. So no cookie can be
used to skip the cache. A response that sets a cookie, modifies the session or is not a
plain 200 is sent as rendered and not stored.

Query strings (``params=``): a key holds the path and only the query parameters the view
reads, in the order the view declares them, each with the value ``request.GET.get`` gives
(the last), encoded one way. So ``?utm_source=x``, a random parameter, ``?page=%32`` or a
repeated ``?page=`` share the entry of the canonical URL. The view is then handed exactly
that query string (``request.GET`` and ``QUERY_STRING``), so the page cannot show what the
key leaves out (the sign-in link's ``next``, pagination links).

Every key includes the active language (kb.locale): the Spanish and English pages of one
path never share an entry. The first request's redirect to a visitor's language happens in
the middleware, before any of this, and is never stored.

Pages that also depend on the time (the cancel flow: open or closed) pass ``variant``,
whose value for the request (the current minute) is part of the key, and may give entries
a lifetime (``timeout``).

Every response from the cache carries an ETag (the key) and Last-Modified, and answers a
matching If-None-Match or If-Modified-Since with 304; ``Cache-Control: private, no-cache``
keeps shared proxies from storing a page with a visitor's CSRF token in it. The token in
cached forms is replaced on the way out with one for the current visitor, checked by
CsrfViewMiddleware unchanged.

A hit is the busiest path of the site, so it does little (bench/pages.py measures it): read
the generations, look the entry up, answer 304 or join the stored body around a fresh CSRF
token. It reads the generations from the shared cache every time: that is what makes an
invalidation immediate in every worker. The entry itself comes from a small copy in this
process when this worker has served it before. That is safe because a key names the
generations (and ``variant``) it was rendered under: what is stored under a key never goes
stale, it is only no longer looked up; entries with a lifetime keep their expiry in the
copy too. The copy holds the body already encoded and cut at the CSRF token, and the token
is made with one read of random bytes (``_csrf_token``). Entries stored by an earlier
version of this module (another shape) are rendered again and replaced.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils import translation
from django.utils.http import http_date, parse_http_date_safe, quote_etag

CONTENT = "content"  # articles, sections, categories, labels, topics, posts, synonyms: editorial
COMMUNITY = "community"  # anything shown in community listings (comment and follower counts)

# The value of each {% csrf_token %} input, as Django renders it. A page is cut there and
# nowhere else: the whole tag is matched, which text and attribute values a visitor wrote
# cannot contain (their "<" and quotes are escaped), so no comment can make a cached page
# hand out its reader's token (a placeholder string could be written in a link).
_CSRF_VALUE = re.compile(r'(?<=<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(?=")')
_CACHE_ALIAS = "pages"
_COOKIE_MESSAGES = CookieStorage.cookie_name
# The first item of every stored entry: a different shape gets a different tag, and an
# entry without this one is rendered again rather than misread (see _Entry.from_stored).
_STORED_FORMAT = "kb-page/2"
# The per-process copy of entries (see the module docstring): at most this many bytes of
# page bodies per worker, least recently used first out.
LOCAL_MAX_BYTES = 8 * 1024 * 1024


def scope(kind: str, pk: int | str | None = None) -> str:
    return kind if pk is None else f"{kind}:{pk}"


def _cache():
    return caches[_CACHE_ALIAS]


def _generation_key(scope: str) -> str:
    # A scope names a URL's object ("article:<pk>"), and the path converter lets any number
    # of digits through: a long one is hashed so every cache backend accepts the key.
    if len(scope) <= 100:
        return f"gen:{scope}"
    return "gen:sha256:" + hashlib.sha256(scope.encode()).hexdigest()


def _generations(scopes: list[str]) -> list[str]:
    cache = _cache()
    keys = [_generation_key(s) for s in scopes]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # A missing generation (never set, or evicted) gets a fresh random value, never
            # a constant: otherwise an old page stored under that constant could come back.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key) or uuid.uuid4().hex
    return [found[key] for key in keys]


def generation(scope: str) -> str:
    """The current generation of ``scope``: changes whenever ``bump(scope)`` is called, in
    every process (derived data kept in memory compares it to know when to reload)."""
    return _generations([scope])[0]


def bump(*scopes: str) -> None:
    """Invalidate every cached page that depends on one of ``scopes``.

    Called at once and again after the transaction commits: the first makes the change
    visible immediately to this process's next request; the second closes the window in
    which another worker could render the old data and store it under the new generation.
    """

    def do_bump():
        _cache().set_many({_generation_key(s): uuid.uuid4().hex for s in scopes}, timeout=None)

    do_bump()
    transaction.on_commit(do_bump, robust=True)


def _cacheable(request) -> bool:
    """Whether ``request`` gets what every anonymous visitor sees: a GET with no session
    data and no flash messages. Most hits send neither cookie and cost two lookups here;
    one that does is read (the session: one query with the database engine, which a
    signed-in reader's page makes anyway), and one that holds nothing is anonymous."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        session = getattr(request, "session", None)
        # An unknown or expired key loads as empty (SessionMiddleware then deletes the
        # cookie); a live session with anything in it (sign-in, a draft, a remembered
        # plan) may change the page.
        if session is None or len(session.keys()):
            return False
    # A messages cookie with a bad signature loads as no messages.
    return _COOKIE_MESSAGES not in cookies or not len(messages.get_messages(request))


def _canonical_query(request, params: tuple[str, ...]) -> str:
    """The query string of the parameters the view reads, in the order it declares them
    (so links keep a natural order: ``?q=...&page=2``), each with the value
    ``request.GET.get`` gives (the last), encoded one way."""
    if not request.META.get("QUERY_STRING"):
        return ""
    query = request.GET
    return urlencode([(name, query[name]) for name in params if name in query])


def _use_query(request, query: str) -> None:
    """Make ``query`` the request's query string for the view (and everything it renders)."""
    if request.META.get("QUERY_STRING", "") != query:
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)


# --- CSRF tokens for cached pages -----------------------------------------------------
# Every anonymous hit needs a token (a visitor without a CSRF cookie gets a new secret too).
# Django's get_token() draws each of the 64 characters of secret and mask with its own
# secrets.choice() call: about 0.15 ms, a sixth of a whole cache hit. This makes the same
# values (uniform over the same alphabet, from the same OS generator) from one read of
# random bytes, and masks the secret exactly as django.middleware.csrf._mask_cipher_secret
# does, so CsrfViewMiddleware checks it unchanged (tests post cached forms with checks on).
_CSRF_INDEX = {char: n for n, char in enumerate(CSRF_ALLOWED_CHARS)}
_CSRF_BASE = len(CSRF_ALLOWED_CHARS)  # 62
_CSRF_UNBIASED = 256 - 256 % _CSRF_BASE  # bytes at or above this would favour some characters


def _random_csrf_chars(count: int) -> str:
    chars: list[str] = []
    while len(chars) < count:
        chars.extend(CSRF_ALLOWED_CHARS[b % _CSRF_BASE] for b in secrets.token_bytes(count + 8)
                     if b < _CSRF_UNBIASED)
    return "".join(chars[:count])


def _csrf_token(request: HttpRequest) -> str:
    """What ``django.middleware.csrf.get_token(request)`` returns, with the same side effects
    on ``request.META`` (the middleware then sets or renews the cookie)."""
    if settings.CSRF_USE_SESSIONS:
        return get_token(request)  # the secret lives in the session: Django's own path
    secret = request.META.get("CSRF_COOKIE")
    random = _random_csrf_chars(CSRF_SECRET_LENGTH * (1 if secret else 2))
    if not secret:
        secret, random = random[:CSRF_SECRET_LENGTH], random[CSRF_SECRET_LENGTH:]
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = random
    cipher = "".join(CSRF_ALLOWED_CHARS[(_CSRF_INDEX[s] + _CSRF_INDEX[m]) % _CSRF_BASE]
                     for s, m in zip(secret, mask))
    return mask + cipher


# --- Entries ----------------------------------------------------------------------------

class _Entry:
    """A stored page as a hit uses it: the encoded body cut at each CSRF token (``parts``)."""

    __slots__ = ("content_type", "created", "expires", "last_modified", "parts", "size")

    def __init__(self, parts: tuple[bytes, ...], content_type: str, created: float, expires: float | None):
        self.parts = parts
        self.content_type = content_type
        self.created = created
        self.last_modified = http_date(created)
        self.expires = expires
        self.size = sum(len(part) for part in parts)

    @classmethod
    def from_html(cls, html: str, content_type: str, created: float, expires: float | None) -> _Entry:
        charset = HttpResponse(content_type=content_type).charset
        return cls(tuple(part.encode(charset) for part in _CSRF_VALUE.split(html)), content_type, created, expires)

    @classmethod
    def from_stored(cls, stored: object) -> _Entry | None:
        # Earlier versions stored (html, content_type, created[, meta[, expires]]): tuples of
        # 3 to 5 items starting with the page itself, never with this tag.
        if type(stored) is not tuple or len(stored) != 5 or stored[0] != _STORED_FORMAT:
            return None  # stored by an earlier version: rendered again and replaced
        return cls(*stored[1:])

    def stored(self) -> tuple:
        return (_STORED_FORMAT, self.parts, self.content_type, self.created, self.expires)


_local: OrderedDict[str, _Entry] = OrderedDict()
_local_bytes = 0
_local_lock = threading.Lock()


def _local_get(key: str) -> _Entry | None:
    with _local_lock:
        entry = _local.get(key)
        if entry is None:
            return None
        if entry.expires is not None and entry.expires <= time.time():
            _local_drop(key)
            return None
        _local.move_to_end(key)
        return entry


def _local_put(key: str, entry: _Entry) -> None:
    global _local_bytes
    if entry.size > LOCAL_MAX_BYTES // 4:
        return
    with _local_lock:
        _local_drop(key)
        _local[key] = entry
        _local_bytes += entry.size
        while _local_bytes > LOCAL_MAX_BYTES:
            _local_drop(next(iter(_local)))


def _local_drop(key: str) -> None:
    global _local_bytes
    entry = _local.pop(key, None)
    if entry is not None:
        _local_bytes -= entry.size


def _expiry(cache, timeout: float | None, created: float) -> float | None:
    # Our own arithmetic: backends' get_backend_timeout() answers in different units.
    if timeout is DEFAULT_TIMEOUT:
        timeout = cache.default_timeout
    return None if timeout is None else created + timeout


def _lookup(cache, key: str) -> _Entry | None:
    entry = _local_get(key)
    if entry is None:
        stored = cache.get(key)
        if stored is not None:
            entry = _Entry.from_stored(stored)
            if entry is not None:
                _local_put(key, entry)
    return entry


def _not_modified(request, etag: str, created: float) -> bool:
    # META, not request.headers: that builds a dict of every header, and most requests
    # (every one from a benchmark, a browser's first visit) send neither validator.
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if not if_modified_since:
        return False
    since = parse_http_date_safe(if_modified_since)
    return since is not None and int(created) <= since


def _finish(response: HttpResponse, etag: str, last_modified: str, state: str) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    # Revalidate every time (cheap: a 304); the page carries a per-visitor CSRF token, so
    # shared proxies must not keep it.
    response["Cache-Control"] = "private, no-cache"
    response["X-KB-Page-Cache"] = state
    response.headers.setdefault("Vary", "Cookie")
    return response


def cache_anonymous_page(view: Callable, *, scopes: Callable[..., Iterable[str]],
                         params: Iterable[str] = (),
                         variant: Callable[[HttpRequest], str] | None = None,
                         timeout: float | None = DEFAULT_TIMEOUT) -> Callable:
    """Serve ``view`` from the page cache for anonymous readers.

    ``scopes(**url_kwargs)`` names what the page depends on (see ``scope``). ``params``:
    the query parameters the view reads (each once, with ``request.GET.get``), in the order
    its links should carry them; on cacheable requests it sees only those, the rest are
    dropped. ``variant(request) -> str`` is part of the key (called before the view, on
    cacheable requests only): for pages that also change with the time. ``timeout``: entry
    lifetime (the "pages" cache's default when not given).
    """

    read = tuple(dict.fromkeys(params))

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        query = _canonical_query(request, read)
        _use_query(request, query)
        generations = _generations([CONTENT, *scopes(**kwargs)] if scopes else [CONTENT])
        # The language too (kb.locale): prefixed paths already differ, but a key must not
        # rest on that; a Spanish page must never answer an English reader.
        parts = [f"{request.path}?{query}", translation.get_language() or "", *generations]
        if variant is not None:
            parts.append(variant(request))
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
        key = f"page:{digest}"
        etag = quote_etag(digest)
        cache = _cache()
        entry = _lookup(cache, key)
        if entry is not None:
            if _not_modified(request, etag, entry.created):
                return _finish(HttpResponseNotModified(), etag, entry.last_modified, "hit")
            body = _csrf_token(request).encode("ascii").join(entry.parts) if len(entry.parts) > 1 else entry.parts[0]
            return _finish(HttpResponse(body, content_type=entry.content_type), etag, entry.last_modified, "hit")

        response = view(request, *args, **kwargs)
        session = getattr(request, "session", None)
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or (session is not None and session.modified)
        ):
            return response
        if hasattr(response, "render") and callable(response.render):
            response.render()
        created = time.time()
        html = response.content.decode(response.charset)
        entry = _Entry.from_html(html, response["Content-Type"], created, _expiry(cache, timeout, created))
        cache.set(key, entry.stored(), timeout)
        _local_put(key, entry)
        return _finish(response, etag, entry.last_modified, "miss")

    return wrapped
