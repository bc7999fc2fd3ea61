"""Placeholder: being written (each view below answers 404 until implemented)."""
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404("Not implemented yet")

topic_list = topic_detail = post_create = post_detail = post_comment = comment_official = _todo
follow_toggle = following_list = _todo
