"""Checking and normalising images agents upload into articles."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

# Pillow format name -> file extension. SVG is absent on purpose: it can carry script.
UPLOAD_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
# Refuse decompression bombs long before Pillow's own (much higher) limit.
UPLOAD_MAX_PIXELS = 40_000_000


def checked_format(data: bytes) -> str:
    """The Pillow format of ``data`` when it really is an allowed image; else ValidationError.

    The client's content type and file name are ignored: only the bytes count.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            if image_format not in UPLOAD_FORMATS:
                raise ValidationError("unsupported format", code="format")
            if image.width * image.height > UPLOAD_MAX_PIXELS:
                raise ValidationError("too many pixels", code="size")
            image.verify()
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many types for bad bytes; all mean "no".
        raise ValidationError("not an image", code="invalid") from exc
    return image_format


def reencoded(data: bytes, image_format: str) -> bytes:
    """Stills are re-encoded (dropping metadata and anything appended to the image) and
    shrunk to MARKDOWNX_IMAGE_MAX_SIZE; GIFs are kept as sent to keep their animation."""
    if image_format == "GIF":
        return data
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image)
        limits = getattr(settings, "MARKDOWNX_IMAGE_MAX_SIZE", {})
        if "size" in limits:
            image.thumbnail(limits["size"])
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        options = {"quality": limits.get("quality", 90)} if image_format in ("JPEG", "WEBP") else {}
        image.save(out, format=image_format, **options)
        return out.getvalue()
