"""The search models move here from the articles app, tables and rows untouched.

Search used to live inside ``articles`` (``articles/search/``), so its tables were created
by ``articles.0002_search`` and ``articles.0006_document_embedding`` and keep those names
(``db_table``). This migration only tells Django's migration state that the models now
belong to ``search``; ``articles.0008_search_moved_out`` removes them from the articles
state. No table is created, renamed or copied. The content types move with them, so
permissions granted on synonyms and the admin's history stay attached.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

MODELS = ["synonym", "searchquerylog", "searchclick", "searchentry", "documentembedding"]


def move_content_types(apps, schema_editor, *, source="articles", target="search"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        # A content type for the new label exists only if something created it early
        # (post_migrate of an interrupted run): the old row, with its permissions, wins.
        if ContentType.objects.using(db).filter(app_label=source, model=model).exists():
            ContentType.objects.using(db).filter(app_label=target, model=model).delete()
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="search", target="articles")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("articles", "0007_comment_totals"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    state_operations = [
        migrations.CreateModel(
            name="Synonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("terms", models.CharField(help_text="Words or phrases that mean the same, separated by commas (e.g. cancel, close, terminate, delete account).", max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"db_table": "articles_synonym", "ordering": ["terms"]},
        ),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=40, unique=True)),
                ("kind", models.CharField(max_length=10)),
                ("object_id", models.PositiveBigIntegerField()),
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField(blank=True, default="")),
                ("labels", models.TextField(blank=True, default="")),
                ("places", models.TextField(blank=True, default="")),
                ("official", models.TextField(blank=True, default="")),
                ("comments", models.TextField(blank=True, default="")),
                ("url", models.CharField(max_length=300)),
                ("section_id", models.BigIntegerField(blank=True, null=True)),
                ("category_id", models.BigIntegerField(blank=True, null=True)),
                ("topic_id", models.BigIntegerField(blank=True, null=True)),
                ("version", models.CharField(max_length=16)),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("vector", django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True)),
            ],
            options={
                "db_table": "articles_searchentry",
                "verbose_name_plural": "search entries",
                "indexes": [models.Index(fields=["kind", "category_id", "section_id"], name="articles_se_kind_33a4d6_idx")],
            },
        ),
        migrations.CreateModel(
            name="SearchQueryLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("query", models.CharField(help_text="Normalised: lowercase, single spaces.", max_length=200)),
                ("result_count", models.PositiveIntegerField()),
                ("source", models.CharField(choices=[("page", "Search page"), ("api", "JSON API")], default="page", max_length=8)),
                ("session_hash", models.CharField(blank=True, default="", max_length=64)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
            ],
            options={
                "db_table": "articles_searchquerylog",
                "ordering": ["-created_at"],
                "indexes": [models.Index(fields=["query", "created_at"], name="articles_se_query_1fd63a_idx")],
            },
        ),
        migrations.CreateModel(
            name="SearchClick",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveIntegerField()),
                ("kind", models.CharField(max_length=10)),
                ("object_id", models.PositiveBigIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("query_log", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="clicks", to="search.searchquerylog")),
            ],
            options={
                "db_table": "articles_searchclick",
                "ordering": ["-created_at"],
                "constraints": [models.CheckConstraint(condition=models.Q(("position__gte", 1)), name="search_click_position_from_1")],
            },
        ),
        migrations.CreateModel(
            name="DocumentEmbedding",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=40, unique=True)),
                ("version", models.CharField(max_length=16)),
                ("vector", models.BinaryField()),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"db_table": "articles_documentembedding"},
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
