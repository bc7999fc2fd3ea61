"""Reading an import folder: which files are articles, their front matter, and the
names folders give to categories and sections. No database here."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from ..importing import LineError
from ..markdown import markdown_problem
from ..models import Article

DEFAULT_ID_PREFIX = "md"
FOLDER_INDEX = "_index.md"
EXTERNAL_ID_MAX_LENGTH = Article._meta.get_field("external_id").max_length
# A Markdown file larger than this cannot hold an article body (60,000 characters) and
# is refused before it is read whole.
MAX_FILE_BYTES = 1024 * 1024
ARTICLE_KEYS = frozenset(
    {"title", "section", "category", "labels", "tags", "draft", "position", "promoted", "author", "id"}
)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_NUMBER_PREFIX = re.compile(r"^(\d{1,6})[-_. ]+(?=.)")
_LEADING_H1 = re.compile(r"\A\s*#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*(?:\n|\Z)")
POSITION_MAX = 2**31 - 1


class FileError(LineError):
    """A file that cannot be imported, with the reason."""


@dataclass
class FolderMeta:
    name: str
    description: str | None = None
    position: int | None = None


@dataclass
class Document:
    """One article file, parsed (no database)."""

    path: str  # relative to DIR, with "/"
    file: Path
    external_id: str
    title: str
    body: str
    category: str | None
    section: str | None
    category_meta: FolderMeta | None
    section_meta: FolderMeta | None
    labels: tuple[str, ...] = ()
    draft: bool = False
    position: int | None = None
    promoted: bool | None = None
    author: str | None = None
    warnings: list[str] = field(default_factory=list)


def inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def scan(root: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """The article files under ``root`` (relative, sorted) and (path, reason) of what was
    passed over. Hidden files and folders (".git") are passed over silently."""
    found, passed = [], []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename).relative_to(root).as_posix() if error.filename else "."
        passed.append((where, f"cannot be read ({error.strerror})."))

    for folder, dirs, files in os.walk(root, onerror=unreadable, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs):
            if name.startswith("."):
                dirs.remove(name)
            elif (here / name).is_symlink():
                passed.append(((here / name).relative_to(root).as_posix(), "a symbolic link to a folder; not followed."))
        for name in files:
            if name.startswith(".") or not name.lower().endswith(".md") or name == FOLDER_INDEX:
                continue
            relative = (here / name).relative_to(root).as_posix()
            if (here / name).is_symlink():
                passed.append((relative, "a symbolic link; not followed."))
            else:
                found.append(relative)
    return sorted(found), sorted(passed)


def _read_text(file: Path) -> str:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileError(f"too large ({size:,} bytes; at most {MAX_FILE_BYTES:,}).")
        data = file.read_bytes()
    except OSError as exc:
        raise FileError(f"cannot be read ({exc.strerror}).") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(f"not UTF-8 text (byte {exc.start + 1}).") from None
    if "\x00" in text:
        raise FileError("contains a NUL character.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[dict, str]:
    """(front matter, body) of a file's text; raises FileError for unusable front matter."""
    if not text.startswith("---\n"):
        return {}, text
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if end is None:
        raise FileError('front matter opened with "---" is never closed.')
    source, body = text[4 : 4 + end.start()], text[4 + end.end() :].lstrip("\n")
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 2}" if where is not None else ""  # +2: the "---" line
        raise FileError(f"front matter is not valid YAML{at} ({getattr(exc, 'problem', None) or exc}).") from None
    except RecursionError:
        raise FileError("front matter is nested too deeply.") from None
    if data is None:
        return {}, body
    if not isinstance(data, dict):
        raise FileError("front matter must be key: value pairs.")
    return data, body


