from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Help center"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kb.permissions import ensure_agents_group

        # After permissions exist (they are created by post_migrate too, earlier in the
        # app order), make sure the Agents group holds them: a fresh database, a test
        # database and an upgraded one all end up with the same role.
        post_migrate.connect(ensure_agents_group, sender=self)

        # Search: index updates follow every content save (after commit, as tasks).
        from .search import signals as search_signals

        search_signals.connect()

        # Cached anonymous pages are invalidated by the changes they show.
        from . import cache as page_cache_signals

        page_cache_signals.connect()
