"""Every search backend passes the same contract (see search_backend_contract.py).

The PostgreSQL backend needs a PostgreSQL database, so its class exists only when the suite
runs on one (CI runs the whole suite a second time with DATABASE_URL pointing at
PostgreSQL); it is not collected, rather than skipped, on SQLite.
"""

from django.db import connection

from tests.search_tests.backend_contract import SearchBackendContract


class TestWhooshBackend(SearchBackendContract):
    backend_alias = "whoosh"


if connection.vendor == "postgresql":

    class TestPostgresBackend(SearchBackendContract):
        backend_alias = "postgres"
