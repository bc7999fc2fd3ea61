"""Sign-up form: Django's UserCreationForm plus a required email (for password resets and
follow notifications) and the site's honeypot field (kb.honeypot)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError

from kb.honeypot import HoneypotFormMixin, honeypot_layout


class SignUpForm(HoneypotFormMixin, UserCreationForm):
    email = forms.EmailField(
        label="Email",
        help_text="For password resets and replies to what you follow. Never shown to others.",
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has its own token
        self.helper.layout = Layout("username", "email", "password1", "password2", honeypot_layout())

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account with this email exists. Sign in or reset your password.",
                code="duplicate_email",
            )
        return email
