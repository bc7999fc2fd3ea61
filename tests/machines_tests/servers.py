"""The processes of a several-machines deployment, each started by the test itself: a
PostgreSQL cluster of its own (initdb in a temporary directory, on a free port), kb web
servers (bin/serve with KB_WORKER=false, each with its own KB_DATA_DIR, as on separate
machines) and task workers (``manage.py db_worker``).

A PostgreSQL of the test's own, rather than the one DATABASE_URL names, so the module runs
the same in both CI passes (SQLite and PostgreSQL) and may stop and restart the database
without disturbing any other test or helper."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.services import free_port

BASE_DIR = Path(__file__).resolve().parents[2]


def postgres_bin() -> Path:
    """The newest PostgreSQL's programs (Debian keeps each major version apart)."""
    root = Path("/usr/lib/postgresql")
    versions = sorted((p for p in root.glob("*") if (p / "bin" / "initdb").exists()),
                      key=lambda p: int(p.name) if p.name.isdigit() else 0)
    if not versions:
        raise RuntimeError(
            'These tests need PostgreSQL: run "sudo apt-get install postgresql" (Debian/Ubuntu).')
    return versions[-1] / "bin"


class PostgresServer:
    """One PostgreSQL cluster: loopback only, trust authentication, no fsync (a test's
    data need not survive a power cut, and fsync would dominate the run time).

    initdb refuses to run as root: as root the cluster belongs to the ``postgres`` OS user
    and its programs run through ``runuser``. ``stop()`` and ``start()`` keep the port and
    the data, as a restarted production database does."""

    def __init__(self, port: int | None = None, user: str = "kb"):
        self.bin = postgres_bin()
        # Not under pytest's tmp_path: that is private to the user running the tests, and
        # as root the cluster's owner is another user, who must be able to reach it.
        self.directory = Path(tempfile.mkdtemp(prefix="kb-postgres-"))
        self.data = self.directory / "data"
        self.port = port or free_port()
        self.user = user
        self.as_root = os.geteuid() == 0
        self.log = self.directory / "postgres.log"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if check and done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done

    def url(self, database: str = "kb") -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}"

    def init(self) -> PostgresServer:
        if self.as_root:
            shutil.chown(self.directory, "postgres", "postgres")
            self.directory.chmod(0o700)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "-A", "trust",
                  "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.directory}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 100\nshared_buffers = 32MB\n")
        return self

    def start(self) -> PostgresServer:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop",
                  check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def create_database(self, name: str) -> str:
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return self.url(name)

    def sql(self, statement: str, database: str = "kb") -> str:
        done = self._run(str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
                         "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", statement)
        return done.stdout.strip()


def kb_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """A production-like environment for one kb machine: DEBUG off, nothing inherited that
    would point it at another database, cache or setting."""
    drop = {
        "DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "KB_HTTPS", "CACHE_URL",
        "KB_TASK_BACKEND", "KB_SEARCH_BACKEND", "KB_SEARCH_INDEX_DIR", "DJANGO_SETTINGS_MODULE",
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "CSRF_TRUSTED_ORIGINS", "KB_TRUSTED_PROXY_COUNT",
        "DJANGO_ALLOW_ASYNC_UNSAFE", "KB_MEDIA_ROOT", "EMAIL_BACKEND", "KB_BIND", "PORT",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    data_dir.mkdir(parents=True, exist_ok=True)
    env.update({
        "KB_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "kb.settings",
        "PYTHONUNBUFFERED": "1",
        "PY": sys.executable,
        "DEBUG": "False",
        # Plain http on loopback: a TLS proxy would sit in front of these in production.
        "KB_HTTPS": "false",
        "KB_SEARCH_BACKEND": "postgres",
        "KB_SEARCH_SEMANTIC": "false",
        "KB_TASK_BACKEND": "database",
        "KB_ACCESS_LOG": "",
    })
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


class Process:
    """A long-running child in its own process group, so a kill reaches all its children
    (gunicorn's workers), with its output in a log file for the failure message."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path):
        self.name, self.args, self.env, self.log_path = name, args, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> Process:
        self.log_file = open(self.log_path, "ab")  # noqa: SIM115  (closed in stop)
        self.process = subprocess.Popen(self.args, cwd=BASE_DIR, env=self.env, stdout=self.log_file,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL to the whole group: what a machine losing power does to its processes."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process = None
        self.log_file.close()

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None
        self.log_file.close()


class WebServer(Process):
    """One kb machine's web server, as bin/serve runs it (gunicorn with kb/gunicorn_conf.py,
    DEBUG off, WhiteNoise serving the collected static files) but without bin/serve's
    preparation: the database is migrated once for all machines, and the static files are
    collected once and linked into each machine's folder (collectstatic alone takes ~25 s)."""

    def __init__(self, name: str, data_dir: Path, env: dict[str, str], workers: int = 2):
        self.port = free_port()
        env = {**env, "PORT": str(self.port), "WEB_CONCURRENCY": str(workers)}
        super().__init__(name, [sys.executable, "-m", "gunicorn", "-c", "kb/gunicorn_conf.py", "kb.wsgi:application"],
                         env, data_dir / f"{name}.log")
        self.data_dir = data_dir

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> WebServer:
        super().start()
        return self

    def start(self) -> WebServer:
        return self.launch().wait_ready()

    def wait_ready(self, timeout: float = 90) -> WebServer:
        deadline = time.monotonic() + timeout
        while True:
            if not self.running:
                raise RuntimeError(f"{self.name} stopped while starting:\n{self.log()}")
            try:
                requests.get(self.url + "/robots.txt", timeout=10)
                return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer within {timeout} s:\n{self.log()}")
            time.sleep(0.1)


class TaskWorker(Process):
    """``manage.py db_worker``: polls the database queue; any number may run side by side.
    Each start gets a new worker id (``<name>-<n>``), which the task rows record."""

    def __init__(self, name: str, data_dir: Path, env: dict[str, str], interval: float = 0.1):
        super().__init__(name, [], env, data_dir / f"{name}.log")
        self.interval = interval
        self.starts = 0
        self.worker_id = ""

    def start(self) -> TaskWorker:
        self.starts += 1
        self.worker_id = f"{self.name}-{self.starts}"
        self.args = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", str(self.interval),
                     "--worker-id", self.worker_id, "-v", "2"]
        return super().start()
