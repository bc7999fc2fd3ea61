"""API tokens: what scripts and integrations (zenpy, Zendesk's own clients) sign in with."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A secret that acts as its user on the API, sent as HTTP Basic ``email/token:TOKEN``
    or as ``Authorization: Bearer TOKEN``.

    Only a keyed hash of the secret is stored (``kb.hashing``): a copy of the database
    signs nobody in. The secret is shown once, when it is made (``manage.py api_token``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the secret, so its owner can tell their tokens apart.
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Recorded to within a few minutes (see services.TOUCH_EVERY): a write per request
    # would serialise every API call of a busy script on SQLite.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name or 'API token'} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
