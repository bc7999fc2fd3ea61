"""``/api/v2/openapi.json``: the OpenAPI 3 description of the API (api/schema.py)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from ..base import ZendeskView
from ..schema import openapi_schema


class OpenApiDescription(ZendeskView):
    """The OpenAPI 3 description of this API, as JSON."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: {"type": "object"}})
    def get(self, request):
        return Response(openapi_schema())
