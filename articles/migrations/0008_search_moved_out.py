"""Search models now belong to the ``search`` app (see search/migrations/0001_initial.py):
removed from this app's migration state only; their tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0007_comment_totals"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SearchClick"),
                migrations.DeleteModel(name="SearchQueryLog"),
                migrations.DeleteModel(name="SearchEntry"),
                migrations.DeleteModel(name="Synonym"),
                migrations.DeleteModel(name="DocumentEmbedding"),
            ],
            database_operations=[],
        ),
    ]
