"""Testing a data migration: write rows as an older schema had them, then upgrade."""

from contextlib import contextmanager

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@contextmanager
def at_migration(app_label: str, name: str, *also: tuple[str, str]):
    """Migrate back to ``app_label.name`` (and the ``also`` nodes, for the models of other
    apps) and give its models (``apps.get_model``); on leaving the block, migrate forward
    to the latest again, running the data migrations over what the block wrote. Use with
    ``django_db(transaction=True)``."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    target = [(app_label, name), *also]
    executor.migrate(target)
    try:
        yield MigrationExecutor(connection).loader.project_state(target).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
