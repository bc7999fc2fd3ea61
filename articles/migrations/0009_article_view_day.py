"""ArticleViewDay moves here from the kb app, table and rows untouched.

It was created by ``kb.0002_analytics`` and keeps that table (``kb_articleviewday``,
``db_table``) with its index and constraint names. This migration only tells Django's
migration state that the model now belongs to ``articles``; ``kb.0003_article_view_day_moved_out``
removes it from the kb state. No table is created, renamed or copied. Its content type
moves with it, so permissions granted on it and the admin's history stay attached.
"""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ["articleviewday"]


def move_content_types(apps, schema_editor, *, source="kb", target="articles"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        # A content type for the new label exists only if something created it early
        # (post_migrate of an interrupted run): the old row, with its permissions, wins.
        if ContentType.objects.using(db).filter(app_label=source, model=model).exists():
            ContentType.objects.using(db).filter(app_label=target, model=model).delete()
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="articles", target="kb")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0008_search_moved_out"),
        # The table is made by kb.0002 (which itself depends on articles.0003, not on this).
        ("kb", "0002_analytics"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    state_operations = [
        migrations.CreateModel(
            name="ArticleViewDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField()),
                ("views", models.PositiveIntegerField(default=0)),
                ("article", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="articles.article")),
            ],
            options={
                "db_table": "kb_articleviewday",
                "indexes": [models.Index(fields=["date"], name="article_view_day_date")],
                "constraints": [models.UniqueConstraint(fields=("date", "article"), name="one_article_view_row_per_day")],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
