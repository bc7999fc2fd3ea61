"""A honeypot field for public forms.

Bots fill every input; people never see this one (it is visually hidden, out of the tab
order and labelled for the rare person whose screen reader or autofill reaches it). A
filled honeypot is a form error with a clear message rather than a silent drop, so a real
person who did fill it can fix it and lose nothing.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

HONEYPOT_FIELD = "website"
HONEYPOT_WRAPPER_CLASS = "visually-hidden"


class HoneypotFormMixin(forms.Form):
    """Adds the ``website`` honeypot field; put ``honeypot_layout()`` in the crispy layout."""

    website = forms.CharField(
        label=_("Leave this field empty (it helps us stop spam)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        # A non-field error, shown above the form: the field itself is hidden, so an
        # error next to it would be invisible to the person who has to act on it.
        cleaned = super().clean()
        if self.cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                "This form could not be sent. Please clear the field labelled "
                "“Leave this field empty” and try again.",
                code="honeypot",
            )
        return cleaned

    @property
    def caught_bot(self) -> bool:
        """True when the honeypot was filled (views may count or log it)."""
        return any(e.code == "honeypot" for e in self.errors.as_data().get("__all__", []))


def honeypot_layout():
    """The crispy layout piece for the honeypot: a visually hidden wrapper."""
    from crispy_forms.layout import Div

    return Div(HONEYPOT_FIELD, css_class=HONEYPOT_WRAPPER_CLASS)
