"""URLs for search engines and feed readers: ``/robots.txt``, ``/sitemap.xml`` and the Atom
feeds under ``/feeds/``, named ``seo:...``. Included by kb/urls.py without a language
prefix (a feed's or sitemap's own content names its languages)."""

from django.urls import path

from .cache import cached
from .feeds import ArticlesFeed, PostCommentsFeed, SectionFeed, TopicFeed
from .views import seo

app_name = "seo"

urlpatterns = [
    path("robots.txt", cached("robots", seo.robots_txt), name="robots"),
    path("sitemap.xml", cached("sitemap", seo.sitemap), name="sitemap"),
    path("sitemap-<slug:section>.xml", cached("sitemap_section", seo.sitemap_section), name="sitemap_section"),
    path("feeds/articles/", cached("feed_articles", ArticlesFeed()), name="feed_articles"),
    path("feeds/articles/<str:locale>/", cached("feed_articles", ArticlesFeed()), name="feed_articles_locale"),
    path("feeds/sections/<int:pk>/", cached("feed_section", SectionFeed()), name="feed_section"),
    path("feeds/topics/<slug:slug>/", cached("feed_topic", TopicFeed()), name="feed_topic"),
    path("feeds/posts/<int:pk>/comments/", cached("feed_post_comments", PostCommentsFeed()),
         name="feed_post_comments"),
]
