"""Agents' synonym groups, applied when searching (no re-indexing needed).

Each group belongs to one locale (``Synonym.locale``) and applies to searches in it,
analysed in that locale's language: "cancelar, dar de baja" helps Spanish searchers and
never widens an English search.

Loaded once and kept per process for CACHE_SECONDS; saving or deleting a synonym clears
this process's copy at once (other processes pick it up within CACHE_SECONDS). This keeps
the synonym table off the hot path of every search.
"""

from __future__ import annotations

import threading
import time

from search.query import ENGLISH, analyze

CACHE_SECONDS = 60

_lock = threading.Lock()
_cache: dict = {"groups": None, "loaded_at": 0.0}


def _load() -> dict[str, list[tuple[tuple[str, ...], ...]]]:
    from search.models import Synonym

    groups: dict[str, list] = {}
    for terms, locale in Synonym.objects.values_list("terms", "locale"):
        phrases = tuple(tuple(analyze(p, locale)) for p in terms.split(","))
        phrases = tuple(p for p in phrases if p)
        if len(phrases) > 1:
            groups.setdefault(locale, []).append(phrases)
    return groups


def synonym_groups(locale: str = ENGLISH) -> list[tuple[tuple[str, ...], ...]]:
    """The groups of ``locale``: each a tuple of phrases; each phrase a tuple of stems."""
    groups, loaded_at = _cache["groups"], _cache["loaded_at"]
    if groups is None or time.monotonic() - loaded_at > CACHE_SECONDS:
        groups = _load()
        with _lock:
            _cache["groups"], _cache["loaded_at"] = groups, time.monotonic()
    return groups.get(locale, [])


def clear_synonym_cache(**kwargs) -> None:
    with _lock:
        _cache["groups"] = None
