"""Delete bookkeeping the site no longer needs: sent emails, delivered notifications,
finished task results and orphan attachment files older than ``--days`` (kb/housekeeping.py
holds the registry; each app registers what it prunes).

``bin/serve`` runs it at start; on a server that stays up, run it daily from cron.
"""

from django.core.management.base import BaseCommand

from kb import clock
from kb.housekeeping import RETENTION_DAYS, housekeeping_run


class Command(BaseCommand):
    help = "Delete sent emails, delivered notifications, finished task results and orphan attachment files."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=RETENTION_DAYS,
                            help=f"Keep everything younger than this many days (default {RETENTION_DAYS}).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; delete nothing.")

    def handle(self, *args, days, dry_run, **options):
        if days < 1:
            self.stderr.write("--days must be at least 1.")
            raise SystemExit(2)
        pruned = housekeeping_run(now=clock.now(), days=days, dry_run=dry_run)
        self.stdout.write(("Would delete " if dry_run else "Deleted ") + str(pruned) + ".")
