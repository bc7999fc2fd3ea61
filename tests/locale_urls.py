"""kb's URLs with locale prefixes (``/es/...``, ``/de/...``; English unprefixed), for tests
that check emails link into the recipient's language's pages as they will once the site's
own URLconf has them. When ``kb.urls`` already uses ``i18n_patterns``, it is used as is."""

from django.conf.urls.i18n import i18n_patterns, is_language_prefix_patterns_used

from kb import urls

if is_language_prefix_patterns_used(urls.__name__)[0]:
    urlpatterns = urls.urlpatterns
else:
    urlpatterns = i18n_patterns(*urls.urlpatterns, prefix_default_language=False)
