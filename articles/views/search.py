"""Placeholder: being written (each view below answers 404 until implemented)."""
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404("Not implemented yet")

search_page = suggest = record_click = api_article_search = _todo
