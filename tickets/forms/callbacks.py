"""Forms of the cancel flow and the callback queue: validation and layout, no side effects."""

from __future__ import annotations

import functools
import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils import dateformat, formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from kb import params
from kb.honeypot import HoneypotFormMixin

from .. import office_hours, phones
from ..models import Callback, Plan
from ..office_hours import Schedule, Slot

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")


def clean_person_name(value: str) -> str:
    """A name is one line of plain text: no line breaks (header injection), no markup."""
    if _LINE_BREAK.search(value):
        raise forms.ValidationError(_("Please write your name on one line."), code="line_break")
    if _CONTROL.search(value):
        raise forms.ValidationError(_("Your name contains characters we cannot store."), code="control_character")
    if "<" in value or ">" in value:
        raise forms.ValidationError(_("Names cannot contain < or >."), code="markup")
    value = " ".join(value.split())
    if not value:
        raise forms.ValidationError(_("Please tell us your name."), code="required")
    return value


# Pure functions of (slot, zone, language), asked for every slot of every callback form: the
# same few dozen slots are offered to every visitor of the day, so their labels are kept (per
# language: the cache key carries the active one).
def slot_label(slot: Slot, tz: ZoneInfo) -> str:
    return _slot_label(slot, tz, get_language())


def slot_day_label(slot: Slot, tz: ZoneInfo) -> str:
    return _slot_day_label(slot, tz, get_language())


@functools.lru_cache(maxsize=2048)
def _slot_label(slot: Slot, tz: ZoneInfo, language: str | None) -> str:
    return f"{office_hours.format_time(slot.start, tz)} – {office_hours.format_time(slot.end, tz)}"


@functools.lru_cache(maxsize=2048)
def _slot_day_label(slot: Slot, tz: ZoneInfo, language: str | None) -> str:
    return office_hours.format_day(slot.start, tz, now=slot.start - timedelta(days=7))


# --- Hand-written Bootstrap 5 rendering ----------------------------------------------
# The callback and request forms sit on the busiest public pages of the contact flow (a
# pricing change sends everyone to "How do I cancel?"). Rendered by crispy-forms they cost
# ~20 ms a request, most of the page's time: a layout object, a field template and several
# widget templates per field. So their templates (templates/tickets/includes/callback_form.html,
# new_request_form.html) lay the form out by hand, and each field's Bootstrap 5 group
# (label, widget, errors, help) is written in Python by BootstrapForm below — the same
# markup crispy-bootstrap5 produces, at a tenth of the cost. Forms on quieter pages keep
# their crispy FormHelper.

_WIDGETS = "django/forms/widgets/"
_INPUT_TEMPLATES = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in ("input", "text", "email", "checkbox", "hidden", "file", "number", "password", "url", "tel", "search")
)


def _escape(value) -> str:
    # django.utils.html.conditional_escape without its per-call overhead (same output:
    # Django's escape() is html.escape()).
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """HTML attributes in dict order, as Django's widgets/attrs.html writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class WidgetRenderer(DjangoTemplates):
    """Django's form renderer, writing the common widgets in Python instead of templates.

    The markup is exactly what Django's widget templates (input, textarea, select, option)
    produce; a select with 50 callback slots is 100 template renders otherwise. Anything
    else (radio buttons, a file input with a current file ...) goes to the templates.
    """

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in _INPUT_TEMPLATES or (
            template_name == f"{_WIDGETS}clearable_file_input.html" and not widget.get("is_initial")
        ):
            value = "" if widget["value"] is None else f' value="{_escape(str(widget["value"]))}"'
            return mark_safe(f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"{value}'
                             f'{_attributes(widget["attrs"])}>')
        if template_name == f"{_WIDGETS}textarea.html":
            return mark_safe(f'<textarea name="{_escape(widget["name"])}"{_attributes(widget["attrs"])}>\n'
                             f'{_escape(widget["value"] or "")}</textarea>')
        if template_name == f"{_WIDGETS}select.html" and all(
            option["template_name"] == f"{_WIDGETS}select_option.html"
            for _name, options, _index in widget["optgroups"] for option in options
        ):
            return self._select(widget)
        return super().render(template_name, context, request)

    @staticmethod
    def _select(widget) -> str:
        parts = [f'<select name="{_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{_escape(str(option["value"]))}"{_attributes(option["attrs"])}>'
                f'{_escape(option["label"])}</option>'
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class BootstrapForm(forms.Form):
    """A form for the hand-written templates: Bootstrap classes on every visible widget,
    ``is-invalid`` on those with errors, widgets written by :class:`WidgetRenderer`, and
    ``{{ form.<name>.as_field_group }}`` giving a field's Bootstrap 5 group."""

    default_renderer = WidgetRenderer()

    class BoundField(BoundField):
        def build_widget_attrs(self, attrs, widget=None):
            attrs = super().build_widget_attrs(attrs, widget)
            widget = widget or self.field.widget
            if not widget.is_hidden and self.errors:
                attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            return attrs

        def as_field_group(self):
            """Label, widget, errors and help text, as crispy-bootstrap5 lays them out.

            Django's widget already carries ``aria-invalid`` and ``aria-describedby`` naming
            ``<id>_error`` and ``<id>_helptext``, the ids used here. Help texts are written by
            us, not visitors, and may hold markup (as in Django's own templates).
            """
            auto_id = _escape(self.auto_id)
            required = self.field.required
            mark = '<span class="asteriskField">*</span>' if required else ""
            required_class = " requiredField" if required else ""
            label = f"{_escape(self.label)}{mark}"
            feedback = ""
            if errors := self.errors:
                feedback += f' <div id="{auto_id}_error" class="invalid-feedback">' + "".join(
                    f'<span id="error_{n}_{auto_id}"><strong>{_escape(error)}</strong></span>'
                    for n, error in enumerate(errors, 1)) + "</div>"
            if self.help_text:
                feedback += f' <div id="{auto_id}_helptext" class="form-text">{self.help_text}</div>'
            label_for = _escape(self.id_for_label)
            if isinstance(self.field.widget, forms.CheckboxInput):
                return mark_safe(
                    f'<div class="mb-3"><div id="div_{auto_id}" class="form-check">{self} <label for="{label_for}" '
                    f'class="form-check-label{required_class}">{label}</label>{feedback}</div></div>')
            return mark_safe(
                f'<div id="div_{auto_id}" class="mb-3"><label for="{label_for}" class="form-label{required_class}">'
                f'{label}</label> {self}{feedback}</div>')

    bound_field_class = BoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs['class']} {css}" if widget.attrs.get("class") else css


