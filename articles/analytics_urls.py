"""The page-view beacon's URLconf: ``/analytics/hit``, named ``analytics:hit`` (included
by kb/urls.py under ``analytics/``). Its own namespace because every page posts to it,
not only help-center pages."""

from django.urls import path

from .views import analytics

app_name = "analytics"

urlpatterns = [
    path("hit", analytics.hit, name="hit"),
]
