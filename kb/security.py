"""Sign-in throttling: django-axes (settings.AXES_*) plus an address-wide ceiling.

Axes locks out one username+address pair after a few failures. That alone lets one address
try one common password against every username (password spraying): each pair fails once.
Axes counts every parameter combination against the same ``AXES_FAILURE_LIMIT``, so it
cannot also say "30 failures from one address, whatever the usernames"; that ceiling is a
``kb.throttle`` counter (scope ``signin``, key ``ip``, override with
``KB_RATE_LIMITS={"signin.ip": "60/h"}``) that only failed sign-ins increment, checked by
:class:`AxesBackend` before any password is, so once it is reached a correct password from
that address is refused too until the window ends. Other addresses are not affected.
"""

import ipaddress
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kb import throttle

SIGNIN_SCOPE = "signin"
# Generous: an office behind one NAT address mistypes a lot less than this in an hour,
# while spraying one password over many accounts needs far more.
SIGNIN_IP_RATE = throttle.Rate(30, timedelta(hours=1))


def _signin_ip_limit(request: HttpRequest) -> list[throttle.Limit]:
    address = client_ip_or_none(request)
    return [throttle.Limit("ip", address, SIGNIN_IP_RATE)] if address else []


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
        ceiling = throttle.peek(scope=SIGNIN_SCOPE, limits=_signin_ip_limit(request))
        if ceiling.limited:
            # Axes' own way of refusing: its middleware turns the flag into
            # lockout_response below, which answers with the ceiling's 429 page.
            request.axes_locked_out = True
            request.kb_signin_ceiling = ceiling
            raise AxesBackendPermissionDenied("Too many failed sign-ins from this address.")
        return super().authenticate(request, username=username, password=password, **kwargs)


def count_failed_signin(sender, credentials=None, request=None, **kwargs) -> None:
    """``user_login_failed`` receiver: one failure against the address-wide ceiling.

    Refused attempts count too (as every kb.throttle hit does): hammering does not help,
    and the window still ends on time because windows are fixed."""
    if request is None:  # authenticate() called in code: no client address
        return
    throttle.hit(scope=SIGNIN_SCOPE, limits=_signin_ip_limit(request))


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out sign-in gets: 429 with how long to wait, in whole minutes.

    Past the address-wide ceiling it is the site's usual 429 page, with that window's end."""
    ceiling = getattr(request, "kb_signin_ceiling", None)
    if ceiling is not None:
        return throttle.too_many_requests(request, ceiling, what=_("sign-in attempts"))
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
    address = throttle.client_ip(request)
    try:
        # Not only "unknown": a proxy that forwards junk (X-Forwarded-For "999.1.1.1") must
        # not turn a sign-in into a 500 on PostgreSQL.
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _storable(value):
    """``value`` as PostgreSQL text can hold it: no NUL characters, no lone surrogates."""
    if not isinstance(value, str):
        return value
    return value.replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")


class AxesHandler(AxesDatabaseHandler):
    """Axes' database handler, storing what a client sent (user agent, Accept header,
    path) the way PostgreSQL can hold it: a User-Agent of NUL bytes must be a failed
    sign-in, not a 500. (Axes already does this for the query strings it stores.)"""

    @staticmethod
    def _clean(request) -> None:
        if request is not None:
            for name in ("axes_user_agent", "axes_http_accept", "axes_path_info"):
                if hasattr(request, name):
                    setattr(request, name, _storable(getattr(request, name)))

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        self._clean(request)
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        self._clean(request)
        return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        self._clean(request)
        return super().user_logged_out(sender, request, user, **kwargs)


def client_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes records for a sign-in attempt, as it would read it (the
    credentials, else the POSTed form field), made storable: PostgreSQL text refuses NUL
    characters and lone surrogates, and axes' column holds 255 characters."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(value, str):
        return None
    return _storable(value)[:255]
