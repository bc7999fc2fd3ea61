from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/suggest.json", views.suggest, name="suggest"),
    path("search/log/", views.record_search, name="log"),
    path("search/click/", views.record_click, name="click"),
    path("api/v2/help_center/articles/search.json", views.api_article_search, name="api_articles"),
    path("api/v2/help_center/community_posts/search.json", views.api_post_search, name="api_posts"),
    path("agent/search/analytics/", views.search_analytics, name="analytics"),
    path("agent/search/explain/", views.search_explain_page, name="explain"),
]
