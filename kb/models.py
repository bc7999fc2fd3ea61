"""Site-wide infrastructure stored in the database: rate-limit counters and the email outbox."""

from django.db import models
from django.utils import timezone


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
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

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
