"""Counting help-center visitors without keeping personal data.

How a visitor is identified: an HMAC of their session cookie or, when they have none, of
their IP address and User-Agent, keyed with a random salt that is made fresh each day and
deleted once the next day's salt exists (:class:`kb.models.DailySalt`). So:

- no IP address, User-Agent or session key is stored, only the hash;
- the same browser has the same hash all day (to count it once), a different one tomorrow;
- once a day's salt is deleted, nobody can test an IP address against that day's hashes
  (the search space of IPv4 addresses is small, so a permanent key would not be enough).

What is stored is daily aggregates only (:class:`VisitorDay` here; the apps keep their own,
such as ``articles.ArticleViewDay``). Page views arrive through a beacon
(``static/js/analytics.js`` → ``analytics:hit``, served by the articles app) after the page
has been served, so reading a page never waits for an analytics write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta

from django import forms
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from kb import throttle

from .models import DailySalt, VisitorDay

# What a page says it is (``data-analytics-kind`` on <body>). Every kind counts the
# visitor as a help-center visitor; "article" also counts a view of that article
# (``articles.analytics``).
PAGE = "page"
ARTICLE = "article"
POST = "post"
SEARCH = "search"
REQUEST_FORM = "request_form"
CANCEL_FLOW = "cancel_flow"
KINDS = [PAGE, ARTICLE, POST, SEARCH, REQUEST_FORM, CANCEL_FLOW]
KINDS_WITH_ID = {ARTICLE, POST}

# Generous: a busy office behind one address reads many pages; this only stops floods.
BEACON_RATE = throttle.Rate(600, timedelta(hours=1))
USER_AGENT_MAX = 512


def day_of(at: datetime) -> date:
    """The site's local date of ``at``: days are cut at midnight in settings.TIME_ZONE."""
    return timezone.localdate(at)


def daily_salt(day: date) -> str:
    """The salt of ``day``, made on first use; older days' salts are deleted then."""
    salt = DailySalt.objects.filter(date=day).values_list("salt", flat=True).first()
    if salt is not None:
        return salt
    try:
        with transaction.atomic():
            created = DailySalt.objects.create(date=day, salt=secrets.token_hex(32))
    except IntegrityError:  # another worker made it first
        return DailySalt.objects.values_list("salt", flat=True).get(date=day)
    # Forgetting yesterday's salt is what makes yesterday's hashes anonymous.
    DailySalt.objects.filter(date__lt=day).delete()
    return created.salt


def visitor_hash(*, salt: str, session_key: str | None, ip: str = "", user_agent: str = "") -> str:
    """Pure: the hash a visitor is counted under with ``salt``."""
    if session_key:
        message = f"session\x00{session_key}"
    else:
        message = f"network\x00{ip}\x00{user_agent[:USER_AGENT_MAX]}"
    key = f"{settings.SECRET_KEY}\x00{salt}".encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def visitor_hash_for(request, *, at: datetime) -> str:
    """The visitor hash of this request on the day of ``at``.

    The session cookie is read as sent (no session row is loaded or created): a visitor
    without one is not given one just to be counted.
    """
    return visitor_hash(
        salt=daily_salt(day_of(at)),
        session_key=request.COOKIES.get(settings.SESSION_COOKIE_NAME),
        ip=throttle.client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def update_or_insert(model: type[models.Model], *, keys: dict, update: dict, insert: dict) -> None:
    """Change the row with ``keys``, or insert it; safe when two requests race to insert.

    ``update`` may hold ``F()`` expressions (counters), which ``update_or_create`` cannot
    apply atomically.
    """
    if model.objects.filter(**keys).update(**update):
        return
    try:
        with transaction.atomic():  # a savepoint: PostgreSQL can go on after the IntegrityError
            model.objects.create(**keys, **insert)
    except IntegrityError:
        model.objects.filter(**keys).update(**update)


def visitor_record(*, visitor: str, at: datetime) -> None:
    """A visitor opened a help-center page: count them once for the day of ``at``."""
    update_or_insert(VisitorDay, keys={"date": day_of(at), "visitor_hash": visitor},
                     update={"saw_help_center": True}, insert={"saw_help_center": True})


@transaction.atomic
def request_submitted_record(*, visitor: str, at: datetime) -> None:
    """The visitor sent the request form today (for the self-service score)."""
    if not visitor:
        return
    update_or_insert(VisitorDay, keys={"date": day_of(at), "visitor_hash": visitor},
                     update={"submitted_request": True}, insert={"submitted_request": True})


class BeaconForm(forms.Form):
    """What a page's beacon sends: its kind and, for articles and posts, the object's id."""

    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS])
    id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def clean(self):
        data = super().clean()
        if data.get("kind") in KINDS_WITH_ID and data.get("id") is None:
            raise forms.ValidationError("This kind of page needs the id of what it shows.", code="id_required")
        if data.get("kind") not in KINDS_WITH_ID:
            data["id"] = None
        return data
