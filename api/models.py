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


class ArticleAttachment(models.Model):
    """A file attached to an article through the API (Zendesk's article attachments).

    Images (PNG, JPEG, GIF, WebP) are checked and re-encoded like the editor's and stored
    on kb's uploads path, so an article body may show them (``inline``) and anyone with the
    address may load them, as with every article image. Other files (PDF, text) are stored
    outside the media folder and served by an access-checked view to whoever may read the
    article. ``article`` is empty for a file uploaded before its article exists (Zendesk's
    unassociated attachments), until it is associated.
    """

    article = models.ForeignKey("articles.Article", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="api_attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    inline = models.BooleanField(default=False)
    # An image: its name in the default storage (under MARKDOWNX_MEDIA_PATH); another
    # file: its server-chosen name in the private attachments folder.
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    # The attachment's id on the help center it was imported from (import_zendesk): a
    # second import finds it instead of storing the file again.
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["article", "created_at"], name="article_attachment_article")]

    def __str__(self):
        return self.file_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
