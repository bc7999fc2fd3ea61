"""Sign up, sign in and out, password reset: Django's auth views with our templates.

Every view keeps ``next`` so a reader who was sent to sign in (for example with a kept
comment draft) lands back where they were. Sign-in attempts are limited by django-axes
(settings.AXES_*) and an address-wide ceiling (kb.security); sign-ups and reset emails by
``kb.throttle``.

Signing up takes a confirmation email (kb.accounts.services explains why): the sign-up
page answers "check your email" whether or not the address has an account, and the link
in the email creates the account and signs its owner in, in the browser that opens it.
Opened in the browser that signed up, the session (and a kept comment draft) is still there.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core import signing
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from kb import clock, throttle
from kb.http import safe_next
from kb.models import PendingSignUp

from . import services
from .forms import SignUpConfirmForm, SignUpForm

SIGNUP_IP_RATE = throttle.Rate(10, timedelta(hours=1))
RESET_IP_RATE = throttle.Rate(10, timedelta(hours=1))
# One mailbox gets few reset emails, whoever asks: nobody can flood someone's inbox.
RESET_EMAIL_RATE = throttle.Rate(3, timedelta(hours=1))


class SignUpView(FormView):
    template_name = "registration/signup.html"
    form_class = SignUpForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        limited = throttle.limit_response(
            request, scope="signup", what=_("sign-ups"),
            limits=[throttle.Limit("ip", throttle.client_ip(request), SIGNUP_IP_RATE)],
        )
        return limited or super().post(request, *args, **kwargs)

    def get_success_url(self):
        return safe_next(self.request, resolve_url(settings.LOGIN_REDIRECT_URL))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.POST.get("next") or self.request.GET.get("next", "")
        return context

    def form_valid(self, form):
        has_next = bool(self.request.POST.get("next"))
        services.signup_request(
            username=form.cleaned_data["username"], email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"], next_url=self.get_success_url() if has_next else "",
            at=clock.now(),
        )
        # The same page whether or not the address has an account (no redirect to read).
        return redirect("accounts:signup_sent")


class SignUpSentView(TemplateView):
    template_name = "registration/signup_sent.html"


class SignUpConfirmView(FormView):
    """The link in the confirmation email: a button (mail scanners follow links, not
    forms), then the account exists and its owner is signed in."""

    template_name = "registration/signup_confirm.html"
    form_class = SignUpConfirmForm

    def dispatch(self, request, *args, token, **kwargs):
        try:
            self.pending = services.signup_read(token)
        except (signing.BadSignature, PendingSignUp.DoesNotExist):
            return render(request, "registration/signup_confirm.html", {"invalid": True}, status=400)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"username": self.pending.username}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, email=self.pending.email)

    def form_valid(self, form):
        try:
            user = services.signup_confirm(pending=self.pending, username=form.cleaned_data["username"])
        except services.SignUpTaken as taken:
            if taken.field == "email":
                return self.render_to_response(self.get_context_data(form=form, email_taken=True))
            form.add_error("username", _("Someone took this username meanwhile. Please choose another."))
            return self.form_invalid(form)
        # Signing in keeps the session data (a kept comment draft survives).
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome, %(name)s! Your account is ready.") % {"name": user.get_username()})
        next_url = self.pending.next_url
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
            next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
        return HttpResponseRedirect(next_url)


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        limited = throttle.limit_response(
            request, scope="password_reset", what=_("password reset requests"),
            limits=[throttle.Limit("ip", throttle.client_ip(request), RESET_IP_RATE),
                    throttle.Limit("email", request.POST.get("email", "")[:254], RESET_EMAIL_RATE)],
        )
        return limited or super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Not Django's form.save(): the lookup and the email happen in a task, after
        # commit (kb.accounts.services), so this answer takes as long for any address.
        services.password_reset_request(email=form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())
