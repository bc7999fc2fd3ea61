"""``STORAGES`` from the environment: read by kb/settings.py, so it imports nothing that
reads settings. What the two aliases hold and why: kb/storage.py."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

PUBLIC = "default"
PRIVATE = "attachments"

_KINDS = ("local", "s3")
_ADDRESSING = ("auto", "path", "virtual")


# --- Configuration ----------------------------------------------------------------------


def _s3_options(environ, bucket_variable: str) -> dict:
    bucket = environ.get(bucket_variable, "").strip()
    if not bucket:
        raise ImproperlyConfigured(f"{bucket_variable} must name the bucket to use.")
    options = {"bucket_name": bucket, "file_overwrite": False, "default_acl": None}
    endpoint = environ.get("KB_S3_ENDPOINT_URL", "").strip()
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ImproperlyConfigured(
                f"KB_S3_ENDPOINT_URL must be an http:// or https:// address, such as "
                f"https://s3.eu-central-1.amazonaws.com, not {endpoint!r}.")
        options["endpoint_url"] = endpoint
    if region := environ.get("KB_S3_REGION", "").strip():
        options["region_name"] = region
    key_id = environ.get("KB_S3_ACCESS_KEY_ID", "").strip()
    secret = environ.get("KB_S3_SECRET_ACCESS_KEY", "").strip()
    if bool(key_id) != bool(secret):
        raise ImproperlyConfigured(
            "Set both KB_S3_ACCESS_KEY_ID and KB_S3_SECRET_ACCESS_KEY, or neither (then boto3 finds "
            "credentials itself: AWS_* variables, a profile or the machine's role).")
    if key_id:
        options.update(access_key=key_id, secret_key=secret)
    addressing = environ.get("KB_S3_ADDRESSING_STYLE", "").strip().lower()
    if addressing:
        if addressing not in _ADDRESSING:
            raise ImproperlyConfigured(
                f"KB_S3_ADDRESSING_STYLE must be one of {', '.join(_ADDRESSING)}, not {addressing!r}.")
        options["addressing_style"] = addressing
    return options


def _kind(environ, variable: str) -> str:
    kind = (environ.get(variable) or "local").strip().lower()
    if kind not in _KINDS:
        raise ImproperlyConfigured(f"{variable} must be 'local' or 's3', not {kind!r}.")
    if kind == "s3" and (find_spec("storages") is None or find_spec("boto3") is None):
        raise ImproperlyConfigured(
            f"{variable}=s3 needs django-storages and boto3: install requirements.txt.")
    return kind


def _inside(inner: Path, outer: Path) -> bool:
    inner, outer = inner.resolve(), outer.resolve()
    return inner == outer or outer in inner.parents


def storages_from_env(environ, *, media_root: Path, attachments_root: Path, static_backend: str) -> dict:
    """``STORAGES`` from the environment (``KB_MEDIA_STORAGE``, ``KB_ATTACHMENTS_STORAGE``
    and the ``KB_S3_*`` variables), or ImproperlyConfigured saying what is wrong. Unset:
    two local folders."""
    media_kind = _kind(environ, "KB_MEDIA_STORAGE")
    attachments_kind = _kind(environ, "KB_ATTACHMENTS_STORAGE")
    result = {"staticfiles": {"BACKEND": static_backend}}
    if media_kind == "s3":
        result[PUBLIC] = {"BACKEND": "kb.storage_s3.PublicS3Storage",
                          "OPTIONS": _s3_options(environ, "KB_MEDIA_S3_BUCKET")}
    else:
        result[PUBLIC] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if attachments_kind == "s3":
        result[PRIVATE] = {"BACKEND": "kb.storage_s3.PrivateS3Storage",
                           "OPTIONS": _s3_options(environ, "KB_ATTACHMENTS_S3_BUCKET")}
    else:
        result[PRIVATE] = {"BACKEND": "kb.storage.PrivateFileSystemStorage"}
    # A bucket or folder that holds both would put attachments wherever images are served
    # from: a bucket policy, a CDN or a web server that serves the media folder.
    if media_kind == attachments_kind == "s3" and (
            result[PUBLIC]["OPTIONS"]["bucket_name"] == result[PRIVATE]["OPTIONS"]["bucket_name"]):
        raise ImproperlyConfigured(
            "KB_ATTACHMENTS_S3_BUCKET must differ from KB_MEDIA_S3_BUCKET: attachments are private, "
            "images are served to everyone.")
    if media_kind == attachments_kind == "local" and (
            _inside(attachments_root, media_root) or _inside(media_root, attachments_root)):
        raise ImproperlyConfigured(
            "KB_ATTACHMENTS_ROOT must be outside KB_MEDIA_ROOT (and the other way round): "
            "attachments are private, the media folder is served to everyone.")
    return result
