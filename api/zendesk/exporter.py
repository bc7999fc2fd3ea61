"""Writing kb's help center as a folder of Zendesk-shaped pages (``export_help_center``):
the same JSON the API answers (``api.serializers``) in the files ``import_zendesk
--from-dir`` reads (see ``sources``), so a help center can be moved to another kb, or
back to Zendesk with Zendesk's own tools.

Bodies are the sanitised HTML kb shows. Links between pages become help-center links
(``/hc/en-us/articles/<id>``), uploaded images and article attachments attachment files
(``article_attachments/<n>/image.png``, ``article_attachments/<n>/<file name>``), listed for
each article in ``articles/<id>/attachments.json``; the importer turns them back into kb's
URLs and attachments. ``<n>`` counts the files in the order they are met, so exporting the
same content gives the same numbers.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from articles.markdown import is_upload_url
from articles.models import Category, Comment, ItemVote, Topic, Vote
from kb import storage

from .. import selectors
from ..models import ArticleAttachment
from ..serializers import (
    ArticleSerializer,
    AttachmentSerializer,
    CategorySerializer,
    CommentSerializer,
    ItemVoteSerializer,
    PostSerializer,
    SectionSerializer,
    TopicSerializer,
    UserSerializer,
    VoteSerializer,
)
from ..services import attachment_private_name
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
        self.files = 0  # attachment files written: the last <n>
        self.images: dict[str, str] = {}  # upload URL -> exported attachment URL
        self.attachments: dict[int, str] = {}  # ArticleAttachment pk -> exported attachment URL
        self.attachment_rows = {a.pk: a for a in ArticleAttachment.objects.filter(article__isnull=False)
                                .order_by("created_at", "pk")}
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
            match = resolve(unquote(parts.path))
        except Resolver404:
            return None
        kwargs = match.kwargs
        if match.view_name == "api:attachment_download":
            attachment = self.attachment_rows.get(int(kwargs["pk"]))
            return None if attachment is None else self._attachment(attachment)
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

    def _export_file(self, name: str, read) -> str:
        """Write the bytes ``read()`` gives as the next ``article_attachments/<n>/<name>``;
        returns its help-center URL."""
        self.files += 1
        target = self.root / "article_attachments" / str(self.files) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(read())
        return f"{self.base}/hc/article_attachments/{self.files}/{quote(name)}"

    def _image(self, url: str) -> str | None:
        if url not in self.images:
            name = url[len(settings.MEDIA_URL):]
            if not storage.public_storage().exists(name):
                return None

            def read():
                with storage.public_storage().open(name, "rb") as source:
                    return source.read()

            self.images[url] = self._export_file("image" + Path(name).suffix.lower(), read)
        return self.images[url]

    def _attachment(self, attachment: ArticleAttachment) -> str | None:
        """An article attachment's exported URL (an image's is its upload's)."""
        if attachment.is_image:
            return self._image(storage.public_url(attachment.stored_name))
        if attachment.pk not in self.attachments:
            name = attachment_private_name(attachment.stored_name)
            if not storage.private_storage().exists(name):
                return None

            def read():
                with storage.private_storage().open(name, "rb") as source:
                    return source.read()

            self.attachments[attachment.pk] = self._export_file(attachment.file_name, read)
        return self.attachments[attachment.pk]

    def _article_attachments(self, article) -> None:
        rows = []
        for attachment in (a for a in self.attachment_rows.values() if a.article_id == article.pk):
            url = self._attachment(attachment)
            if url is None:
                continue  # its file is gone
            number = int(url.split("/hc/article_attachments/", 1)[1].split("/", 1)[0])
            rows.append({
                **AttachmentSerializer.shape(attachment, self.request),
                "id": number,
                "url": f"{self.base}/api/v2/help_center/articles/attachments/{number}.json",
                "content_url": url,
                "relative_path": urlsplit(url).path,
            })
        if rows:
            self._write(f"articles/{article.pk}/attachments", "article_attachments", rows)

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
            self._article_attachments(article)
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
        self.counts["attachments"] = self.files
        return self.counts
