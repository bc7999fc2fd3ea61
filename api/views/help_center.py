"""Categories, sections, articles and labels: ``/api/v2/help_center/{locale/}...``.

Shells: read with ``api.selectors``, write with ``articles.services`` (so the search
index, the page cache and followers' notifications follow every change), answer with
``api.serializers``.

Reads in a locale (``/help_center/es/articles.json``, ``?locale=es``) answer the records
that exist in it (written in it or translated), each in that language; without a locale,
every record in its source language. Writes change the source (translations are written at
``.../translations/{locale}.json``).
"""

from django.contrib.auth import get_user_model
from django.utils.text import slugify
from rest_framework import status
from rest_framework.response import Response

from articles import services
from articles.models import Label

from .. import selectors
from ..base import ZendeskView
from ..errors import InvalidParameter
from ..pagination import Ordering, paginate
from ..serializers import (
    ArticleInput,
    ArticleSerializer,
    CategoryInput,
    CategorySerializer,
    LabelInput,
    LabelSerializer,
    SectionInput,
    SectionSerializer,
    envelope,
    local_upload_links,
    validated,
)

ARTICLE_SORTS = {"position": ("position", "title"), "title": ("title",), "created_at": ("created_at",),
                 "updated_at": ("updated_at",)}


def _heading_fields(data: dict) -> dict:
    return {name: data[name] for name in ("name", "description", "position") if name in data}


# --- Categories -------------------------------------------------------------------------


class CategoryList(ZendeskView):
    def get(self, request, locale=None):
        categories = selectors.localized(selectors.categories_all(), locale=self.locale, user=request.user)
        return Response(paginate(request, categories, key="categories",
                                 ordering=Ordering.of("position", "name", "id"),
                                 serialize=lambda rows: [CategorySerializer.shape(self.shown(c), request)
                                                         for c in rows]))

    def post(self, request, locale=None):
        data = validated(CategoryInput, envelope(request.data, "category"))
        category = self.write(services.category_create, **_heading_fields(data))
        return Response({"category": CategorySerializer.shape(category, request)}, status=status.HTTP_201_CREATED)


