"""Keeping the index in step with the database: sync some documents, check, rebuild.

Background tasks, signals and management commands call these; they are the only code
that writes to a backend.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from search.backends.base import SearchBackend, get_backend, iter_batches
from search.documents import all_documents, documents_for_keys
from search.ranking import semantic

logger = logging.getLogger(__name__)


def index_sync(*, keys, backend: SearchBackend | None = None) -> tuple[int, int]:
    """Make the index match the database for ``keys`` ("article:3"...): (indexed, deleted)."""
    backend = backend or get_backend()
    documents, gone = documents_for_keys(keys)
    if documents:
        backend.index(documents)
    if gone:
        backend.delete(sorted(gone))
    _sync_embeddings(documents, gone)
    return len(documents), len(gone)


def _sync_embeddings(documents, gone) -> None:
    # After the index write, so a document is findable at once; embedding it is slower
    # (tens of ms each) and optional. A failure only costs re-ranking for these
    # documents until `check_index --fix`, never the index update.
    try:
        semantic.embeddings_sync(documents, gone)
    except Exception:
        logger.exception("Embedding %d search document(s) failed", len(documents))


@dataclass
class IndexReport:
    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    stale: list[str] = field(default_factory=list)  # indexed content differs
    orphans: list[str] = field(default_factory=list)  # in the index, not (or no longer) public
    # Semantic re-ranking (search.ranking.semantic): embeddings missing or computed from
    # older text, and embeddings of documents no longer searchable.
    unembedded: list[str] = field(default_factory=list)
    embedding_orphans: list[str] = field(default_factory=list)
    total: int = 0  # documents in the database

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphans or self.unembedded
                    or self.embedding_orphans)


def index_check(*, backend: SearchBackend | None = None) -> IndexReport:
    """Compare every searchable document with what the index stores."""
    backend = backend or get_backend()
    stored = backend.stored_versions()
    report = IndexReport()
    texts = {}
    for doc in all_documents():
        report.total += 1
        if semantic.embeds(doc):
            texts[doc.key] = (semantic.document_text(doc), semantic.document_meta(doc))
        version = stored.pop(doc.key, None)
        if version is None:
            report.missing.append(doc.key)
        elif version != doc.version:
            report.stale.append(doc.key)
    report.orphans = sorted(stored)
    report.unembedded, report.embedding_orphans = semantic.embeddings_check(texts)
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
        _sync_embeddings(documents, gone)
        touched += len(batch)
    if report.orphans:
        backend.delete(report.orphans)
        touched += len(report.orphans)
    # Documents re-indexed above were embedded with them; what remains is embedding
    # work alone (the worker died before it, or the model was installed later).
    redone = set(report.missing) | set(report.stale)
    for batch in iter_batches([k for k in report.unembedded if k not in redone], 500):
        documents, _ = documents_for_keys(batch)
        _sync_embeddings(documents, ())
        touched += len(batch)
    if report.embedding_orphans:
        _sync_embeddings([], report.embedding_orphans)
        touched += len(report.embedding_orphans)
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
