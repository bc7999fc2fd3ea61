"""Forms of the request desk: validation and layout, no side effects."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kb import params
from kb.honeypot import HoneypotFormMixin
from kb.uploads import detect_type, safe_file_name

from ..models import Ticket
from ..services.requests import Upload
from .callbacks import BootstrapForm

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

def clean_text(value: str) -> str:
    """Plain text kept as written, minus control characters other than tabs and line breaks."""
    return _CONTROL.sub("", value).strip()


def required_text(value: str, message: str) -> str:
    """``value`` through ``clean_text``; ``message`` (code "required") when nothing is left."""
    value = clean_text(value)
    if not value:
        raise forms.ValidationError(message, code="required")
    return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class RequestForm(HoneypotFormMixin, BootstrapForm):
    """The public request form. Laid out by templates/tickets/includes/new_request_form.html,
    by hand rather than with crispy: it is a busy public page (see "Hand-written Bootstrap 5
    rendering" in tickets/forms/callbacks.py)."""

    email = forms.EmailField(label=_("Your email"), max_length=254,
                             help_text=_("We send your reference and our replies here."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    subject = forms.CharField(label=_("Subject"), max_length=150, min_length=4,
                              help_text=_("A few words; we suggest articles as you type."),
                              # No aria-describedby of our own: Django links the help text and
                              # errors; the suggestions status is a live region, announced anyway.
                              widget=forms.TextInput(attrs={"autocomplete": "off", "id": "id_subject"}))
    description = forms.CharField(label=_("How can we help?"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    category = forms.ChoiceField(label=_("What is it about?"),
                                 error_messages={"invalid_choice": _("Choose one of the listed topics.")})
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False,
                                    help_text=_("Up to 5 files: images, PDF or text, 5 MB each."))
    # Plain fields, parsed in clean_*: nobody sees an error on a hidden field, so junk in
    # them is dropped rather than refusing the request.
    from_article = forms.Field(required=False, widget=forms.HiddenInput)
    shown = forms.Field(required=False, widget=forms.HiddenInput(attrs={"id": "id_shown"}))

    def __init__(self, *args, categories: list[tuple[str, str]], action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a topic…")), *categories]
        self.action = action

    def clean_subject(self):
        value = " ".join(clean_text(self.cleaned_data["subject"]).split())
        if len(value) < 4:
            raise forms.ValidationError(_("Please describe your question in a few words."), code="too_short")
        return value

    def clean_description(self):
        return required_text(self.cleaned_data["description"], _("Please tell us how we can help."))

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Attach at most %(n)s files."), code="too_many", params={"n": MAX_ATTACHMENTS})
        uploads = []
        for f in files:
            if f.size > MAX_ATTACHMENT_BYTES:
                raise forms.ValidationError(_("“%(name)s” is larger than 5 MB."), code="too_large",
                                            params={"name": f.name})
            data = f.read()
            content_type = detect_type(f.name, data)
            if content_type is None:
                raise forms.ValidationError(
                    _("“%(name)s” is not an image (PNG, JPEG, GIF, WebP), a PDF or a text file."),
                    code="file_type", params={"name": f.name})
            name = safe_file_name(f.name)
            uploads.append(Upload(name=name, content_type=content_type, data=data))
        return uploads

    def clean_from_article(self):
        return params.parse_id(self.cleaned_data["from_article"])

    def clean_shown(self):
        # Junk ids are dropped, not reported: the field is filled by the page's script, and
        # the service keeps only ids of articles that exist.
        return params.parse_ids((self.cleaned_data["shown"] or "")[:1000], limit=20)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_body(self):
        return required_text(self.cleaned_data["body"], _("Write a reply first."))


class AgentReplyForm(ReplyForm):
    internal = forms.BooleanField(label=_("Internal note (only agents see it)"), required=False)


class TicketUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args, agents: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.agents = {str(a.pk): a for a in agents}
        self.fields["assignee"].choices = [("", _("Unassigned")), *((str(a.pk), a.get_username()) for a in agents)]

    def clean_assignee(self):
        value = self.cleaned_data.get("assignee")
        return self.agents.get(value) if value else None
