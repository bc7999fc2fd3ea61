"""A task for the worker tests (test_resilience_tasks.py): it marks each run in a folder
and holds until the test releases it, so a worker can be killed mid-task."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def hold(directory: str) -> str:
    folder = Path(directory)
    (folder / f"started-{os.getpid()}").touch()
    deadline = time.monotonic() + 120
    while not (folder / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.05)
    (folder / f"finished-{os.getpid()}").touch()
    return "done"
