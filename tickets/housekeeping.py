"""What ``manage.py housekeeping`` prunes of the tickets app (registered with
:mod:`kb.housekeeping` in ``TicketsConfig.ready()``): attachment files no ticket points to.

A request whose transaction rolled back can leave its attachment's file on disk: files are
written before the commit, and then nothing points to them.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

from kb import housekeeping

from .models import TicketAttachment
from .services.requests import attachments_dir

#: Age of an unreferenced attachment file before it counts as an orphan: a request being
#: saved right now has written its file but not committed its row yet.
ORPHAN_GRACE = timedelta(days=1)


def orphan_attachments_prune(*, now: datetime, dry_run: bool, **_) -> int:
    """Attachment files older than ``ORPHAN_GRACE`` that no ticket points to (``cutoff`` is
    not used: an orphan is useless from the start, only a file being saved needs time)."""
    folder = attachments_dir()
    if not folder.is_dir():
        return 0
    # Listed before the rows are read: a file written after this listing is never seen,
    # and one written before it is old enough only past the grace period.
    oldest = now.timestamp() - ORPHAN_GRACE.total_seconds()
    candidates = [entry for entry in os.scandir(folder)
                  if entry.is_file() and entry.stat().st_mtime < min(oldest, time.time())]
    if not candidates:
        return 0
    referenced = set(TicketAttachment.objects.filter(stored_name__in=[e.name for e in candidates])
                     .values_list("stored_name", flat=True))
    orphans = [entry for entry in candidates if entry.name not in referenced]
    if not dry_run:
        for entry in orphans:
            try:
                os.unlink(entry.path)
            except FileNotFoundError:
                pass
    return len(orphans)


def register() -> None:
    housekeeping.register("attachment_files", "orphan attachment files", orphan_attachments_prune)
