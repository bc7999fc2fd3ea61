"""Writing kb's help center as a folder of Zendesk-shaped pages (``export_help_center``):
the same JSON the API answers (``api.serializers``) in the files ``import_zendesk
--from-dir`` reads (see ``sources``), so a help center can be moved to another kb, or
back to Zendesk with Zendesk's own tools.

Bodies are the sanitised HTML kb shows. Links between pages become help-center links
(``/hc/en-us/articles/<id>``) and uploaded images attachment files
(``article_attachments/<n>/image.png``), which the importer turns back into kb's URLs.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from articles.markdown import is_upload_url
from articles.models import Category, Comment, ItemVote, Topic, Vote

from .. import selectors
from ..serializers import (
    ArticleSerializer,
    CategorySerializer,
    CommentSerializer,
    ItemVoteSerializer,
    PostSerializer,
    SectionSerializer,
    TopicSerializer,
    UserSerializer,
    VoteSerializer,
)
from .markup import rewrite_urls

PER_PAGE = 100


def _request(base_url: str):
    """A request for ``base_url``: the serializers build absolute URLs from it."""
    parts = urlsplit(base_url)
    request = RequestFactory().get("/", secure=parts.scheme == "https")
    # The site's own address, not a visitor's Host header: no ALLOWED_HOSTS check needed.
    request.get_host = lambda: parts.netloc
    return request


class Export:
    def __init__(self, root: Path, *, base_url: str | None = None):
        self.root = Path(root)
        self.base = (base_url or settings.KB_SITE_URL).rstrip("/")
        self.request = _request(self.base)
        self.counts: Counter = Counter()
        self.user_ids: set[int] = set()
        self.images: dict[str, str] = {}  # upload URL -> exported attachment URL
        self.category_slugs = dict(Category.objects.values_list("slug", "pk"))
        self.topic_slugs = dict(Topic.objects.values_list("slug", "pk"))

    def _write(self, resource: str, key: str, rows: list[dict]) -> None:
        """``rows`` as pages of PER_PAGE: ``<resource>.json``, ``<resource>-2.json``, ..."""
        pages = max(1, -(-len(rows) // PER_PAGE))
        prefix = "/api/v2/" if resource.startswith(("community/", "users")) else "/api/v2/help_center/"
        api = f"{self.base}{prefix}{resource}.json"
        for page in range(1, pages + 1):
            path = self.root / (f"{resource}.json" if page == 1 else f"{resource}-{page}.json")
            path.parent.mkdir(parents=True, exist_ok=True)
            data = {
                key: rows[(page - 1) * PER_PAGE: page * PER_PAGE],
                "page": page, "per_page": PER_PAGE, "page_count": pages, "count": len(rows),
                "next_page": f"{api}?page={page + 1}&per_page={PER_PAGE}" if page < pages else None,
                "previous_page": f"{api}?page={page - 1}&per_page={PER_PAGE}" if page > 1 else None,
            }
            path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        self.counts[key] += len(rows)

    # Bodies ----------------------------------------------------------------------------

    def _body(self, html: str) -> str:
        return rewrite_urls(html, self._url)

    def _url(self, attribute: str, url: str) -> str | None:
        if attribute == "src":
            return self._image(url) if is_upload_url(url) else None
        parts = urlsplit(url)
        if parts.netloc and f"{parts.scheme}://{parts.netloc}" != self.base:
            return None
        try:
            match = resolve(parts.path)
        except Resolver404:
            return None
        kwargs = match.kwargs
        found = {
            "articles:article": ("articles", kwargs.get("pk")),
            "articles:section": ("sections", kwargs.get("pk")),
            "articles:post": ("community/posts", kwargs.get("pk")),
            "articles:category": ("categories", self.category_slugs.get(kwargs.get("slug"))),
            "articles:topic": ("community/topics", self.topic_slugs.get(kwargs.get("slug"))),
        }.get(match.view_name)
        if not found or not found[1]:
            return None
        anchor = f"#{parts.fragment}" if parts.fragment else ""
        return f"{self.base}/hc/en-us/{found[0]}/{found[1]}{anchor}"

    def _image(self, url: str) -> str | None:
        if url not in self.images:
            name = url[len(settings.MEDIA_URL):]
            if not default_storage.exists(name):
                return None
            number = len(self.images) + 1
            file_name = "image" + Path(name).suffix.lower()
            target = self.root / "article_attachments" / str(number) / file_name
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source:
                target.write_bytes(source.read())
            self.images[url] = f"{self.base}/hc/article_attachments/{number}/{file_name}"
        return self.images[url]

    # Content -----------------------------------------------------------------------------

    def _comments(self, resource: str, comments) -> None:
        rows = []
        for comment in comments:
            self.user_ids.add(comment.author_id)
            row = CommentSerializer.shape(comment, self.request)
            row["body"] = self._body(row["body"])
            rows.append(row)
        if rows:
            self._write(resource, "comments", rows)

    def _item_votes(self) -> None:
        """Up and down votes on posts and comments, each item's in its ``votes.json``."""
        by_resource: dict[str, list] = {}
        for vote in ItemVote.objects.select_related("comment").order_by("created_at", "pk"):
            self.user_ids.add(vote.user_id)
            if vote.post_id:
                resource = f"community/posts/{vote.post_id}/votes"
            elif vote.comment.article_id:
                resource = f"articles/{vote.comment.article_id}/comments/{vote.comment_id}/votes"
            else:
                resource = f"community/posts/{vote.comment.post_id}/comments/{vote.comment_id}/votes"
            by_resource.setdefault(resource, []).append(vote)
        for resource, rows in by_resource.items():
            self._write(resource, "votes", [ItemVoteSerializer.shape(v, self.request) for v in rows])

    def run(self) -> Counter:
        request = self.request
        self.root.mkdir(parents=True, exist_ok=True)
        self._write("categories", "categories",
                    [CategorySerializer.shape(c, request) for c in selectors.categories_all().order_by("pk")])
        self._write("sections", "sections",
                    [SectionSerializer.shape(s, request) for s in selectors.sections_all().order_by("pk")])
        articles = list(selectors.articles_all().order_by("pk"))
        rows = []
        for article in articles:
            self.user_ids.add(article.author_id)
            row = ArticleSerializer.shape(article, request)
            row["body"] = self._body(row["body"])
            rows.append(row)
        self._write("articles", "articles", rows)
        comments = Comment.objects.filter(article__isnull=False).order_by("created_at", "pk")
        by_article: dict[int, list] = {}
        for comment in comments:
            by_article.setdefault(comment.article_id, []).append(comment)
        for article_id, thread in by_article.items():
            self._comments(f"articles/{article_id}/comments", thread)
        votes: dict[int, list] = {}
        for vote in Vote.objects.order_by("created_at", "pk"):
            votes.setdefault(vote.article_id, []).append(vote)
            self.user_ids.add(vote.user_id)
        for article_id, rows in votes.items():
            self._write(f"articles/{article_id}/votes", "votes", [VoteSerializer.shape(v, request) for v in rows])
        self._write("community/topics", "topics",
                    [TopicSerializer.shape(t, request) for t in selectors.topics_all().order_by("pk")])
        posts = list(selectors.posts_all().order_by("pk"))
        rows = []
        for post in posts:
            self.user_ids.add(post.author_id)
            row = PostSerializer.shape(post, request)
            row["details"] = self._body(row["details"])
            rows.append(row)
        self._write("community/posts", "posts", rows)
        by_post: dict[int, list] = {}
        for comment in Comment.objects.filter(post__isnull=False).order_by("created_at", "pk"):
            by_post.setdefault(comment.post_id, []).append(comment)
        for post_id, thread in by_post.items():
            self._comments(f"community/posts/{post_id}/comments", thread)
        self._item_votes()
        users = get_user_model().objects.filter(pk__in=self.user_ids).order_by("pk")
        self._write("users", "users", [UserSerializer.shape(u, request, private=True) for u in users])
        self.counts["attachments"] = len(self.images)
        return self.counts
