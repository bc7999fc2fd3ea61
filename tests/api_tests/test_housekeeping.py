"""What housekeeping prunes of article attachments: files uploaded for an article that
never came (after a day), files whose row never committed or is gone, and the files of a
deleted article's attachments (at once, with the article)."""

import os
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from api import housekeeping as api_housekeeping
from api.models import ArticleAttachment
from api.services import attachment_create, attachment_delete, attachment_private_name
from articles import services as article_services
from kb import clock, storage

from . import zendesk_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def file_of(attachment) -> str:
    """Where ``attachment``'s file is (a path that exists, or not)."""
    if attachment.is_image:
        return storage.public_storage().path(attachment.stored_name)
    return storage.private_storage().path(attachment_private_name(attachment.stored_name))


def age(path: str, at) -> None:
    os.utime(path, (at.timestamp(), at.timestamp()))


def attach(article, *, at, image=False):
    attachment = attachment_create(uploaded_by=None, article=article, file_name="a.png" if image else "a.pdf",
                                   data=zendesk_data.png_bytes() if image else PDF, inline=False, at=at)
    age(file_of(attachment), at)
    return attachment


def prune(now, *, dry_run=False) -> dict:
    return {pruner.__name__: pruner(now=now, cutoff=now - timedelta(days=90), dry_run=dry_run)
            for pruner in (api_housekeeping.unassociated_attachments_prune,
                           api_housekeeping.orphan_attachment_files_prune)}


def test_attachments_never_associated_go_after_a_day_with_their_files(make_article,
                                                                       django_capture_on_commit_callbacks):
    now = clock.now()
    article = make_article()
    old_loose, old_loose_image = attach(None, at=now - timedelta(days=2)), attach(None, at=now - timedelta(days=2),
                                                                                   image=True)
    new_loose = attach(None, at=now - timedelta(hours=3))
    old_kept = attach(article, at=now - timedelta(days=400))
    paths = {a.pk: file_of(a) for a in (old_loose, old_loose_image, new_loose, old_kept)}

    assert prune(now, dry_run=True) == {"unassociated_attachments_prune": 2, "orphan_attachment_files_prune": 0}
    assert ArticleAttachment.objects.count() == 4 and all(os.path.exists(p) for p in paths.values())

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the deletes are committed
        assert api_housekeeping.unassociated_attachments_prune(now=now, dry_run=False) == 2

    assert set(ArticleAttachment.objects.values_list("pk", flat=True)) == {new_loose.pk, old_kept.pk}
    assert {pk for pk, path in paths.items() if os.path.exists(path)} == {new_loose.pk, old_kept.pk}


def test_files_without_a_row_go_after_a_day_and_editor_uploads_stay(make_article):
    now = clock.now()
    article = make_article()
    kept, kept_image = attach(article, at=now - timedelta(days=5)), attach(article, at=now - timedelta(days=5),
                                                                           image=True)
    # A save that rolled back: its files were written, its rows never committed.
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = attach(article, at=now)
        lost_image = attach(article, at=now, image=True)
        raise RuntimeError
    lost_paths = [file_of(lost), file_of(lost_image)]
    assert all(os.path.exists(p) for p in lost_paths)
    editor_upload = article_services.image_upload_store(data=zendesk_data.png_bytes())
    editor_path = default_storage.path(editor_upload.removeprefix(settings.MEDIA_URL))
    age(editor_path, now - timedelta(days=5))

    # Not before a day: a save in progress has written its file and not committed its row yet.
    assert prune(now)["orphan_attachment_files_prune"] == 0
    assert all(os.path.exists(p) for p in lost_paths)

    for path in lost_paths:
        age(path, now - timedelta(days=2))
    assert prune(now, dry_run=True)["orphan_attachment_files_prune"] == 2
    assert all(os.path.exists(p) for p in lost_paths)
    assert prune(now)["orphan_attachment_files_prune"] == 2
    assert not any(os.path.exists(p) for p in lost_paths)
    assert os.path.exists(file_of(kept)) and os.path.exists(file_of(kept_image)) and os.path.exists(editor_path)


def test_a_deleted_article_takes_its_attachments_files_along(make_article, django_capture_on_commit_callbacks):
    article = make_article()
    pdf, image = attach(article, at=clock.now()), attach(article, at=clock.now(), image=True)
    paths = [file_of(pdf), file_of(image)]
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not ArticleAttachment.objects.exists()
    assert not any(os.path.exists(p) for p in paths)


def test_a_rolled_back_delete_keeps_the_file(make_article):
    attachment = attach(make_article(), at=clock.now())
    pk, path = attachment.pk, file_of(attachment)
    with pytest.raises(RuntimeError), transaction.atomic():
        attachment_delete(attachment=attachment)
        raise RuntimeError
    assert ArticleAttachment.objects.filter(pk=pk).exists() and os.path.exists(path)


def test_the_command_reports_article_attachments(make_article):
    attach(None, at=clock.now() - timedelta(days=3))
    stray = Path(storage.private_storage().path(
        storage.private_storage().save(attachment_private_name("0" * 32), ContentFile(PDF))))
    age(str(stray), clock.now() - timedelta(days=3))
    default_storage.save(f"{settings.MARKDOWNX_MEDIA_PATH}attachment-stray.png", ContentFile(b"x"))
    age(default_storage.path(f"{settings.MARKDOWNX_MEDIA_PATH}attachment-stray.png"), clock.now() - timedelta(days=3))
    out = StringIO()
    call_command("housekeeping", "--dry-run", stdout=out)
    assert "1 unassociated article attachments, 2 orphan article attachment files" in out.getvalue()
    call_command("housekeeping", stdout=StringIO())
    assert not ArticleAttachment.objects.exists() and not stray.exists()
    assert not default_storage.exists(f"{settings.MARKDOWNX_MEDIA_PATH}attachment-stray.png")
