"""A task worker killed mid-task: the task runs again, once, after a bounded time; a live
worker's long task is never taken from it; the worker waits out a database outage
(kb.task_workers, kb's ``manage.py db_worker``).

The process tests run real ``manage.py db_worker`` processes against a migrated SQLite
file (as test_sqlite_concurrency.py does) and SIGKILL one of them."""

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.management.commands import db_worker as library_db_worker
from django_tasks_db.models import DBTaskResult

from kb import task_workers
from kb.management.commands import db_worker

from .conftest import BASE_DIR, base_env, run_script
from .worker_tasks import hold

STALE_AFTER = 2  # seconds: heartbeats every 0.67 s


def wait_for(condition, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Site:
    """A migrated SQLite site in ``directory`` with a queued ``hold`` task."""

    def __init__(self, directory: Path, migrated_sqlite: Path):
        self.directory = directory
        self.database = directory / "kb.sqlite3"
        self.database.write_bytes(migrated_sqlite.read_bytes())
        self.marks = directory / "marks"
        self.marks.mkdir()
        self.env = base_env(directory, KB_TASK_BACKEND="database", KB_TASK_STALE_AFTER=str(STALE_AFTER))
        self.workers: list[subprocess.Popen] = []
        self.task_id = run_script(self.env, f"""
from tests.kb_tests.worker_tasks import hold
print(json.dumps({{"id": str(hold.enqueue({str(self.marks)!r}).id)}}))
""")["id"]

    def worker(self) -> subprocess.Popen:
        log = open(self.directory / f"worker-{len(self.workers)}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
            cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.workers.append(process)
        return process

    def status(self) -> str:
        with sqlite3.connect(self.database) as db:
            return db.execute("SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
                              [self.task_id.replace("-", "")]).fetchone()[0]

    def runs(self, kind: str) -> list[int]:
        return sorted(int(path.name.split("-")[1]) for path in self.marks.glob(f"{kind}-*"))

    def release(self):
        (self.marks / "release").touch()

    def stop(self):
        for process in self.workers:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def site(tmp_path, migrated_sqlite):
    site = Site(tmp_path, migrated_sqlite)
    yield site
    site.stop()


def test_a_task_whose_worker_was_killed_runs_again_once_on_another_worker(site):
    first = site.worker()
    wait_for(lambda: site.runs("started"), what="the first worker to start the task")
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert site.status() == "RUNNING"  # what django-tasks-db alone leaves for ever

    site.release()
    second = site.worker()
    wait_for(lambda: site.status() == "SUCCESSFUL", timeout=STALE_AFTER + 60, what="the task to be run again")

    assert site.runs("started") == sorted([first.pid, second.pid])
    assert site.runs("finished") == [second.pid]


def test_a_live_workers_long_task_is_never_taken_from_it(site):
    first = site.worker()
    wait_for(lambda: site.runs("started"), what="the first worker to start the task")
    site.worker()
    wait_for(lambda: "Starting worker" in (site.directory / "worker-1.log").read_text(), what="the second worker")
    time.sleep(3 * STALE_AFTER)  # the task runs far longer than the bound

    site.release()
    wait_for(lambda: site.status() == "SUCCESSFUL", what="the task to finish")
    assert site.runs("started") == [first.pid]
    assert site.runs("finished") == [first.pid]


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.KB_TASK_STALE_AFTER = 300


def running(started_at) -> DBTaskResult:
    result = hold.enqueue("unused")
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", started_at=started_at)
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db
def test_only_tasks_silent_longer_than_the_bound_are_requeued(database_tasks):
    now = timezone.now()
    dead = running(now - timedelta(seconds=301))
    alive = running(now - timedelta(seconds=299))
    finished = running(now - timedelta(hours=1))
    DBTaskResult.objects.filter(pk=finished.pk).update(status="SUCCESSFUL")

    assert task_workers.stale_tasks_requeue(now=now) == 1

    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {dead.pk: "READY", alive.pk: "RUNNING", finished.pk: "SUCCESSFUL"}
    assert DBTaskResult.objects.ready().filter(pk=dead.pk).exists()  # claimable by any worker


@pytest.mark.django_db
def test_the_watchdog_beats_for_the_running_task_and_requeues_dead_ones(database_tasks):
    now = timezone.now()
    mine = running(now - timedelta(seconds=250))
    dead = running(now - timedelta(seconds=400))
    watchdog = task_workers.Watchdog(clock=lambda: now + timedelta(seconds=100))
    watchdog.started(None, mine.task_result)

    watchdog.tick()

    mine.refresh_from_db()
    dead.refresh_from_db()
    assert mine.status == "RUNNING" and mine.started_at == now + timedelta(seconds=100)
    assert dead.status == "READY"


def test_the_worker_waits_out_a_database_outage_and_runs_on(database_tasks, monkeypatch):
    """django-tasks-db's loop stops at a database error; kb's command starts it again."""
    loops, waits = [], []

    def library_loop(self, *args, **options):
        loops.append(options["reload"])
        if len(loops) < 3:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(library_db_worker.Command, "handle", library_loop)
    monkeypatch.setattr(db_worker.time, "sleep", waits.append)
    monkeypatch.setattr(task_workers.Watchdog, "start", lambda self: None)
    monkeypatch.setattr(db_worker.Command, "_recover_at_start", lambda self: None)

    call_command("db_worker", "--no-reload")

    assert loops == [False, False, False]
    assert waits == [1, 2]
