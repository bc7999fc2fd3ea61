"""Signal handlers of the API app, connected in ``ApiConfig.ready()``."""

from django.db import transaction
from django.db.models.signals import post_delete

from .models import ArticleAttachment


def _attachment_deleted(sender, instance: ArticleAttachment, **kwargs) -> None:
    # After the commit: a rolled-back delete keeps its file. Also runs for the attachments a
    # deleted article takes along (the foreign key cascades), which no service sees.
    from .services import attachment_file_delete

    stored, is_image = instance.stored_name, instance.is_image
    transaction.on_commit(lambda: attachment_file_delete(stored, is_image=is_image))


def connect() -> None:
    post_delete.connect(_attachment_deleted, sender=ArticleAttachment, dispatch_uid="api.attachment_file")
