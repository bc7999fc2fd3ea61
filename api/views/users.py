"""``/api/v2/users/{id}.json`` and ``/api/v2/users/me.json``: who wrote what, for the
``author_id`` of articles, posts and comments (zenpy's ``article.author`` reads it).

Signed-in callers only, as on Zendesk. Addresses are private: agents see everyone's,
others only their own.
"""

from django.contrib.auth import get_user_model
from rest_framework import permissions
from rest_framework.response import Response

from kb.permissions import is_agent

from ..base import ZendeskView
from ..serializers import UserSerializer


class UserDetail(ZendeskView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request, pk=None):
        user = request.user if pk is None else self.get_row(get_user_model().objects.all(), pk)
        private = is_agent(request.user) or user.pk == request.user.pk
        return Response({"user": UserSerializer.shape(user, request, private=private)})
