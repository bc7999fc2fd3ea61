"""Sign-up form: Django's UserCreationForm plus a required email (for password resets and
follow notifications) and the site's honeypot field (kb.honeypot).

The form never says whether an address has an account (kb.accounts.services emails the
owner instead). It does say a username is taken: usernames are public (they sign every
comment), and a pending sign-up reserves none, so that answer tells nothing about emails.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from kb.honeypot import HoneypotFormMixin, honeypot_layout


class SignUpForm(HoneypotFormMixin, UserCreationForm):
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("For password resets and replies to what you follow. Never shown to others."),
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


class SignUpConfirmForm(forms.Form):
    """The last step of a sign-up: the username, editable in case it was taken meanwhile."""

    username = forms.CharField(
        label=_("Username"), max_length=150, validators=[get_user_model().username_validator],
        help_text=_("Shown with your comments. Letters, digits and @/./+/-/_ only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
