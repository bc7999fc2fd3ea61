"""Section.published_count, each section's number of published articles, stored; an index
for the home page's promoted articles; comment thread indexes that end with the id (the
last column of the pages' order).

The field starts at 0 and is then filled from the articles already there (one grouped
COUNT, then one UPDATE per section), in the same migration, so no section shows 0 after an
upgrade. From here on ``articles.services`` keeps it up to date.
"""

from django.db import migrations, models
from django.db.models import Count


def count_published_articles(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Section = apps.get_model("articles", "Section")
    db = schema_editor.connection.alias
    counts = dict(
        Article.objects.using(db)
        .filter(draft=False)
        .order_by()
        .values_list("section_id")
        .annotate(n=Count("pk"))
    )
    for section_id, n in counts.items():
        Section.objects.using(db).filter(pk=section_id).update(published_count=n)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_published_listing_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="section",
            name="published_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_published_articles, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("draft", False), ("promoted", True)),
                fields=["position", "-updated_at"],
                name="article_promoted",
            ),
        ),
        migrations.RemoveIndex(model_name="comment", name="articles_co_post_id_d8e05f_idx"),
        migrations.RemoveIndex(model_name="comment", name="articles_co_article_a08aa1_idx"),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["post", "-is_official", "created_at", "id"], name="comment_post_thread"
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["article", "-is_official", "created_at", "id"], name="comment_article_thread"
            ),
        ),
    ]
