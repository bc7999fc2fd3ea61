from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The Zendesk-shaped Help Center API (``/api/v2/help_center/...``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"
