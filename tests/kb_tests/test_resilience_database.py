"""The database away: a clear 503 page (or the API's JSON), never a traceback or a 500,
and the next request after it returns works (kb.unavailable).

The outage is simulated in-process: a database wrapper makes queries raise the
OperationalError a refused or dropped connection raises. (tests/machines_tests restart a
real PostgreSQL under running servers.)
"""

import socket
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from articles.models import Comment
from kb import unavailable

from .conftest import base_env, run_script

pytestmark = pytest.mark.django_db


@contextmanager
def database_down(matching=lambda sql: True):
    """Queries (those ``matching``) fail as with PostgreSQL stopped; yields those tried."""
    tried = []

    def refuse(execute, sql, params, many, context):
        if not matching(sql):
            return execute(sql, params, many, context)
        tried.append(sql)
        raise OperationalError('connection to server at "db.internal", port 5432 failed: Connection refused')

    with connection.execute_wrapper(refuse):
        yield tried


def assert_unavailable_page(response, heading="The help center is temporarily unavailable"):
    assert response.status_code == 503
    assert response["Retry-After"] == str(unavailable.RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert heading in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_an_uncached_page_answers_503_without_another_query_and_the_next_request_works(client, make_article):
    article = make_article(title="Change your plan")
    with database_down() as tried:
        response = client.get(article.get_absolute_url())

    assert_unavailable_page(response)
    assert len(tried) == 1  # the page's first query failed; the 503 page itself reads nothing
    after = client.get(article.get_absolute_url())
    assert after.status_code == 200 and "Change your plan" in after.content.decode()


def test_a_cached_page_is_still_served_while_the_database_is_down(client, make_article, make_section):
    cached = make_article(title="Cached answer")
    uncached = make_article(title="Never read", section=make_section())
    client.get(cached.get_absolute_url())

    with database_down() as tried:
        hit = client.get(cached.get_absolute_url())
        miss = client.get(uncached.get_absolute_url())

    assert hit.status_code == 200 and "Cached answer" in hit.content.decode()
    assert_unavailable_page(miss)
    assert len(tried) == 1


def test_signed_in_readers_and_forms_get_the_503_page_and_nothing_is_half_written(
        make_article, customer):
    article = make_article()
    member = Client()
    member.force_login(customer)

    with database_down():
        page = member.get(article.get_absolute_url())
        posted = member.post(reverse("articles:article_comment", kwargs={"pk": article.pk}),
                             {"body": "Sent during the outage"})

    assert_unavailable_page(page)
    assert_unavailable_page(posted)
    assert not Comment.objects.filter(body="Sent during the outage").exists()
    assert member.get(article.get_absolute_url()).status_code == 200


def test_the_503_page_is_in_the_visitors_language(client, make_article, use_language):
    use_language("es")
    article = make_article()
    with database_down():
        response = client.get(article.get_absolute_url())

    assert_unavailable_page(response, heading="El centro de ayuda no está disponible en este momento")


def test_the_api_answers_503_json_in_zendesks_error_shape(client, make_article):
    make_article()
    with database_down():
        response = client.get("/api/v2/help_center/articles.json")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == str(unavailable.RETRY_AFTER_SECONDS)
    assert response.json()["error"] == "ServiceUnavailable"
    assert client.get("/api/v2/help_center/articles.json").status_code == 200


def test_a_failure_inside_a_middleware_is_a_503_too(make_article):
    """A signed-out visitor's comment is kept in the session, saved on the way out by
    SessionMiddleware, after the view: the 500 handler turns the failure into the 503."""
    article = make_article()
    visitor = Client(raise_request_exception=False)
    with database_down(matching=lambda sql: "django_session" in sql and not sql.lstrip().startswith("SELECT")):
        response = visitor.post(reverse("articles:article_comment", kwargs={"pk": article.pk}),
                                {"body": "Keep me"})

    assert_unavailable_page(response)


def test_other_errors_stay_500s(make_article):
    article = make_article()
    visitor = Client(raise_request_exception=False)

    def broken(execute, sql, params, many, context):
        raise ZeroDivisionError

    with connection.execute_wrapper(broken):
        response = visitor.get(article.get_absolute_url())

    assert response.status_code == 500
    assert "Retry-After" not in response


def test_an_outage_logs_one_warning_not_one_per_request(client, make_article, caplog, monkeypatch):
    monkeypatch.setitem(unavailable._log_state, "logged_at", -unavailable.LOG_EVERY_SECONDS)
    article = make_article()
    with database_down(), caplog.at_level("WARNING", logger="kb.unavailable"):
        for _ in range(5):
            client.get(article.get_absolute_url())

    messages = [r.getMessage() for r in caplog.records if r.name == "kb.unavailable"]
    assert len(messages) == 1 and "Connection refused" in messages[0]


UNREACHABLE_DATABASE = """
import socket, time
from django.db import connection
from django.test import Client

def get():
    started = time.monotonic()
    response = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1").get("/")
    return {"status": response.status_code, "retry_after": response.get("Retry-After"),
            "unavailable": "temporarily unavailable" in response.content.decode(),
            "seconds": time.monotonic() - started}

silent = get()  # DATABASE_URL: a port that accepts connections and never answers
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    closed_port = probe.getsockname()[1]
connection.settings_dict["PORT"] = closed_port  # nothing listens: connection refused
refused = get()
print(json.dumps({"silent": silent, "refused": refused,
                  "connect_timeout": connection.settings_dict["OPTIONS"]["connect_timeout"]}))
"""


def test_a_real_postgresql_connection_that_fails_or_hangs_is_a_503_within_the_connect_timeout(tmp_path):
    """kb's settings for PostgreSQL in another process, a real psycopg connection: a
    database host answering nothing costs the connect timeout (5 s), a closed port nothing.
    (DEBUG on only so that the 503 page's static files need no collectstatic first.)"""
    with socket.socket() as silent_server:
        silent_server.bind(("127.0.0.1", 0))
        silent_server.listen(16)
        port = silent_server.getsockname()[1]
        env = base_env(tmp_path, DATABASE_URL=f"postgres://kb:kb@127.0.0.1:{port}/kb", KB_HTTPS="false",
                       DEBUG="true")
        result = run_script(env, UNREACHABLE_DATABASE, timeout=120)

    assert result["connect_timeout"] == 5
    for outcome in (result["silent"], result["refused"]):
        assert outcome["status"] == 503 and outcome["unavailable"]
        assert outcome["retry_after"] == str(unavailable.RETRY_AFTER_SECONDS)
    assert result["silent"]["seconds"] < 2 * 5 + 2  # libpq may try twice (with and without TLS)
    assert result["refused"]["seconds"] < 2
