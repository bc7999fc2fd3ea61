"""Teams and their office hours, cancellable plans, tickets and callbacks, flow events.

The office-hours rules themselves live in :mod:`tickets.office_hours` (pure); these rows
are what agents edit in the admin, turned into a ``Schedule`` by ``tickets.selectors.callbacks``.
"""

import re
import secrets
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.i18n import default_locale, locales

from . import office_hours, phones

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"),
            (5, "Saturday"), (6, "Sunday")]


def validate_served_locale(value: str) -> None:
    if value and value not in locales():
        raise ValidationError(_("Use one of the help center's languages: %(codes)s.") % {"codes": ", ".join(locales())},
                              code="invalid_locale")


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("“%(value)s” is not an IANA time zone such as America/Los_Angeles."),
                              code="invalid_time_zone", params={"value": value}) from None


def validate_holiday_country(value: str) -> None:
    import holidays

    if value and value.upper() not in holidays.list_supported_countries():
        raise ValidationError(_("The holidays calendar has no country “%(value)s”; use an ISO code such as US or DE."),
                              code="unknown_country", params={"value": value})


def validate_quarter_hour(value) -> None:
    if value is not None and (value.second or value.microsecond or value.minute % office_hours.GRANULARITY_MINUTES):
        raise ValidationError(_("Use whole quarter hours (:00, :15, :30 or :45)."), code="granularity")


class Team(models.Model):
    """A group of agents with office hours: Business Solutions, Support…"""

    class CancelFlowRole(models.TextChoices):
        NONE = "", "—"
        CALLBACKS = "callbacks", _("Takes cancel-flow callbacks (phone)")
        CHAT = "chat", _("Chat alternative shown in the cancel flow")

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles", validators=[validate_time_zone],
                                 help_text="IANA name; opening hours below are wall-clock times in this zone.")
    holiday_country = models.CharField(max_length=8, blank=True, validators=[validate_holiday_country],
                                       help_text="Closed on this country's public holidays (e.g. US). Empty: none.")
    holiday_subdivision = models.CharField(max_length=16, blank=True,
                                           help_text="Optional state/region code for the holiday calendar (e.g. CA).")
    phone = models.CharField(max_length=40, blank=True, help_text="Shown to visitors, e.g. (555) 013-2400.")
    phone_note = models.CharField(max_length=100, blank=True, help_text="e.g. “option 1”.")
    chat_url = models.URLField(blank=True, help_text="Where the chat starts (for a chat team).")
    cancel_flow_role = models.CharField(max_length=16, choices=CancelFlowRole.choices, blank=True, default="")
    callback_minutes = models.PositiveSmallIntegerField(default=30, help_text="Length of one callback slot.")
    callback_lead_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="The earliest slot offered starts at least this long from now.")
    # Against toll fraud (see tickets.phones): callbacks go only to these countries' numbers.
    callback_countries = models.CharField(
        max_length=100, default=",".join(phones.DEFAULT_COUNTRIES), validators=[phones.validate_countries],
        help_text="Countries whose mobile and landline numbers we call back: ISO codes separated by commas, "
                  "e.g. US, CA. Numbers written without a country code are read as the first one's.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["cancel_flow_role"], condition=~Q(cancel_flow_role=""),
                                    name="one_team_per_cancel_flow_role"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.holiday_country = self.holiday_country.upper()
        self.holiday_subdivision = self.holiday_subdivision.upper()
        self.callback_countries = ",".join(phones.parse_countries(self.callback_countries))
        if self.holiday_subdivision and self.holiday_country:
            import holidays

            subdivisions = holidays.list_supported_countries().get(self.holiday_country, [])
            if self.holiday_subdivision not in subdivisions:
                raise ValidationError({"holiday_subdivision": ValidationError(
                    _("%(country)s has no subdivision “%(sub)s” in the holidays calendar."), code="unknown_subdivision",
                    params={"country": self.holiday_country, "sub": self.holiday_subdivision})})
        if self.callback_minutes % office_hours.GRANULARITY_MINUTES or not self.callback_minutes:
            raise ValidationError({"callback_minutes": ValidationError(
                _("Use a multiple of 15 minutes."), code="granularity")})

    @property
    def callback_regions(self) -> list[str]:
        """``callback_countries`` as a list of ISO codes, the first one first."""
        return phones.parse_countries(self.callback_countries) or list(phones.DEFAULT_COUNTRIES)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def phone_uri(self) -> str:
        """``tel:`` link for the displayed number (digits and a leading + only)."""
        digits = re.sub(r"[^\d+]", "", self.phone)
        return f"tel:{digits}" if digits else ""


def _check_interval(opens, closes, *, allow_whole_day=True):
    errors = {}
    for name, value in (("opens", opens), ("closes", closes)):
        try:
            validate_quarter_hour(value)
        except ValidationError as e:
            errors[name] = e
    if errors:
        raise ValidationError(errors)
    if opens is not None and opens == closes and not (allow_whole_day and opens.hour == opens.minute == 0):
        raise ValidationError(_("An interval cannot open and close at the same time (00:00–00:00 is the whole day)."),
                              code="empty_interval")


class OpeningHours(models.Model):
    """One weekly open interval. Several per weekday are allowed (e.g. a lunch break).

    ``closes`` at or before ``opens`` means the interval runs past midnight.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    opens = models.TimeField(validators=[validate_quarter_hour])
    closes = models.TimeField(validators=[validate_quarter_hour],
                              help_text="At or before “opens” means the next day (overnight).")

    class Meta:
        ordering = ["team", "weekday", "opens"]
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        constraints = [
            models.UniqueConstraint(fields=["team", "weekday", "opens"], name="one_interval_per_team_day_start"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="weekday_0_to_6"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        _check_interval(self.opens, self.closes)


class ScheduleException(models.Model):
    """A one-off change on one local date: a closure (all day or some hours) or an extra opening."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed")
        OPEN = "open", _("Extra opening")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="schedule_exceptions")
    date = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CLOSED)
    opens = models.TimeField(null=True, blank=True, validators=[validate_quarter_hour],
                             help_text="Closed: leave both empty to close the whole day.")
    closes = models.TimeField(null=True, blank=True, validators=[validate_quarter_hour])
    note = models.CharField(max_length=200, blank=True, help_text="e.g. “Company offsite”.")

    class Meta:
        ordering = ["team", "date", "opens"]
        indexes = [models.Index(fields=["team", "date"], name="schedule_exception_day")]

    def __str__(self):
        hours = f" {self.opens:%H:%M}–{self.closes:%H:%M}" if self.opens and self.closes else ""
        return f"{self.date}: {self.get_kind_display()}{hours}"

    def clean(self):
        if (self.opens is None) != (self.closes is None):
            raise ValidationError(_("Give both times, or neither (closed all day)."), code="half_interval")
        if self.kind == self.Kind.OPEN and self.opens is None:
            raise ValidationError(_("An extra opening needs its hours."), code="opening_without_hours")
        if self.opens is not None:
            _check_interval(self.opens, self.closes)


