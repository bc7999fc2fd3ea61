"""Plain descriptions of demo content. The content modules fill these in; the loader in
``demo.articles`` turns them into rows through ``articles.services``.

Bodies may link to other demo objects with ``article:<key>``, ``section:<slug>``,
``category:<slug>`` or ``topic:<slug>`` in place of a URL (``[text](article:export-data)``):
primary keys are only known once the rows exist, so the loader resolves these references.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoSection:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoCategory:
    slug: str
    name: str
    description: str
    sections: tuple[DemoSection, ...]


@dataclass(frozen=True)
class DemoArticle:
    # Stable identity across runs: stored as ``external_id = "demo-<key>"``.
    key: str
    section: str  # a DemoSection slug
    title: str
    body: str
    labels: tuple[str, ...] = ()
    promoted: bool = False
    draft: bool = False


@dataclass(frozen=True)
class DemoComment:
    author: str  # a demo username
    body: str
    official: bool = False


@dataclass(frozen=True)
class DemoPost:
    topic: str  # a DemoTopic slug
    author: str
    title: str
    body: str
    comments: tuple[DemoComment, ...] = ()
    # Besides the author, who follows the post automatically (post_create does that).
    followers: tuple[str, ...] = ()
    # The language it is written in: posts are never translated (articles.models.Post).
    # Its article links resolve to that language's translations where they exist.
    locale: str = "en"


@dataclass(frozen=True)
class DemoTopic:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str
    # Only accounts with can_sign_in get the documented demo password; the others are
    # community members who exist to author posts and votes, and cannot sign in.
    can_sign_in: bool = False
    agent: bool = False
    follows: tuple[str, ...] = field(default=())  # "article:<key>" or "section:<slug>"


@dataclass(frozen=True)
class DemoHeadingTranslation:
    """A category's or section's name and description in another language (by its slug)."""

    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoArticleTranslation:
    """A demo article (by its key) in another language. Links use the same ``article:<key>``
    references as the sources; they resolve to the translation in that language when it is
    published, else to the source."""

    key: str
    title: str
    body: str
    labels: tuple[str, ...] = ()
    draft: bool = False
    # Saved, then marked outdated as if the source had changed since: the state agents see
    # on translations that need another look.
    outdated: bool = False


@dataclass(frozen=True)
class DemoLocale:
    """Everything the demo has in one other language."""

    locale: str
    categories: tuple[DemoHeadingTranslation, ...]
    sections: tuple[DemoHeadingTranslation, ...]
    articles: tuple[DemoArticleTranslation, ...]
