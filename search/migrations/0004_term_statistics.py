"""PostgreSQL search at scale (issue 16): term statistics, and RUM indexes where available.

* ``SearchTerm``: how many rows of each locale hold each term, so a search reads its
  terms' document frequencies instead of counting their matches. Filled here from the
  existing rows with PostgreSQL's ``ts_stat`` (the backend keeps it up to date after).
* Title indexes: a GIN index per locale on the title's terms (``ts_filter(vector,
  '{a}')``), for the path without RUM (common words' candidates are the rows holding them
  in their title).
* RUM (the ``rum`` extension, Debian's ``postgresql-15-rum``): one partial index per locale,
  like the GIN indexes of 0003, with the positions and weights of each term stored in the
  index, so ``ORDER BY vector <=> query LIMIT k`` reads the best-ranked rows of a common
  word from the index instead of ranking every row that holds it. Created only when the
  server offers the extension (``pg_available_extensions``) and
  ``settings.KB_SEARCH_POSTGRES_RUM`` is on, and when this role may create it; without it
  the backend takes its no-RUM path (docs/search.md). Run the migration again after
  installing RUM? It is idempotent: ``manage.py migrate search 0003`` then ``migrate``, or
  call :func:`create_rum_indexes` from a shell.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, migrations, models, transaction

logger = logging.getLogger(__name__)

TABLE = "articles_searchentry"
LOCALES = ("en", "es", "de")  # as in 0003: one partial index each, one for any other


def rum_index_name(code):
    return f"articles_searchentry_vector_{code}_rum"


def title_index_name(code):
    return f"articles_searchentry_title_{code}_gin"


def _locale_indexes(schema_editor, name, using):
    """One partial index per locale of 0003, and one for any other locale."""
    for code in LOCALES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name(code)} ON {TABLE} {using} "
                              f"WHERE locale = '{code}'")
    others = ", ".join(f"'{code}'" for code in LOCALES)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name('other')} ON {TABLE} {using} "
                          f"WHERE locale NOT IN ({others})")


def create_title_indexes(schema_editor) -> None:
    """GIN indexes of the title's terms (weight A), for the no-RUM path: without RUM a
    common word's candidates are the rows holding it in their title."""
    if schema_editor.connection.vendor == "postgresql":
        _locale_indexes(schema_editor, title_index_name, "USING gin (ts_filter(vector, '{a}'))")


def drop_title_indexes(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for code in (*LOCALES, "other"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {title_index_name(code)}")


def rum_available(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        return cursor.fetchone() is not None


def create_rum_indexes(schema_editor) -> bool:
    """The RUM extension and indexes, when the server has RUM and the setting allows it;
    whether they exist afterwards."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or not getattr(settings, "KB_SEARCH_POSTGRES_RUM", True):
        return False
    if not rum_available(connection):
        logger.info("PostgreSQL has no RUM extension: search takes its no-RUM path")
        return False
    try:
        with transaction.atomic(using=connection.alias):  # a savepoint: a refusal is not fatal
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum")
    except DatabaseError as exc:  # e.g. a managed service's role may not create it
        logger.warning("Could not create the RUM extension (%s): search takes its no-RUM path", exc)
        return False
    _locale_indexes(schema_editor, rum_index_name, "USING rum (vector rum_tsvector_ops)")
    return True


def drop_rum_indexes(schema_editor) -> None:
    """Drop the indexes (the extension stays: other databases objects may use it)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for code in (*LOCALES, "other"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {rum_index_name(code)}")


def fill_term_statistics(schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = "search_searchterm"
    schema_editor.execute(f"DELETE FROM {table}")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT locale, kind FROM {TABLE}")
        for code, kind in cursor.fetchall():
            cursor.execute(
                f"INSERT INTO {table} (locale, kind, term, documents) "
                f"SELECT %s, %s, word, ndoc FROM ts_stat(%s)",
                [code, kind, f"SELECT vector FROM {TABLE} WHERE locale = {_literal(code)} "
                             f"AND kind = {_literal(kind)} AND vector IS NOT NULL"])
        cursor.execute(f"INSERT INTO {table} (locale, kind, term, documents) "
                       f"SELECT locale, kind, '', count(*) FROM {TABLE} GROUP BY locale, kind")


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def forwards(apps, schema_editor):
    fill_term_statistics(schema_editor)
    create_title_indexes(schema_editor)
    create_rum_indexes(schema_editor)


def backwards(apps, schema_editor):
    drop_rum_indexes(schema_editor)
    drop_title_indexes(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0003_locales"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("locale", models.CharField(max_length=10)),
                ("kind", models.CharField(max_length=10)),
                ("term", models.TextField()),
                ("documents", models.IntegerField()),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("term", "locale", "kind"), name="search_term_unique")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
