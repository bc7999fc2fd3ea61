"""Writes of the API app: API tokens (making, using, revoking) and article attachments."""

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from articles import images
from kb import storage
from kb.hashing import keyed_hash
from kb.uploads import detect_type, safe_file_name

from .models import ApiToken, ArticleAttachment

TOKEN_PURPOSE = "api-token"
# last_used_at is rewritten at most this often per token.
TOUCH_EVERY = timedelta(minutes=5)


def token_hash(raw: str) -> str:
    return keyed_hash(TOKEN_PURPOSE, raw)


@transaction.atomic
def api_token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its secret (the only time it is known)."""
    raw = secrets.token_urlsafe(30)  # 40 characters, 240 bits
    token = ApiToken.objects.create(user=user, name=name[:100], token_hash=token_hash(raw), prefix=raw[:6])
    return token, raw


def api_token_user(*, raw: str, at: datetime, login: str | None = None):
    """The active user an active token ``raw`` acts as, or None; notes the use.

    ``login`` (HTTP Basic ``email/token``) must name the token's user, by email or
    username: a token found with someone else's address is refused, as Zendesk does.
    """
    if not raw or len(raw) > 200:
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(token_hash=token_hash(raw), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    if login is not None and login.casefold() not in {token.user.email.casefold(), token.user.username.casefold()}:
        return None
    if token.last_used_at is None or at - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    return token.user


def api_token_revoke(*, token: ApiToken, at: datetime) -> None:
    """Stop a token working at once (the row stays, for the record)."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=at)


# --- Article attachments ----------------------------------------------------------------

# The request form's bound (tickets), for the same kinds of files.
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# zenpy's bulk_attachments sends at most 20, as Zendesk takes.
ASSOCIATE_MAX = 20
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
#: How an attachment's image is named on the uploads path, beside the editor's uploads:
#: housekeeping tells an image left behind by a rolled-back save from an editor upload by it.
IMAGE_PREFIX = "attachment-"


#: Where the other files are on the private storage (kb.storage: never a URL): only the
#: access-checked view (api.views.attachments.AttachmentDownload) reads them.
PRIVATE_FOLDER = "articles/"


def attachment_private_name(stored_name: str) -> str:
    """The private storage's name of a non-image attachment's file."""
    return f"{PRIVATE_FOLDER}{stored_name}"


def attachment_file_delete(stored_name: str, *, is_image: bool) -> None:
    if is_image:
        storage.public_storage().delete(stored_name)
    else:
        storage.private_storage().delete(attachment_private_name(stored_name))


def attachment_create(*, uploaded_by, article, file_name: str, data: bytes, inline: bool,
                      at: datetime, external_id: str | None = None) -> ArticleAttachment:
    """Check and store a file for ``article`` (None: not yet associated).

    The rules are the request form's: only the bytes decide the type (PNG, JPEG, GIF, WebP,
    PDF, UTF-8 text), the extension must agree, 5 MB at most. Images are also checked by
    Pillow (pixels, integrity) and re-encoded like the editor's uploads. ValidationError
    otherwise. ``external_id``: its id where it was imported from (import_zendesk).

    The file is written before the row is committed: when the caller's transaction rolls
    back, the file stays behind with no row, and housekeeping removes it
    (``api.housekeeping``).
    """
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": ["Attachments are limited to 5 MB."]}, code="too_large")
    name = safe_file_name(file_name)
    content_type = detect_type(name, data)
    if content_type is None:
        raise ValidationError({"file": [("Attach an image (PNG, JPEG, GIF, WebP), a PDF or a text file "
                                        "(.txt, .log, .csv) whose name ends as its type.")]}, code="file_type")
    if content_type.startswith("image/"):
        try:
            image_format = images.checked_format(data)
        except ValidationError:
            raise ValidationError({"file": ["This image cannot be read, or has too many pixels."]},
                                  code="file_type") from None
        data = images.reencoded(data, image_format)
        content_type = IMAGE_TYPES[image_format]
        stored = storage.public_storage().save(
            f"{settings.MARKDOWNX_MEDIA_PATH}{IMAGE_PREFIX}{uuid.uuid4().hex}.{images.UPLOAD_FORMATS[image_format]}",
            ContentFile(data))
    else:
        # Server-chosen: the caller's file name never touches the storage.
        saved = storage.private_storage().save(attachment_private_name(secrets.token_hex(16)), ContentFile(data))
        stored = saved.removeprefix(PRIVATE_FOLDER)
    try:
        return ArticleAttachment.objects.create(
            article=article, uploaded_by=uploaded_by, file_name=name, content_type=content_type, size=len(data),
            inline=inline, stored_name=stored, external_id=external_id, created_at=at, updated_at=at)
    except Exception:
        attachment_file_delete(stored, is_image=content_type.startswith("image/"))
        raise


def attachment_delete(*, attachment: ArticleAttachment) -> None:
    """Remove the attachment and, once that is committed, its file (an inline image shown
    in a body stops showing, as on Zendesk): see ``api.signals``, which does the same when
    a deleted article takes its attachments along."""
    attachment.delete()


@transaction.atomic
def attachments_associate(*, article, attachments: list[ArticleAttachment], at: datetime) -> None:
    """Attach files uploaded without an article to ``article`` (Zendesk's bulk_attachments)."""
    if len(attachments) > ASSOCIATE_MAX:
        raise ValidationError({"attachment_ids": [f"At most {ASSOCIATE_MAX} attachments at once."]})
    taken = [a.pk for a in attachments if a.article_id not in (None, article.pk)]
    if taken:
        raise ValidationError({"attachment_ids": [f"Already attached to another article: {taken}."]})
    ArticleAttachment.objects.filter(pk__in=[a.pk for a in attachments]).update(article=article, updated_at=at)