class CategoryDetail(ZendeskView):
    def get(self, request, pk, locale=None):
        category = self.get_row(self.localized(selectors.categories_all()), pk)
        return Response({"category": CategorySerializer.shape(self.shown(category), request)})

    def put(self, request, pk, locale=None):
        category = self.get_row(selectors.categories_all(), pk)
        data = validated(CategoryInput, envelope(request.data, "category"), partial=True)
        category = self.write(services.category_update, category=category, **_heading_fields(data))
        return Response({"category": CategorySerializer.shape(category, request)})

    def delete(self, request, pk, locale=None):
        self.write(services.category_delete, category=self.get_row(selectors.categories_all(), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Sections ---------------------------------------------------------------------------


class SectionList(ZendeskView):
    """All sections, or a category's (``category_pk``); POST creates one in the category."""

    def get(self, request, category_pk=None, locale=None):
        sections = self.localized(selectors.sections_all())
        if category_pk is not None:
            sections = sections.filter(category=self.get_row(selectors.categories_all(), category_pk))
        return Response(paginate(request, sections, key="sections",
                                 ordering=Ordering.of("position", "name", "id"),
                                 serialize=lambda rows: [SectionSerializer.shape(self.shown(s), request)
                                                         for s in rows]))

    def post(self, request, category_pk=None, locale=None):
        if category_pk is None:
            raise InvalidParameter("category_id", "create a section at /help_center/categories/{id}/sections.json")
        category = self.get_row(selectors.categories_all(), category_pk)
        data = validated(SectionInput, envelope(request.data, "section"))
        section = self.write(services.section_create, category=category, **_heading_fields(data))
        return Response({"section": SectionSerializer.shape(section, request)}, status=status.HTTP_201_CREATED)


class SectionDetail(ZendeskView):
    def get(self, request, pk, locale=None):
        section = self.get_row(self.localized(selectors.sections_all()), pk)
        return Response({"section": SectionSerializer.shape(self.shown(section), request)})

    def put(self, request, pk, locale=None):
        section = self.get_row(selectors.sections_all(), pk)
        data = validated(SectionInput, envelope(request.data, "section"), partial=True)
        fields = _heading_fields(data)
        if "category_id" in data:
            fields["category"] = self.get_row(selectors.categories_all(), data["category_id"])
        section = self.write(services.section_update, section=section, **fields)
        return Response({"section": SectionSerializer.shape(section, request)})

    def delete(self, request, pk, locale=None):
        self.write(services.section_delete, section=self.get_row(selectors.sections_all(), pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Articles ---------------------------------------------------------------------------


def _article_ordering(request) -> tuple[Ordering, dict]:
    sort_by = request.query_params.get("sort_by") or "position"
    sort_order = request.query_params.get("sort_order") or ("asc" if sort_by in ("position", "title") else "desc")
    if sort_by not in ARTICLE_SORTS:
        raise InvalidParameter("sort_by", f"must be one of {', '.join(ARTICLE_SORTS)}")
    if sort_order not in ("asc", "desc"):
        raise InvalidParameter("sort_order", "must be asc or desc")
    sign = "-" if sort_order == "desc" else ""
    fields = [sign + name for name in ARTICLE_SORTS[sort_by]] + [sign + "id"]
    return Ordering.of(*fields), {"sort_by": sort_by, "sort_order": sort_order}


class ArticleList(ZendeskView):
    """All articles, or a category's, a section's or a user's; POST creates one in a section."""

    def get(self, request, category_pk=None, section_pk=None, user_pk=None, locale=None):
        articles = self.localized(selectors.articles_for(request.user))
        if category_pk is not None:
            articles = articles.filter(section__category=self.get_row(selectors.categories_all(), category_pk))
        if section_pk is not None:
            articles = articles.filter(section=self.get_row(selectors.sections_all(), section_pk))
        if user_pk is not None:
            articles = articles.filter(author=self.get_row(get_user_model().objects.all(), user_pk))
        label_names = request.query_params.get("label_names")
        if label_names:
            # At least one of the labels (as Zendesk), matched by slug as kb's labels are.
            slugs = [slugify(n)[:80] for n in label_names.split(",") if n.strip()][:20]
            articles = articles.filter(pk__in=Label.articles.through.objects.filter(
                label__slug__in=slugs).values("article_id"))
        ordering, sort = _article_ordering(request)
        return Response(paginate(request, articles, key="articles", ordering=ordering, extra=sort,
                                 serialize=lambda rows: [ArticleSerializer.shape(self.shown(a), request)
                                                         for a in rows]))

    def post(self, request, section_pk=None, locale=None, **kwargs):
        if section_pk is None:
            raise InvalidParameter("section_id", "create an article at /help_center/sections/{id}/articles.json")
        section = self.get_row(selectors.sections_all(), section_pk)
        data = validated(ArticleInput, envelope(request.data, "article"))
        notify = request.data.get("notify_subscribers", True) is not False
        article = self.write(
            services.article_create, author=request.user, section=section, title=data["title"],
            body=local_upload_links(data.get("body", ""), request),
            # Zendesk publishes what the API creates unless told "draft": true.
            draft=data.get("draft", False), promoted=data.get("promoted", False),
            position=data.get("position", 0), label_names=data.get("label_names", ()), notify=notify)
        article = selectors.articles_for(request.user).get(pk=article.pk)
        return Response({"article": ArticleSerializer.shape(article, request)}, status=status.HTTP_201_CREATED)


class ArticleDetail(ZendeskView):
    def get(self, request, pk, locale=None):
        article = self.get_row(self.localized(selectors.articles_for(request.user)), pk)
        return Response({"article": ArticleSerializer.shape(self.shown(article), request)})

    def put(self, request, pk, locale=None):
        article = self.get_row(selectors.articles_for(request.user), pk)
        data = validated(ArticleInput, envelope(request.data, "article"), partial=True)
        fields = {name: data[name] for name in ("title", "body", "draft", "promoted", "position") if name in data}
        if "body" in fields:
            fields["body"] = local_upload_links(fields["body"], request)
        if "section_id" in data:
            fields["section"] = self.get_row(selectors.sections_all(), data["section_id"])
        self.write(services.article_update, article=article, label_names=data.get("label_names"),
                   by=request.user, **fields)
        article = selectors.articles_for(request.user).get(pk=article.pk)
        return Response({"article": ArticleSerializer.shape(article, request)})

    def delete(self, request, pk, locale=None):
        """Zendesk's "archive": kb has no archive, so the article goes back to draft —
        gone from readers, search and feeds, and restored by publishing it again."""
        article = self.get_row(selectors.articles_for(request.user), pk)
        if not article.draft:
            self.write(services.article_update, article=article, draft=True, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Labels -----------------------------------------------------------------------------


class LabelList(ZendeskView):
    def get(self, request, locale=None):
        return Response(paginate(request, selectors.labels_all(), key="labels", ordering=Ordering.of("name", "id"),
                                 serialize=lambda rows: [LabelSerializer.shape(x, request) for x in rows]))


class LabelDetail(ZendeskView):
    def get(self, request, pk, locale=None):
        return Response({"label": LabelSerializer.shape(self.get_row(selectors.labels_all(), pk), request)})


class ArticleLabels(ZendeskView):
    """An article's labels; POST adds one (by name)."""

    def get(self, request, pk, locale=None):
        article = self.get_row(selectors.articles_for(request.user), pk)
        labels = selectors.labels_all().filter(articles=article)
        return Response(paginate(request, labels, key="labels", ordering=Ordering.of("name", "id"),
                                 serialize=lambda rows: [LabelSerializer.shape(x, request) for x in rows]))

    def post(self, request, pk, locale=None):
        article = self.get_row(selectors.articles_for(request.user), pk)
        name = validated(LabelInput, envelope(request.data, "label"))["name"]
        # Labels are one per slug (services.labels_get_or_create): "Billing" is "billing".
        slug = slugify(name)[:80] or "label"
        if not article.labels.filter(slug=slug).exists():
            names = [label.name for label in article.labels.all()]
            self.write(services.article_update, article=article, label_names=[*names, name], by=request.user)
        label = article.labels.get(slug=slug)
        return Response({"label": LabelSerializer.shape(label, request)}, status=status.HTTP_201_CREATED)


class ArticleLabel(ZendeskView):
    """One label of an article: DELETE removes it (Zendesk has no GET here, so neither has kb:
    any other method is a 405, not the list view called with an argument it does not take)."""

    def delete(self, request, pk, label_pk, locale=None):
        article = self.get_row(selectors.articles_for(request.user), pk)
        label = self.get_row(article.labels.all(), label_pk)
        names = [x.name for x in article.labels.all() if x.pk != label.pk]
        self.write(services.article_update, article=article, label_names=names, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
