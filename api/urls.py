"""Zendesk's Help Center paths, each with or without a locale: ``/api/v2/help_center/
articles.json`` and ``/api/v2/help_center/en-us/articles.json`` are the same list."""

from django.urls import re_path

from .views import help_center, incremental

app_name = "api"

LOCALE = r"(?:(?P<locale>[A-Za-z]{2}(?:-[A-Za-z0-9]{2,4})?)/)?"
ID = r"[0-9]{1,20}"  # more digits than a key has are a 404 (kb.params.parse_id), not a 500


def hc(pattern: str, view, name: str):
    return re_path(rf"^api/v2/help_center/{LOCALE}{pattern}$", view.as_view(), name=name)


urlpatterns = [
    hc(r"categories\.json", help_center.CategoryList, "categories"),
    hc(rf"categories/(?P<pk>{ID})\.json", help_center.CategoryDetail, "category"),
    hc(rf"categories/(?P<category_pk>{ID})/sections\.json", help_center.SectionList, "category_sections"),
    hc(rf"categories/(?P<category_pk>{ID})/articles\.json", help_center.ArticleList, "category_articles"),
    hc(r"sections\.json", help_center.SectionList, "sections"),
    hc(rf"sections/(?P<pk>{ID})\.json", help_center.SectionDetail, "section"),
    hc(rf"sections/(?P<section_pk>{ID})/articles\.json", help_center.ArticleList, "section_articles"),
    hc(r"articles\.json", help_center.ArticleList, "articles"),
    hc(rf"articles/(?P<pk>{ID})\.json", help_center.ArticleDetail, "article"),
    hc(r"articles/labels\.json", help_center.LabelList, "labels"),
    hc(rf"articles/labels/(?P<pk>{ID})\.json", help_center.LabelDetail, "label"),
    hc(rf"articles/(?P<pk>{ID})/labels\.json", help_center.ArticleLabels, "article_labels"),
    hc(rf"articles/(?P<pk>{ID})/labels/(?P<label_pk>{ID})\.json", help_center.ArticleLabels, "article_label"),
    hc(rf"users/(?P<user_pk>{ID})/articles\.json", help_center.ArticleList, "user_articles"),
    hc(r"incremental/articles\.json", incremental.IncrementalArticles, "incremental_articles"),
]
