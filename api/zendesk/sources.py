"""Where a Zendesk help center is read from: a folder of saved API responses, or the API.

Both answer the same questions with Zendesk's own JSON pages, so the importer cannot tell
them apart. A *resource* is an API path without ``/api/v2/help_center/`` (help-center
content) or ``/api/v2/`` (community, users) and without ``.json``: ``categories``,
``articles/42/comments``, ``community/posts``, ``users``.

In a folder, a resource's first page is ``<resource>.json`` and its following pages
``<resource>-2.json``, ``<resource>-3.json``, ... (``articles/42/comments.json``,
``community/posts-2.json``). Attachment files sit at their help-center path:
``article_attachments/<id>/<file name>``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import requests

#: How many times one page is asked for again after a 429 before giving up.
RATE_LIMIT_RETRIES = 8
#: Longest wait honoured from a Retry-After header (Zendesk's are a minute at most).
RETRY_AFTER_MAX = 120
#: Seconds to connect and between bytes of an answer.
TIMEOUT = 30
#: The largest page or file read (a page of 100 articles is a few MB).
MAX_BYTES = 50 * 1024 * 1024
#: Longest time one attachment's download may take, however steadily its bytes arrive.
DOWNLOAD_SECONDS = 120


class SourceError(Exception):
    """Input that cannot be read at all (a truncated file, an unreachable API)."""


class FileTooLarge(Exception):
    """An attachment longer than the importer takes (it is not read to its end)."""


def _json_type(value) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


def _page(data, where: str) -> dict:
    if not isinstance(data, dict):
        raise SourceError(f"{where}: expected a JSON object (a page of Zendesk's API), found {_json_type(data)}.")
    return data


class DirectorySource:
    """Pages saved from the API, one file per page."""

    def __init__(self, root: Path):
        self.root = Path(root)
        if not self.root.is_dir():
            raise SourceError(f"{self.root} is not a folder.")
        self.hosts: set[str] = set()

    def __str__(self):
        return str(self.root)

    def _file(self, resource: str, page: int) -> Path:
        # Resources are built from validated integer ids and fixed names only.
        return self.root / (f"{resource}.json" if page == 1 else f"{resource}-{page}.json")

    def has(self, resource: str) -> bool:
        return self._file(resource, 1).is_file()

    def pages(self, resource: str) -> Iterator[dict]:
        page = 1
        while (path := self._file(resource, page)).is_file():
            where = str(path.relative_to(self.root))
            if path.stat().st_size > MAX_BYTES:
                raise SourceError(f"{where}: larger than {MAX_BYTES // 2**20} MB.")
            try:
                data = json.loads(path.read_bytes().decode("utf-8-sig"))
            except UnicodeDecodeError as exc:
                raise SourceError(f"{where}: not UTF-8 text (byte {exc.start + 1}).") from None
            except json.JSONDecodeError as exc:
                raise SourceError(
                    f"{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                    "a truncated download?"
                ) from None
            except RecursionError:
                raise SourceError(f"{where}: not valid JSON (nested too deeply).") from None
            yield _page(data, where)
            page += 1

    def users(self, ids: set[int]) -> Iterator[dict]:
        yield from self.pages("users")

    def attachment(self, attachment_id: str, name: str, url: str, *, max_bytes: int = MAX_BYTES) -> bytes | None:
        """The file's bytes, or None when it is not there; FileTooLarge past ``max_bytes``."""
        folder = self.root / "article_attachments" / attachment_id
        # A name from a page's JSON is never a path: it cannot leave the attachment's folder.
        path = folder / name if name not in ("", ".", "..") and not {"/", "\\", "\0"} & set(name) else folder
        if not path.is_file():
            # Saved under another name (a browser's "file (1).png"): the folder's only file.
            files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
            if len(files) != 1:
                return None
            path = files[0]
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise FileTooLarge(name)
        return data


