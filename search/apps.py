from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        # The index follows every content save (after commit, as tasks); synonym edits
        # clear the per-process synonym cache; cached search pages follow both.
        from . import signals

        signals.connect()
