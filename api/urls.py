"""Zendesk's Help Center paths, each with or without a locale: ``/api/v2/help_center/
articles.json`` and ``/api/v2/help_center/en-us/articles.json`` are the same list."""

from django.urls import path, re_path

from .views import (
    attachments,
    community,
    developers,
    fallback,
    help_center,
    incremental,
    reactions,
    schema,
    tokens,
    translations,
    users,
)

app_name = "api"

LOCALE_CODE = r"[A-Za-z]{2}(?:-[A-Za-z0-9]{2,4})?"
LOCALE = rf"(?:(?P<locale>{LOCALE_CODE})/)?"
ID = r"[0-9]{1,20}"  # more digits than a key has are a 404 (kb.params.parse_id), not a 500


# Where one view class serves a list and its records (or several paths), the methods each
# path takes; any other method is a 405, and the OpenAPI description lists just these.
# Paths not named here take every method their view has.
METHODS = {
    **dict.fromkeys(["articles", "sections", "category_articles", "user_articles", "article_votes", "user_posts",
                     "article_attachments_inline", "article_attachments_block", "post_votes",
                     "article_comment_votes", "post_comment_votes"], ("get",)),
    **dict.fromkeys(["article_label"], ("delete",)),
    **dict.fromkeys(["article_vote_up", "article_vote_down", "post_up", "post_down", "article_comment_up",
                     "article_comment_down", "post_comment_up", "post_comment_down"], ("post",)),
    **dict.fromkeys(["article_comments", "post_comments", "article_subscriptions", "section_subscriptions",
                     "post_subscriptions", "topic_subscriptions", "article_translations", "section_translations",
                     "category_translations"], ("get", "post")),
    **dict.fromkeys(["article_comment", "post_comment"], ("get", "put", "delete")),
    **dict.fromkeys(["article_subscription", "section_subscription", "post_subscription", "topic_subscription"],
                    ("get", "delete")),
    **dict.fromkeys(["article_translation", "section_translation", "category_translation"], ("get", "put")),
    **dict.fromkeys(["article_missing_translations", "section_missing_translations",
                     "category_missing_translations"], ("get",)),
    **dict.fromkeys(["translation"], ("delete",)),
}


def _view(view, name: str, initkwargs: dict):
    if name in METHODS:
        methods = METHODS[name]
        initkwargs["http_method_names"] = [*methods, *(["head"] if "get" in methods else []), "options"]
    return view.as_view(**initkwargs)


def hc(pattern: str, view, name: str, **initkwargs):
    return re_path(rf"^api/v2/help_center/{LOCALE}{pattern}$", _view(view, name, initkwargs), name=name)


def community_path(pattern: str, view, name: str, **initkwargs):
    return re_path(rf"^api/v2/community/{pattern}$", _view(view, name, initkwargs), name=name)