class SlotSelect(forms.Select):
    """A select whose options carry ``data-utc`` so static/js/office_hours.js can add the
    visitor's own local time to each label."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["data-utc"] = value
        return option


# Far wider than any slot offered; they only keep a typed moment inside the calendar.
SLOT_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
SLOT_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


class SlotField(forms.Field):
    """A callback slot, checked against the schedule at submission time.

    The value is the slot's UTC instant (what the select offers). A tampered value gets the
    specific reason it cannot be used: not a time, a wall time that does not exist or
    happens twice, in the past, outside open hours, or simply not one of the slots.
    """

    widget = SlotSelect

    def __init__(self, *, schedule: Schedule | None = None, slots=(), at: datetime | None = None,
                 lead: timedelta = timedelta(minutes=15), team_name: str = "The team", **kwargs):
        super().__init__(**kwargs)
        self.configure(schedule=schedule, slots=slots, at=at, lead=lead, team_name=team_name)

    def configure(self, *, schedule, slots, at, lead, team_name):
        self.schedule, self.slots, self.at, self.lead, self.team_name = schedule, tuple(slots), at, lead, team_name
        tz = schedule.time_zone if schedule else UTC
        groups: dict[str, list[tuple[str, str]]] = {}
        for slot in self.slots:
            groups.setdefault(slot_day_label(slot, tz), []).append((slot.value, slot_label(slot, tz)))
        self.widget.choices = [("", _("Choose a time…")), *groups.items()]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        tz = self.schedule.time_zone if self.schedule else UTC
        text = str(value).strip()
        invalid = forms.ValidationError(_("Choose a callback time from the list."), code="invalid_slot")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise invalid from None
        # Bounded before any zone arithmetic (year 9999 overflows it); ``validate`` then
        # accepts only the slots offered.
        if params.parse_moment(text, tz=UTC, earliest=SLOT_EARLIEST, latest=SLOT_LATEST) is None:
            raise invalid
        if moment.tzinfo is None:
            problem = office_hours.local_time_problem(tz, moment)
            when = _("%(time)s on %(day)s") % {
                "time": formats.time_format(moment),
                "day": dateformat.format(moment, pgettext("weekday and date format", "l, F j"))}
            if problem == "nonexistent":
                raise forms.ValidationError(
                    _("%(when)s does not exist: the clocks skip that hour. Choose another time."),
                    code="dst_gap", params={"when": when})
            if problem == "ambiguous":
                raise forms.ValidationError(
                    _("%(when)s happens twice because the clocks go back. Choose a time from the list."),
                    code="dst_ambiguous", params={"when": when})
            moment = moment.replace(tzinfo=tz)
        return moment.astimezone(UTC)

    def validate(self, value):
        super().validate(value)
        if value is None or self.schedule is None or self.at is None:
            return
        problem = office_hours.slot_problem(self.schedule, value, self.at, lead=self.lead)
        if problem == "past":
            raise forms.ValidationError(_("That time has already passed. Choose a later time."), code="slot_past")
        if problem == "too_soon":
            raise forms.ValidationError(_("That time is too soon for us to prepare the call. Choose a later time."),
                                        code="slot_too_soon")
        if problem == "closed":
            raise forms.ValidationError(_("%(team)s is closed at that time. Choose a time inside the opening hours."),
                                        code="slot_closed", params={"team": self.team_name})
        if not any(slot.start == value for slot in self.slots):
            raise forms.ValidationError(_("Choose one of the listed times."), code="slot_not_offered")

    def slot_for(self, value: datetime) -> Slot:
        return next(slot for slot in self.slots if slot.start == value)


class CallbackForm(HoneypotFormMixin, BootstrapForm):
    """The callback request. Laid out by templates/tickets/includes/callback_form.html (by
    hand, not crispy: see "Hand-written Bootstrap 5 rendering" above)."""

    name = forms.CharField(label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Your email"), max_length=254,
                             help_text=_("We send the confirmation and your reference here."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone number to call"), max_length=40,
                            help_text=_("As you usually write it; from abroad with + and the country code."),
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    plan = forms.ChoiceField(label=_("Your plan"), error_messages={"invalid_choice": _("Choose one of the listed plans.")})
    account_email = forms.EmailField(label=_("Email you sign in to Lumora with"), max_length=254, required=False,
                                     help_text=_("Leave empty if it is the email above."))
    reason = forms.ChoiceField(label=_("Why do you want to cancel?"), choices=[("", _("Choose a reason…")),
                                                                            *Callback.Reason.choices],
                               error_messages={"invalid_choice": _("Choose one of the listed reasons.")})
    reason_detail = forms.CharField(label=_("Anything you'd like us to know (optional)"), required=False,
                                    max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    slot = SlotField(label=_("When should we call?"))
    consent = forms.BooleanField(
        label=_("I agree that Lumora may call me at this number about this request."),
        error_messages={"required": _("We can only call you with your agreement. Tick the box to continue.")},
    )

    def __init__(self, *args, plans: list[Plan], schedule: Schedule | None, slots, at: datetime,
                 lead: timedelta = timedelta(minutes=15), team_name: str = "The team",
                 countries=phones.DEFAULT_COUNTRIES, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The countries the team calls (Team.callback_countries): numbers without a country
        # code are read as the first one's, and only these countries' numbers are accepted.
        self.countries = list(countries) or list(phones.DEFAULT_COUNTRIES)
        self.fields["phone"].help_text = phones.phone_help_text(self.countries)
        self.plans = {plan.slug: plan for plan in plans}
        self.fields["plan"].choices = [("", _("Choose your plan…")), *((p.slug, p.shown_name) for p in plans)]
        self.fields["slot"].configure(schedule=schedule, slots=slots, at=at, lead=lead, team_name=team_name)
        self.action = action

    def clean_name(self):
        return clean_person_name(self.cleaned_data["name"])

    def clean_phone(self):
        return phones.normalise_phone(self.cleaned_data["phone"], self.countries)

    def clean_plan(self):
        slug = self.cleaned_data["plan"]
        if slug not in self.plans:
            raise forms.ValidationError(_("Choose one of the listed plans."), code="invalid_plan")
        return self.plans[slug]

    def clean_reason_detail(self):
        # Stored and shown as plain text (escaped), so markup is harmless; control
        # characters other than line breaks and tabs are not.
        value = self.cleaned_data["reason_detail"]
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value).strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email") and not cleaned.get("account_email"):
            cleaned["account_email"] = cleaned["email"]
        return cleaned

    def chosen_slot(self) -> Slot:
        return self.fields["slot"].slot_for(self.cleaned_data["slot"])


class FlowEventForm(forms.Form):
    """The cancel flow's beacon: the page's token and, for a followed link, its id."""

    token = forms.CharField(max_length=1000)
    link = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class PlanPickerForm(forms.Form):
    """The no-JavaScript plan switcher: a plain GET form (``?plan=<slug>``)."""

    default_renderer = WidgetRenderer()  # on every cancel-flow page: see above

    plan = forms.ChoiceField(label=_("Your plan"), required=False)

    def __init__(self, *args, plans: list[Plan], current: Plan | None, **kwargs):
        super().__init__(*args, initial={"plan": current.slug if current else ""}, **kwargs)
        empty = [] if current else [("", _("Choose your plan…"))]
        self.fields["plan"].choices = [*empty, *((p.slug, p.shown_name) for p in plans)]
        self.fields["plan"].label = _("Which plan do you have?")
        self.fields["plan"].widget.attrs.update({"id": "plan-picker", "class": "form-select"})


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect,
                                choices=[c for c in Callback.Outcome.choices if c[0]],
                                error_messages={"required": _("Choose what happened on the call.")})
    note = forms.CharField(label=_("Note (internal)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    retry_slot = SlotField(label=_("Retry at (no answer only)"), required=False)

    def __init__(self, *args, schedule: Schedule | None, slots, at: datetime, team_name: str, prefix_id: str,
                 **kwargs):
        super().__init__(*args, auto_id=f"id_{prefix_id}_%s", **kwargs)
        self.fields["retry_slot"].configure(schedule=schedule, slots=slots, at=at, lead=timedelta(0),
                                            team_name=team_name)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Callback.Outcome.NO_ANSWER and not cleaned.get("retry_slot"):
            self.add_error("retry_slot", forms.ValidationError(_("Choose when to try again."), code="retry_required"))
        return cleaned

    def chosen_retry_slot(self) -> Slot | None:
        value = self.cleaned_data.get("retry_slot")
        return self.fields["retry_slot"].slot_for(value) if value else None