def _string(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FileError(f'"{key}" must be text.')
    value = str(value).strip()
    if not value:
        raise FileError(f'"{key}" must not be empty.')
    return value


def _flag(data: dict, key: str) -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise FileError(f'"{key}" must be true or false.')
    return value


def _position(data: dict) -> int | None:
    value = data.get("position")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= POSITION_MAX:
        raise FileError('"position" must be a whole number, 0 or more.')
    return value


def _labels(data: dict) -> tuple[str, ...]:
    if "labels" in data and "tags" in data:
        raise FileError('give "labels" or "tags", not both.')
    value = data.get("labels", data.get("tags"))
    if value is None:
        return ()
    if isinstance(value, str):  # "labels: billing, invoices"
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise FileError('"labels" must be a list of words.')
    return tuple(dict.fromkeys(name.strip() for name in value if name.strip()))


def _unknown_keys(data: dict, known: frozenset) -> list[str]:
    unknown = sorted(str(key) for key in data if key not in known)
    if not unknown:
        return []
    return [f"front matter key(s) ignored: {', '.join(unknown)}."]


def folder_name(name: str) -> tuple[str, int | None]:
    """A folder or file name as a heading or title, and its numeric prefix as a position:
    "02-getting_started" -> ("Getting started", 2)."""
    position = None
    prefix = _NUMBER_PREFIX.match(name)
    if prefix:
        position, name = int(prefix.group(1)), name[prefix.end() :]
    words = " ".join(re.split(r"[-_\s]+", name)).strip() or name
    return words[:1].upper() + words[1:], position


def folder_meta(root: Path, relative: str, cache: dict) -> FolderMeta:
    """The name, description and position of a folder (its ``_index.md``, else its name)."""
    if relative in cache:
        return cache[relative]
    name, position = folder_name(PurePosixPath(relative).name)
    meta = FolderMeta(name=name, position=position)
    index = root / relative / FOLDER_INDEX
    if index.is_file() and not index.is_symlink():
        try:
            data, body = split_front_matter(_read_text(index))
            given = _string(data, "title") or _string(data, "name")
            meta = FolderMeta(
                name=given or name,
                description=_string(data, "description") or body.strip() or None,
                position=_position(data) if data.get("position") is not None else position,
            )
        except FileError as exc:
            raise FileError(f"{relative}/{FOLDER_INDEX}: {exc}") from None
    cache[relative] = meta
    return meta


def external_id_for(path: str, data: dict, prefix: str) -> str:
    given = _string(data, "id")
    if given is not None:
        if not _ID.fullmatch(given):
            raise FileError('"id" may hold only letters, digits, ".", "_" and "-" (at most 100).')
        return f"{prefix}:#{given}"
    external_id = f"{prefix}:{path}"
    if len(external_id) > EXTERNAL_ID_MAX_LENGTH:
        raise FileError(
            'the path is too long to identify the article; give it an "id" in its front matter.'
        )
    return external_id


def parse_document(root: Path, path: str, *, prefix: str, default_category: str, folders: dict) -> Document:
    """The article a file describes; raises FileError when it is unusable."""
    file = root / path
    data, body = split_front_matter(_read_text(file))
    warnings = _unknown_keys(data, ARTICLE_KEYS)

    title = _string(data, "title")
    heading = _LEADING_H1.match(body)
    if heading and (title is None or heading.group(1).strip() == title):
        # The page shows the title as its heading: the file's own would show twice.
        title = title or heading.group(1).strip()
        body = body[heading.end() :].lstrip("\n")
    file_title, file_position = folder_name(PurePosixPath(path).stem)
    title = title or file_title
    if not body.strip():
        raise FileError("the article has no text.")
    # Refused before links are rewritten, with the message the editor would give: the
    # rewriting's cost then stays bounded too.
    problem = markdown_problem(body)
    if problem:
        raise FileError(f"body: {problem}")

    parts = PurePosixPath(path).parts[:-1]
    category_meta = section_meta = None
    if len(parts) >= 2:
        category_meta = folder_meta(root, parts[0], folders)
        section_meta = folder_meta(root, f"{parts[0]}/{parts[1]}", folders)
    elif len(parts) == 1:
        section_meta = folder_meta(root, parts[0], folders)
    section = _string(data, "section")
    category = _string(data, "category")
    if section is None and section_meta is None:
        raise FileError('a file at the top of the folder needs a "section" in its front matter.')

    position = _position(data)
    return Document(
        path=path,
        file=file,
        external_id=external_id_for(path, data, prefix),
        title=title,
        body=body,
        # Front matter wins over folders; a section named in front matter is looked up
        # first among existing sections (see place_resolve).
        category=category or (category_meta.name if category_meta else default_category),
        section=section or section_meta.name,
        category_meta=None if category else category_meta,
        section_meta=None if section else section_meta,
        labels=_labels(data),
        draft=bool(_flag(data, "draft")),
        position=position if position is not None else file_position,
        promoted=_flag(data, "promoted"),
        author=_string(data, "author"),
        warnings=warnings,
    )
