"""Zendesk bodies are HTML; kb stores Markdown and renders it through one sanitising path
(``articles.markdown``). What the importer does to a body before it is written:

- articles, and comments by agents: the HTML is kept as the agent's markup (raw HTML is
  Markdown for agents) and sanitised by kb's allow-list both now and on every render;
- posts and comments by customers: kb shows a customer's raw HTML as text (issue 13), so
  their HTML is turned into plain Markdown (paragraphs, emphasis, links, lists, code);
- image sources pointing at the help center's attachments are replaced by kb's own copy,
  and links between help-center pages by kb's URLs (``rewrite_links``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Old help-center paths: /hc/en-us/articles/123-Some-title, /hc/community/posts/5, ...
HC_PATH = re.compile(
    r"/hc/(?:(?P<locale>[A-Za-z]{2}(?:-[A-Za-z0-9]{2,4})?)/)?"
    r"(?P<kind>articles|sections|categories|community/posts|community/topics)/(?P<id>[0-9]{1,19})(?:-[^/?#]*)?/?"
)
ATTACHMENT_PATH = re.compile(r"/hc/article_attachments/(?P<id>[0-9]{1,19})/(?P<name>[^/?#]{1,200})$")

_ACTIVE_CONTENT = re.compile(
    r"<\s*(script|iframe|object|embed|style|form)\b|\son[a-z]+\s*=|javascript\s*:", re.IGNORECASE
)


def active_content(html: str) -> list[str]:
    """What in ``html`` kb's sanitiser removes because it could run or embed something
    (scripts, frames, event handlers, javascript: links), for the import report."""
    found = set()
    for match in _ACTIVE_CONTENT.finditer(html):
        text = match.group(0).lower()
        if match.group(1):
            found.add(f"<{match.group(1).lower()}>")
        elif "javascript" in text:
            found.add("javascript: link")
        else:
            found.add("event handler attribute")
    return sorted(found)


def _same_site(url: str, hosts: set[str]) -> tuple[bool, str]:
    """(is ``url`` on the old help center or relative, its path)."""
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return False, ""
    if parts.netloc and parts.netloc.lower() not in hosts:
        return False, ""
    return True, parts.path


_HREF = re.compile(r"""(?P<attr>\b(?:href|src)\s*=\s*)(?P<quote>["'])(?P<url>.*?)(?P=quote)""", re.IGNORECASE | re.DOTALL)


def rewrite_urls(html: str, replace: Callable[[str, str], str | None]) -> str:
    """``html`` with each href/src value ``url`` replaced by ``replace(attribute, url)``
    (None keeps it). Values are compared unescaped (``&amp;``) and written escaped."""
    def substitute(match):
        url = match.group("url").replace("&amp;", "&")
        attribute = match.group("attr").split("=")[0].strip().lower()
        new = replace(attribute, url)
        if new is None:
            return match.group(0)
        escaped = new.replace("&", "&amp;").replace('"', "&quot;")
        return f'{match.group("attr")}"{escaped}"'

    return _HREF.sub(substitute, html)


def help_center_target(url: str, hosts: set[str]) -> tuple[str, str] | None:
    """(kind, Zendesk id) when ``url`` is a link to a page of the old help center."""
    same, path = _same_site(url, hosts)
    if not same:
        return None
    match = HC_PATH.fullmatch(path)
    if not match:
        return None
    return match.group("kind").removeprefix("community/"), match.group("id")


def attachment_target(url: str, hosts: set[str]) -> tuple[str, str] | None:
    """(attachment id, file name) when ``url`` is a file attached to the old help center."""
    same, path = _same_site(url, hosts)
    if not same:
        return None
    match = ATTACHMENT_PATH.search(path)
    return (match.group("id"), match.group("name")) if match else None


# --- HTML -> plain Markdown (customers' posts and comments) --------------------------

# "<" is not escaped: a customer's text is rendered with raw HTML off, so it stays text anyway
# (and Python-Markdown would keep the backslash).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]>#|])")
_BLOCKS = {"p", "div", "ul", "ol", "pre", "blockquote", "table", "h1", "h2", "h3", "h4", "h5", "h6"}


class _ToMarkdown(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str | None] = []
        self.lists: list[str] = []
        self.pre = 0
        self.skip = 0  # inside <script>/<style>: dropped with their text

    def _block(self):
        if self.out and not "".join(self.out[-2:]).endswith("\n\n"):
            self.out.append("\n\n")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in _BLOCKS:
            self._block()
            if tag == "pre":
                self.out.append("```\n")
                self.pre += 1
            elif tag == "blockquote":
                self.out.append("> ")
            elif tag in ("ul", "ol"):
                self.lists.append(tag)
            elif tag[0] == "h" and tag[1:].isdigit():
                self.out.append("#" * int(tag[1]) + " ")
        elif tag == "li":
            self.out.append("\n" + ("1. " if self.lists and self.lists[-1] == "ol" else "- "))
        elif tag == "br":
            self.out.append("  \n")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "a":
            href = attrs.get("href") or ""
            keep = href.startswith(("http://", "https://", "mailto:", "/"))
            self.links.append(href if keep else None)
            if keep:
                self.out.append("[")
        elif tag == "img" and attrs.get("alt"):
            self.out.append(self._escape(attrs["alt"]))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            if tag == "pre" and self.pre:
                self.pre -= 1
                self.out.append("\n```")
            elif tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            self._block()
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href is not None:
                self.out.append(f"](<{href.replace('>', '%3E').replace(' ', '%20')}>)")

    def handle_data(self, data):
        if self.skip:
            return
        if self.pre:
            self.out.append(data.replace("```", "` ` `"))
        else:
            self.out.append(self._escape(re.sub(r"\s+", " ", data)))

    @staticmethod
    def _escape(text: str) -> str:
        return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def html_to_markdown(html: str) -> str:
    """Plain Markdown with the text and simple formatting of ``html``; every other tag is
    dropped (its text kept)."""
    parser = _ToMarkdown()
    parser.feed(html or "")
    parser.close()
    text = "".join(parser.out)
    text = re.sub(r"[ \t]+\n", lambda m: "  \n" if m.group(0).startswith("  ") else "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
