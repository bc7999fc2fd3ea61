"""Site-wide infrastructure stored in the database: rate-limit counters, the email outbox,
pending sign-ups and the daily visitor counts."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .i18n import default_locale


class ThrottleWindow(models.Model):
    """How often one key hit one scope in one fixed time window.

    Stored in the database (not the cache) because the default cache is per-process
    LocMem: with several gunicorn workers a cache counter would let every worker allow
    the full rate. The key is an HMAC, never the raw IP address or phone number.
    """

    scope = models.CharField(max_length=64)
    key_hash = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    window_seconds = models.PositiveIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key_hash", "window_seconds", "window_start"], name="throttle_one_counter_per_window"
            ),
        ]
        indexes = [models.Index(fields=["window_start"], name="throttle_window_start")]

    def __str__(self):
        return f"{self.scope} {self.key_hash[:8]}… {self.hits} since {self.window_start:%Y-%m-%d %H:%M}"


class OutgoingEmail(models.Model):
    """One email waiting to be sent, or sent: the outbox.

    Rows are written inside the caller's transaction, so an email exists exactly when the
    ticket (or reply) that caused it does; sending happens after commit and is retried
    with backoff until it succeeds or ``MAX_ATTEMPTS`` is reached.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")

    to = models.JSONField(help_text="List of recipient addresses.")
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    from_email = models.CharField(max_length=255, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # What the email is about, for admins and tests ("tickets.callback_confirmation").
    kind = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]
        verbose_name = "outgoing email"

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)} ({self.get_status_display()})"


class PendingSignUp(models.Model):
    """A sign-up waiting for its owner to confirm the email address (kb.accounts.services).

    No ``User`` exists until then, so a pending sign-up reserves neither its username nor
    its address: nobody can learn whether an address has an account by watching which
    usernames become taken. The password is kept as Django hashes it, never in clear, and
    the row goes once confirmed or expired.
    """

    username = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    password = models.CharField(max_length=128, help_text="A password hash (make_password).")
    next_url = models.CharField(max_length=2000, blank=True)
    # The language the visitor signed up in: the confirmation email is written in it.
    locale = models.CharField(max_length=10, default=default_locale)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="pending_signup_created")]

    def __str__(self):
        return f"{self.username} <{self.email}> (pending since {self.created_at:%Y-%m-%d %H:%M})"


# --- Visitor counting (kb.analytics) ------------------------------------------------------


class DailySalt(models.Model):
    """The random salt visitor hashes are made with on one day.

    Deleted as soon as a later day's salt is made: once it is gone, nobody (not even
    someone holding SECRET_KEY and the database) can tell whether a given IP address or
    session produced a stored hash, and the same visitor on two days cannot be linked.
    """

    date = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self):
        return f"salt of {self.date}"


class VisitorDay(models.Model):
    """One visitor on one day, known only by a hash salted with that day's salt.

    A visitor is counted per day by design (the hash changes daily), so a week's visitors
    are the sum of its daily visitors.
    """

    date = models.DateField()
    visitor_hash = models.CharField(max_length=64)
    saw_help_center = models.BooleanField(default=False, help_text="Opened a help-center page (beacon).")
    submitted_request = models.BooleanField(default=False, help_text="Sent the request form.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "visitor_hash"], name="one_visitor_row_per_day"),
        ]
        indexes = [models.Index(fields=["date"], name="visitor_day_date")]

    def __str__(self):
        return f"{self.date} {self.visitor_hash[:8]}…"
