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

from kb.cache import RETRY_SECONDS

from .conftest import get, poll

pytestmark = pytest.mark.machines

_queries = itertools.count()


def uncached(server, **kwargs) -> requests.Response:
    """A page no one asked for before (a new search), so it is rendered from the database."""
    return get(server, f"/search/?q=password+{next(_queries)}", **kwargs)



def article_write(site, server, article_id: int, body: str) -> requests.Response:
    return requests.put(f"{server.url}/api/v2/help_center/articles/{article_id}.json", auth=site.auth,
                        json={"article": {"body": f"<p>{body}</p>"}}, timeout=10)


def article_create(site, server, title: str) -> requests.Response:
    return requests.post(f"{server.url}/api/v2/help_center/sections/{site.data['section']}/articles.json",
                         auth=site.auth, json={"article": {"title": title, "body": "<p>Written.</p>"},
                                               "notify_subscribers": False}, timeout=10)


def test_pages_are_served_while_redis_is_away_and_fresh_after_it_returns(site):
    web1, web2 = site.webs
    path = site.data["article_path"]
    get(web2, path)
    assert get(web2, path).headers["X-KB-Page-Cache"] == "hit"

    site.redis.stop()
    for server in site.webs:
        for page in ("/", path, site.data["section_path"], "/search/?q=password"):
            assert get(server, page).status_code == 200, (server.name, page)
    assert article_write(site, web1, site.data["article"], "Written while Redis was away.").status_code == 200
    assert "Written while Redis was away." in get(web2, path).text

    site.redis.start()  # empty, as a Redis without persistence restarts
    assert "Written while Redis was away." in get(web2, path).text
    # Each process tries Redis again RETRY_SECONDS after its last failure (kb.cache).
    time.sleep(RETRY_SECONDS)
    # The cache works again: pages are stored, and a change made through one server
    # invalidates them on the other.
    poll(lambda: get(web2, path).headers.get("X-KB-Page-Cache") == "hit", timeout=10)
    assert article_write(site, web1, site.data["article"], "Written after Redis returned.").status_code == 200
    assert poll(lambda: "Written after Redis returned." in get(web2, path).text, timeout=1) < 1


def test_a_postgresql_restart_is_a_503_while_it_lasts_and_needs_no_restart_of_kb(site):
    web1, web2 = site.webs
    before = article_create(site, web1, "Written before the restart")
    assert before.status_code == 201
    cached = site.data["section_path"]
    for server in site.webs:  # every gunicorn worker holds a connection; the page is cached
        for _ in range(4):
            assert uncached(server).status_code == 200
            assert get(server, cached).status_code == 200

    site.stop_postgres()
    for server in site.webs:
        # What the page cache holds is still served: it needs no database.
        assert get(server, cached).headers["X-KB-Page-Cache"] == "hit"
        page = uncached(server)
        assert page.status_code == 503, (server.name, page.status_code)
        assert page.headers["Retry-After"].isdigit()
        assert "temporarily unavailable" in page.text
        api = requests.get(f"{server.url}/api/v2/help_center/articles.json", timeout=10)
        assert api.status_code == 503
        assert api.json()["error"] == "ServiceUnavailable"
        assert article_create(site, server, "Written while the database was away").status_code == 503

    site.start_postgres()
    for server in site.webs:
        for _ in range(4):  # each gunicorn worker's next request
            assert uncached(server).status_code == 200, server.name
    after = article_create(site, web2, "Written after the restart")
    assert after.status_code == 201
    titles = site.sql("SELECT string_agg(title, '|' ORDER BY id) FROM articles_article "
                      "WHERE title LIKE 'Written%the%'")
    assert titles == "Written before the restart|Written after the restart"
    # The task workers waited the outage out: they run what is queued now.
    site.script("from tests.machines_tests.tasks import record_run\nrecord_run.enqueue(9999)\nprint('{}')")
    site.wait_for_tasks()
    assert list(site.runs.glob("9999.*"))


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


def test_a_task_whose_worker_is_killed_mid_task_is_run_again_by_another(site):
    site.script("from tests.machines_tests.tasks import finish_after_restart\n"
                "finish_after_restart.enqueue('killed')\nprint('{}')")
    poll(lambda: (site.runs / "killed.started").exists(), timeout=10)
    running = site.sql("SELECT worker_ids->>0 FROM django_tasks_database_dbtaskresult "
                       "WHERE task_path LIKE '%finish_after_restart' AND status = 'RUNNING'")
    victim = next(worker for worker in site.workers if worker.worker_id == running)
    other = next(worker for worker in site.workers if worker is not victim)

    victim.kill()
    # KB_TASK_STALE_AFTER is 5 s here: the other worker runs it again once that has passed.
    poll(lambda: list(site.runs.glob("killed.done.*")), timeout=20)
    site.wait_for_tasks()
    assert len(list(site.runs.glob("killed.done.*"))) == 1
    row = site.sql("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
                   "WHERE task_path LIKE '%finish_after_restart'")
    assert row == f'SUCCESSFUL|["{victim.worker_id}", "{other.worker_id}"]'
