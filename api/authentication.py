"""How Zendesk's clients sign in, as DRF authentication classes.

* HTTP Basic with ``email/token`` as the user name and an API token as the password
  (zenpy's ``Zenpy(email=..., token=...)``);
* ``Authorization: Bearer TOKEN`` (zenpy's ``oauth_token=``): kb's API tokens serve as
  bearer tokens too, there being no OAuth server.

Passwords are not accepted on the API (Zendesk retired them too): a script holds a token
its owner can revoke, never the password.
"""

import base64
import binascii

from rest_framework import authentication, exceptions

from kb import clock

from .services import api_token_user

FAILED = "Couldn't authenticate you"


def _credentials(request, scheme: str) -> str | None:
    header = authentication.get_authorization_header(request).split(None, 1)
    if len(header) != 2 or header[0].lower() != scheme.encode():
        return None
    try:
        return header[1].decode("ascii").strip()
    except UnicodeDecodeError:
        raise exceptions.AuthenticationFailed(FAILED) from None


class TokenBasicAuthentication(authentication.BaseAuthentication):
    """``Authorization: Basic base64(email/token:TOKEN)``."""

    def authenticate(self, request):
        encoded = _credentials(request, "basic")
        if encoded is None:
            return None
        try:
            login, _, secret = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise exceptions.AuthenticationFailed(FAILED) from None
        if not login.endswith("/token"):
            raise exceptions.AuthenticationFailed(
                "Sign in with an API token: the user name is 'EMAIL/token' and the password the token.")
        user = api_token_user(raw=secret, login=login.removesuffix("/token"), at=clock.now())
        if user is None:
            raise exceptions.AuthenticationFailed(FAILED)
        return user, None

    def authenticate_header(self, request):
        return 'Basic realm="Web Password"'


class BearerAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer TOKEN``."""

    def authenticate(self, request):
        secret = _credentials(request, "bearer")
        if secret is None:
            return None
        user = api_token_user(raw=secret, at=clock.now())
        if user is None:
            raise exceptions.AuthenticationFailed(FAILED)
        return user, None
