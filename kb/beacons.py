"""Event beacons: how a page that must stay write-free still has what it showed recorded.

Serving a page never writes to the database (the page cache serves most of them without
touching it at all). What a page must record (the search it ran, the cancel-flow route it
showed) it puts in the page as a *token*: the record's fields signed with SECRET_KEY and a
per-purpose salt, with the moment of signing. The token is the same for every visitor of
that page, so cached copies carry it unchanged. After load, a small script posts it back
to the app's beacon view, which:

- refuses a token it did not sign, or one older than the purpose allows (400), so a
  beacon can only record what the site really showed, never a made-up query or count;
- counts the post against per-address and per-visitor limits (429 without a row), so
  replaying a token records at most so many rows;
- leaves agents out, as the page-view beacon does (they are not customers looking for help);
- then writes the one row.

Beacons that record what a page showed are CSRF-exempt for the same reason as
``analytics:hit``: they only add analytics rows, a forged post can do no more than a
visit, and the token and limits bound it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpResponse

from kb import throttle


def sign(payload: dict, *, salt: str, at: datetime) -> str:
    """A URL-safe token of ``payload`` (small and JSON-serialisable) for purpose ``salt``,
    issued at ``at``."""
    return signing.dumps({"at": int(at.timestamp()), "data": payload}, salt=f"kb.beacons.{salt}", compress=True)


def unsign(token: str, *, salt: str, max_age: timedelta, at: datetime) -> dict | None:
    """The payload of a token this site signed for ``salt`` no more than ``max_age`` before
    ``at`` (and not after it), else None."""
    try:
        signed = signing.loads(token, salt=f"kb.beacons.{salt}")
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(signed, dict) or not isinstance(signed.get("at"), int) or not isinstance(signed.get("data"), dict):
        return None
    age = at.timestamp() - signed["at"]
    # A minute of grace for a token from a worker whose clock runs a little ahead.
    return signed["data"] if -60 <= age <= max_age.total_seconds() else None


def limits(request, *, address: throttle.Rate, visitor: throttle.Rate) -> list[throttle.Limit]:
    """Per address always; per visitor when there is one to key by (the signed-in user, else
    the session cookie). A visitor without a session shares their address's allowance."""
    if request.user.is_authenticated:
        who = f"user:{request.user.pk}"
    else:
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        who = f"session:{session_key}" if session_key else ""
    return [throttle.Limit("ip", throttle.client_ip(request), address),
            throttle.Limit("visitor", who, visitor)]


def limited_response(request, *, scope: str, at: datetime, address: throttle.Rate,
                     visitor: throttle.Rate) -> HttpResponse | None:
    """Count one beacon; a bare 429 (the browser ignores the body) when over a limit."""
    decision = throttle.hit(scope=scope, limits=limits(request, address=address, visitor=visitor))
    if not decision.limited:
        return None
    response = HttpResponse(status=429)
    response["Retry-After"] = str(decision.retry_after_seconds(at))
    return response


def no_content() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
