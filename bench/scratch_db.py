"""A scratch PostgreSQL database for a benchmark run (bench/load.py, bench/cost_growth.py)."""

from urllib.parse import urlsplit, urlunsplit


def postgres_database(url: str, name: str, create: bool) -> str:
    """Create (or drop) a scratch database on the server of `url`; returns its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')
        else:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))
