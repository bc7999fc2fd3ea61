"""``manage.py db_worker``: django-tasks-db's worker, with recovery of tasks whose worker
died and a loop that outlives a database outage (kb.task_workers).

kb comes before django_tasks_db in INSTALLED_APPS, so this command replaces the library's
under the same name: ``bin/serve``, docs/deploy.md and any supervisor keep running
``manage.py db_worker`` and get both.
"""

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django.utils import timezone
from django_tasks_db.compat import task_finished, task_started
from django_tasks_db.management.commands import db_worker

from kb.task_workers import Watchdog, stale_tasks_requeue

logger = logging.getLogger("kb.task_workers")

#: Waits between attempts while the database is away: 1, 2, 4 ... seconds, at most this.
MAX_RETRY_SECONDS = 30
#: A loop that ran this long before failing starts its waits from 1 s again.
HEALTHY_RUN_SECONDS = 60


class Command(db_worker.Command):
    help = (db_worker.Command.help + "; tasks left running by a dead worker run again after KB_TASK_STALE_AFTER "
            "seconds, and a database outage is waited out")

    def handle(self, *args, **options):
        watchdog = Watchdog(clock=timezone.now)
        task_started.connect(watchdog.started, weak=False, dispatch_uid="kb-task-watchdog-started")
        task_finished.connect(watchdog.finished, weak=False, dispatch_uid="kb-task-watchdog-finished")
        self._recover_at_start()
        watchdog.start()
        wait = 1
        try:
            while True:
                started = time.monotonic()
                try:
                    return super().handle(*args, **options)
                except (OperationalError, InterfaceError) as error:
                    # A task cut short here is not running any more: no heartbeat for it, so
                    # it is requeued once the bound has passed.
                    watchdog.running_task = None
                    if time.monotonic() - started > HEALTHY_RUN_SECONDS:
                        wait = 1
                    logger.warning("Database unavailable (%s: %s): the task worker tries again in %d s",
                                   type(error).__name__, str(error).strip(), wait)
                    connections.close_all()
                    time.sleep(wait)
                    wait = min(wait * 2, MAX_RETRY_SECONDS)
        finally:
            watchdog.stop()

    def _recover_at_start(self):
        try:
            requeued = stale_tasks_requeue(now=timezone.now())
        except (OperationalError, InterfaceError):
            return  # the watchdog tries again at its first tick
        if requeued:
            logger.warning("Requeued %d task(s) left running by a dead worker", requeued)
