"""manage.py import_articles FILE.jsonl: import help articles, one JSON object per line.

Good lines are imported, each in its own savepoint (committed in batches of
``articles.importing.BATCH_LINES`` lines, so the search index is updated once per batch);
bad lines are reported on stderr with their line numbers and nothing of them is written. The command exits with status 1
when any line failed (the good lines stay imported), so scripts notice. See
``articles.importing`` for the line format.
"""

import contextlib
import sys

from django.core.management.base import BaseCommand, CommandError

from articles.importing import (
    LineError,
    author_by_username,
    default_author,
    import_lines,
)
from articles.signals import articles_imported


class Command(BaseCommand):
    help = (
        "Import articles from a JSON Lines file (use - for standard input). Each line: "
        'title, body (Markdown), section, and optionally category, label_names, '
        "external_id (re-imports update), draft, author."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="JSON Lines file, or - for standard input.")
        parser.add_argument(
            "--author",
            help="Username of the agent credited for lines without an \"author\" "
            "(default: the first agent, else the first superuser).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and write every line, then roll everything back.",
        )

    def handle(self, *args, path, author, dry_run, verbosity, **options):
        if author:
            try:
                author_user = author_by_username(author)
            except LineError as exc:
                raise CommandError(f"--author: {exc}") from None
        else:
            author_user = default_author()

        def report(number: int, message: str) -> None:
            self.stderr.write(f"{path}:{number}: {message}")

        try:
            with contextlib.nullcontext(sys.stdin.buffer) if path == "-" else open(path, "rb") as source:
                result = import_lines(source, author=author_user, dry_run=dry_run, on_failure=report)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None

        prefix = "Dry run, nothing saved: " if dry_run else ""
        self.stdout.write(f"{prefix}{result.summary()}.")
        if not dry_run and (result.created or result.updated):
            articles_imported.send(sender=self.__class__, created=result.created, updated=result.updated)
        if result.failed:
            raise CommandError(
                f"{result.failed} line(s) failed and were not imported"
                + ("." if dry_run else "; the other lines were imported.")
            )