class ApiSource:
    """The live Help Center API of ``https://SUBDOMAIN.zendesk.com`` (or any base URL),
    signed in with an API token; pages followed through ``next_page``, 429s waited out."""

    def __init__(self, base_url: str, *, email: str, token: str, session: requests.Session | None = None,
                 sleep: Callable[[float], None] | None = None):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceError(f"--url must look like https://SUBDOMAIN.zendesk.com, not {base_url!r}.")
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.hosts = {parts.netloc.lower()}
        self.session = session or requests.Session()
        self.session.auth = (f"{email}/token", token)
        self.session.headers["Accept"] = "application/json"
        self.sleep = sleep or time.sleep

    def __str__(self):
        return self.base

    def _url(self, resource: str) -> str:
        prefix = "/api/v2/" if resource.startswith(("community/", "users")) else "/api/v2/help_center/"
        return f"{self.base}{prefix}{resource}.json"

    def _get(self, url: str, *, params=None, missing_ok=False) -> requests.Response | None:
        for _ in range(RATE_LIMIT_RETRIES + 1):
            try:
                response = self.session.get(url, params=params, timeout=TIMEOUT, stream=True)
            except requests.RequestException as exc:
                raise SourceError(f"{url}: {exc.__class__.__name__}: {exc}") from None
            if response.status_code != 429:
                break
            response.close()
            wait = response.headers.get("Retry-After", "")
            self.sleep(min(int(wait), RETRY_AFTER_MAX) if wait.isdigit() else 10)
        else:
            raise SourceError(f"{url}: still rate limited (429) after {RATE_LIMIT_RETRIES} waits.")
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code in (401, 403):
            raise SourceError(f"{url}: {response.status_code}: check --email and --token (an agent's or admin's "
                              "API token).")
        if response.status_code != 200:
            raise SourceError(f"{url}: the server answered {response.status_code}.")
        return response

    def _read(self, response: requests.Response, where: str, *, max_bytes: int = MAX_BYTES,
              seconds: float | None = None) -> bytes:
        deadline = None if seconds is None else time.monotonic() + seconds
        body = b""
        for chunk in response.iter_content(64 * 1024):
            body += chunk
            if len(body) > max_bytes:
                response.close()
                raise FileTooLarge(where)
            if deadline is not None and time.monotonic() > deadline:
                response.close()
                raise SourceError(f"{where}: still downloading after {seconds:g} s.")
        return body

    def _json(self, response: requests.Response, where: str) -> dict:
        try:
            return _page(json.loads(self._read(response, where)), where)
        except FileTooLarge:
            raise SourceError(f"{where}: larger than {MAX_BYTES // 2**20} MB.") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SourceError(f"{where}: the answer is not JSON (a truncated response?).") from None

    def has(self, resource: str) -> bool:
        return True  # asked for; a 404 reads as no items

    def _follow(self, url: str, params=None, *, missing_ok=True) -> Iterator[dict]:
        seen = set()
        while url and url not in seen:
            seen.add(url)
            response = self._get(url, params=params, missing_ok=missing_ok)
            if response is None:
                return
            page = self._json(response, url)
            yield page
            url, params = page.get("next_page"), None
            # Only the same server's pages are followed: the token is not sent elsewhere.
            if isinstance(url, str) and urlsplit(url).netloc.lower() not in self.hosts:
                raise SourceError(f"{url}: next_page points at another server; not followed.")
            if not isinstance(url, str):
                url = None

    def pages(self, resource: str) -> Iterator[dict]:
        return self._follow(self._url(resource), {"per_page": 100}, missing_ok="/" in resource)

    def users(self, ids: set[int]) -> Iterator[dict]:
        ordered = sorted(ids)
        for start in range(0, len(ordered), 100):
            chunk = ",".join(map(str, ordered[start:start + 100]))
            yield from self._follow(f"{self.base}/api/v2/users/show_many.json", {"ids": chunk})

    def attachment(self, attachment_id: str, name: str, url: str, *, max_bytes: int = MAX_BYTES) -> bytes | None:
        """The file at ``url``'s path on the help center's own server (a body's link may
        name its custom domain; the token is sent to no other server), read for at most
        DOWNLOAD_SECONDS and ``max_bytes`` (a longer file raises FileTooLarge); None when it
        cannot be had."""
        parts = urlsplit(url)
        url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            response = self._get(url, missing_ok=True)
            if response is None:
                return None
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                response.close()
                raise FileTooLarge(url)  # without downloading it
            return self._read(response, url, max_bytes=max_bytes, seconds=DOWNLOAD_SECONDS)
        except SourceError:
            return None
