"""Task workers that die, and databases that go away under them.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when
the worker is done. A worker killed in between (SIGKILL, the out-of-memory killer, a machine
lost) leaves the task RUNNING for ever: nothing runs it again. kb's ``manage.py db_worker``
(kb/management/commands/db_worker.py, which replaces django-tasks-db's command of the same
name) adds two things:

- **A heartbeat.** While a worker runs a task, a thread of the worker writes the task's
  ``started_at`` again every ``heartbeat_seconds()`` (a third of the bound, at most a
  minute). For a RUNNING task, ``started_at`` is therefore its worker's last sign of life,
  however long the task itself takes (an index rebuild of a large category).
- **Recovery.** At start and then every ``heartbeat_seconds()``, each worker puts back to
  READY every task RUNNING whose ``started_at`` is older than ``KB_TASK_STALE_AFTER`` seconds
  (300 by default): its worker has been silent three heartbeats, so it is dead. One UPDATE,
  so two workers recovering at once requeue a task once; any worker then claims it as usual
  (``SELECT ... FOR UPDATE SKIP LOCKED``) and runs it again from the start.

Running a task again is safe because kb's tasks are idempotent: index updates set the index
to what the database holds; emails go through the outbox, whose claim (kb.mail) lets one
send through per claim window; follower deliveries fan out only the events still pending.
What "again" cannot undo: an email the mail server had accepted just before the worker was
killed, before the outbox row was marked sent, goes out twice (at least once, never lost).

The bound assumes the machines' clocks agree within a minute (NTP). A worker that cannot
reach the database for longer than the bound may see its task requeued and run elsewhere
too; kb's tasks tolerate that for the same reason.

The worker also outlives a database outage: django-tasks-db's loop stops at the first
database error, and with ``bin/serve`` that would stop the web server too (either process
ending ends both). kb's command waits and starts the loop again, backing off to 30 s.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

#: A worker's heartbeat is at most this many seconds apart.
MAX_HEARTBEAT_SECONDS = 60.0


def stale_after() -> timedelta:
    return timedelta(seconds=settings.KB_TASK_STALE_AFTER)


def heartbeat_seconds() -> float:
    return min(MAX_HEARTBEAT_SECONDS, settings.KB_TASK_STALE_AFTER / 3)


def stale_tasks_requeue(*, now: datetime) -> int:
    """Put back to READY the tasks RUNNING without a sign of life for ``stale_after()``;
    returns how many."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - stale_after()
    ).update(status=TaskResultStatus.READY)


def running_task_heartbeat(*, task_id: str, now: datetime) -> bool:
    """Record that the worker running ``task_id`` is alive (its ``started_at``)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return bool(DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(started_at=now))


class Watchdog:
    """The worker's thread: heartbeat of the running task, recovery of dead workers' tasks.

    ``started``/``finished`` are receivers of django-tasks' ``task_started`` and
    ``task_finished`` signals, which the worker sends around every task it runs."""

    def __init__(self, clock):
        self.clock = clock  # () -> aware datetime
        self.running_task: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="kb-task-watchdog", daemon=True)

    def started(self, sender, task_result, **kwargs) -> None:
        self.running_task = str(task_result.id)

    def finished(self, sender, task_result, **kwargs) -> None:
        self.running_task = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def tick(self) -> None:
        """One heartbeat and one recovery pass; a database error waits for the next tick."""
        try:
            task_id = self.running_task
            if task_id is not None:
                running_task_heartbeat(task_id=task_id, now=self.clock())
            requeued = stale_tasks_requeue(now=self.clock())
            if requeued:
                logger.warning("Requeued %d task(s) left running by a worker silent for %d s (KB_TASK_STALE_AFTER)",
                               requeued, settings.KB_TASK_STALE_AFTER)
        except Exception as error:  # noqa: BLE001 — the database away: try again next tick
            logger.warning("Task heartbeat and recovery failed (%s: %s); trying again in %.0f s",
                           type(error).__name__, error, heartbeat_seconds())

    def _loop(self) -> None:
        while not self._stop.wait(heartbeat_seconds()):
            try:
                self.tick()
            finally:
                connections.close_all()  # this thread's only: no connection kept between ticks
