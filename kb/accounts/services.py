"""Sign-up and password reset, written so that no answer tells whether an address has an
account.

Both requests only *record* what was asked on the request path, the same work whoever the
address belongs to; a background task (django-tasks, after commit) then decides which
email to write to the outbox (kb.mail), which sends it and retries it when the mail server
fails:

- sign-up: :func:`signup_request` stores a :class:`~kb.models.PendingSignUp` (the password
  already hashed). :func:`signup_mail` then emails the address either a confirmation link
  or, when an account already uses it, "someone tried to sign up with your address; sign
  in or reset your password". Only the owner of the mailbox learns which. The account
  exists once the link is used (:func:`signup_confirm`).
- password reset: :func:`password_reset_request` enqueues :func:`password_reset_mail`,
  which runs Django's ``PasswordResetForm`` with the link on ``KB_SITE_URL`` (never the
  request's Host header) and its email into the outbox.

Both emails are written in the language of the request (kept on the pending sign-up, or
passed to the reset task): the task runs later, under no request's language.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from kb import clock
from kb.i18n import current_locale, normalize_locale
from kb.mail import absolute_url, email_language, queue_email
from kb.models import PendingSignUp

SIGNUP_SALT = "kb.accounts.signup"
# As long as a password reset link lives (Django's PASSWORD_RESET_TIMEOUT, 3 days).
SIGNUP_MAX_AGE = timedelta(days=3)


class SignUpTaken(Exception):
    """The username, or the address, got an account after the sign-up was asked for."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def email_normalize(email: str) -> str:
    """One spelling per mailbox for accounts: trimmed, the domain in lower case (as Django's
    ``normalize_email``); addresses are compared case-insensitively everywhere."""
    return get_user_model().objects.normalize_email(email.strip())


def _site_name() -> str:
    return getattr(settings, "KB_SITE_NAME", "Help Center")


# --- Sign-up ------------------------------------------------------------------------------


@transaction.atomic
def signup_request(*, username: str, email: str, password: str, next_url: str = "",
                   at: datetime | None = None, locale: str | None = None) -> PendingSignUp:
    """Record a sign-up and, after commit, have :func:`signup_mail` write its email.

    The same work for a new and for a registered address (hash, one row, one task), so
    neither the answer nor its timing tells them apart. The email is in ``locale`` (by
    default the active language: the sign-up page's)."""
    pending = PendingSignUp.objects.create(
        username=username, email=email_normalize(email), password=make_password(password),
        next_url=next_url, locale=normalize_locale(locale) or current_locale(), created_at=at or clock.now(),
    )
    transaction.on_commit(lambda: signup_mail.enqueue(pending.pk), robust=True)
    return pending


def signup_token(pending: PendingSignUp) -> str:
    return signing.dumps({"id": pending.pk, "e": pending.email.lower()}, salt=SIGNUP_SALT)


def signup_read(token: str) -> PendingSignUp:
    """The pending sign-up a confirmation link names; raises ``signing.BadSignature`` when
    forged or expired and ``PendingSignUp.DoesNotExist`` when already used."""
    payload = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_MAX_AGE)
    return PendingSignUp.objects.get(pk=payload["id"], email__iexact=payload["e"])


@task()
def signup_mail(pending_id: int) -> str:
    """Background task: the confirmation email, or the "you already have an account" one."""
    pending = PendingSignUp.objects.filter(pk=pending_id).first()
    if pending is None:
        return "gone"
    with transaction.atomic(), email_language(pending.locale):
        accounts = list(get_user_model().objects.filter(email__iexact=pending.email).order_by("pk"))
        context = {"site_name": _site_name(), "email": pending.email}
        if accounts:
            context.update({
                "usernames": [user.get_username() for user in accounts],
                "login_url": absolute_url(reverse("accounts:login")),
                "reset_url": absolute_url(reverse("accounts:password_reset")),
            })
            queue_email(
                to=pending.email,
                subject=_("Someone tried to sign up for %(site_name)s with your address") % {
                    "site_name": _site_name()},
                body=render_to_string("registration/signup_existing_email.txt", context),
                kind="accounts.signup_existing",
                locale=pending.locale,
            )
            pending.delete()  # nothing to confirm: the address has an account
            return "existing"
        context.update({
            "username": pending.username,
            "days": SIGNUP_MAX_AGE.days,
            "confirm_url": absolute_url(reverse("accounts:signup_confirm", kwargs={"token": signup_token(pending)})),
        })
        queue_email(
            to=pending.email, subject=_("Confirm your %(site_name)s account") % {"site_name": _site_name()},
            body=render_to_string("registration/signup_confirm_email.txt", context),
            kind="accounts.signup_confirm",
            locale=pending.locale,
        )
    return "confirm"


def signup_confirm(*, pending: PendingSignUp, username: str):
    """Create the account a confirmed sign-up asked for (``username`` may differ from the
    one asked for, when that was taken meanwhile); raises :class:`SignUpTaken`."""
    User = get_user_model()
    try:
        with transaction.atomic():
            if User.objects.filter(email__iexact=pending.email).exists():
                raise SignUpTaken("email")
            if User.objects.filter(username__iexact=username).exists():
                raise SignUpTaken("username")
            user = User(username=username, email=pending.email, password=pending.password)
            user.save()
            # Other sign-ups for this address can no longer become accounts.
            PendingSignUp.objects.filter(email__iexact=pending.email).delete()
    except IntegrityError:  # the username was taken by a concurrent sign-up
        raise SignUpTaken("username") from None
    return user


# --- Password reset -----------------------------------------------------------------------


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, its email written to the outbox with the link on KB_SITE_URL."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        context["reset_url"] = absolute_url(reverse(
            "accounts:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}))
        # Called by password_reset_mail inside email_language: the active language is the
        # recipient's, for the subject, the body and the link.
        queue_email(
            to=to_email,
            subject=render_to_string(subject_template_name, context),
            body=render_to_string(email_template_name, context),
            from_email=from_email or "",
            kind="accounts.password_reset",
        )


def password_reset_request(*, email: str, locale: str | None = None) -> None:
    """Have :func:`password_reset_mail` look the address up and write the email, after
    commit: the request itself does the same work whether the address has an account.
    The email is in ``locale`` (by default the active language: the reset page's)."""
    locale = normalize_locale(locale) or current_locale()
    transaction.on_commit(lambda: password_reset_mail.enqueue(email, locale), robust=True)


@task()
def password_reset_mail(email: str, locale: str = "") -> None:
    """Background task: a reset email to every active account using ``email``, in ``locale``
    (tasks queued before languages existed carry none: the default language)."""
    form = OutboxPasswordResetForm({"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.KB_SITE_URL)
    with transaction.atomic(), email_language(locale):
        form.save(
            domain_override=site.netloc,  # never the Host header of whoever asked
            use_https=site.scheme == "https",
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
            extra_email_context={"site_name": _site_name()},
        )
