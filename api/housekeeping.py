"""What ``manage.py housekeeping`` prunes of the API app (registered with
:mod:`kb.housekeeping` in ``ApiConfig.ready()``): article attachments nothing uses.

- Attachments uploaded without an article (``articles/attachments.json``) and never
  associated with one within ``ORPHAN_GRACE``: Zendesk's bulk imports associate them at
  once, so one still loose a day later was abandoned. Their rows go, and their files.
- Files with no row: written before their row is committed, they stay behind when the
  save rolls back (a failed import of an article, a refused upload), or when the process
  stops between a delete's commit and the file's removal. Non-image files in the private
  storage's ``articles/`` folder; images on the public storage's uploads path, told from
  the editor's uploads (which have no row either) by their name (``services.IMAGE_PREFIX``).

An attachment whose article is deleted goes with it (the foreign key cascades, and
``api.signals`` removes the file after the commit).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from kb import housekeeping, storage

from .models import ArticleAttachment
from .services import IMAGE_PREFIX, PRIVATE_FOLDER, attachment_private_name

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


def orphan_attachment_files_prune(*, now: datetime, dry_run: bool, **_) -> int:
    """Attachment files older than ``ORPHAN_GRACE`` that no attachment row names."""
    public, private = storage.public_storage(), storage.private_storage()
    # Listed before the rows are read: a file written after the listing is never seen, and
    # one written before it is old enough only past the grace period. Files carry the
    # storage's real times, never a moved clock's (hence timezone.now()).
    oldest = min(now, timezone.now()) - ORPHAN_GRACE
    private_names = [name.removeprefix(PRIVATE_FOLDER)
                     for name in storage.files_older_than(private, PRIVATE_FOLDER, oldest)]
    image_names = [name for name in storage.files_older_than(public, settings.MARKDOWNX_MEDIA_PATH, oldest)
                   if name.removeprefix(settings.MARKDOWNX_MEDIA_PATH).startswith(IMAGE_PREFIX)]
    names = private_names + image_names
    if not names:
        return 0
    referenced = set()
    for start in range(0, len(names), 500):  # SQLite's bound on query parameters
        referenced |= set(ArticleAttachment.objects.filter(stored_name__in=names[start:start + 500])
                          .values_list("stored_name", flat=True))
    orphans_private = [name for name in private_names if name not in referenced]
    orphans_images = [name for name in image_names if name not in referenced]
    if not dry_run:
        for name in orphans_private:
            private.delete(attachment_private_name(name))
        for name in orphans_images:
            public.delete(name)
    return len(orphans_private) + len(orphans_images)


def register() -> None:
    housekeeping.register("loose_article_attachments", "unassociated article attachments",
                          unassociated_attachments_prune)
    housekeeping.register("article_attachment_files", "orphan article attachment files",
                          orphan_attachment_files_prune)
