"""Sign-in throttling glue for django-axes (settings.AXES_*)."""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class AxesBackend(AxesStandaloneBackend):
    """Refuse sign-ins for a locked-out username+IP pair; ignore authentication without a request.

    Stock axes raises when ``authenticate()`` gets no request. Such calls never come from
    the web (the test client's ``login()``, the shell, management commands), so there is
    no client address to throttle: we let the next backend decide, and every web sign-in
    (LoginView, the admin) still passes through the lockout check.
    """

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out sign-in gets: 429 with how long to wait, in whole minutes."""
    cool_off = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    response = render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    # Tells well-behaved clients when to come back; the page says the same in words.
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def client_ip_or_none(request: HttpRequest) -> str | None:
    """The client's address for axes, or None when there is none (a sign-in made in code).

    Axes stores it in a column PostgreSQL types as inet, where a placeholder such as
    "unknown" is an error; None is stored (and looked up) as NULL.
    """
    from kb.throttle import client_ip

    address = client_ip(request)
    return None if address == "unknown" else address
