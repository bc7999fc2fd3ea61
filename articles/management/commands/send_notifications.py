"""Fan out follower notifications and send the digests that are due.

Run it from cron every minute (or keep it running with ``--loop 60``) next to
``send_queued_email``: this command queues digests in the outbox, that one retries
the sends that failed.
"""

import time

from django.core.management.base import BaseCommand

from articles.notifications import notifications_deliver
from kb import clock


class Command(BaseCommand):
    help = "Fan out new follower notifications and queue the digest emails that are due."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="Keep running, checking every SECONDS.")

    def handle(self, *args, loop, **options):
        while True:
            counts = notifications_deliver(at=clock.now())
            self.stdout.write(
                f"{counts['notifications']} new notification(s), {counts['emails']} digest email(s) queued"
            )
            if not loop:
                return
            time.sleep(loop)
