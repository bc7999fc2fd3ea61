"""Sign up, sign in and out, password reset: Django's auth views with our templates.

Every view keeps ``next`` so a reader who was sent to sign in (for example with a kept
comment draft) lands back where they were. Sign-in attempts are limited by django-axes
(settings.AXES_*); sign-ups and reset emails by ``kb.throttle``.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, resolve_url
from django.urls import reverse_lazy
from django.views.generic import FormView

from kb import throttle
from kb.http import safe_next

from .forms import SignUpForm

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
            request, scope="signup", what="sign-ups",
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
        user = form.save()
        # Signing in keeps the session data (a kept comment draft survives).
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, f"Welcome, {user.get_username()}! Your account is ready.")
        return redirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        limited = throttle.limit_response(
            request, scope="password_reset", what="password reset requests",
            limits=[throttle.Limit("ip", throttle.client_ip(request), RESET_IP_RATE),
                    throttle.Limit("email", request.POST.get("email", "")[:254], RESET_EMAIL_RATE)],
        )
        return limited or super().post(request, *args, **kwargs)
