"""Follower emails seen from outside: follow by email (double opt-in), confirm, unsubscribe.

None of these need an account: the signed token in the link is the permission. Writes go
through ``articles.notifications``.
"""

from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kb import clock, throttle
from kb.honeypot import HoneypotFormMixin, honeypot_layout
from kb.http import safe_next
from kb.permissions import is_agent

from .. import notifications, selectors
from ..models import EmailFollow

# Each request sends an email to the address typed: tight limits per address and per IP
# so the form cannot be used to flood someone's inbox.
EMAIL_FOLLOW_IP_RATE = throttle.Rate(10, timedelta(hours=1))
EMAIL_FOLLOW_ADDRESS_RATE = throttle.Rate(3, timedelta(days=1))

# What a follower of each kind of page hears about (articles.notifications._followed_where).
EMAIL_FOLLOW_NEWS = {
    "article": _("gets an official answer, a new comment or an update"),
    "post": _("gets an official answer or a new comment"),
    "section": _("gets a new article, or one of its articles is updated"),
    "topic": _("gets a new question"),
}


class EmailFollowForm(HoneypotFormMixin, forms.Form):
    # Kept beside its only view; articles/forms.py is the usual home for forms.
    email = forms.EmailField(
        label=_("Your email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("email"), honeypot_layout())


@require_http_methods(["GET", "POST"])
def email_follow(request, kind, pk):
    """A signed-out visitor follows an article, post, section or topic by email."""
    target = selectors.follow_target(kind=kind, pk=pk, include_drafts=is_agent(request.user))
    form = EmailFollowForm(request.POST or None)
    if request.method == "POST":
        at = clock.now()
        if limited := throttle.limit_response(request, scope="email_follow", what=_("follow requests"), limits=[
            throttle.Limit("ip", throttle.client_ip(request), EMAIL_FOLLOW_IP_RATE),
            throttle.Limit("email", request.POST.get("email", "")[:254], EMAIL_FOLLOW_ADDRESS_RATE),
        ]):
            return limited
        if form.is_valid():
            notifications.email_follow_request(email=form.cleaned_data["email"], target=target, at=at)
            messages.success(
                request,
                _("Almost done: we sent a link to %(email)s. "
                  "Open it to confirm, then you will get emails about “%(target)s”.")
                % {"email": form.cleaned_data["email"], "target": target},
            )
            return redirect(safe_next(request, target.get_absolute_url()))
    return render(request, "articles/follow_email.html", {
        "form": form,
        "target": target,
        "target_url": target.get_absolute_url(),
        "news": EMAIL_FOLLOW_NEWS[kind],
        "next": safe_next(request, target.get_absolute_url()),
    }, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def email_follow_confirm(request, token):
    """GET shows a button; POST confirms. Mail scanners follow links in emails, so a GET
    alone must not subscribe anyone: the person clicks once more, on our page."""
    try:
        follow = notifications.email_follow_read(token)
    except signing.SignatureExpired:
        return render(request, "articles/follow_email_confirm.html", {"expired": True}, status=400)
    except (signing.BadSignature, EmailFollow.DoesNotExist):
        return render(request, "articles/follow_email_confirm.html", {"invalid": True}, status=400)
    if request.method == "POST":
        notifications.email_follow_confirm(follow=follow, at=clock.now())
    return render(request, "articles/follow_email_confirm.html", {
        "follow": follow,
        "target": follow.target,
        "target_url": follow.target.get_absolute_url(),
        "confirmed": follow.confirmed_at is not None,
        "unsubscribe_url": notifications.email_follow_unsubscribe_path(follow),
    })


# CSRF exemption, on this view only: RFC 8058 one-click unsubscribe is a POST sent by the
# recipient's mail provider, which has no CSRF cookie. The signed token in the URL is the
# whole authorisation (it names one recipient and what to stop), so a forged cross-site
# POST could only do what the link's owner can already do: unsubscribe themselves.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with a button. POST (the button, or one-click from the mail client):
    the follow is removed."""
    try:
        payload = notifications.unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "articles/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        notifications.unsubscribe_apply(payload)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Unsubscribed.", content_type="text/plain")
        return render(request, "articles/unsubscribe_done.html", {
            "what": notifications.unsubscribe_describe(payload),
        })
    return render(request, "articles/unsubscribe.html", {
        "what": notifications.unsubscribe_describe(payload),
        "everything": "k" not in payload,
    })
