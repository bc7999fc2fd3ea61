"""What ``manage.py housekeeping`` prunes of the tickets app (registered with
:mod:`kb.housekeeping` in ``TicketsConfig.ready()``): attachment files no ticket points to.

A request whose transaction rolled back can leave its attachment's file behind on the
private storage (kb.storage): files are written before the commit, and then nothing points
to them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from kb import housekeeping, storage

from .models import TicketAttachment

#: Age of an unreferenced attachment file before it counts as an orphan: a request being
#: saved right now has written its file but not committed its row yet.
ORPHAN_GRACE = timedelta(days=1)


def orphan_attachments_prune(*, now: datetime, dry_run: bool, **_) -> int:
    """Attachment files older than ``ORPHAN_GRACE`` that no ticket points to (``cutoff`` is
    not used: an orphan is useless from the start, only a file being saved needs time)."""
    files = storage.private_storage()
    # Listed before the rows are read: a file written after this listing is never seen,
    # and one written before it is old enough only past the grace period. The top of the
    # private storage holds the request desk's files (its folders are other apps').
    # Files carry the storage's real times, never a moved clock's (hence timezone.now()).
    oldest = min(now, timezone.now()) - ORPHAN_GRACE
    candidates = storage.files_older_than(files, "", oldest)
    if not candidates:
        return 0
    referenced = set()
    for start in range(0, len(candidates), 500):  # SQLite's bound on query parameters
        referenced |= set(TicketAttachment.objects.filter(stored_name__in=candidates[start:start + 500])
                          .values_list("stored_name", flat=True))
    orphans = [name for name in candidates if name not in referenced]
    if not dry_run:
        for name in orphans:
            files.delete(name)
    return len(orphans)


def register() -> None:
    housekeeping.register("attachment_files", "orphan attachment files", orphan_attachments_prune)
