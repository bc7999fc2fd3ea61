from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        # The index follows every content save (after commit, as tasks); synonym edits
        # clear the per-process synonym cache; cached search pages follow both.
        from articles import selectors

        from . import related, signals

        signals.connect()
        # The article page lists related articles by meaning when embeddings exist.
        if related.related_by_meaning not in selectors.RELATED_FINDERS:
            selectors.RELATED_FINDERS.append(related.related_by_meaning)
