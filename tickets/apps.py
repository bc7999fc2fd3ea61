from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Requests and office hours"

    def ready(self):
        # The cached cancel-flow page is invalidated by the office-hours and plan changes it shows.
        from . import cache as page_cache_signals

        page_cache_signals.connect()

        # What manage.py housekeeping prunes of this app (kb.housekeeping is a registry).
        from . import housekeeping

        housekeeping.register()

        # Agents see a post's open escalation ticket on the post page (read with the post).
        from articles import selectors as articles_selectors

        from .selectors.requests import open_ticket_reference

        articles_selectors.AGENT_POST_ANNOTATIONS["open_ticket_reference"] = open_ticket_reference
