"""One keyed hash for every identifier we count but must not store (session keys, IP
addresses, phone numbers): HMAC-SHA256 under SECRET_KEY, separated by purpose so the same
value hashes differently in different tables."""

import hashlib
import hmac

from django.conf import settings


def keyed_hash(purpose: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
