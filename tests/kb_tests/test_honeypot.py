"""The honeypot mixin refuses filled honeypots with a visible, fixable error."""

from django import forms

from kb.honeypot import HoneypotFormMixin


class ContactForm(HoneypotFormMixin, forms.Form):
    message = forms.CharField()


def test_an_empty_honeypot_passes():
    form = ContactForm({"message": "hi", "website": ""})
    assert form.is_valid() and not form.caught_bot


def test_a_filled_honeypot_is_a_non_field_error():
    form = ContactForm({"message": "hi", "website": "http://spam.example"})
    assert not form.is_valid() and form.caught_bot
    assert "Leave this field empty" in form.non_field_errors()[0]
