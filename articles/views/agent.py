"""Placeholder: being written (each view below answers 404 until implemented)."""
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404("Not implemented yet")

article_create = article_edit = markdownify = upload = _todo
