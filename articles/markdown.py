"""The one Markdown renderer: articles, posts, comments and the editor preview all use it.

Python-Markdown does not sanitise, so its output goes through nh3 with an allow-list:
only formatting tags, only http/https/mailto or relative links, and every link gets
``rel="nofollow ugc noopener"``. ``MARKDOWNX_MARKDOWNIFY_FUNCTION`` points here so the
live preview equals what is saved.

User text must not restyle the page it is shown on (issue 13): a customer's
``<div class="modal d-block">`` was a full-screen Bootstrap overlay, served by the page
cache to every reader. So:

- raw HTML is Markdown only for agents (``allow_html=True``: articles, plan steps); from
  everyone else it is shown as the text they typed;
- the only classes kept are those our own extensions emit (``language-*`` from fenced
  code, the footnote and ``[TOC]`` classes), and the only ids are the generated ones,
  each under a prefix no page anchor uses (``h-`` for headings, ``fn:``/``fnref:`` for
  footnotes), so ``#comment-form`` cannot be taken over;
- images come only from our uploads (``MEDIA_URL`` + ``uploads/``): any other source,
  same-origin tracked URLs such as ``/search/?q=`` included, would be fetched by every
  reader's browser. Such an image is replaced by its alt text.
"""

import re

import markdown
import nh3
from django.conf import settings
from markdown.extensions.toc import slugify as _toc_slugify
from markdown.treeprocessors import Treeprocessor

# Upper bound on what the renderer accepts at all; model fields have tighter limits.
MAX_MARKDOWN_LENGTH = 60_000

# Python-Markdown's inline link/reference patterns backtrack on long runs of unmatched
# brackets (5 KB of "[" took ~15 s when measured). No real help text needs more than a
# handful in a row, so runs beyond this are refused by forms and escaped by the renderer.
# Cost also grows quadratically with the total number of "[" (2,000 took 1-2 s), hence
# the cap on their count.
MAX_BRACKET_RUN = 20
_BRACKET_RUN = re.compile(rf"[\[\]()<>!`]{{{MAX_BRACKET_RUN + 1},}}")
MAX_BRACKETS = 500

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre",
    "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul",
}  # fmt: skip
# "class" and "id" are listed here but every value passes _attribute_filter, which keeps
# only what our extensions produce (see the module docstring).
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
    "div": {"class"},
    "sup": {"id"},
    "li": {"id"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
}  # fmt: skip
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# Heading ids get this prefix; no template id starts with it, so user headings cannot
# shadow page anchors such as #comment-form.
HEADING_ID_PREFIX = "h-"

# The classes our extensions emit, per tag: fenced_code -> <code class="language-x">,
# footnotes -> div.footnote, a.footnote-ref, a.footnote-backref; toc's [TOC] -> div.toc.
_ALLOWED_CLASSES = {
    "a": {"footnote-ref", "footnote-backref"},
    "div": {"footnote", "toc"},
}
_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
_HEADING_ID = re.compile(rf"{re.escape(HEADING_ID_PREFIX)}[\w-]{{1,200}}")
_FOOTNOTE_ID = {"sup": re.compile(r"fnref\d*:[\w-]{1,100}"), "li": re.compile(r"fn:[\w-]{1,100}")}
# One path segment of an uploaded file: never "." or "..", never encoded or a query.
_UPLOAD_NAME = r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*"


def is_upload_url(src: str) -> bool:
    """Is ``src`` a file under our uploads path (the only images user text may show)?"""
    prefix = f"{settings.MEDIA_URL}{settings.MARKDOWNX_MEDIA_PATH}"
    return src.startswith(prefix) and re.fullmatch(_UPLOAD_NAME, src[len(prefix):]) is not None


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        allowed = _ALLOWED_CLASSES.get(tag, set())
        kept = [
            name for name in value.split()
            if name in allowed or (tag == "code" and _LANGUAGE_CLASS.fullmatch(name))
        ]  # fmt: skip
        return " ".join(kept) or None
    if attribute == "id":
        pattern = _FOOTNOTE_ID.get(tag, _HEADING_ID)
        return value if pattern.fullmatch(value) else None
    if tag == "img" and attribute == "src":
        return value if is_upload_url(value) else None
    return value


