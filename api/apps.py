from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The Zendesk-shaped Help Center API (``/api/v2/help_center/...``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"

    def ready(self):
        # A deleted attachment's file goes after the commit, also when its article is deleted.
        from . import signals

        signals.connect()

        # What manage.py housekeeping prunes of this app (kb.housekeeping is a registry).
        from . import housekeeping

        housekeeping.register()
