"""Placeholder: being written (each view below answers 404 until implemented)."""
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404("Not implemented yet")

home = category_detail = section_detail = article_detail = article_vote = article_comment = _todo
