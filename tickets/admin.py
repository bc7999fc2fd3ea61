from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models as db_models
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from articles.markdown import markdown_problem
from kb import clock
from kb.i18n import default_locale, locale_name, locales

from . import office_hours
from .models import (
    Callback,
    Deflection,
    FlowEvent,
    OpeningHours,
    Plan,
    PlanLink,
    PlanTranslation,
    ScheduleException,
    Team,
    Ticket,
    TicketAttachment,
    TicketMessage,
)
from .selectors import callbacks as selectors
from .services import plans as plan_services

# A link typed without a scheme ("help.example.com/chat") means https; Django 6 makes that
# the default, and says so in a warning on every admin form until it is chosen explicitly.
HTTPS_URLS = {db_models.URLField: {"assume_scheme": "https"}}


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    """Refuse overlapping intervals on the same weekday: they usually mean a typo."""

    def clean(self):
        super().clean()
        spans: dict[int, list[tuple[int, int]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("opens") is None or data.get("closes") is None:
                continue
            start = data["opens"].hour * 60 + data["opens"].minute
            end = data["closes"].hour * 60 + data["closes"].minute
            if end <= start:
                end += 24 * 60
            for other_start, other_end in spans.get(data["weekday"], []):
                if start < other_end and other_start < end:
                    raise ValidationError("Two intervals on %(day)s overlap; merge them into one.",
                                          code="overlap", params={"day": dict(form.fields["weekday"].choices)[
                                              data["weekday"]]})
            spans.setdefault(data["weekday"], []).append((start, end))


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 1


class ScheduleExceptionInline(admin.TabularInline):
    model = ScheduleException
    extra = 1

    def get_queryset(self, request):
        # Past exceptions no longer matter; keep the form short.
        return super().get_queryset(request).filter(date__gte=timezone.localdate(clock.now()) - timedelta(days=7))


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "cancel_flow_role", "time_zone", "holiday_country", "status_now"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, ScheduleExceptionInline]
    formfield_overrides = HTTPS_URLS
    readonly_fields = ["status_now", "upcoming_holidays"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "cancel_flow_role", "status_now"]}),
        ("Office hours", {"fields": ["time_zone", "holiday_country", "holiday_subdivision", "upcoming_holidays"],
                          "description": format_lazy(
                              "Open intervals are wall-clock times in the team's zone, in 15-minute steps. "
                              "Several per weekday are fine; a closing time at or before the opening time runs "
                              "past midnight. Preview any moment at {}?at=2026-12-25T10:00.",
                              reverse_lazy("tickets:cancel_flow"))}),
        ("Contact", {"fields": ["phone", "phone_note", "chat_url", "callback_minutes", "callback_lead_minutes",
                                "callback_countries"]}),
    ]

    @admin.display(description="Now")
    def status_now(self, team):
        if team.pk is None:
            return "—"
        at = clock.now()
        team = selectors.teams_with_schedules(at).get(pk=team.pk)
        return office_hours.status_text(selectors.schedule_for(team), at)

    @admin.display(description="Public holidays (next 12 months)")
    def upcoming_holidays(self, team):
        if not team.holiday_country:
            return "— (no holiday calendar)"
        today = timezone.localdate(clock.now())
        schedule = office_hours.Schedule(team.zone, holiday_country=team.holiday_country,
                                         holiday_subdivision=team.holiday_subdivision)
        days = [today + timedelta(days=n) for n in range(366)]
        found = [(d, office_hours.holiday_name(schedule, d)) for d in days]
        return format_html_join(", ", "{} ({})", ((name, d.isoformat()) for d, name in found if name)) or "—"


class PlanLinkInline(admin.TabularInline):
    model = PlanLink
    extra = 1
    formfield_overrides = HTTPS_URLS


class PlanTranslationForm(forms.ModelForm):
    locale = forms.ChoiceField(choices=())

    class Meta:
        model = PlanTranslation
        fields = ["locale", "name", "summary", "cancel_steps", "after_cancel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Plans are written in the default language; the others are what can be translated.
        self.fields["locale"].choices = [(code, locale_name(code)) for code in locales() if code != default_locale()]

    def clean(self):
        data = super().clean()
        for field in ["cancel_steps", "after_cancel"]:
            if problem := markdown_problem(data.get(field) or ""):
                self.add_error(field, ValidationError(problem, code="markdown"))
        return data


class PlanTranslationInline(admin.StackedInline):
    """The plan's texts in the other languages; saved by tickets.services.plans (PlanAdmin.save_formset)."""

    model = PlanTranslation
    form = PlanTranslationForm
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active", "languages"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PlanLinkInline, PlanTranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description=_("Translations"))
    def languages(self, plan):
        """Which languages the plan has texts in, and which it still lacks."""
        have = {row.locale for row in plan.translations.all()}
        wanted = [code for code in locales() if code != default_locale()]
        missing = [code for code in wanted if code not in have]
        done = ", ".join(code for code in wanted if code in have) or "—"
        if not missing:
            return done
        return format_lazy(_("{done} (missing: {missing})"), done=done, missing=", ".join(missing))

    def save_formset(self, request, form, formset, change):
        if formset.model is not PlanTranslation:
            return super().save_formset(request, form, formset, change)
        # Translations are written by the same service as the demo and tests. The admin's
        # history message reads what formset.save() would have recorded.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            old = row.instance if row.instance.pk else None
            if row in formset.deleted_forms:
                if old is not None:
                    plan_services.plan_translation_delete(translation=old)
                    formset.deleted_objects.append(old)
                continue
            if not row.has_changed():
                continue
            data = row.cleaned_data
            if old is not None and old.locale != data["locale"]:
                plan_services.plan_translation_delete(translation=old)
                formset.deleted_objects.append(old)
                old = None
            saved = plan_services.plan_translation_save(
                plan=form.instance, locale=data["locale"], name=data["name"], summary=data["summary"],
                cancel_steps=data["cancel_steps"], after_cancel=data["after_cancel"],
            )
            if old is None:
                formset.new_objects.append(saved)
            else:
                formset.changed_objects.append((saved, row.changed_data))
        return None


class TicketMessageInline(admin.StackedInline):
    model = TicketMessage
    extra = 0
    raw_id_fields = ["author"]


class TicketAttachmentInline(admin.TabularInline):
    # Read-only: files are added through the request form and served by the access-checked view.
    model = TicketAttachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "created_at"]
    exclude = ["stored_name"]

    def has_add_permission(self, request, obj=None):
        return False


class CallbackInline(admin.StackedInline):
    model = Callback
    extra = 0
    raw_id_fields = ["claimed_by"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["reference", "subject", "team", "status", "priority", "source", "created_at"]
    list_filter = ["status", "priority", "source", "team"]
    search_fields = ["reference", "subject", "requester_email", "requester_name"]
    raw_id_fields = ["requester", "assignee", "post", "from_article"]
    readonly_fields = ["reference", "created_at"]
    list_select_related = ["team"]
    inlines = [CallbackInline, TicketMessageInline, TicketAttachmentInline]


@admin.register(FlowEvent)
class FlowEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "route", "plan", "detail"]
    list_filter = ["kind", "route"]
    date_hierarchy = "at"
    list_select_related = ["plan"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False



@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "article", "query"]
    date_hierarchy = "created_at"
    list_select_related = ["article"]
    raw_id_fields = ["article"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
