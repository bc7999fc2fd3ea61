"""Translations of articles, sections and categories, in Zendesk's shape.

An object's translations are its source (in its own language: the translation whose id is
the object's, changed with ``PUT .../translations/{source locale}.json`` through the same
services as an update of the object) and one translation row per other language, each a
draft or published, ``outdated`` when the source changed since it was saved. Rows are
written and deleted through ``articles.translations.services``, like the site's editor and
the admin do. Readers see published translations; agents (and their tokens) see drafts
and write.
"""

from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from articles import services
from articles.translations import services as translation_services
from kb.i18n import locales
from kb.params import parse_id

from .. import selectors
from ..base import ZendeskView, parse_locale
from ..errors import InvalidParameter, RecordInvalid
from ..serializers import (
    TranslationInput,
    TranslationSerializer,
    envelope,
    local_upload_links,
    translation_row_of,
    validated,
    zendesk_locale,
)

SAVERS = {
    "article": translation_services.article_translation_save,
    "section": translation_services.section_translation_save,
    "category": translation_services.category_translation_save,
}


def translation_source(request, kind: str, pk):
    """The article, section or category whose translations are asked for, or 404."""
    queryset = {"article": selectors.articles_for(request.user), "section": selectors.sections_all(),
                "category": selectors.categories_all()}[kind]
    return ZendeskView.get_row(queryset, pk)


def _text_fields(kind: str, data: dict, request) -> dict:
    """A translation body's title and body as the service's fields (``title``/``body`` for
    articles, ``name``/``description`` for sections and categories)."""
    fields = {}
    if "title" in data:
        fields["title" if kind == "article" else "name"] = data["title"]
    if "body" in data:
        body = data["body"]
        fields["body"] = local_upload_links(body, request) if kind == "article" else body
        if kind != "article":
            fields["description"] = fields.pop("body")
    return fields


class Translations(ZendeskView):
    """``.../{kind}s/{id}/translations.json`` (list, create) and, with ``translation_locale``,
    ``.../translations/{locale}.json`` (show, update)."""

    kind = "article"

    def get(self, request, source_pk, translation_locale=None, locale=None):
        source = translation_source(request, self.kind, source_pk)
        rows = selectors.translations_of(source, request.user)
        if translation_locale is None:
            shapes = [TranslationSerializer.shape(source, request),
                      *(TranslationSerializer.shape_row(row, request) for row in rows)]
            return Response({"translations": shapes, "count": len(shapes), "next_page": None,
                             "previous_page": None, "page": 1, "per_page": len(shapes), "page_count": 1})
        code = parse_locale(translation_locale)
        if code == source.locale:
            return Response({"translation": TranslationSerializer.shape(source, request)})
        row = rows.filter(locale=code).first()
        if row is None:
            raise NotFound()
        return Response({"translation": TranslationSerializer.shape_row(row, request)})

    def post(self, request, source_pk, translation_locale=None, locale=None):
        source = translation_source(request, self.kind, source_pk)
        data = validated(TranslationInput, envelope(request.data, "translation"))
        if not data.get("locale"):
            raise InvalidParameter("locale", "name the translation's locale")
        code = parse_locale(data["locale"])
        if code == source.locale or selectors.translations_of(source, request.user).filter(locale=code).exists():
            raise RecordInvalid({"locale": [(f"{zendesk_locale(code)} already has a translation: "
                                            f"update it with PUT .../translations/{zendesk_locale(code)}.json")]})
        # Zendesk publishes what the API creates unless told "draft": true (as for articles).
        row = self.write(SAVERS[self.kind], **{self.kind: source}, locale=code, by=request.user,
                         draft=data.get("draft", False), **_text_fields(self.kind, {"body": "", **data}, request))
        return Response({"translation": TranslationSerializer.shape_row(row, request)},
                        status=status.HTTP_201_CREATED)

    def put(self, request, source_pk, translation_locale=None, locale=None):
        source = translation_source(request, self.kind, source_pk)
        if translation_locale is None:
            raise NotFound()
        code = parse_locale(translation_locale)
        data = validated(TranslationInput, envelope(request.data, "translation"), partial=True)
        if code == source.locale:
            return Response({"translation": TranslationSerializer.shape(self._update_source(source, data), request)})
        row = selectors.translations_of(source, request.user).filter(locale=code).first()
        if row is None:
            raise NotFound()
        # A translation is saved whole: what the body leaves out keeps its value.
        current = {"title": row.title if self.kind == "article" else row.name,
                   "body": row.body if self.kind == "article" else row.description}
        fields = _text_fields(self.kind, {**current, **data}, request)
        if self.kind == "article":
            fields["label_names"] = None  # left as they are
        row = self.write(SAVERS[self.kind], **{self.kind: source}, locale=code, by=request.user,
                         draft=data.get("draft"), **fields)
        return Response({"translation": TranslationSerializer.shape_row(row, request)})

    def _update_source(self, source, data: dict):
        if self.kind == "article":
            fields = {name: data[name] for name in ("title", "body", "draft") if name in data}
            if "body" in fields:
                fields["body"] = local_upload_links(fields["body"], self.request)
            self.write(services.article_update, article=source, by=self.request.user, **fields)
            return selectors.articles_for(self.request.user).get(pk=source.pk)
        update = services.section_update if self.kind == "section" else services.category_update
        return self.write(update, **{self.kind: source}, **_text_fields(self.kind, data, self.request))


class MissingTranslations(ZendeskView):
    """The locales the object has no translation in yet (drafts count as existing)."""

    kind = "article"

    def get(self, request, source_pk, locale=None):
        source = translation_source(request, self.kind, source_pk)
        existing = set(selectors.translations_of(source, request.user).values_list("locale", flat=True))
        missing = [zendesk_locale(code) for code in locales() if code != source.locale and code not in existing]
        return Response({"locales": missing})


class TranslationDelete(ZendeskView):
    """``DELETE /help_center/translations/{id}.json``: a translation row goes (readers of
    that language see the source again); the source's own translation cannot."""

    def delete(self, request, pk, locale=None):
        number = parse_id(pk)
        found = translation_row_of(number) if number else None
        if found is None:
            raise RecordInvalid({"locale": [("A source's own translation cannot be deleted: delete or archive the "
                                            "article, section or category instead.")]})
        kind, row_pk = found
        row = self.get_row(selectors.translation_row(kind, row_pk), row_pk)
        if kind == "article":
            # Translations of articles the caller may not read are not there for them.
            translation_source(request, kind, row.article_id)
        self.write(translation_services.translation_delete, translation=row)
        return Response(status=status.HTTP_204_NO_CONTENT)