class Plan(models.Model):
    """A plan a customer may want to cancel, with its self-service steps."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.CharField(max_length=200, blank=True, help_text="One line telling visitors which plan this is.")
    cancel_steps = models.TextField(help_text="Markdown: the numbered steps to cancel or downgrade.")
    after_cancel = models.TextField(blank=True, help_text="Markdown: what happens afterwards.")
    export_reminder = models.BooleanField(default=True,
                                          help_text="Remind visitors to export their data before cancelling.")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class PlanTranslation(models.Model):
    """A plan's texts in another language, shown to visitors browsing in that language.

    Plans are written in the help center's default language (their ``name`` is also what
    agents see on callbacks); a translation changes only what visitors read. A blank
    summary or after-cancel text falls back to the plan's own.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="translations")
    # No choices, like the articles' locales: the served languages are a setting (kb.i18n),
    # checked by tickets.services.plans.plan_translation_save.
    locale = models.CharField(max_length=10)
    name = models.CharField(max_length=100)
    summary = models.CharField(max_length=200, blank=True)
    cancel_steps = models.TextField(help_text="Markdown: the numbered steps to cancel or downgrade.")
    after_cancel = models.TextField(blank=True, help_text="Markdown: what happens afterwards.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "locale"], name="plan_translation_once")]
        ordering = ["plan", "locale"]

    def __str__(self):
        return f"{self.plan} [{self.locale}]"


class PlanLink(models.Model):
    """A link shown with a plan's steps; visitors reach it through a counting redirect."""

    class Kind(models.TextChoices):
        CANCEL_PAGE = "cancel_page", _("Cancel page in the product")
        TERMS = "terms", _("Terms of service")
        VIDEO = "video", _("Video")
        EXPORT = "export", _("Export your data")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    label = models.CharField(max_length=100)
    url = models.URLField()
    position = models.PositiveSmallIntegerField(default=0)
    # A link is written in one language (its label, and often its page: a video, the terms
    # in that language). Empty: shown to readers of any language that has no links of its own.
    locale = models.CharField(
        max_length=10, blank=True, default="", validators=[validate_served_locale],
        help_text=_("Shown to readers of this language only (e.g. es). Empty: to readers of every "
                    "language without links of its own."),
    )

    class Meta:
        ordering = ["plan", "position", "pk"]

    def __str__(self):
        return f"{self.plan}: {self.label}"


def new_reference() -> str:
    # No 0/O/1/I/L: references are read out on the phone.
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "LUM-" + "".join(secrets.choice(alphabet) for _ in range(7))


# Statuses in which a ticket still needs someone (solved and closed ones do not).
OPEN_STATUSES = ("new", "open", "pending")


class Ticket(models.Model):
    """Something a customer needs from a team: a request, a callback, an escalated post."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Pending")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Source(models.TextChoices):
        REQUEST_FORM = "request_form", _("Request form")
        CALLBACK = "callback", _("Callback")
        COMMUNITY_POST = "community_post", _("Community post")

    reference = models.CharField(max_length=16, unique=True, default=new_reference, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tickets", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    source = models.CharField(max_length=20, choices=Source.choices)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="requested_tickets")
    requester_email = models.EmailField()
    requester_name = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_tickets")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    solved_at = models.DateTimeField(null=True, blank=True)
    # Request desk: what the requester chose and saw, and how the ticket ended.
    category = models.CharField(max_length=140, blank=True)
    from_article = models.ForeignKey("articles.Article", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", help_text="The article the visitor came from.")
    suggested_article_ids = models.JSONField(default=list, blank=True,
                                             help_text="Articles suggested to the visitor (form and after).")
    solved_by_self_service = models.BooleanField(default=False)
    # Community post escalation: the post an agent turned into this ticket.
    post = models.ForeignKey("articles.Post", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="tickets", help_text="The community post this ticket was escalated from.")
    # SHA-256 of the requester's private link token; the token itself is only in their email.
    access_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The requester's language (active when they asked): every email about the ticket,
    # agents' replies included, is written in it and links to its pages.
    locale = models.CharField(max_length=10, default=default_locale,
                              help_text="The requester's language: emails about this ticket use it.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "status"], name="ticket_team_status"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester"),
        ]
        constraints = [
            # Escalating a post twice must not open two tickets, even when two agents click
            # at once; once solved or closed, a new escalation may open a fresh one.
            models.UniqueConstraint(fields=["post"], condition=Q(post__isnull=False, status__in=OPEN_STATUSES),
                                    name="one_open_ticket_per_post"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.subject}"


class Callback(models.Model):
    """The phone side of a callback ticket: who to call, when, and how it went."""

    class Reason(models.TextChoices):
        PRICE = "price", _("It costs too much")
        NOT_USING = "not_using", _("I don't use it enough")
        MISSING_FEATURE = "missing_feature", _("A feature I need is missing")
        PROBLEM = "problem", _("A problem I couldn't solve")
        SWITCHING = "switching", _("Moving to another product")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        NONE = "", _("Not called yet")
        RETAINED = "retained", _("Reached — customer stays")
        CANCELLED = "cancelled", _("Reached — customer cancels")
        NO_ANSWER = "no_answer", _("No answer — retry")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="callback")
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +14155552671.")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="callbacks", null=True, blank=True)
    account_email = models.EmailField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reason_detail = models.TextField(blank=True)
    due_at = models.DateTimeField(help_text="Start of the slot the customer chose (or the retry slot).")
    slot_ends_at = models.DateTimeField()
    consent_at = models.DateTimeField()
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="claimed_callbacks")
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.TextField(blank=True)
    done = models.BooleanField(default=False, help_text="No further call is planned.")

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["done", "due_at"], name="callback_queue")]

    def __str__(self):
        return f"Call {self.phone} at {self.due_at:%Y-%m-%d %H:%M %Z} ({self.ticket.reference})"


class FlowEvent(models.Model):
    """What the cancel flow showed and what the visitor did, for the deflection figures.

    ``visitor`` is the daily visitor hash of ``kb.analytics.visitor_hash_for``, enough
    to count distinct visitors and nothing more.
    """

    class Kind(models.TextChoices):
        ROUTE_SHOWN = "route_shown", _("Route shown")
        LINK_CLICKED = "link_clicked", _("Self-service link clicked")
        CALLBACK_REQUESTED = "callback_requested", _("Callback requested")
        CALLBACK_OUTCOME = "callback_outcome", _("Callback outcome recorded")

    class Route(models.TextChoices):
        CALLBACK = "callback", _("Callback (open)")
        SELF_SERVICE = "self_service", _("Self-service (closed)")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    route = models.CharField(max_length=16, choices=Route.choices, blank=True)
    plan = models.ForeignKey(Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    link = models.ForeignKey(PlanLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    detail = models.CharField(max_length=32, blank=True, help_text="e.g. the callback outcome.")
    visitor = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "at"], name="flow_event_kind_at")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.route} {self.at:%Y-%m-%d %H:%M}"


# --- The request desk ------------------------------------------------------------------


class TicketMessage(models.Model):
    """One reply on a ticket: public (the requester sees it) or an internal note (agents only)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    author_email = models.EmailField(blank=True)
    body = models.TextField(max_length=10000)
    internal = models.BooleanField(default=False)
    by_agent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_message_ticket")]

    def __str__(self):
        return f"{'Note' if self.internal else 'Reply'} on {self.ticket_id} at {self.created_at:%Y-%m-%d %H:%M}"


class TicketAttachment(models.Model):
    """A file sent with a request. Stored under a server-chosen name outside the public
    media directory and only served by an access-checked view, as a download."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class Deflection(models.Model):
    """A visitor said a suggested article answered their question: a request not sent."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="deflections")
    query = models.CharField(max_length=200, blank=True)
    visitor = models.CharField(max_length=64, blank=True, help_text="Keyed hash of the session key.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], name="deflection_created_at")]

    def __str__(self):
        return f"{self.article_id} “{self.query}” {self.created_at:%Y-%m-%d}"
