"""gunicorn settings shared by `make serve` (bin/serve) and bench/pages.py's framework floor.

Read from the environment so one file serves a laptop, a container and the benchmark:
  PORT              loopback port to listen on (default 8000)
  KB_BIND           full bind address instead, e.g. 0.0.0.0:8000 behind a proxy on another host
                    (any address but loopback needs SECRET_KEY, ALLOWED_HOSTS and DEBUG off:
                    on_starting below refuses to start otherwise)
  WEB_CONCURRENCY   worker processes (default 2 x CPU cores)
  KB_ACCESS_LOG     access log file, "-" for stdout (default), empty for none
"""

import multiprocessing
import os

from kb import serving

# on_starting checks the bind addresses, so kb/wsgi.py need not treat them as public.
serving.bind_checked_by("gunicorn")

bind = os.environ.get("KB_BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"

# Sync workers: pages are CPU-bound template rendering with short database reads, so one
# request per process and 2 x cores processes keep both cores busy while one waits on I/O.
# Slow clients are the reverse proxy's job (nginx buffers them), as gunicorn recommends.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
worker_class = "sync"

# Import Django once in the master, then fork: faster starts and shared memory pages.
# Django opens database connections lazily, so no connection is shared across the fork.
preload_app = True

timeout = 30
graceful_timeout = 20
keepalive = 2

# Recycle a worker now and then, so a slow leak in a dependency cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500

accesslog = os.environ.get("KB_ACCESS_LOG", "-") or None
errorlog = "-"
# Trust X-Forwarded-* only from a proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn 27's control socket defaults to one path per user ($HOME/.gunicorn); two servers
# (two data dirs, or the benchmark's app and floor) would fight over it. We don't use it.
control_socket_disable = True


def on_starting(server):
    """Refuse, before listening, to serve an address other machines can reach with a
    development configuration (kb/serving.py). Runs on the final bind (a command-line -b
    included), after the app is preloaded and before any socket is opened."""
    addresses = list(server.cfg.bind)
    if all(serving.is_local(address) for address in addresses):
        return  # settings untouched: bench/pages.py serves its own with this file
    from django.conf import settings

    message = serving.refusal(addresses, settings)
    if message:
        raise SystemExit(f"\n{message}\n")


def when_ready(server):
    """Prepare the search embedding model in the master, before the workers are forked:
    the first start on a data directory builds and quantises the ONNX model file (~3 s),
    once, instead of every worker racing to on its first search. Each worker then loads
    its own onnxruntime session from that file (~0.15 s): a session made in the master is
    not fork-safe (search/embeddings.py, ``OnnxEncoder.session``)."""
    from django.conf import settings

    if not getattr(settings, "KB_SEARCH_SEMANTIC", False):
        return
    from search import embeddings

    if embeddings.available():
        embeddings.get_encoder()