urlpatterns = [
    hc(r"categories\.json", help_center.CategoryList, "categories"),
    hc(rf"categories/(?P<pk>{ID})\.json", help_center.CategoryDetail, "category"),
    hc(rf"categories/(?P<category_pk>{ID})/sections\.json", help_center.SectionList, "category_sections"),
    hc(rf"categories/(?P<category_pk>{ID})/articles\.json", help_center.ArticleList, "category_articles"),
    hc(r"sections\.json", help_center.SectionList, "sections"),
    hc(rf"sections/(?P<pk>{ID})\.json", help_center.SectionDetail, "section"),
    hc(rf"sections/(?P<section_pk>{ID})/articles\.json", help_center.ArticleList, "section_articles"),
    hc(r"articles\.json", help_center.ArticleList, "articles"),
    hc(rf"articles/(?P<pk>{ID})\.json", help_center.ArticleDetail, "article"),
    hc(r"articles/labels\.json", help_center.LabelList, "labels"),
    hc(rf"articles/labels/(?P<pk>{ID})\.json", help_center.LabelDetail, "label"),
    hc(rf"articles/(?P<pk>{ID})/labels\.json", help_center.ArticleLabels, "article_labels"),
    hc(rf"articles/(?P<pk>{ID})/labels/(?P<label_pk>{ID})\.json", help_center.ArticleLabel, "article_label"),
    hc(rf"users/(?P<user_pk>{ID})/articles\.json", help_center.ArticleList, "user_articles"),
    # Attachments
    hc(rf"articles/(?P<pk>{ID})/attachments\.json", attachments.ArticleAttachments, "article_attachments"),
    hc(rf"articles/(?P<pk>{ID})/attachments/inline\.json", attachments.ArticleAttachments,
       "article_attachments_inline", which="inline"),
    hc(rf"articles/(?P<pk>{ID})/attachments/block\.json", attachments.ArticleAttachments,
       "article_attachments_block", which="block"),
    hc(r"articles/attachments\.json", attachments.UnassociatedAttachments, "attachments_unassociated"),
    hc(rf"articles/attachments/(?P<pk>{ID})\.json", attachments.AttachmentDetail, "attachment"),
    hc(rf"articles/attachments/(?P<pk>{ID})", attachments.AttachmentDetail, "attachment_no_suffix"),
    hc(rf"articles/(?P<pk>{ID})/bulk_attachments\.json", attachments.BulkAttachments, "bulk_attachments"),
    re_path(rf"^article_attachments/(?P<pk>{ID})/(?P<file_name>[^/]{{1,200}})$",
            attachments.AttachmentDownload.as_view(), name="attachment_download"),
    hc(r"incremental/articles\.json", incremental.IncrementalArticles, "incremental_articles"),
    # Comments, votes and subscriptions
    hc(rf"articles/(?P<source_pk>{ID})/comments\.json", reactions.ArticleComments, "article_comments"),
    hc(rf"articles/(?P<source_pk>{ID})/comments/(?P<pk>{ID})\.json", reactions.ArticleComments, "article_comment"),
    hc(rf"users/(?P<user_pk>{ID})/comments\.json", reactions.UserComments, "user_comments"),
    hc(rf"articles/(?P<pk>{ID})/votes\.json", reactions.ArticleVotes, "article_votes"),
    hc(rf"articles/(?P<pk>{ID})/up\.json", reactions.ArticleVotes, "article_vote_up", helpful=True),
    hc(rf"articles/(?P<pk>{ID})/down\.json", reactions.ArticleVotes, "article_vote_down", helpful=False),
    hc(rf"users/(?P<user_pk>{ID})/votes\.json", reactions.UserVotes, "user_votes"),
    # Up and down votes on posts and comments.
    *[
        route(rf"{path}/{action}\.json", reactions.ItemVotes, f"{name}_{action}", **values)
        for name, path, route in (
            ("post", rf"posts/(?P<post_pk>{ID})", community_path),
            ("article_comment", rf"articles/(?P<article_pk>{ID})/comments/(?P<comment_pk>{ID})", hc),
            ("post_comment", rf"posts/(?P<post_pk>{ID})/comments/(?P<comment_pk>{ID})", community_path),
        )
        for action, values in (("votes", {}), ("up", {"value": 1}), ("down", {"value": -1}))
    ],
    *[
        pattern
        for kind, route in (("article", hc), ("section", hc), ("post", community_path), ("topic", community_path))
        for pattern in (
            route(rf"{kind}s/(?P<source_pk>{ID})/subscriptions\.json", reactions.Subscriptions,
                  f"{kind}_subscriptions", kind=kind),
            route(rf"{kind}s/(?P<source_pk>{ID})/subscriptions/(?P<pk>{ID})\.json", reactions.Subscriptions,
                  f"{kind}_subscription", kind=kind),
        )
    ],
    # Translations
    *[
        pattern
        for kind, plural in (("article", "articles"), ("section", "sections"), ("category", "categories"))
        for pattern in (
            hc(rf"{plural}/(?P<source_pk>{ID})/translations\.json", translations.Translations,
               f"{kind}_translations", kind=kind),
            hc(rf"{plural}/(?P<source_pk>{ID})/translations/missing\.json", translations.MissingTranslations,
               f"{kind}_missing_translations", kind=kind),
            hc(rf"{plural}/(?P<source_pk>{ID})/translations/(?P<translation_locale>{LOCALE_CODE})\.json",
               translations.Translations, f"{kind}_translation", kind=kind),
        )
    ],
    hc(rf"translations/(?P<pk>{ID})\.json", translations.TranslationDelete, "translation"),
    # Users (the authors of content)
    re_path(r"^api/v2/users/me\.json$", users.UserDetail.as_view(), name="me"),
    re_path(rf"^api/v2/users/(?P<pk>{ID})\.json$", users.UserDetail.as_view(), name="user"),
    # Community
    community_path(r"topics\.json", community.TopicList, "topics"),
    community_path(rf"topics/(?P<pk>{ID})\.json", community.TopicDetail, "topic"),
    community_path(rf"topics/(?P<topic_pk>{ID})/posts\.json", community.PostList, "topic_posts"),
    community_path(r"posts\.json", community.PostList, "posts"),
    community_path(rf"posts/(?P<pk>{ID})\.json", community.PostDetail, "post"),
    community_path(rf"users/(?P<user_pk>{ID})/posts(?:\.json)?", community.PostList, "user_posts"),
    community_path(rf"posts/(?P<source_pk>{ID})/comments\.json", community.PostComments, "post_comments"),
    community_path(rf"posts/(?P<source_pk>{ID})/comments/(?P<pk>{ID})\.json", community.PostComments,
                   "post_comment"),
    re_path(r"^api/v2/openapi\.json$", schema.OpenApiDescription.as_view(), name="openapi"),
    path("developers/", developers.developers, name="developers"),
    path("accounts/api-tokens/", tokens.tokens, name="tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    # Anything else under /api/v2/ is a JSON 404. The search endpoints live in search.urls,
    # included after this URLconf.
    re_path(r"^api/v2/(?!help_center/(?:articles|community_posts)/search\.json$)", fallback.unknown_endpoint,
            name="unknown"),
]
