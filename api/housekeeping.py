"""What ``manage.py housekeeping`` prunes of the API app (registered with
:mod:`kb.housekeeping` in ``ApiConfig.ready()``): article attachments nothing uses.

- Attachments uploaded without an article (``articles/attachments.json``) and never
  associated with one within ``ORPHAN_GRACE``: Zendesk's bulk imports associate them at
  once, so one still loose a day later was abandoned. Their rows go, and their files.
- Files with no row: written before their row is committed, they stay behind when the
  save rolls back (a failed import of an article, a refused upload), or when the process
  stops between a delete's commit and the file's removal. Non-image files in the private
  attachments folder; images on the uploads path, told from the editor's uploads (which
  have no row either) by their name (``services.IMAGE_PREFIX``).

An attachment whose article is deleted goes with it (the foreign key cascades, and
``api.signals`` removes the file after the commit).
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage

from kb import housekeeping

from .models import ArticleAttachment
from .services import IMAGE_PREFIX, attachments_dir

#: Age before a loose attachment or a file without a row counts as an orphan: a save in
#: progress has written its file but not committed its row yet, and a client associates
#: what it uploaded right after.
ORPHAN_GRACE = timedelta(days=1)


def unassociated_attachments_prune(*, now: datetime, dry_run: bool, **_) -> int:
    """Attachments never associated with an article, older than ``ORPHAN_GRACE`` (``cutoff``
    is not used: a loose attachment is useless as soon as its uploader has moved on)."""
    # Deleted through the model, one by one: the post_delete handler removes each file.
    loose = ArticleAttachment.objects.filter(article__isnull=True, created_at__lt=now - ORPHAN_GRACE)
    if dry_run:
        return loose.count()
    count = 0
    for attachment in loose.iterator():
        attachment.delete()
        count += 1
    return count


def _private_files(oldest: float) -> list[tuple[str, str]]:
    folder = attachments_dir()
    if not folder.is_dir():
        return []
    return [(entry.name, entry.path) for entry in os.scandir(folder)
            if entry.is_file() and entry.stat().st_mtime < oldest]


def _image_files(oldest: float) -> list[tuple[str, str]]:
    folder = settings.MARKDOWNX_MEDIA_PATH
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        if not name.startswith(IMAGE_PREFIX):
            continue
        path = f"{folder}{name}"
        try:
            if default_storage.get_modified_time(path).timestamp() < oldest:
                found.append((path, path))
        except (FileNotFoundError, NotImplementedError):
            continue
    return found


def orphan_attachment_files_prune(*, now: datetime, dry_run: bool, **_) -> int:
    """Attachment files older than ``ORPHAN_GRACE`` that no attachment row names."""
    # Listed before the rows are read: a file written after the listing is never seen, and
    # one written before it is old enough only past the grace period.
    oldest = min(now.timestamp(), time.time()) - ORPHAN_GRACE.total_seconds()
    private, images = _private_files(oldest), _image_files(oldest)
    names = [name for name, _ in private + images]
    if not names:
        return 0
    referenced = set()
    for start in range(0, len(names), 500):  # SQLite's bound on query parameters
        referenced |= set(ArticleAttachment.objects.filter(stored_name__in=names[start:start + 500])
                          .values_list("stored_name", flat=True))
    orphans_private = [path for name, path in private if name not in referenced]
    orphans_images = [path for name, path in images if name not in referenced]
    if not dry_run:
        for path in orphans_private:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        for path in orphans_images:
            default_storage.delete(path)
    return len(orphans_private) + len(orphans_images)


def register() -> None:
    housekeeping.register("loose_article_attachments", "unassociated article attachments",
                          unassociated_attachments_prune)
    housekeeping.register("article_attachment_files", "orphan article attachment files",
                          orphan_attachment_files_prune)
