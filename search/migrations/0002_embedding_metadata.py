"""Semantic retrieval searches the stored embeddings directly, with filters and snippets:
each embedding row now carries its document's kind, section, category and the start of
its text. Existing rows are filled here from the content tables (the excerpt follows on
the next ``rebuild_index`` or ``check_index --fix``, which also repair anything missed)."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    DocumentEmbedding = apps.get_model("search", "DocumentEmbedding")
    Article = apps.get_model("articles", "Article")
    places = {pk: (section_id, category_id) for pk, section_id, category_id in
              Article.objects.values_list("pk", "section_id", "section__category_id")}
    rows = list(DocumentEmbedding.objects.only("pk", "key"))
    for row in rows:
        kind, _, pk = row.key.partition(":")
        row.kind = kind
        if kind == "article" and pk.isascii() and pk.isdigit():
            row.section_id, row.category_id = places.get(int(pk), (None, None))
    DocumentEmbedding.objects.bulk_update(rows, ["kind", "section_id", "category_id"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0001_initial"),
        ("articles", "0008_search_moved_out"),
    ]

    operations = [
        migrations.AddField(model_name="documentembedding", name="kind",
                            field=models.CharField(default="", max_length=10)),
        migrations.AddField(model_name="documentembedding", name="section_id",
                            field=models.BigIntegerField(blank=True, null=True)),
        migrations.AddField(model_name="documentembedding", name="category_id",
                            field=models.BigIntegerField(blank=True, null=True)),
        migrations.AddField(model_name="documentembedding", name="excerpt",
                            field=models.CharField(blank=True, default="", max_length=300)),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
