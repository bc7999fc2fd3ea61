"""The one Markdown renderer: articles, posts, comments and the editor preview all use it.

Python-Markdown does not sanitise, so its output goes through nh3 with an allow-list:
only formatting tags, only http/https/mailto or relative links, and every link gets
``rel="nofollow ugc noopener"``. ``MARKDOWNX_MARKDOWNIFY_FUNCTION`` points here so the
live preview equals what is saved.
"""

import re

import markdown
import nh3

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
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
    "span": {"class"},
    "div": {"class"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
}  # fmt: skip
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_md = markdown.Markdown(
    extensions=["extra", "sane_lists", "toc"],
    extension_configs={"toc": {"permalink": False}},
    output_format="html",
)


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


def render_markdown(text: str) -> str:
    """Render user Markdown to sanitised HTML, in bounded time."""
    text = (text or "")[:MAX_MARKDOWN_LENGTH].replace("\x00", "")
    if text.count("[") > MAX_BRACKETS:
        text = text.replace("[", "\\[")
    text = _defuse(text)
    _md.reset()
    html = _md.convert(text)
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    """Keep only allow-listed markup; links get rel="nofollow ugc noopener"."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def plain_text(html: str) -> str:
    """Text content of rendered HTML, for search documents and snippets."""
    return nh3.clean(html, tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace(
        "&gt;", ">"
    ).replace("&quot;", '"').replace("&#39;", "'")
