"""Send the emails that are due in the outbox (first attempts that failed, retries).

Run it from cron every minute, or keep it running with ``--loop 60``.
"""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from kb.mail import send_due_emails


class Command(BaseCommand):
    help = "Send pending outbox emails whose next attempt is due (retries failed sends with backoff)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="At most this many emails per run.")
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="Keep running, checking the outbox every SECONDS.")

    def handle(self, *args, limit, loop, **options):
        while True:
            counts = send_due_emails(at=timezone.now(), limit=limit)
            self.stdout.write(
                f"sent {counts['sent']}, will retry {counts['retry']}, gave up {counts['failed']}, "
                f"skipped {counts['skipped']}"
            )
            if not loop:
                return
            time.sleep(loop)
