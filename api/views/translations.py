"""Translations of articles, sections and categories, as far as kb has them: one locale,
``en-us``, whose translation is the object itself (title and body; a section's or
category's name and description). Zendesk's scripts change an article's title and body
through ``PUT .../translations/en-us.json``: that goes through the same services as an
article update. Other locales do not exist yet (issue 14: once kb has languages).
"""

from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from articles import services

from .. import selectors
from ..base import ZendeskView
from ..errors import RecordInvalid
from ..serializers import (
    LOCALE,
    TranslationInput,
    TranslationSerializer,
    envelope,
    local_upload_links,
    validated,
)

ONE_LOCALE = "kb has one locale, en-us: its translation is the object itself."


def translation_source(request, kind: str, pk):
    """The article, section or category whose translations are asked for, or 404."""
    queryset = {"article": selectors.articles_for(request.user), "section": selectors.sections_all(),
                "category": selectors.categories_all()}[kind]
    return ZendeskView.get_row(queryset, pk)


class Translations(ZendeskView):
    """``.../{kind}s/{id}/translations.json`` (list, create) and, with ``translation_locale``,
    ``.../translations/{locale}.json`` (show, update)."""

    kind = "article"

    def get(self, request, source_pk, translation_locale=None, locale=None):
        source = translation_source(request, self.kind, source_pk)
        if translation_locale is None:
            return Response({"translations": [TranslationSerializer.shape(source, request)]})
        if translation_locale.lower() != LOCALE:
            raise NotFound()
        return Response({"translation": TranslationSerializer.shape(source, request)})

    def post(self, request, source_pk, translation_locale=None, locale=None):
        translation_source(request, self.kind, source_pk)
        raise RecordInvalid({"locale": [ONE_LOCALE]})

    def put(self, request, source_pk, translation_locale=None, locale=None):
        source = translation_source(request, self.kind, source_pk)
        if translation_locale is None or translation_locale.lower() != LOCALE:
            raise NotFound()
        data = validated(TranslationInput, envelope(request.data, "translation"), partial=True)
        if self.kind == "article":
            fields = {name: data[name] for name in ("title", "body", "draft") if name in data}
            if "body" in fields:
                fields["body"] = local_upload_links(fields["body"], request)
            self.write(services.article_update, article=source, by=request.user, **fields)
            source = selectors.articles_for(request.user).get(pk=source.pk)
        else:
            fields = {"name": data["title"]} if "title" in data else {}
            if "body" in data:
                fields["description"] = data["body"]
            update = services.section_update if self.kind == "section" else services.category_update
            source = self.write(update, **{self.kind: source}, **fields)
        return Response({"translation": TranslationSerializer.shape(source, request)})


class MissingTranslations(ZendeskView):
    kind = "article"

    def get(self, request, source_pk, locale=None):
        translation_source(request, self.kind, source_pk)
        return Response({"locales": []})


class TranslationDelete(ZendeskView):
    """``DELETE /help_center/translations/{id}.json``: the source translation cannot go."""

    def delete(self, request, pk, locale=None):
        raise RecordInvalid({"locale": [ONE_LOCALE]})
