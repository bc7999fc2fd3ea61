"""The one rule for where a development configuration may be served (issue 13, defect 4).

With nothing configured, kb runs with DEBUG off, answers only to loopback host names, and
signs with a key generated into ``KB_DATA_DIR/secret_key`` (kb/settings.py). That is safe
on 127.0.0.1 but not a deployment: on an address other machines can reach, the site must
have its own ``SECRET_KEY`` (the same on every machine), the host names it answers to and
DEBUG off. Both servers kb starts check this before they listen: ``manage.py runserver``
(kb/management/commands/runserver.py) and gunicorn (kb/gunicorn_conf.py, ``on_starting``).
Any other server that loads kb/wsgi.py or kb/asgi.py (uWSGI, mod_wsgi, uvicorn, gunicorn
without kb's settings file) hides its address from the application, so there the
configuration is checked as for a public address (``check_entry_point``).

Loopback means 127.0.0.0/8, ::1 and ``localhost``. A Unix socket counts as local too: only a
process on this machine can connect to it. Anything else (0.0.0.0, ::, a LAN address, a host
name, an inherited file descriptor) is treated as public, so an unknown bind fails closed.
"""

from __future__ import annotations

import ipaddress

from django.core.exceptions import ImproperlyConfigured

DOCS = "docs/deploy.md"

#: The launcher of this process that checks its own bind addresses before listening.
_checked_by: str | None = None


def bind_checked_by(launcher: str) -> None:
    """Record that ``launcher`` (runserver, gunicorn) checks its addresses with ``refusal``."""
    global _checked_by
    _checked_by = launcher


def bind_host(address: str) -> str | None:
    """The host part of a runserver or gunicorn bind address; None for a Unix socket.

    ``[::1]:8000`` -> ``::1``, ``127.0.0.1:8000`` -> ``127.0.0.1``, ``:8000`` -> ``""``
    (every interface), ``localhost`` -> ``localhost``."""
    address = address.strip()
    if address.startswith("unix:"):
        return None
    address = address.removeprefix("tcp://")
    if address.startswith("["):
        return address[1 : address.find("]")] if "]" in address else address[1:]
    if address.count(":") > 1:  # a bare IPv6 address, no port
        return address
    return address.partition(":")[0]


def is_local(address: str) -> bool:
    """Whether only this machine can connect to ``address`` (see the module docstring)."""
    host = bind_host(address)
    if host is None:
        return True
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # "", "0", a host name, fd://3: possibly reachable from outside


def missing_for_public_serving(settings) -> list[str]:
    """What a site served on a public address still needs, one phrase per variable."""
    missing = []
    if getattr(settings, "KB_GENERATED_SECRET_KEY", False):
        missing.append("SECRET_KEY (a long random value, the same on every machine)")
    if not getattr(settings, "KB_ALLOWED_HOSTS_SET", False):
        missing.append("ALLOWED_HOSTS (the host names the site answers to, e.g. help.example.com)")
    if settings.DEBUG:
        missing.append("DEBUG=false (DEBUG shows tracebacks and settings to every visitor)")
    return missing


def refusal(addresses: list[str], settings) -> str | None:
    """The message refusing to serve ``addresses`` with ``settings``, or None if allowed."""
    public = [address for address in addresses if not is_local(address)]
    if not public:
        return None
    missing = missing_for_public_serving(settings)
    if not missing:
        return None
    return (
        f"kb refuses to serve {', '.join(public)}: other machines can reach that address, and the "
        "site is not configured for it. Set " + "; ".join(missing) + ". "
        f"Loopback addresses (127.0.0.1, ::1, localhost) need none of these; see {DOCS}."
    )


def check_entry_point(settings, entry_point: str) -> None:
    """Refuse to create the application for a server whose address kb cannot see, unless
    the configuration is fit for a public one (runserver and kb's gunicorn settings check
    their own addresses instead, so loopback needs no set-up there)."""
    if _checked_by:
        return
    missing = missing_for_public_serving(settings)
    if missing:
        raise ImproperlyConfigured(
            f"kb refuses to start {entry_point} under a server it cannot see the address of, "
            "so it treats that address as public. Set " + "; ".join(missing) + ". "
            "Or serve with bin/serve, `gunicorn -c kb/gunicorn_conf.py` or `manage.py runserver`, "
            f"which check the address and need none of these on loopback; see {DOCS}."
        )
