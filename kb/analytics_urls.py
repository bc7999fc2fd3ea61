from django.urls import path

from . import analytics_views

app_name = "analytics"

urlpatterns = [
    path("hit", analytics_views.hit, name="hit"),
]
