"""``manage.py load_demo``: fill an empty site with the Lumora demo, safely on every start."""

import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# Each loader is called as ``loader(stdout=...)``, in this order, in one transaction.
DEMO_LOADERS = ["articles.demo.load", "tickets.demo.load"]

# The office-hours demo is written alongside the tickets app and may not exist yet. Only
# a missing *module* is tolerated: if the module exists, any import error in it (or a
# missing ``load``) is a real bug and must stop the command.
OPTIONAL_DEMO_LOADERS = {"tickets.demo.load"}


def _loader_or_none(dotted_path: str):
    module_path = dotted_path.rpartition(".")[0]
    if dotted_path in OPTIONAL_DEMO_LOADERS and importlib.util.find_spec(module_path) is None:
        return None
    return import_string(dotted_path)


class Command(BaseCommand):
    help = (
        "Load the Lumora demo help center (articles, community, demo accounts). "
        "Idempotent: creates only what is missing, so it is safe to run on every start."
    )

    def handle(self, *args, **options):
        # All or nothing: a failing loader leaves no half-loaded demo behind.
        with transaction.atomic():
            for dotted_path in DEMO_LOADERS:
                loader = _loader_or_none(dotted_path)
                if loader is None:
                    self.stdout.write(f"Skipped {dotted_path}: its module does not exist yet.")
                    continue
                loader(stdout=self.stdout)
