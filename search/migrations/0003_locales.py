"""Search per language: each search entry and synonym has a locale.

* ``SearchEntry.locale`` (the document's language) and ``fallback`` (the locales an
  article's source stands in for while it has no published translation into them),
  backfilled here from the content tables so searches work at once; the documents of
  translations are added by the next ``rebuild_index`` (or ``check_index --fix``).
* On PostgreSQL the GIN index on ``vector`` becomes one partial index per locale (and
  one for any other locale added later): a search names its locale as a constant, so an
  English search reads an index of English rows only, exactly the size it read before,
  and the Spanish part of a search reads the Spanish rows only.
* ``Synonym.locale``: existing groups were written for the English help center.
"""

import kb.i18n
from django.conf import settings
from django.db import migrations, models

LOCALES = ("en", "es", "de")
OLD_INDEX = "articles_searchentry_vector_gin"


def _index(code):
    return f"articles_searchentry_vector_{code}_gin"


def create_partial_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for code in LOCALES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {_index(code)} ON articles_searchentry "
                              f"USING gin (vector) WHERE locale = '{code}'")
    others = ", ".join(f"'{code}'" for code in LOCALES)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {_index('other')} ON articles_searchentry "
                          f"USING gin (vector) WHERE locale NOT IN ({others})")
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def drop_partial_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON articles_searchentry USING gin (vector)")
    for code in (*LOCALES, "other"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index(code)}")


def backfill(apps, schema_editor):
    SearchEntry = apps.get_model("search", "SearchEntry")
    Article = apps.get_model("articles", "Article")
    Post = apps.get_model("articles", "Post")
    ArticleTranslation = apps.get_model("articles", "ArticleTranslation")
    db = schema_editor.connection.alias
    served = [code for code, _ in settings.LANGUAGES]
    article_locales = dict(Article.objects.using(db).values_list("pk", "locale"))
    post_locales = dict(Post.objects.using(db).values_list("pk", "locale"))
    translated = {}
    for article_id, code in ArticleTranslation.objects.using(db).filter(draft=False).values_list(
            "article_id", "locale"):
        translated.setdefault(article_id, set()).add(code)
    rows = list(SearchEntry.objects.using(db).only("pk", "kind", "object_id"))
    for row in rows:
        if row.kind == "article":
            row.locale = article_locales.get(row.object_id, "en")
            others = [c for c in served if c != row.locale and c not in translated.get(row.object_id, ())]
            row.fallback = f" {' '.join(others)} " if others else ""
        else:
            row.locale = post_locales.get(row.object_id, "en")
    SearchEntry.objects.using(db).bulk_update(rows, ["locale", "fallback"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0002_embedding_metadata"),
        ("articles", "0014_translations"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="synonym",
            options={"ordering": ["locale", "terms"]},
        ),
        migrations.AddField(
            model_name="searchentry",
            name="fallback",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="locale",
            field=models.CharField(default="en", max_length=10),
        ),
        migrations.AddField(
            model_name="synonym",
            name="locale",
            field=models.CharField(choices=[("en", "English"), ("es", "Spanish"), ("de", "German")],
                                   default=kb.i18n.default_locale,
                                   help_text="The language of these words; they apply to searches in it.",
                                   max_length=10),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_partial_indexes, drop_partial_indexes),
    ]
