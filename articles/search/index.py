"""Keeping the index in step with the database: sync some documents, check, rebuild.

Background tasks, signals and management commands call these; they are the only code
that writes to a backend.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from .base import SearchBackend, get_backend, iter_batches
from .documents import all_documents, documents_for_keys

logger = logging.getLogger(__name__)


def index_sync(*, keys, backend: SearchBackend | None = None) -> tuple[int, int]:
    """Make the index match the database for ``keys`` ("article:3"...): (indexed, deleted)."""
    backend = backend or get_backend()
    documents, gone = documents_for_keys(keys)
    if documents:
        backend.index(documents)
    if gone:
        backend.delete(sorted(gone))
    return len(documents), len(gone)


@dataclass
class IndexReport:
    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    stale: list[str] = field(default_factory=list)  # indexed content differs
    orphans: list[str] = field(default_factory=list)  # in the index, not (or no longer) public
    total: int = 0  # documents in the database

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphans)


def index_check(*, backend: SearchBackend | None = None) -> IndexReport:
    """Compare every searchable document with what the index stores."""
    backend = backend or get_backend()
    stored = backend.stored_versions()
    report = IndexReport()
    for doc in all_documents():
        report.total += 1
        version = stored.pop(doc.key, None)
        if version is None:
            report.missing.append(doc.key)
        elif version != doc.version:
            report.stale.append(doc.key)
    report.orphans = sorted(stored)
    return report


def index_fix(report: IndexReport, *, backend: SearchBackend | None = None) -> int:
    """Repair what ``index_check`` found; returns how many documents were touched."""
    backend = backend or get_backend()
    touched = 0
    for batch in iter_batches(report.missing + report.stale, 500):
        documents, gone = documents_for_keys(batch)
        backend.index(documents)
        if gone:
            backend.delete(sorted(gone))
        touched += len(batch)
    if report.orphans:
        backend.delete(report.orphans)
        touched += len(report.orphans)
    return touched


def index_rebuild(*, backend: SearchBackend | None = None) -> tuple[int, IndexReport]:
    """Build a fresh index from the database and swap it in, then catch up with writes
    that happened while it was being built. Returns (documents, catch-up report)."""
    backend = backend or get_backend()
    count = backend.rebuild(all_documents())
    report = index_check(backend=backend)
    if not report.ok:
        index_fix(report, backend=backend)
    # Cached anonymous search pages were built from the old index.
    from kb import page_cache

    page_cache.bump("search")
    return count, report
