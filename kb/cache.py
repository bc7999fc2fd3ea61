"""The shared Redis cache, failing open: Redis away costs speed, never a page.

Django's RedisCache raises ``ConnectionError`` on every call while Redis is down, so every
page (each reads the page cache's generations) would be a 500. Nothing kb keeps in the cache
is the only copy of anything, so this backend treats any Redis error as a miss: ``get``
returns the default, ``get_many`` nothing, ``add`` False, and ``set``/``delete`` do nothing.
Pages are then rendered from the database; writes (which bump generations) still succeed.

- **Short timeouts** (0.25 s to connect, 0.5 s per command; OPTIONS may change them): a
  Redis that does not answer costs a page at most that, not the kernel's minutes.
- **A circuit breaker**: after a failure every call in this process skips Redis for
  ``RETRY_SECONDS``, then one call tries again. A dead Redis costs one timeout per process
  every ``RETRY_SECONDS``, not one per call. Shared by every cache and thread of the process
  that uses the same servers.
- **One warning a minute**: the first failure is logged at WARNING with how many followed
  since the last message; the first success after failures is logged once too.

Correctness after Redis returns. A page's cache key names the generations it was rendered
under (kb.page_cache), and a write invalidates pages by changing generations. A change that
could not be written while Redis was away would leave the old generations, and the pages
stored under them, valid again once Redis returns: with persistence on, Redis comes back
with its old data. Two rules close this:

1. *A process that failed a write* (``set``, ``add``, ``delete``, ...: the lost write may be
   an invalidation) deletes every key of its cache (its KEY_PREFIX) at its first successful
   contact, before answering anything from Redis. A deleted generation gets a new random
   value (never an old one), so every page is rendered again from the database.
2. *Redis restarted with old data*. A restarted Redis may hold a snapshot older than writes
   it had acknowledged (RDB snapshots are minutes apart; the append-only file loses up to a
   second), which no kb process saw fail. Redis gets a new ``run_id`` at every start, and
   each cache stores the ``run_id`` it last saw under ``<KEY_PREFIX>:redis-run-id``. Every
   new connection (redis-py reconnects after a restart, before any other command) compares
   them; on a difference it deletes the cache's keys, then records the new ``run_id``. An
   empty Redis (no persistence, or a first start) costs one scan of nothing.

What remains: a process that failed a write and then died before reaching Redis again (its
lost invalidation is not replayed; pages then follow the database within the pages' cache
lifetime, 300 s), and a Redis that keeps running but was unreachable from one machine only
(that machine's lost invalidations apply when it reaches Redis again). docs/deploy.md,
"When a shared part fails".

``clear()`` deletes this cache's keys only (Django's RedisCache flushes the whole Redis
database, which another application may share).
"""

from __future__ import annotations

import logging
import re
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError, ResponseError

logger = logging.getLogger(__name__)

#: After a failure, calls skip Redis this long before one tries again.
RETRY_SECONDS = 2.0
#: At most one "Redis unavailable" warning per process and server this often.
LOG_EVERY_SECONDS = 60.0
CONNECT_TIMEOUT = 0.25
COMMAND_TIMEOUT = 0.5
#: Keys deleted per UNLINK when a cache's keys are cleared.
_BATCH = 500


class _Breaker:
    """The circuit breaker and log limiter of one set of servers, shared by the process."""

    def __init__(self, name: str):
        self.name = name
        self.open_until = 0.0
        self.failing = False
        self.failures = 0  # since the last warning
        self.logged_at = -LOG_EVERY_SECONDS
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return self.failing and time.monotonic() < self.open_until

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            self.open_until = now + RETRY_SECONDS
            self.failing = True
            self.failures += 1
            if now - self.logged_at < LOG_EVERY_SECONDS:
                return
            failures, self.failures, self.logged_at = self.failures, 0, now
        logger.warning("Redis cache %s unavailable (%s: %s): serving without it (%d failed call(s) since the "
                       "last message), trying again every %.0f s", self.name, type(error).__name__, error,
                       failures, RETRY_SECONDS)

    def skipped(self) -> None:
        with self.lock:
            self.failures += 1

    def succeeded(self) -> None:
        if not self.failing:
            return
        with self.lock:
            if not self.failing:
                return
            self.failing = False
            self.failures = 0
            self.logged_at = -LOG_EVERY_SECONDS
        logger.warning("Redis cache %s answers again", self.name)


_breakers: dict[tuple[str, ...], _Breaker] = {}
# (servers, key prefix) of the caches whose writes failed: cleared at the next contact (rule 1).
_dirty: set[tuple[tuple[str, ...], str]] = set()
_state_lock = threading.Lock()


