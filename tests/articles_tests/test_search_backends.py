"""Every search backend passes the same contract (see search_backend_contract.py)."""

from tests.articles_tests.search_backend_contract import SearchBackendContract


class TestWhooshBackend(SearchBackendContract):
    backend_alias = "whoosh"
