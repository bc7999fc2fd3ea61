from django.core.management.base import BaseCommand, CommandError

from search.backends.base import get_backend
from search.index import index_check, index_fix


class Command(BaseCommand):
    help = ("Compare the search index with the database: documents missing from the index, "
            "stale ones (content changed) and orphans (deleted or unpublished), and the "
            "embeddings used for semantic re-ranking. "
            "--fix repairs them. Exits with status 1 when problems remain.")

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Re-index and remove what differs.")

    def handle(self, *args, fix=False, **options):
        backend = get_backend()
        try:
            report = index_check(backend=backend)
        except Exception as exc:
            if not fix:
                raise CommandError(f"The search index cannot be read ({exc}); run with --fix "
                                   "or `manage.py rebuild_index`.") from exc
            from search.index import index_rebuild

            count, _ = index_rebuild(backend=backend)
            self.stdout.write(self.style.SUCCESS(f"Index was unreadable: rebuilt with {count} documents."))
            return
        for label, keys in (("missing", report.missing), ("stale", report.stale),
                            ("orphans", report.orphans),
                            ("embeddings missing or stale", report.unembedded),
                            ("embeddings of unsearchable documents", report.embedding_orphans)):
            shown = ", ".join(keys[:20]) + (" …" if len(keys) > 20 else "")
            self.stdout.write(f"{label}: {len(keys)}" + (f" ({shown})" if keys else ""))
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Index is in step with the database ({report.total} documents)."))
            return
        if not fix:
            raise CommandError("Index differs from the database; run `manage.py check_index --fix`.")
        touched = index_fix(report, backend=backend)
        self.stdout.write(self.style.SUCCESS(f"Repaired {touched} documents."))