def _breaker(servers: tuple[str, ...]) -> _Breaker:
    with _state_lock:
        if servers not in _breakers:
            # The log names hosts only: a URL may carry a password.
            _breakers[servers] = _Breaker(",".join(re.sub(r"//[^@/]*@", "//", s) for s in servers))
        return _breakers[servers]


def forget_failures() -> None:
    """Forget every breaker and pending clear: a fresh process (tests)."""
    with _state_lock:
        _breakers.clear()
        _dirty.clear()


def _match_pattern(prefix: str) -> str:
    # The keys RedisCache makes are "<prefix>:<version>:<key>"; glob characters in the
    # prefix are escaped so the pattern matches exactly this cache's keys.
    return re.sub(r"([*?\[\]\\])", r"\\\1", prefix) + ":*"


def _delete_prefix(execute, prefix: str) -> int:
    """Delete every key of the cache with ``prefix``; ``execute(*command)`` runs one command."""
    cursor, deleted = 0, 0
    while True:
        cursor, keys = execute("SCAN", cursor, "MATCH", _match_pattern(prefix), "COUNT", 1000)
        cursor = int(cursor)
        for start in range(0, len(keys), _BATCH):
            deleted += int(execute("UNLINK", *keys[start:start + _BATCH]))
        if cursor == 0:
            return deleted


def _run_id(info: bytes | str) -> str | None:
    text = info.decode() if isinstance(info, bytes) else str(info)
    for line in text.splitlines():
        if line.startswith("run_id:"):
            return line.partition(":")[2].strip()
    return None


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache, treating an unavailable Redis as a cache miss (module docstring)."""

    def __init__(self, server, params):
        options = {"socket_connect_timeout": CONNECT_TIMEOUT, "socket_timeout": COMMAND_TIMEOUT,
                   **params.get("OPTIONS", {}), "redis_connect_func": self._on_connect}
        super().__init__(server, {**params, "OPTIONS": options})
        self._servers_key = tuple(self._servers)
        self._breaker = _breaker(self._servers_key)
        self._dirty_key = (self._servers_key, self.key_prefix)
        self._run_id_key = f"{self.key_prefix}:redis-run-id"

    # --- Recovery ---------------------------------------------------------------------------

    def _on_connect(self, connection) -> None:
        """Every new connection (rule 2): a Redis that restarted since this cache last saw
        it may hold old data, so its keys go before anything is read."""
        connection.on_connect()

        def execute(*command):
            connection.send_command(*command)
            return connection.read_response()

        try:
            run_id = _run_id(execute("INFO", "server"))
        except ResponseError:  # INFO refused (a restricted managed Redis): rule 1 still holds
            return
        if run_id is None or execute("GET", self._run_id_key) == run_id.encode():
            return
        deleted = _delete_prefix(execute, self.key_prefix)
        execute("SET", self._run_id_key, run_id)
        if deleted:
            logger.warning("Redis cache %s restarted with %d keys of %r: deleted them (they may predate "
                           "invalidations)", self._breaker.name, deleted, self.key_prefix)

    def _recover(self) -> None:
        """Rule 1: this process failed a write; delete the cache's keys before using Redis."""
        client = self._cache.get_client(write=True)
        _delete_prefix(client.execute_command, self.key_prefix)
        with _state_lock:
            _dirty.discard(self._dirty_key)
        logger.warning("Redis cache %s: deleted the keys of %r (writes failed while it was away)",
                       self._breaker.name, self.key_prefix)

    def _call(self, write: bool, fallback, operation, *args):
        if self._breaker.is_open():
            self._breaker.skipped()
            if write:
                with _state_lock:
                    _dirty.add(self._dirty_key)
            return fallback
        try:
            if self._dirty_key in _dirty:
                self._recover()
            result = operation(*args)
        except RedisError as error:
            if write:
                with _state_lock:
                    _dirty.add(self._dirty_key)
            self._breaker.failed(error)
            return fallback
        self._breaker.succeeded()
        return result

    # --- Django's cache API -----------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(True, False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(False, default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(True, None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(True, False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(True, False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call(False, {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # Nothing to count from while Redis is away: the key is missing, as incr() says.
        missing = object()
        result = self._call(True, missing, super().incr, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (Redis unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(True, list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call(True, None, super().delete_many, keys, version)

    def clear(self):
        def delete_own_keys():
            client = self._cache.get_client(write=True)
            _delete_prefix(client.execute_command, self.key_prefix)
            return True

        return self._call(True, False, delete_own_keys)