def _heading_slug(value: str, separator: str) -> str:
    return HEADING_ID_PREFIX + _toc_slugify(value, separator)


class _PrefixHeadingIds(Treeprocessor):
    """Ids written with ``{: #name}`` on a heading get the prefix too (toc keeps them)."""

    def run(self, root):
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                given = element.get("id")
                if given and not given.startswith(HEADING_ID_PREFIX):
                    element.set("id", HEADING_ID_PREFIX + given)


class _ImagesFromUploadsOnly(Treeprocessor):
    """An image from anywhere but our uploads becomes its alt text."""

    def run(self, root):
        for parent in list(root.iter()):
            for index, child in reversed(list(enumerate(parent))):
                if child.tag != "img" or is_upload_url(child.get("src", "")):
                    continue
                text = (child.get("alt") or "") + (child.tail or "")
                if index:
                    previous = parent[index - 1]
                    previous.tail = (previous.tail or "") + text
                else:
                    parent.text = (parent.text or "") + text
                parent.remove(child)


def _markdown(*, allow_html: bool) -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=["extra", "sane_lists", "toc"],
        extension_configs={
            "toc": {"permalink": False, "slugify": _heading_slug},
            # align="..." (kept by nh3) rather than style="text-align: ..." (dropped).
            "extra": {"tables": {"use_align_attribute": True}},
        },
        output_format="html",
    )
    # After attr_list (8), before toc (5), which keeps an id already present.
    md.treeprocessors.register(_PrefixHeadingIds(md), "kb_heading_ids", 6)
    # After the inline processor (20) has made the <img> elements.
    md.treeprocessors.register(_ImagesFromUploadsOnly(md), "kb_images", 15)
    if not allow_html:
        # Without these, "<div ...>" is not HTML to Markdown but text, escaped on output.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


_md = {allow_html: _markdown(allow_html=allow_html) for allow_html in (False, True)}


def markdown_problem(text: str) -> str | None:
    """Why ``text`` cannot be rendered safely and quickly, or None when it can.

    Forms call this to refuse pathological input with a clear message instead of
    silently mangling it.
    """
    if len(text) > MAX_MARKDOWN_LENGTH:
        return f"This text is too long (at most {MAX_MARKDOWN_LENGTH:,} characters)."
    if _BRACKET_RUN.search(text) or text.count("[") > MAX_BRACKETS:
        return "This text has too many brackets in a row to format. Please shorten that part."
    return None


def _defuse(text: str) -> str:
    # Escape every bracket of an over-long run so Python-Markdown sees literal text.
    return _BRACKET_RUN.sub(lambda m: "".join("\\" + ch for ch in m.group(0)), text)


def render_markdown(text: str, *, allow_html: bool = False) -> str:
    """Render Markdown to sanitised HTML, in bounded time.

    ``allow_html``: raw HTML in ``text`` is markup (sanitised) rather than text; only for
    what agents write (``is_agent(author)``). The default is the safe one, and it is what
    ``MARKDOWNX_MARKDOWNIFY_FUNCTION`` gets when called with the text alone.
    """
    text = (text or "")[:MAX_MARKDOWN_LENGTH].replace("\x00", "")
    if text.count("[") > MAX_BRACKETS:
        text = text.replace("[", "\\[")
    text = _defuse(text)
    md = _md[allow_html]
    md.reset()
    html = md.convert(text)
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    """Keep only allow-listed markup, classes, ids and image sources; links get
    rel="nofollow ugc noopener"."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def plain_text(html: str) -> str:
    """Text content of rendered HTML, for search documents and snippets."""
    return nh3.clean(html, tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace(
        "&gt;", ">"
    ).replace("&quot;", '"').replace("&#39;", "'")
