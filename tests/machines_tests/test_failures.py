"""A shared part fails under two running web servers (docs/deploy.md, "When a shared part
fails"): Redis stopped and restarted, PostgreSQL restarted, one web server killed in the
middle of requests, one task worker killed in the middle of a task. Each time pages keep
being served, or fail with a clear 503 while the part is away; nothing acknowledged is lost;
and everything recovers with no restart of kb."""

import base64
import itertools
import socket
import threading
import time

import pytest
import requests

from .conftest import get

pytestmark = pytest.mark.machines

_queries = itertools.count()


def uncached(server, **kwargs) -> requests.Response:
    """A page no one asked for before (a new search), so it is rendered from the database."""
    return get(server, f"/search/?q=password+{next(_queries)}", **kwargs)


def poll(check, timeout: float, interval: float = 0.05) -> float:
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(interval)
    return time.monotonic() - start


def article_write(site, server, article_id: int, body: str) -> requests.Response:
    return requests.put(f"{server.url}/api/v2/help_center/articles/{article_id}.json", auth=site.auth,
                        json={"article": {"body": f"<p>{body}</p>"}}, timeout=10)


def article_create(site, server, title: str) -> requests.Response:
    return requests.post(f"{server.url}/api/v2/help_center/sections/{site.data['section']}/articles.json",
                         auth=site.auth, json={"article": {"title": title, "body": "<p>Written.</p>"},
                                               "notify_subscribers": False}, timeout=10)


def test_one_web_server_killed_mid_request_while_the_other_keeps_serving(site):
    web1, web2 = site.webs
    answers: dict[str, list] = {"web1": [], "web2": []}
    stop = threading.Event()

    def write(server, n):
        while not stop.is_set():
            n += 2
            title = f"Failover article {n}"
            try:
                response = article_create(site, server, title)
                answers[server.name].append((title, response.status_code, response.json()["article"]["id"]
                                             if response.status_code == 201 else None))
            except requests.RequestException as error:
                answers[server.name].append((title, type(error).__name__, None))
                time.sleep(0.05)

    def read():
        while not stop.is_set():
            try:
                answers["web2"].append(("read", get(web2, site.data["article_path"]).status_code, None))
            except requests.RequestException as error:
                answers["web2"].append(("read", type(error).__name__, None))

    threads = [threading.Thread(target=write, args=(web1, 0)), threading.Thread(target=write, args=(web2, 1)),
               threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    # A write web1 is in the middle of when its machine dies: signed in, the body still
    # arriving while the view reads it.
    credentials = base64.b64encode(":".join(site.auth).encode()).decode()
    pending = socket.create_connection(("127.0.0.1", web1.port), timeout=10)
    pending.sendall(f"POST /api/v2/help_center/sections/{site.data['section']}/articles.json HTTP/1.1\r\n"
                    f"Host: 127.0.0.1\r\nAuthorization: Basic {credentials}\r\n"
                    "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n"
                    '{"article": {"title": "Half sent", '.encode())
    time.sleep(0.3)
    web1.kill()
    assert_closed(pending)
    time.sleep(1.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)

    served = answers["web2"]
    assert served and all(status in (200, 201) for _, status, _ in served), served
    assert any(isinstance(status, str) for _, status, _ in answers["web1"])  # web1 did die under them
    acknowledged = [(title, pk) for server in answers.values() for title, status, pk in server if status == 201]
    for title, pk in acknowledged:  # nothing a server acknowledged is lost
        shown = requests.get(f"{web2.url}/api/v2/help_center/articles/{pk}.json", timeout=10)
        assert shown.status_code == 200 and shown.json()["article"]["title"] == title

    assert site.sql("SELECT count(*) FROM articles_article WHERE title = 'Half sent'") == "0"

    web1.start()  # the machine comes back
    assert get(web1, site.data["article_path"]).status_code == 200


def assert_closed(sock: socket.socket) -> None:
    """The other side closed ``sock`` (its process is gone)."""
    try:
        assert sock.recv(1024) == b""
    except ConnectionResetError:
        pass
    finally:
        sock.close()
