"""The account page's API token form: validation only."""

from django import forms
from django.utils.translation import gettext_lazy as _

# A person needs a handful (one per script or integration); a cap keeps a hijacked
# session from minting thousands.
MAX_ACTIVE_TOKENS = 20


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("What is it for?"), max_length=100, required=False,
                           help_text=_("So you can tell your tokens apart, e.g. “nightly export script”."),
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, active_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.active_count = active_count

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        if self.active_count >= MAX_ACTIVE_TOKENS:
            raise forms.ValidationError(_("You have %(n)s active tokens: revoke one first."), code="too_many",
                                        params={"n": MAX_ACTIVE_TOKENS})
        return super().clean()
