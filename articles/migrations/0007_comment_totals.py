"""Article.comment_total and Post.comment_total: each thread's number of comments, stored.

The fields start at 0 and are filled from the comments already there (one grouped COUNT
per kind, then one UPDATE per thread with comments), in the same migration, so no thread
shows 0 after an upgrade. From here on ``articles.services`` keeps them up to date.
"""

from django.db import migrations, models
from django.db.models import Count


def count_comments(apps, schema_editor):
    Comment = apps.get_model("articles", "Comment")
    db = schema_editor.connection.alias
    for field in ("article", "post"):
        model = apps.get_model("articles", field.capitalize())
        counts = (Comment.objects.using(db).filter(**{f"{field}__isnull": False}).order_by()
                  .values_list(f"{field}_id").annotate(n=Count("pk")))
        for target_id, n in counts:
            model.objects.using(db).filter(pk=target_id).update(comment_total=n)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0006_document_embedding"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="comment_total",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="post",
            name="comment_total",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_comments, migrations.RunPython.noop, elidable=True),
    ]
