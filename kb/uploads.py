"""What kind of file an upload really is, decided by its bytes: shared by every form and API
that takes files from people (request attachments, article attachments)."""

import re

# Types are decided by the file's first bytes, never by what the browser claims; the
# extension must agree, so a script renamed to .png is refused.
_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
    (b"GIF87a", "image/gif", {".gif"}),
    (b"GIF89a", "image/gif", {".gif"}),
    (b"%PDF-", "application/pdf", {".pdf"}),
]
_TEXT_EXTENSIONS = {".txt", ".log", ".csv"}


def detect_type(name: str, data: bytes) -> str | None:
    """The content type of an allowed file (PNG, JPEG, GIF, WebP, PDF, UTF-8 text), or None."""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    for magic, content_type, extensions in _SIGNATURES:
        if data.startswith(magic):
            return content_type if extension in extensions else None
    if data[:12].startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp" if extension == ".webp" else None
    if extension in _TEXT_EXTENSIONS:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if "\x00" in text:
            return None
        return "text/plain"
    return None


def safe_file_name(name: str) -> str:
    """A client's file name without its folders and with only word characters, dots, dashes
    and spaces: shown to people and sent back in Content-Disposition, never used on disk."""
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return re.sub(r"[^\w.\- ]", "_", base)[:200] or "attachment"
