"""Errors as Zendesk answers them: ``{"error": ..., "description": ...}``.

zenpy reads ``error``: ``RecordNotFound`` becomes its ``RecordNotFoundException``, anything
else an ``APIException`` carrying the JSON. Statuses: 400 bad parameters, 401 unknown or
missing credentials, 403 signed in but not allowed, 404 no such record (or one the caller
may not see), 422 a record that does not validate, 429 too many requests.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response


class InvalidParameter(exceptions.APIException):
    """A query parameter the API cannot use (400)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "InvalidParameter"

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}")
        self.parameter = name


class RecordInvalid(exceptions.APIException):
    """A record the services refused (422), with Zendesk's ``details``."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "RecordInvalid"

    def __init__(self, details: dict[str, list[str]]):
        super().__init__("Record validation errors")
        self.details = details


def record_invalid(error: DjangoValidationError) -> RecordInvalid:
    """A Django ValidationError (from a service) as a 422."""
    if hasattr(error, "error_dict"):
        details = {field: [str(m) for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
    else:
        details = {"base": list(error.messages)}
    return RecordInvalid(details)


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            for inner_key, messages in _flatten(value).items():
                out[key if inner_key == "base" else f"{key}.{inner_key}"] = messages
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {"base": [str(item) for item in detail]}
        merged: dict[str, list[str]] = {}
        for item in detail:
            for key, messages in _flatten(item).items():
                merged.setdefault(key, []).extend(messages)
        return merged
    return {"base": [str(detail)]}


def _body(error: str, description: str, **extra) -> dict:
    return {"error": error, "description": description, **extra}


def exception_handler(exc, context):
    """DRF's exception handler, answering in Zendesk's shape. Anything else is a bug
    and goes on to Django's 500 handling."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = record_invalid(exc)
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        body = _body("Couldn't authenticate you", str(exc.detail))
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
    elif isinstance(exc, exceptions.PermissionDenied):
        body = _body("Forbidden", str(exc.detail))
    elif isinstance(exc, exceptions.NotFound):
        body = _body("RecordNotFound", "Not found")
    elif isinstance(exc, exceptions.Throttled):
        body = _body("TooManyRequests", "Rate limit exceeded: retry after the number of seconds in Retry-After.")
        if exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait)))
    elif isinstance(exc, RecordInvalid):
        body = _body("RecordInvalid", "Record validation errors",
                     details={field: [{"description": m} for m in messages] for field, messages in exc.details.items()})
    elif isinstance(exc, exceptions.ValidationError):
        # Serializer errors on a request body: the record is invalid, as Zendesk says 422.
        details = _flatten(exc.detail)
        return Response(_body("RecordInvalid", "Record validation errors",
                              details={f: [{"description": m} for m in ms] for f, ms in details.items()}),
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    elif isinstance(exc, exceptions.ParseError):
        body = _body("InvalidJSON", str(exc.detail))
    elif isinstance(exc, InvalidParameter):
        body = _body("InvalidParameter", str(exc.detail))
    else:
        body = _body(getattr(exc, "default_code", "error"), str(exc.detail))
    return Response(body, status=exc.status_code, headers=headers)
