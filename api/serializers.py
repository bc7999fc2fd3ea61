"""The JSON of each Help Center object, in Zendesk's shape, and the bodies the API takes.

Output: what Zendesk answers, field for field, with kb's values where kb has the notion
and Zendesk's neutral value where it does not (no user segments: ``null``; categories and
sections have no dates in kb: ``null``). Locales are Zendesk's codes: English is
``en-us`` (as Zendesk names it), the others kb's ("es", "de"); an article, section or
category shown in a translation (``articles.translations.selectors.overlay``) reports
that translation's ``locale``, text, ``draft`` and ``outdated``, and its ``source_locale``. Article bodies are HTML,
as on Zendesk: the sanitised HTML kb renders from the Markdown source.

Input: Zendesk's envelopes (``{"article": {...}, "notify_subscribers": false}``).
Unknown fields are ignored, as Zendesk does; integers are bounded like kb.params.
"""

from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import translation as django_translation
from rest_framework import serializers

from articles.models import (
    ARTICLE_BODY_MAX_LENGTH,
    COMMENT_BODY_MAX_LENGTH,
    POST_BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from kb import storage
from kb.i18n import default_locale, normalize_locale
from kb.params import ID_MAX
from kb.permissions import is_agent

LOCALE = "en-us"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
POSITION_MAX = 2**31 - 1  # a PositiveIntegerField on every database
# Zendesk names English "en-us"; kb's other locales keep their codes.
ZENDESK_LOCALES = {"en": "en-us"}
# A translation row's id in the API: translations of articles, sections and categories are
# rows of three tables, and DELETE /translations/{id}.json names one without saying which;
# so each table's ids live in their own range (a source's own translation, in its own
# language, is the source itself and keeps the source's id, below the ranges).
TRANSLATION_ID_BASE = 10**15
TRANSLATION_KINDS = {"article": 1, "section": 2, "category": 3}


def zendesk_locale(code: str) -> str:
    return ZENDESK_LOCALES.get(code, code)


def translation_id(kind: str, pk: int) -> int:
    return TRANSLATION_KINDS[kind] * TRANSLATION_ID_BASE + pk


def translation_row_of(number: int) -> tuple[str, int] | None:
    """``(kind, pk)`` of a translation row's API id, or None (a source's own translation)."""
    kind_number, pk = divmod(number, TRANSLATION_ID_BASE)
    kinds = {value: kind for kind, value in TRANSLATION_KINDS.items()}
    return (kinds[kind_number], pk) if kind_number in kinds and pk else None


def _outdated_locales(article) -> list[str]:
    rows = getattr(article, "outdated_translations", None)  # prefetched by api.selectors
    if rows is None:  # one record, loaded elsewhere
        rows = article.translations.filter(outdated=True).order_by("locale")
    return [zendesk_locale(row.locale) for row in rows]


def _localized(item) -> dict:
    """What every translatable object reports of its language: the locale shown (a
    translation's where one is laid over it), its source's, and whether that is outdated."""
    shown = getattr(item, "shown_translation", None)
    return {
        "locale": zendesk_locale(getattr(item, "shown_locale", item.locale)),
        "source_locale": zendesk_locale(item.locale),
        "outdated": bool(shown and shown.outdated),
    }


def _html_url(request, item) -> str:
    with django_translation.override(getattr(item, "shown_locale", item.locale)):
        return request.build_absolute_uri(item.get_absolute_url())


def zendesk_time(value) -> str | None:
    return value.astimezone(UTC).strftime(TIME_FORMAT) if value else None


# Community paths (/api/v2/community/...) have no locale segment.
_UNLOCALIZED = {"topic", "post", "post_comment", "post_subscription", "topic_subscription", "post_votes",
                "post_comment_votes"}


def api_url(request, name: str, *, in_locale: str | None = None, **kwargs) -> str:
    if name not in _UNLOCALIZED:
        kwargs["locale"] = zendesk_locale(in_locale) if in_locale else LOCALE
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
            "url": api_url(request, "category", pk=category.pk, in_locale=getattr(category, "shown_locale", None)),
            "html_url": _html_url(request, category),
            "position": category.position,
            "created_at": None,
            "updated_at": None,
            "name": category.name,
            "description": category.description,
            **_localized(category),
        }


