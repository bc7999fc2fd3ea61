"""The incremental export: every article changed since a moment, oldest change first
(``/api/v2/help_center/incremental/articles.json?start_time=UNIX``), for agents.

Pages follow ``next_page`` until ``end_of_stream``; ``end_time`` is the last change on the
page, the ``start_time`` of a later poll. ``next_page`` also carries the (time, id) of the
last row, so rows changed in the same second are neither repeated nor skipped however
many there are.
"""

from datetime import UTC, datetime

from rest_framework.response import Response

from .. import selectors
from ..base import AgentsOnly, ZendeskView
from ..errors import InvalidParameter
from ..pagination import Ordering, decode_cursor, encode_cursor, int_parameter, per_page_parameter
from ..serializers import ArticleSerializer

# Unix seconds up to the year 9998 (kb.params' bound for moments).
START_TIME_MAX = 253_370_764_800
ORDERING = Ordering.of("updated_at", "id")


class IncrementalArticles(ZendeskView):
    permission_classes = [AgentsOnly]

    def get(self, request, locale=None):
        if "start_time" not in request.query_params:
            raise InvalidParameter("start_time", "is required (Unix seconds)")
        start_time = int_parameter(request, "start_time", default=0, minimum=0, maximum=START_TIME_MAX)
        per_page = per_page_parameter(request, "per_page", 100)
        articles = selectors.articles_for(request.user).filter(
            updated_at__gte=datetime.fromtimestamp(start_time, tz=UTC))
        cursor = request.query_params.get("cursor")
        if cursor:
            articles = articles.filter(ORDERING.after(decode_cursor(ORDERING, articles.model, cursor, "cursor")))
        rows = list(articles.order_by(*ORDERING.order_by())[:per_page + 1])
        end_of_stream = len(rows) <= per_page
        rows = rows[:per_page]
        end_time = int(rows[-1].updated_at.timestamp()) if rows else start_time
        params = {"start_time": str(end_time), "per_page": str(per_page)}
        if rows:
            params["cursor"] = encode_cursor(ORDERING, rows[-1])
        query = "&".join(f"{name}={value}" for name, value in params.items())
        return Response({
            "articles": [ArticleSerializer.shape(article, request) for article in rows],
            "count": len(rows),
            "end_time": end_time,
            "end_of_stream": end_of_stream,
            "next_page": request.build_absolute_uri(f"{request.path}?{query}"),
        })
