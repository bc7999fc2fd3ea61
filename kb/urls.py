from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from kb.views import language_switch, media

# Machine-facing URLs and those every page calls in the same place (the page-view beacon,
# the language switch) have one address, served in the default language whatever the
# client's Accept-Language (kb.locale). The API app also holds its two pages (/developers/,
# /accounts/api-tokens/): they stay unprefixed, in English, because one URL namespace cannot
# sit both inside and outside the prefix.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("analytics/", include("articles.analytics_urls")),
    path("language/<str:code>/", language_switch, name="language"),
    path("", include("articles.seo_urls")),
    path("", include("api.urls")),
]

# Every page for people: the default language keeps today's unprefixed URLs, the others are
# served under /<code>/ (README, "Languages"). Order matters as before: api.urls (above)
# answers its unknown /api/v2/ paths before search.urls sees its two search endpoints.
urlpatterns += i18n_patterns(
    path("accounts/", include("kb.accounts.urls")),
    path("", include("tickets.urls")),
    path("", include("search.urls")),
    path("", include("articles.urls")),
    prefix_default_language=False,
)

# Article images uploaded by agents, read from the public storage (kb/storage.py: a local
# folder or an object store): images re-checked by Pillow on upload, under server-chosen
# names, and every response carries X-Content-Type-Options: nosniff. Behind a web server
# that serves the local MEDIA_ROOT itself (docs/deploy.md), set KB_SERVE_MEDIA=false.
if settings.KB_SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}/uploads/(?P<path>.*)$", media, name="media"),
    ]

# Error pages in the visitor's language that read nothing from the database (kb/views.py).
handler400 = "kb.views.bad_request"
handler403 = "kb.views.permission_denied"
handler404 = "kb.views.page_not_found"
handler500 = "kb.views.server_error"
