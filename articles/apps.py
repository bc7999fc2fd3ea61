from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Help center"

    def ready(self):
        # Cached anonymous pages are invalidated by the changes they show.
        from . import cache as page_cache_signals

        page_cache_signals.connect()

        # Saving a notification event schedules its delivery task after commit.
        from . import tasks

        tasks.connect()

        # What manage.py housekeeping prunes of this app (kb.housekeeping is a registry).
        from . import housekeeping

        housekeeping.register()
