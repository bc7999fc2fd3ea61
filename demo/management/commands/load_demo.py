"""``manage.py load_demo``: fill an empty site with the Lumora demo, safely on every start."""

from django.core.management.base import BaseCommand
from django.db import transaction

from demo import articles, tickets

# Called as ``loader(stdout=...)``, in this order, in one transaction: the help center
# first (accounts, articles), then the request desk and its analytics history.
LOADERS = [articles.load, tickets.load]


class Command(BaseCommand):
    help = (
        "Load the Lumora demo help center (articles, community, demo accounts, teams, "
        "requests). Idempotent: creates only what is missing, so it is safe to run on "
        "every start."
    )

    def handle(self, *args, **options):
        # All or nothing: a failing loader leaves no half-loaded demo behind.
        with transaction.atomic():
            for loader in LOADERS:
                loader(stdout=self.stdout)
