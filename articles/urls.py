from django.urls import path, re_path

from .cache import cached
from .views import agent, community, legacy, notifications, reading, translations

app_name = "articles"

urlpatterns = [
    # Reading
    path("", cached("home", reading.home), name="home"),
    path("categories/<slug:slug>/", cached("category", reading.category_detail), name="category"),
    path("sections/<int:pk>-<slug:slug>/", cached("section", reading.section_detail), name="section"),
    path("articles/<int:pk>-<slug:slug>/", cached("article", reading.article_detail), name="article"),
    path("articles/<int:pk>/vote/", reading.article_vote, name="article_vote"),
    path("articles/<int:pk>/comments/", reading.article_comment, name="article_comment"),
    # Community
    path("community/", cached("topics", community.topic_list), name="topics"),
    path("community/topics/<slug:slug>/", cached("topic", community.topic_detail), name="topic"),
    path("community/topics/<slug:slug>/new/", community.post_create, name="post_create"),
    path("community/posts/<int:pk>-<slug:slug>/", cached("post", community.post_detail), name="post"),
    path("community/posts/<int:pk>/comments/", community.post_comment, name="post_comment"),
    path("community/posts/<int:pk>/vote/", community.item_vote, {"kind": "post"}, name="post_vote"),
    path("comments/<int:pk>/", community.comment_permalink, name="comment_permalink"),
    path("comments/<int:pk>/vote/", community.item_vote, {"kind": "comment"}, name="comment_vote"),
    path("comments/<int:pk>/official/", community.comment_official, name="comment_official"),
    # Following (articles, posts, sections)
    path("follow/<str:kind>/<int:pk>/", community.follow_toggle, name="follow"),
    path("following/", community.following_list, name="following"),
    # Agents
    path("agent/articles/new/", agent.article_create, name="agent_article_create"),
    path("agent/articles/<int:pk>/edit/", agent.article_edit, name="agent_article_edit"),
    path("agent/articles/<int:pk>/translations/<str:locale>/", translations.article_translation,
         name="agent_translation"),
    path("agent/articles/<int:pk>/translations/<str:locale>/delete/", translations.article_translation_delete,
         name="agent_translation_delete"),
    path("agent/translations/", translations.translation_list, name="agent_translations"),
    path("agent/markdownx/markdownify/", agent.markdownify, name="markdownx_markdownify"),
    path("agent/markdownx/upload/", agent.upload, name="markdownx_upload"),
    # Notifications (follower emails: follow by email, confirm, one-click unsubscribe)
    path("follow/<str:kind>/<int:pk>/email/", notifications.email_follow, name="email_follow"),
    path("notifications/confirm/<str:token>/", notifications.email_follow_confirm,
         name="email_follow_confirm"),
    path("notifications/unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
    # Old links of a help center imported from Zendesk (/hc/en-us/articles/123-Title): 301s
    re_path(r"^hc/(?:(?P<locale>[A-Za-z]{2}(?:-[A-Za-z0-9]{2,4})?)/)?(?P<kind>articles|sections|categories|"
            r"community/posts|community/topics)/(?P<zendesk_id>[0-9]+)(?:-[^/]*)?/?$",
            legacy.zendesk_redirect, name="zendesk_redirect"),
    re_path(r"^hc/?(?:(?P<locale>[A-Za-z]{2}(?:-[A-Za-z0-9]{2,4})?)/?)?$", legacy.zendesk_home, name="zendesk_home"),
]
