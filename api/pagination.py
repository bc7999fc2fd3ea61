"""Both pagination styles Zendesk clients use, over any ordered queryset.

* Offset: ``?page=2&per_page=30`` answers ``page``, ``per_page``, ``page_count``, ``count``
  and ``next_page`` / ``previous_page`` as absolute URLs (``null`` at the ends).
* Cursor: ``?page[size]=100&page[after]=...`` answers ``meta`` (``has_more``,
  ``after_cursor``, ``before_cursor``) and ``links`` (``first``, ``next``, ``prev``).
  A cursor is the sort key of an edge row (keyset pagination): a page costs the same
  at row 10 and at row 100,000, and rows written meanwhile neither repeat nor vanish.

Each page costs a constant number of queries: the page's rows (plus the count, for
offset pages) and what the caller's queryset prefetches.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet

from kb.params import ID_MAX, parse_int

from .errors import InvalidParameter

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 30
DEFAULT_CURSOR_SIZE = 100
# Deep offset pages cost the database more with every page; cursors do not.
MAX_PAGE = 10_000
CURSOR_PARAMETERS = ("page[size]", "page[after]", "page[before]")


def int_parameter(request, name: str, *, default: int, minimum: int = 1, maximum: int = ID_MAX) -> int:
    """An integer query parameter, or 400: ASCII digits within bounds only (kb.params)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        raise InvalidParameter(name, f"must be a whole number from {minimum} to {maximum}")
    return value


def per_page_parameter(request, name: str, default: int) -> int:
    """Zendesk caps page sizes at 100 rather than refusing a larger one; junk is a 400."""
    return min(int_parameter(request, name, default=default), MAX_PER_PAGE)


@dataclass(frozen=True)
class Ordering:
    """Sort fields, each ascending or descending; the last one must be unique (the id)."""

    fields: tuple[tuple[str, bool], ...]  # (field name, descending)

    @classmethod
    def of(cls, *names: str) -> Ordering:
        return cls(tuple((name.lstrip("-"), name.startswith("-")) for name in names))

    def order_by(self, *, reverse: bool = False) -> list[str]:
        return [("-" if descending != reverse else "") + name for name, descending in self.fields]

    def after(self, values: list, *, reverse: bool = False) -> Q:
        """Rows strictly after ``values`` in this order (before it, with ``reverse``)."""
        condition = Q(pk__in=[])
        equal = Q()
        for (name, descending), value in zip(self.fields, values):
            lookup = "lt" if descending != reverse else "gt"
            condition |= equal & Q(**{f"{name}__{lookup}": value})
            equal &= Q(**{name: value})
        return condition


def encode_cursor(ordering: Ordering, obj) -> str:
    values = []
    for name, _ in ordering.fields:
        value = getattr(obj, name)
        values.append(value.isoformat() if isinstance(value, datetime) else value)
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(ordering: Ordering, model, text: str, name: str) -> list:
    problem = InvalidParameter(name, "is not a cursor this API gave out")
    if len(text) > 2000:
        raise problem
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise problem from None
    if not isinstance(values, list) or len(values) != len(ordering.fields):
        raise problem
    decoded = []
    for (field_name, _), value in zip(ordering.fields, values):
        if isinstance(value, (dict, list, bool)) or value is None:
            raise problem
        try:
            field = model._meta.get_field("id" if field_name == "pk" else field_name)
            python = field.to_python(value)
        except (FieldDoesNotExist, ValidationError, ValueError, TypeError, OverflowError):
            raise problem from None
        if isinstance(python, int) and not -ID_MAX <= python <= ID_MAX:
            raise problem
        if isinstance(python, datetime) and python.tzinfo is None:
            raise problem
        if isinstance(python, str) and not _storable(python):
            raise problem
        decoded.append(python)
    return decoded


def _storable(text: str) -> bool:
    """Text a database can compare: PostgreSQL refuses NUL characters (SQLite takes them), and
    neither driver can encode a lone surrogate ("\\ud800", which JSON lets through)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def uses_cursor(request) -> bool:
    return any(name in request.query_params for name in CURSOR_PARAMETERS)


def paginate(request, queryset: QuerySet, *, key: str, ordering: Ordering, serialize, extra: dict | None = None) -> dict:
    """One page of ``queryset`` as Zendesk's JSON: ``{key: [...], ...pagination}``.

    ``serialize(rows)`` turns the page's rows into dicts.
    """
    if uses_cursor(request):
        return _cursor_page(request, queryset, key=key, ordering=ordering, serialize=serialize, extra=extra)
    return _offset_page(request, queryset, key=key, ordering=ordering, serialize=serialize, extra=extra)


def _url(request, **changes) -> str:
    params = request.query_params.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    query = params.urlencode(safe="[]")
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))


def _offset_page(request, queryset, *, key, ordering, serialize, extra) -> dict:
    page = int_parameter(request, "page", default=1, maximum=MAX_PAGE)
    per_page = per_page_parameter(request, "per_page", DEFAULT_PER_PAGE)
    count = queryset.count()
    start = (page - 1) * per_page
    rows = list(queryset.order_by(*ordering.order_by())[start:start + per_page]) if start < count else []
    page_count = math.ceil(count / per_page)
    return {
        key: serialize(rows),
        **(extra or {}),
        "page": page,
        "per_page": per_page,
        "page_count": page_count,
        "count": count,
        "next_page": _url(request, page=str(page + 1), per_page=str(per_page)) if page < page_count else None,
        "previous_page": (_url(request, page=str(min(page - 1, max(page_count, 1))), per_page=str(per_page))
                          if page > 1 else None),
    }


def _cursor_page(request, queryset, *, key, ordering, serialize, extra) -> dict:
    size = per_page_parameter(request, "page[size]", DEFAULT_CURSOR_SIZE)
    after, before = request.query_params.get("page[after]"), request.query_params.get("page[before]")
    if after and before:
        raise InvalidParameter("page[before]", "cannot be combined with page[after]")
    backwards = bool(before)
    if after:
        queryset = queryset.filter(ordering.after(decode_cursor(ordering, queryset.model, after, "page[after]")))
    elif before:
        queryset = queryset.filter(
            ordering.after(decode_cursor(ordering, queryset.model, before, "page[before]"), reverse=True))
    rows = list(queryset.order_by(*ordering.order_by(reverse=backwards))[:size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    first_cursor = encode_cursor(ordering, rows[0]) if rows else None
    last_cursor = encode_cursor(ordering, rows[-1]) if rows else None
    # Going forwards, "more" (meta.has_more, as Zendesk) means rows after this page;
    # backwards, rows before it.
    has_next = more if not backwards else bool(rows)
    has_prev = (more if backwards else bool(after)) and bool(rows)
    cursor_free = {name: None for name in CURSOR_PARAMETERS}
    return {
        key: serialize(rows),
        **(extra or {}),
        "meta": {"has_more": more,
                 "after_cursor": last_cursor, "before_cursor": first_cursor},
        "links": {
            "first": _url(request, **{**cursor_free, "page[size]": str(size)}),
            "last": None,
            "next": _url(request, **{**cursor_free, "page[size]": str(size), "page[after]": last_cursor})
            if has_next and last_cursor else None,
            "prev": _url(request, **{**cursor_free, "page[size]": str(size), "page[before]": first_cursor})
            if has_prev else None,
        },
    }
