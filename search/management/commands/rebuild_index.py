from django.core.management.base import BaseCommand

from search.backends.base import get_backend
from search.index import index_rebuild


class Command(BaseCommand):
    help = ("Build a fresh search index from the database and swap it in atomically; "
            "searches keep being answered from the old index meanwhile.")

    def handle(self, *args, **options):
        backend = get_backend()
        count, report = index_rebuild(backend=backend)
        caught_up = len(report.missing) + len(report.stale) + len(report.orphans)
        self.stdout.write(self.style.SUCCESS(
            f"Indexed {count} documents with the {backend.name} backend"
            + (f"; caught up with {caught_up} changes made meanwhile." if caught_up else ".")
        ))
