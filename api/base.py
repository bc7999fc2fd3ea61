"""What every API view shares: sign-in, permissions, throttling, JSON, Zendesk's errors
and locales."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from kb.i18n import locales, normalize_locale
from kb.params import parse_id
from kb.permissions import is_agent

from . import selectors
from .authentication import BearerAuthentication, TokenBasicAuthentication
from .errors import InvalidParameter, exception_handler, record_invalid
from .parsers import JSONParser
from .serializers import zendesk_locale
from .throttling import ApiThrottle


def parse_locale(value: str) -> str:
    """A locale named in a request (``en-us``, ``es``, ``DE``) as kb's code; 400 otherwise."""
    code = normalize_locale(value)
    if code is None:
        raise InvalidParameter("locale", "must be one of "
                               + ", ".join(zendesk_locale(code) for code in locales()))
    return code


class AgentsWrite(permissions.BasePermission):
    """Anyone reads (what they may see is the selectors' business); only agents write."""

    message = "Only agents can change help-center content."

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or is_agent(request.user)


class AgentsOnly(permissions.BasePermission):
    message = "This endpoint is for agents."

    def has_permission(self, request, view):
        return is_agent(request.user)


class SignedInWrite(permissions.BasePermission):
    """Anyone reads; writing needs a signed-in user (the view and services say which)."""

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or bool(request.user and request.user.is_authenticated)


def check_author_or_agent(user, comment) -> None:
    if comment.author_id != user.pk and not is_agent(user):
        raise PermissionDenied("Only the comment's author or an agent can change it.")


class ZendeskView(APIView):
    authentication_classes = [TokenBasicAuthentication, BearerAuthentication, SessionAuthentication]
    permission_classes = [AgentsWrite]
    throttle_classes = [ApiThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def get_exception_handler(self):
        return exception_handler

    #: The locale the request names (/api/v2/help_center/es/... or ?locale=es), as kb's
    #: code, or None: lists and records are then in their source languages.
    locale: str | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A locale kb does not serve is a bad parameter (400), not an empty help center.
        named = [parse_locale(value) for value in (kwargs.get("locale"), request.query_params.get("locale"))
                 if value is not None]
        self.locale = named[0] if named else None

    def localized(self, queryset):
        """``queryset`` as read in the request's locale (``api.selectors.localized``)."""
        return selectors.localized(queryset, locale=self.locale, user=self.request.user)

    def shown(self, item):
        """A row of ``localized`` with its translation laid over it."""
        return selectors.shown_in(item, locale=self.locale)

    @staticmethod
    def get_row(queryset, pk):
        """The row ``pk`` (a URL's digits) of ``queryset``, or 404."""
        number = parse_id(pk)
        row = queryset.filter(pk=number).first() if number else None
        if row is None:
            raise NotFound()
        return row

    @staticmethod
    def write(service, **kwargs):
        """Call a service; the ValidationError it raises is Zendesk's 422."""
        try:
            return service(**kwargs)
        except DjangoValidationError as error:
            raise record_invalid(error) from None
