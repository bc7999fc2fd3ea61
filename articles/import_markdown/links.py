"""Rewriting an imported body's relative links: images in the folder are stored (as
uploads are) and point to their URL, links to other files point to their articles."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError

from .. import services
from ..markdown import HEADING_ID_PREFIX
from .files import Document, inside

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")

# [text](target "title") and ![alt](target): the target is group "url".
_INLINE = re.compile(
    r"(?P<bang>!?)\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*"
    r"(?P<url><[^<>\n]*>|[^\s()<>]+(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
)
# [label]: target  (a reference definition; used by [text][label] and ![alt][label])
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*(?P<url><[^<>\n]*>|\S+)", re.MULTILINE)
# <img src="target"> in raw HTML (articles allow it).
_HTML_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?P<q>[\"'])(?P<url>[^\"'<>]*)(?P=q)", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of fenced code blocks and `code spans`: links inside are examples,
    not links. In linear time (a naive regex is quadratic on unmatched backticks)."""
    spans, offset, fence, fence_start = [], 0, None, 0
    for line in text.splitlines(keepends=True):
        opener = _FENCE.match(line)
        if fence is None and opener:
            fence, fence_start = opener.group(1), offset
        elif fence is not None and opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence) \
                and not line[opener.end():].strip():
            spans.append((fence_start, offset + len(line)))
            fence = None
        offset += len(line)
    if fence is not None:
        spans.append((fence_start, len(text)))
    # Backtick runs outside fences: a run opens a code span closed by the next run of
    # the same length.
    runs: dict[int, list[int]] = {}
    for run in re.finditer(r"`+", text):
        if not _within(run.start(), spans):
            runs.setdefault(len(run.group()), []).append(run.start())
    position = 0
    inline = []
    fence_starts = [start for start, _ in spans]
    ordered = sorted((start, length) for length, starts in runs.items() for start in starts)
    for start, length in ordered:
        if start < position:
            continue
        starts = runs[length]
        later = bisect.bisect_right(starts, start)
        if later < len(starts):
            end = starts[later] + length
            if bisect.bisect_left(fence_starts, start) != bisect.bisect_left(fence_starts, end):
                continue  # a code span does not run across a code block
            inline.append((start, end))
            position = end
    return sorted(spans + inline)


def _within(index: int, spans: list[tuple[int, int]]) -> bool:
    """Is ``index`` inside one of ``spans`` (sorted, not overlapping)?"""
    at = bisect.bisect_right(spans, (index, float("inf"))) - 1
    return at >= 0 and spans[at][0] <= index < spans[at][1]


@dataclass(frozen=True)
class Target:
    """A relative link's target inside DIR."""

    path: Path  # resolved
    relative: str  # to DIR, with "/"
    fragment: str


def resolve_target(url: str, *, root: Path, base: Path) -> Target | str | None:
    """A relative link's file inside ``root``; None for links left alone (absolute URLs,
    anchors); a message when it is refused."""
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    if not url or url.startswith("#") or _SCHEME.match(url):
        return None
    path, _, fragment = url.partition("#")
    path = unquote(path.partition("?")[0])
    if not path:
        return None
    if "\x00" in path:
        return f"{url} is not a file name; left as is."
    candidate = (root / path.lstrip("/")) if path.startswith("/") else (base / path)
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links
        return f"{url} cannot be followed ({getattr(exc, 'strerror', None) or exc}); left as is."
    if not inside(resolved, root):
        return f"{url} is outside the folder; refused."
    return Target(path=resolved, relative=resolved.relative_to(root).as_posix(), fragment=fragment)


class BodyRewriter:
    """Rewrites the relative links of article bodies to kb's URLs, storing images."""

    def __init__(self, *, root: Path, save_images: bool, article_url: Callable[[str], str | None],
                 imported: Callable[[str], bool]):
        self.root = root
        self.save_images = save_images
        # path of an .md file -> its article's URL (None: not imported, or not yet).
        self.article_url = article_url
        self.imported = imported
        self._images: dict[Path, str] = {}

    def rewrite(self, doc: Document, body: str) -> tuple[str, list[str], bool]:
        """(new body, warnings, whether a link to an article yet to be written remains)."""
        warnings: list[str] = []
        pending = False
        code = code_spans(body)
        edits: list[tuple[int, int, str]] = []
        base = doc.file.parent

        def handle(match: re.Match, *, image: bool | None) -> None:
            nonlocal pending
            if _within(match.start(), code):
                return
            url = match.group("url")
            target = resolve_target(url, root=self.root, base=base)
            if target is None:
                if image and _SCHEME.match(url.strip("<>")):
                    warnings.append(f"image {url} is not shown: only images in the folder are imported.")
                return
            if isinstance(target, str):
                warnings.append(target)
                return
            if target.relative.lower().endswith(".md"):
                new = self._article_link(target, url, warnings)
                if new is None and self.imported(target.relative):
                    pending = True
            elif image is False:
                if not target.path.exists():
                    warnings.append(f"link to {url}: no such file.")
                elif not target.path.is_dir():
                    warnings.append(f"link to {url} left as is: only images and .md files are imported.")
                return
            else:
                new = self._image(target, url, warnings)
            if new is not None:
                edits.append((match.start("url"), match.end("url"), new))

        matches = itertools.chain(
            ((match, bool(match.group("bang"))) for match in _INLINE.finditer(body)),
            ((match, None) for match in _REFERENCE.finditer(body)),
            ((match, True) for match in _HTML_IMG.finditer(body)),
        )
        for match, image in matches:
            try:
                handle(match, image=image)
            except OSError as exc:  # e.g. a name too long for the file system
                warnings.append(f"{match.group('url')} cannot be read ({exc.strerror}); left as is.")
        for start, end, new in sorted(edits, reverse=True):
            body = body[:start] + new + body[end:]
        return body, warnings, pending

    def _article_link(self, target: Target, url: str, warnings: list[str]) -> str | None:
        article_url = self.article_url(target.relative)
        if article_url is None:
            if not self.imported(target.relative):
                warnings.append(f"link to {url} left as is: that file is not imported.")
            return None
        # Heading ids are prefixed on our pages; the files' anchors are not.
        return article_url + (f"#{HEADING_ID_PREFIX}{target.fragment}" if target.fragment else "")

    def _image(self, target: Target, url: str, warnings: list[str]) -> str | None:
        if target.path in self._images:
            return self._images[target.path]
        if not target.path.is_file():
            warnings.append(f"image {url}: no such file.")
            return None
        try:
            size = target.path.stat().st_size
            if size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
                raise ValidationError("too large", code="size")
            stored = services.image_import_store(data=target.path.read_bytes(), save=self.save_images)
        except OSError as exc:
            warnings.append(f"image {url} cannot be read ({exc.strerror}).")
            return None
        except ValidationError as exc:
            reason = {
                "size": f"larger than {_size(settings.MARKDOWNX_UPLOAD_MAX_SIZE)}",
                "format": "not a PNG, JPEG, GIF or WebP image",
            }.get(exc.code, "not an image")
            warnings.append(f"image {url} not imported: {reason}.")
            return None
        self._images[target.path] = stored
        return stored


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size:,} bytes"
