from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from kb.views import media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("kb.accounts.urls")),
    path("analytics/", include("articles.analytics_urls")),
    path("", include("articles.seo_urls")),
    path("", include("api.urls")),
    path("", include("tickets.urls")),
    path("", include("search.urls")),
    path("", include("articles.urls")),
]

# Article images uploaded by agents. On one machine (`make run`, `make serve`) Django serves
# them: they are images re-checked by Pillow on upload, under server-chosen names, and every
# response carries X-Content-Type-Options: nosniff. Behind a web server that serves MEDIA_ROOT
# itself (docs/deploy.md), set KB_SERVE_MEDIA=false.
if settings.KB_SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}/uploads/(?P<path>.*)$", media, name="media"),
    ]
