"""Writes of the API app: making, using and revoking API tokens."""

import secrets
from datetime import datetime, timedelta

from django.db import transaction

from kb.hashing import keyed_hash

from .models import ApiToken

TOKEN_PURPOSE = "api-token"
# last_used_at is rewritten at most this often per token.
TOUCH_EVERY = timedelta(minutes=5)


def token_hash(raw: str) -> str:
    return keyed_hash(TOKEN_PURPOSE, raw)


@transaction.atomic
def api_token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its secret (the only time it is known)."""
    raw = secrets.token_urlsafe(30)  # 40 characters, 240 bits
    token = ApiToken.objects.create(user=user, name=name[:100], token_hash=token_hash(raw), prefix=raw[:6])
    return token, raw


def api_token_user(*, raw: str, at: datetime, login: str | None = None):
    """The active user an active token ``raw`` acts as, or None; notes the use.

    ``login`` (HTTP Basic ``email/token``) must name the token's user, by email or
    username: a token found with someone else's address is refused, as Zendesk does.
    """
    if not raw or len(raw) > 200:
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(token_hash=token_hash(raw), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    if login is not None and login.casefold() not in {token.user.email.casefold(), token.user.username.casefold()}:
        return None
    if token.last_used_at is None or at - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
    return token.user


def api_token_revoke(*, token: ApiToken, at: datetime) -> None:
    """Stop a token working at once (the row stays, for the record)."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=at)
