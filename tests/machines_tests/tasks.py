"""Tasks the several-machines tests enqueue to watch task workers from outside: each run
leaves a file in ``KB_TEST_TASK_RUNS``, so a test counts how often each task ran, whichever
worker process ran it."""

import os
import time
import uuid
from pathlib import Path

from django_tasks import task


def _runs() -> Path:
    return Path(os.environ["KB_TEST_TASK_RUNS"])


@task()
def record_run(n: int, pause: float = 0.0) -> int:
    """One file per run: ``<n>.<unique>``."""
    time.sleep(pause)
    (_runs() / f"{n}.{uuid.uuid4().hex}").touch()
    return n


@task()
def finish_after_restart(name: str) -> str:
    """An idempotent task whose first run hangs (until its worker is killed): it marks that it
    started, waits, and only a later run, finding the mark, completes."""
    started = _runs() / f"{name}.started"
    if not started.exists():
        started.touch()
        time.sleep(600)
    (_runs() / f"{name}.done.{uuid.uuid4().hex}").touch()
    return name
