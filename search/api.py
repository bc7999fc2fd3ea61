"""The Zendesk Help Center shape of article search results
(``GET /api/v2/help_center/articles/search.json``): what the view serialises."""

from __future__ import annotations

from collections.abc import Callable

from search.backends.base import ARTICLE
from search.selectors import SearchPage, search_run

DEFAULT_PER_PAGE = 25


def article_search_json(*, query: str, page: int, per_page: int,
                        absolute_url: Callable[[str], str],
                        page_url: Callable[[int], str]) -> tuple[dict, SearchPage]:
    """One page of published articles matching ``query``, as Zendesk answers it.

    ``absolute_url`` turns a path into a full URL; ``page_url(n)`` is the URL of page ``n``
    of the same search (the request's own parameters). Returns the JSON body and the page
    (the view logs its total).
    """
    found = search_run(text=query, kinds=(ARTICLE,), page=page, per_page=per_page, with_labels=True)
    page_count = found.page_count if found.total else 0
    body = {
        "results": [
            {
                "id": item.obj.pk,
                "title": item.obj.title,
                "html_url": absolute_url(item.url),
                "snippet": str(item.snippet),
                "result_type": "article",
                "section_id": item.obj.section_id,
                "label_names": [label.name for label in item.obj.labels.all()],
                "created_at": item.obj.created_at.isoformat(),
                "updated_at": item.obj.updated_at.isoformat(),
            }
            for item in found.items
        ],
        "count": found.total,
        "page": found.page,
        "per_page": per_page,
        "page_count": page_count,
        "next_page": page_url(found.page + 1) if found.page < page_count else None,
        "previous_page": page_url(found.page - 1) if found.page > 1 else None,
    }
    return body, found
