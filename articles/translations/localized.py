"""Articles as a reader of one language gets them outside a page: in emails.

Pages pick translations through their selectors; an email about an article (a follower's
digest, the suggestions in a request's auto-reply) names it and links to it the same way:
the published translation in the recipient's language when there is one, else the source.
"""

from __future__ import annotations

from django.utils import translation

from kb.i18n import normalize_locale

from ..models import Article, ArticleTranslation


def article_links(*, articles, locale: str) -> dict[int, tuple[str, str]]:
    """{article pk: (title, path)} in ``locale``; one query, none when all are in ``locale``.

    The path of an untranslated article is the source reversed under ``locale`` (``/es/...``
    once locale URLs exist): the reader stays in their language's help center and the page
    shows the source with a notice.
    """
    articles = [article for article in articles if isinstance(article, Article)]
    locale = normalize_locale(locale) or translation.get_language()
    wanted = [article.pk for article in articles if article.locale != locale]
    translated = {}
    if wanted:
        translated = {
            row.article_id: row
            for row in ArticleTranslation.objects.filter(article_id__in=wanted, locale=locale, draft=False)
        }
    links = {}
    with translation.override(locale):
        for article in articles:
            row = translated.get(article.pk)
            links[article.pk] = (row.title, row.get_absolute_url()) if row else (
                article.title, article.get_absolute_url()
            )
    return links