class SectionSerializer(_Output):
    @staticmethod
    def shape(section, request) -> dict:
        return {
            "id": section.pk,
            "url": api_url(request, "section", pk=section.pk, in_locale=getattr(section, "shown_locale", None)),
            "html_url": _html_url(request, section),
            "category_id": section.category_id,
            "position": section.position,
            "sorting": "manual",
            "created_at": None,
            "updated_at": None,
            "name": section.name,
            "description": section.description,
            **_localized(section),
            "parent_section_id": None,
            "theme_template": "section_page",
        }


class ArticleSerializer(_Output):
    """Needs the row loaded by ``selectors.articles_for`` (vote totals, labels)."""

    @staticmethod
    def shape(article, request) -> dict:
        vote_count, vote_up = getattr(article, "vote_count", 0), getattr(article, "vote_up", 0)
        shown = getattr(article, "shown_translation", None)
        return {
            "id": article.pk,
            "url": api_url(request, "article", pk=article.pk, in_locale=getattr(article, "shown_locale", None)),
            "html_url": _html_url(request, article),
            "author_id": article.author_id,
            "comments_disabled": False,
            # In a translation, a draft when either the article or that translation is.
            "draft": article.draft or bool(shown and shown.draft),
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
            **_localized(article),
            "outdated_locales": _outdated_locales(article),
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
    """A translation of an article, section or category: the source itself in its own
    language (its id the source's), or a translation row (``shape_row``)."""

    @staticmethod
    def shape(source, request) -> dict:
        kind = type(source).__name__.lower()
        is_article = kind == "article"
        with django_translation.override(source.locale):
            html_url = request.build_absolute_uri(source.get_absolute_url())
        return {
            "id": source.pk,
            "url": api_url(request, f"{kind}_translation", source_pk=source.pk,
                           translation_locale=zendesk_locale(source.locale)),
            "html_url": html_url,
            "source_id": source.pk,
            "source_type": type(source).__name__,
            "locale": zendesk_locale(source.locale),
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

    @staticmethod
    def shape_row(row, request) -> dict:
        kind = row.source_field
        source = row.source
        is_article = kind == "article"
        if is_article:
            html_url = row.get_absolute_url()
        else:
            slug = getattr(row, "slug", None) or source.slug
            with django_translation.override(row.locale):
                html_url = reverse(f"articles:{kind}", kwargs={"pk": source.pk, "slug": slug}
                                   if kind == "section" else {"slug": source.slug})
        return {
            "id": translation_id(kind, row.pk),
            "url": api_url(request, f"{kind}_translation", source_pk=source.pk,
                           translation_locale=zendesk_locale(row.locale)),
            "html_url": request.build_absolute_uri(html_url),
            "source_id": source.pk,
            "source_type": type(source).__name__,
            "locale": zendesk_locale(row.locale),
            "title": row.title if is_article else row.name,
            "body": row.body_html if is_article else row.description,
            "outdated": row.outdated,
            "draft": row.draft,
            "hidden": False,
            "created_at": zendesk_time(row.created_at),
            "updated_at": zendesk_time(row.updated_at),
            "created_by_id": row.created_by_id,
            "updated_by_id": row.updated_by_id,
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
            return storage.public_url(attachment.stored_name)
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
    """New categories, sections and articles are written in the default locale (their
    translations are added at .../translations.json): a body may name it (any case, or
    ``en-us``), not another."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if normalize_locale(value) != default_locale():
            raise serializers.ValidationError(
                f"New records are written in {zendesk_locale(default_locale())}; add other languages as translations.",
                code="locale")
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
    """A translation's body; its ``locale`` (any served one, Zendesk or kb codes) is read
    by the view, where an unknown one is a 400."""

    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(required=False, allow_blank=True, max_length=ARTICLE_BODY_MAX_LENGTH,
                                 trim_whitespace=False)
    draft = serializers.BooleanField(required=False)
    locale = serializers.CharField(required=False, max_length=20)


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
