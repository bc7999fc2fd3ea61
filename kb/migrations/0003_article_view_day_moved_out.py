"""ArticleViewDay now belongs to the ``articles`` app (see articles/migrations/0009_article_view_day.py):
removed from this app's migration state only; its table stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("kb", "0002_analytics"),
        ("articles", "0009_article_view_day"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ArticleViewDay")],
            database_operations=[],
        ),
    ]
