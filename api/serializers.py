"""The JSON of each Help Center object, in Zendesk's shape, and the bodies the API takes.

Output: what Zendesk answers, field for field, with kb's values where kb has the notion
and Zendesk's neutral value where it does not (no user segments: ``null``; one locale:
``en-us``; categories and sections have no dates in kb: ``null``). Article bodies are HTML,
as on Zendesk: the sanitised HTML kb renders from the Markdown source.

Input: Zendesk's envelopes (``{"article": {...}, "notify_subscribers": false}``).
Unknown fields are ignored, as Zendesk does; integers are bounded like kb.params.
"""

from datetime import UTC

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from rest_framework import serializers

from articles.models import (
    ARTICLE_BODY_MAX_LENGTH,
    COMMENT_BODY_MAX_LENGTH,
    POST_BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from kb.params import ID_MAX
from kb.permissions import is_agent

LOCALE = "en-us"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
POSITION_MAX = 2**31 - 1  # a PositiveIntegerField on every database


def zendesk_time(value) -> str | None:
    return value.astimezone(UTC).strftime(TIME_FORMAT) if value else None


# Community paths (/api/v2/community/...) have no locale segment.
_UNLOCALIZED = {"topic", "post", "post_comment", "post_subscription", "topic_subscription", "post_votes",
                "post_comment_votes"}


def api_url(request, name: str, **kwargs) -> str:
    if name not in _UNLOCALIZED:
        kwargs["locale"] = LOCALE
    return request.build_absolute_uri(reverse(f"api:{name}", kwargs=kwargs))


class _Output(serializers.BaseSerializer):
    """A read-only serializer whose ``shape(obj)`` is the JSON (``context["request"]`` set)."""

    def to_representation(self, instance):
        return self.shape(instance, self.context["request"])


class CategorySerializer(_Output):
    @staticmethod
    def shape(category, request) -> dict:
        return {
            "id": category.pk,
            "url": api_url(request, "category", pk=category.pk),
            "html_url": request.build_absolute_uri(category.get_absolute_url()),
            "position": category.position,
            "created_at": None,
            "updated_at": None,
            "name": category.name,
            "description": category.description,
            "locale": LOCALE,
            "source_locale": LOCALE,
            "outdated": False,
        }


class SectionSerializer(_Output):
    @staticmethod
    def shape(section, request) -> dict:
        return {
            "id": section.pk,
            "url": api_url(request, "section", pk=section.pk),
            "html_url": request.build_absolute_uri(section.get_absolute_url()),
            "category_id": section.category_id,
            "position": section.position,
            "sorting": "manual",
            "created_at": None,
            "updated_at": None,
            "name": section.name,
            "description": section.description,
            "locale": LOCALE,
            "source_locale": LOCALE,
            "outdated": False,
            "parent_section_id": None,
            "theme_template": "section_page",
        }


class ArticleSerializer(_Output):
    """Needs the row loaded by ``selectors.articles_for`` (vote totals, labels)."""

    @staticmethod
    def shape(article, request) -> dict:
        vote_count, vote_up = getattr(article, "vote_count", 0), getattr(article, "vote_up", 0)
        return {
            "id": article.pk,
            "url": api_url(request, "article", pk=article.pk),
            "html_url": request.build_absolute_uri(article.get_absolute_url()),
            "author_id": article.author_id,
            "comments_disabled": False,
            "draft": article.draft,
            "promoted": article.promoted,
            "position": article.position,
            "vote_sum": vote_up - (vote_count - vote_up),
            "vote_count": vote_count,
            "section_id": article.section_id,
            "created_at": zendesk_time(article.created_at),
            "updated_at": zendesk_time(article.updated_at),
            "edited_at": zendesk_time(article.updated_at),
            "name": article.title,
            "title": article.title,
            "source_locale": LOCALE,
            "locale": LOCALE,
            "outdated": False,
            "outdated_locales": [],
            "permission_group_id": None,
            "user_segment_id": None,
            "content_tag_ids": [],
            "label_names": [label.name for label in article.labels.all()],
            "body": article.body_html,
        }


class TopicSerializer(_Output):
    @staticmethod
    def shape(topic, request) -> dict:
        return {
            "id": topic.pk,
            "url": api_url(request, "topic", pk=topic.pk),
            "html_url": request.build_absolute_uri(topic.get_absolute_url()),
            "name": topic.name,
            "description": topic.description,
            "position": topic.position,
            "follower_count": getattr(topic, "follower_count", 0),  # see selectors.topics_all
            "manageable_by": "managers",
            "user_segment_id": None,
            "created_at": None,
            "updated_at": None,
        }


class PostSerializer(_Output):
    """Needs the row loaded by ``selectors.posts_all`` (follower count)."""

    @staticmethod
    def shape(post, request) -> dict:
        return {
            "id": post.pk,
            "url": api_url(request, "post", pk=post.pk),
            "html_url": request.build_absolute_uri(post.get_absolute_url()),
            "title": post.title,
            "details": post.body_html,
            "author_id": post.author_id,
            "topic_id": post.topic_id,
            "comment_count": post.comment_total,
            "follower_count": getattr(post, "follower_count", 0),
            "vote_sum": post.vote_sum,
            "vote_count": post.vote_count,
            "pinned": False,
            "featured": False,
            "closed": False,
            "status": "none",
            "created_at": zendesk_time(post.created_at),
            "updated_at": zendesk_time(post.updated_at),
        }


class CommentSerializer(_Output):
    @staticmethod
    def shape(comment, request) -> dict:
        on_article = bool(comment.article_id)
        source_id = comment.article_id if on_article else comment.post_id
        kwargs = {"source_pk": source_id, "pk": comment.pk}
        return {
            "id": comment.pk,
            "url": api_url(request, "article_comment" if on_article else "post_comment", **kwargs),
            "html_url": request.build_absolute_uri(reverse("articles:comment_permalink", kwargs={"pk": comment.pk})),
            "body": comment.body_html,
            "author_id": comment.author_id,
            "source_id": source_id,
            "source_type": "Article" if on_article else "Post",
            "official": comment.is_official,
            "locale": LOCALE,
            "vote_sum": comment.vote_sum,
            "vote_count": comment.vote_count,
            "created_at": zendesk_time(comment.created_at),
            "updated_at": zendesk_time(comment.updated_at),
        }


class VoteSerializer(_Output):
    @staticmethod
    def shape(vote, request) -> dict:
        return {
            "id": vote.pk,
            "url": api_url(request, "article_votes", pk=vote.article_id),
            "user_id": vote.user_id,
            "value": 1 if vote.helpful else -1,
            "item_id": vote.article_id,
            "item_type": "Article",
            "created_at": zendesk_time(vote.created_at),
            "updated_at": zendesk_time(vote.updated_at),
        }


class ItemVoteSerializer(_Output):
    """An up or down vote on a post or a comment; ``url`` is its item's votes list (kb has
    no single-vote endpoint). Comments need ``vote.comment`` (loaded by the selector)."""

    @staticmethod
    def shape(vote, request) -> dict:
        if vote.post_id:
            url, item_id, item_type = api_url(request, "post_votes", post_pk=vote.post_id), vote.post_id, "Post"
        else:
            comment = vote.comment
            if comment.article_id:
                url = api_url(request, "article_comment_votes", article_pk=comment.article_id, comment_pk=comment.pk)
            else:
                url = api_url(request, "post_comment_votes", post_pk=comment.post_id, comment_pk=comment.pk)
            item_id, item_type = comment.pk, "Comment"
        return {
            "id": vote.pk,
            "url": url,
            "user_id": vote.user_id,
            "value": vote.value,
            "item_id": item_id,
            "item_type": item_type,
            "created_at": zendesk_time(vote.created_at),
            "updated_at": zendesk_time(vote.updated_at),
        }


class SubscriptionSerializer(_Output):
    @staticmethod
    def shape(follow, request) -> dict:
        kind = ("article" if follow.article_id else "post" if follow.post_id
                else "topic" if follow.topic_id else "section")
        content_id = follow.article_id or follow.post_id or follow.topic_id or follow.section_id
        return {
            "id": follow.pk,
            "url": api_url(request, f"{kind}_subscription", source_pk=content_id, pk=follow.pk),
            "user_id": follow.user_id,
            "content_id": content_id,
            "content_type": {"article": "Article", "post": "Post", "section": "Section", "topic": "Topic"}[kind],
            "locale": LOCALE,
            "source_locale": LOCALE,
            "include_comments": True,
            "created_at": zendesk_time(follow.created_at),
            "updated_at": zendesk_time(follow.created_at),
        }


class TranslationSerializer:
    """An article's, section's or category's one translation (en-us): the object itself,
    its id the object's id."""

    @staticmethod
    def shape(source, request) -> dict:
        kind = type(source).__name__.lower()
        is_article = kind == "article"
        return {
            "id": source.pk,
            "url": api_url(request, f"{kind}_translation", source_pk=source.pk, translation_locale=LOCALE),
            "html_url": request.build_absolute_uri(source.get_absolute_url()),
            "source_id": source.pk,
            "source_type": type(source).__name__,
            "locale": LOCALE,
            "title": source.title if is_article else source.name,
            "body": source.body_html if is_article else source.description,
            "outdated": False,
            "draft": source.draft if is_article else False,
            "hidden": False,
            "created_at": zendesk_time(getattr(source, "created_at", None)),
            "updated_at": zendesk_time(getattr(source, "updated_at", None)),
            "created_by_id": getattr(source, "author_id", None),
            "updated_by_id": getattr(source, "author_id", None),
        }


class UserSerializer:
    @staticmethod
    def shape(user, request, *, private: bool) -> dict:
        return {
            "id": user.pk,
            "url": request.build_absolute_uri(reverse("api:user", kwargs={"pk": user.pk})),
            "name": user.get_full_name() or user.username,
            "email": user.email if private else None,
            "role": "agent" if is_agent(user) else "end-user",
            "active": user.is_active,
            "locale": LOCALE,
            "created_at": zendesk_time(user.date_joined),
            "updated_at": zendesk_time(user.date_joined),
        }


class AttachmentSerializer(_Output):
    """An article attachment. ``content_url`` is absolute (zenpy downloads it);
    ``relative_path`` is what an article body uses (``<img src="/media/uploads/...">``):
    images are on kb's uploads path, other files behind the access-checked download."""

    @staticmethod
    def relative_path(attachment) -> str:
        if attachment.is_image:
            return default_storage.url(attachment.stored_name)
        return reverse("api:attachment_download", kwargs={"pk": attachment.pk, "file_name": attachment.file_name})

    @staticmethod
    def shape(attachment, request) -> dict:
        relative = AttachmentSerializer.relative_path(attachment)
        return {
            "id": attachment.pk,
            "url": api_url(request, "attachment", pk=attachment.pk),
            "article_id": attachment.article_id,
            "file_name": attachment.file_name,
            "display_file_name": attachment.file_name,
            "content_url": request.build_absolute_uri(relative),
            "relative_path": relative,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "inline": attachment.inline,
            "legacy": False,
            "created_at": zendesk_time(attachment.created_at),
            "updated_at": zendesk_time(attachment.updated_at),
        }


class LabelSerializer(_Output):
    @staticmethod
    def shape(label, request) -> dict:
        return {
            "id": label.pk,
            "url": api_url(request, "label", pk=label.pk),
            "name": label.name,
            "created_at": None,
            "updated_at": None,
        }


# --- Input ----------------------------------------------------------------------------


class LocaleField(serializers.CharField):
    """kb has one locale: a body may name it (any case), not another."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value.lower() != LOCALE:
            raise serializers.ValidationError(f"Only the locale {LOCALE} exists here.", code="locale")
        return value.lower()


def _id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def _position_field():
    return serializers.IntegerField(min_value=0, max_value=POSITION_MAX, required=False)


class CategoryInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    position = _position_field()
    locale = LocaleField(required=False)


class SectionInput(CategoryInput):
    category_id = _id_field(required=False)


class ArticleInput(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(required=False, allow_blank=True, max_length=ARTICLE_BODY_MAX_LENGTH, trim_whitespace=False)
    locale = LocaleField(required=False)
    draft = serializers.BooleanField(required=False)
    promoted = serializers.BooleanField(required=False)
    position = _position_field()
    section_id = _id_field(required=False)
    label_names = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=50)


class TopicInput(CategoryInput):
    pass


class PostInput(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    details = serializers.CharField(required=False, allow_blank=True, max_length=POST_BODY_MAX_LENGTH,
                                    trim_whitespace=False)
    topic_id = _id_field(required=False)


class CommentInput(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_BODY_MAX_LENGTH, trim_whitespace=False)
    locale = LocaleField(required=False)


class TranslationInput(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(required=False, allow_blank=True, max_length=ARTICLE_BODY_MAX_LENGTH,
                                 trim_whitespace=False)
    draft = serializers.BooleanField(required=False)
    locale = LocaleField(required=False)


class AttachmentInput(serializers.Serializer):
    """The multipart form of an upload: ``file`` and ``inline`` ("true"/"false")."""

    file = serializers.FileField(allow_empty_file=False, max_length=1000)
    inline = serializers.BooleanField(required=False, default=False)


class AssociateInput(serializers.Serializer):
    attachment_ids = serializers.ListField(child=_id_field(), min_length=1, max_length=20)


class LabelInput(serializers.Serializer):
    name = serializers.CharField(max_length=60)


def local_upload_links(body: str, request) -> str:
    """``body`` with this site's absolute image addresses (an attachment's ``content_url``)
    made relative: kb's sanitiser shows images from its own uploads path only, written
    ``/media/uploads/...``, so a script that puts ``content_url`` in an ``<img>`` sees it."""
    uploads = f"{settings.MEDIA_URL}{settings.MARKDOWNX_MEDIA_PATH}"
    for origin in {request.build_absolute_uri("/").rstrip("/"), settings.KB_SITE_URL.rstrip("/")}:
        body = body.replace(origin + uploads, uploads)
    return body


def envelope(data, key: str) -> dict:
    """The object inside Zendesk's ``{"article": {...}}`` envelope (422 when missing)."""
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise serializers.ValidationError({key: [f"Send the {key} as {{\"{key}\": {{...}}}}."]})
    return data[key]


def validated(serializer_class, data, *, partial=False) -> dict:
    """``data`` checked by ``serializer_class``: its values, or a 422 with the details."""
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
