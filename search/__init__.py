"""Search: a pluggable backend (see ``backends.base``), Whoosh by default.

Reads: ``selectors.search_run`` / ``selectors.search_suggest``. Writes: ``index`` (sync,
check, rebuild), run from ``tasks`` after commit and from the management commands.
"""
