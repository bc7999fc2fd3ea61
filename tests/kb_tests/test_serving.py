"""Where a development configuration may be served (kb/serving.py): on loopback with no
set-up at all; on any other address only with DEBUG off, SECRET_KEY and ALLOWED_HOSTS set,
or the server refuses to start, naming what to set. Each server runs in its own process,
on a free port, only as long as the test needs it."""

import shutil
import signal
import subprocess
import sys
import time
from http.client import HTTPConnection
from types import SimpleNamespace

import pytest

from kb.serving import is_local, refusal
from tests.services import free_port

from .conftest import BASE_DIR, base_env, manage, production_env, run

GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "kb/gunicorn_conf.py"]


def serve(args: list[str], env: dict[str, str], port: int, timeout: float = 60) -> int:
    """Start a server, return the status of its first answer to GET / on 127.0.0.1:``port``
    (redirects not followed), stop it."""
    server = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stdout.read()
            connection = HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("GET", "/")
                return connection.getresponse().status
            except OSError:
                time.sleep(0.1)
            finally:
                connection.close()
        raise AssertionError(f"no answer on port {port} within {timeout} s")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


@pytest.fixture
def site_dir(tmp_path, migrated_sqlite):
    shutil.copy(migrated_sqlite, tmp_path / "kb.sqlite3")
    return tmp_path


def quick_env(data_dir, **overrides):
    """Nothing configured, as after a fresh clone; one gunicorn worker, no embedding model."""
    return base_env(data_dir, KB_SEARCH_SEMANTIC="false", WEB_CONCURRENCY="1", KB_ACCESS_LOG="", **overrides)


@pytest.mark.parametrize("address", ["127.0.0.1:8000", "127.1.2.3:80", "[::1]:8000", "::1", "localhost:8000",
                                     "unix:/run/kb.sock", "127.0.0.1"])
def test_loopback_and_unix_socket_addresses_are_local(address):
    assert is_local(address)


@pytest.mark.parametrize("address", ["0.0.0.0:8000", "0:8000", ":8000", "[::]:8000", "192.168.1.10:8000",
                                     "help.example.com:80", "fd://3", "[::ffff:10.0.0.1]:80"])
def test_any_other_address_counts_as_public(address):
    assert not is_local(address)


def test_a_production_configuration_may_serve_a_public_address():
    production = SimpleNamespace(DEBUG=False, KB_GENERATED_SECRET_KEY=False, KB_ALLOWED_HOSTS_SET=True)

    assert refusal(["0.0.0.0:8000"], production) is None


def test_a_development_configuration_may_serve_loopback():
    development = SimpleNamespace(DEBUG=True, KB_GENERATED_SECRET_KEY=True, KB_ALLOWED_HOSTS_SET=False)

    assert refusal(["127.0.0.1:8000", "[::1]:8000"], development) is None
    assert "0.0.0.0:8000" in refusal(["127.0.0.1:8000", "0.0.0.0:8000"], development)


def test_runserver_refuses_a_public_address_with_nothing_set_and_names_what_to_set(tmp_path):
    done = manage(quick_env(tmp_path), "runserver", f"0.0.0.0:{free_port()}", timeout=60)

    assert done.returncode != 0
    assert "kb refuses to serve 0.0.0.0:" in done.stderr
    assert "Set SECRET_KEY" in done.stderr
    assert "ALLOWED_HOSTS" in done.stderr
    assert "DEBUG" not in done.stderr.partition("Set ")[2]  # DEBUG is off by default
    assert "Starting development server" not in done.stdout


def test_runserver_refuses_debug_on_a_public_address_even_when_otherwise_configured(tmp_path):
    env = production_env(tmp_path, DEBUG="true")

    done = manage(env, "runserver", f"192.0.2.1:{free_port()}", "--noreload", timeout=60)

    assert done.returncode != 0
    assert "Set DEBUG=false" in done.stderr
    assert "SECRET_KEY" not in done.stderr
    assert "ALLOWED_HOSTS" not in done.stderr


def test_make_run_serves_loopback_with_nothing_set_but_debug(site_dir):
    """What `make run` does: DEBUG=true, runserver on 127.0.0.1, no key, no host names."""
    port = free_port()
    args = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]

    status = serve(args, quick_env(site_dir, DEBUG="true"), port)

    assert status == 200
    assert (site_dir / "secret_key").exists()


@pytest.mark.parametrize("how", ["KB_BIND", "-b"])
def test_gunicorn_refuses_a_public_address_with_nothing_set(tmp_path, how):
    address = f"0.0.0.0:{free_port()}"
    if how == "KB_BIND":
        done = run([*GUNICORN, "kb.wsgi:application"], quick_env(tmp_path, KB_BIND=address), timeout=60)
    else:  # the command line overrides the settings file: the final address is checked
        done = run([*GUNICORN, "-b", address, "kb.wsgi:application"], quick_env(tmp_path), timeout=60)

    assert done.returncode != 0
    assert f"kb refuses to serve {address}" in done.stderr
    assert "Set SECRET_KEY" in done.stderr
    assert "Booting worker" not in done.stderr


def test_gunicorn_serves_loopback_with_nothing_set(site_dir):
    port = free_port()

    status = serve([*GUNICORN, "-b", f"127.0.0.1:{port}", "kb.wsgi:application"], quick_env(site_dir), port)

    assert status == 301  # to https: KB_HTTPS is on unless turned off (bin/serve does, for plain http)


def test_gunicorn_serves_a_public_address_when_configured(site_dir):
    port = free_port()
    env = production_env(site_dir, ALLOWED_HOSTS="127.0.0.1", KB_SEARCH_SEMANTIC="false", WEB_CONCURRENCY="1",
                         KB_ACCESS_LOG="")

    status = serve([*GUNICORN, "-b", f"0.0.0.0:{port}", "kb.wsgi:application"], env, port)

    assert status == 301  # answered: to https, as a production site does


@pytest.mark.parametrize("entry_point", ["kb.wsgi", "kb.asgi"])
def test_another_server_cannot_load_the_application_with_nothing_set(tmp_path, entry_point):
    """uWSGI, mod_wsgi, uvicorn: kb cannot see their address, so it is treated as public."""
    done = run([sys.executable, "-c", f"import {entry_point}"], quick_env(tmp_path))

    assert done.returncode != 0
    assert f"kb refuses to start {entry_point}" in done.stderr
    assert "Set SECRET_KEY" in done.stderr


@pytest.mark.parametrize("entry_point", ["kb.wsgi", "kb.asgi"])
def test_another_server_loads_the_application_when_configured(tmp_path, entry_point):
    done = run([sys.executable, "-c", f"import {entry_point}; print({entry_point}.application)"],
               production_env(tmp_path))

    assert done.returncode == 0, done.stderr
    assert "Handler" in done.stdout


def test_bin_serve_refuses_a_public_bind_before_migrating_anything(tmp_path):
    env = quick_env(tmp_path, KB_BIND=f"0.0.0.0:{free_port()}", PY=sys.executable)

    done = run(["bin/serve"], env, timeout=60)

    assert done.returncode != 0
    assert "kb refuses to serve 0.0.0.0:" in done.stderr and "Set SECRET_KEY" in done.stderr
    assert not (tmp_path / "kb.sqlite3").exists()  # refused before migrate ran
