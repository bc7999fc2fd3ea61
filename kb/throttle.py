"""Rate limits stored in the database, shared by every public form.

django-ratelimit refuses the LocMem/file/database caches, and a per-process counter is
no limit at all with several workers, so counters live in :class:`kb.models.ThrottleWindow`
rows: one fixed window per (scope, key, period), counted by one statement per limit
(``INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits``, which SQLite 3.35+
and PostgreSQL both run atomically). It replaced get_or_create + F() update + re-read inside
a savepoint: five queries per limit, now one (pinned in tests/kb_tests/test_throttle.py), on
every public form and every API call.

Usage in a view (the one way to turn a limit into the 429 page)::

    if limited := throttle.limit_response(request, scope="callback", what="callback requests",
                                          limits=[throttle.Limit("ip", throttle.client_ip(request), IP_RATE),
                                                  throttle.Limit("phone", phone, PHONE_RATE)]):
        return limited

Rates can be overridden per scope and key name in ``settings.KB_RATE_LIMITS``, e.g.
``{"callback.ip": "20/h", "callback.phone": "5/d"}``.

Windows are always counted on the real clock (``kb.clock.now()``, which tests move), never
on a moment a view works with: an agent previewing the cancel flow ``?at=`` a date years
ahead would otherwise open that far window for their address and, as the first hit of a
new window, delete everyone's current windows of the limit (resetting every visitor's
count). Hence no ``at`` parameter here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.shortcuts import render

from kb import clock
from kb.durations import describe_wait
from kb.hashing import keyed_hash

from .models import ThrottleWindow

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` hits per ``period``."""

    limit: int
    period: timedelta

    @classmethod
    def parse(cls, text: str) -> Rate:
        """"5/h", "10/15m", "3/d" -> Rate."""
        count, _, per = text.partition("/")
        per = per.strip() or "h"
        number = int(per[:-1]) if len(per) > 1 else 1
        return cls(int(count), timedelta(seconds=number * _UNITS[per[-1]]))


@dataclass(frozen=True)
class Limit:
    """One limit to check: a named key (``"ip"``, ``"phone"``) with its raw value and rate."""

    name: str
    value: str
    rate: Rate


@dataclass(frozen=True)
class Decision:
    limited: bool
    retry_at: datetime | None = None
    limit_name: str = ""

    def retry_after_seconds(self, at: datetime) -> int:
        if self.retry_at is None:
            return 0
        return max(1, math.ceil((self.retry_at - at).total_seconds()))


def key_hash(scope: str, value: str) -> str:
    """HMAC of the key, so the table never holds an IP address or a phone number."""
    return keyed_hash(scope, value.strip().lower())


def client_ip(request) -> str:
    """The client's address. Behind N trusted proxies (``KB_TRUSTED_PROXY_COUNT``), the
    Nth address from the right of X-Forwarded-For; otherwise REMOTE_ADDR, which a
    visitor cannot forge."""
    proxies = int(getattr(settings, "KB_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def configured_rate(scope: str, name: str, default: Rate) -> Rate:
    override = getattr(settings, "KB_RATE_LIMITS", {}).get(f"{scope}.{name}")
    return Rate.parse(override) if override else default


def _window_start(at: datetime, period: timedelta) -> datetime:
    seconds = int(period.total_seconds())
    epoch = int(at.astimezone(UTC).timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def _count(*, scope: str, key: str, seconds: int, start: datetime) -> int:
    """Add one hit to the window and return its hits (one statement, atomic on both databases)."""
    meta = ThrottleWindow._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = [quote(meta.get_field(name).column)
               for name in ("scope", "key_hash", "window_seconds", "window_start", "hits")]
    hits = columns[-1]
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES (%s, %s, %s, %s, 1) "
           f"ON CONFLICT ({', '.join(columns[:4])}) DO UPDATE SET {hits} = {table}.{hits} + 1 "
           f"RETURNING {hits}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, key, seconds, connection.ops.adapt_datetimefield_value(start)])
        return cursor.fetchone()[0]


def hit(*, scope: str, limits: list[Limit]) -> Decision:
    """Count one attempt against every limit; limited when any limit is now exceeded.

    Every attempt counts, including refused ones, so hammering does not help; the window
    is fixed, so the visitor can retry when the exceeded window ends (``retry_at``).
    """
    at = clock.now()
    decision = Decision(limited=False)
    for limit in limits:
        if not limit.value:
            continue
        rate = configured_rate(scope, limit.name, limit.rate)
        start = _window_start(at, rate.period)
        seconds = int(rate.period.total_seconds())
        name = f"{scope}.{limit.name}"
        hits = _count(scope=name, key=key_hash(scope, limit.value), seconds=seconds, start=start)
        if hits == 1:
            # The first hit of a new window: earlier windows of this limit have expired.
            ThrottleWindow.objects.filter(scope=name, window_seconds=seconds, window_start__lt=start).delete()
        if hits > rate.limit:
            retry_at = start + rate.period
            if not decision.limited or retry_at > decision.retry_at:
                decision = Decision(limited=True, retry_at=retry_at, limit_name=limit.name)
    return decision


def peek(*, scope: str, limits: list[Limit]) -> Decision:
    """Whether ``limits`` are already exceeded, without counting a hit: for refusing an
    attempt whose failure, not the attempt itself, is what counts (sign-in)."""
    at = clock.now()
    decision = Decision(limited=False)
    for limit in limits:
        if not limit.value:
            continue
        rate = configured_rate(scope, limit.name, limit.rate)
        start = _window_start(at, rate.period)
        hits = ThrottleWindow.objects.filter(
            scope=f"{scope}.{limit.name}", key_hash=key_hash(scope, limit.value),
            window_seconds=int(rate.period.total_seconds()), window_start=start,
        ).values_list("hits", flat=True).first()
        if hits is not None and hits >= rate.limit:
            retry_at = start + rate.period
            if not decision.limited or retry_at > decision.retry_at:
                decision = Decision(limited=True, retry_at=retry_at, limit_name=limit.name)
    return decision


def limit_response(request, *, scope: str, limits: list[Limit], what: str = "requests"):
    """Count one hit of ``request`` against ``limits``: the 429 page when one is exceeded,
    else None (go on)."""
    decision = hit(scope=scope, limits=limits)
    return too_many_requests(request, decision, what=what) if decision.limited else None


def too_many_requests(request, decision: Decision, *, what: str = "requests"):
    """The 429 page: says when to retry (server time and, with JavaScript, local time)."""
    seconds = decision.retry_after_seconds(clock.now())
    response = render(request, "429.html", {
        "retry_at": decision.retry_at,
        "retry_in": describe_wait(timedelta(seconds=seconds)),
        "what": what,
        "back_url": request.get_full_path(),
    }, status=429)
    response["Retry-After"] = str(seconds)
    return response
