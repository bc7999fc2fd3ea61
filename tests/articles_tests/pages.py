"""Helpers for page tests: read a response the way a person reads the page."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles import services
from kb.permissions import AGENTS_GROUP

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's visible text with tags removed and whitespace collapsed."""
    body = html(response)
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.DOTALL | re.IGNORECASE)
    return _SPACE.sub(" ", _TAGS.sub(" ", body)).replace(" .", ".").strip()


def make_agent(username: str):
    user = get_user_model().objects.create_user(username=username, password="x-unused-pass-2026")
    user.groups.add(Group.objects.get(name=AGENTS_GROUP))
    return user


def many_comments(*, target, authors, count: int):
    """``count`` comments on ``target`` through the real service, cycling authors."""
    for n in range(count):
        services.comment_create(author=authors[n % len(authors)], target=target, body=f"Comment {n}")
