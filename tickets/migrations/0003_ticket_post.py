# Community post escalation: a ticket may point at the post it came from, and a post has
# at most one ticket that is still open.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0002_search"),
        ("tickets", "0002_request_desk"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="post",
            field=models.ForeignKey(
                blank=True, help_text="The community post this ticket was escalated from.", null=True,
                on_delete=django.db.models.deletion.SET_NULL, related_name="tickets", to="articles.post",
            ),
        ),
        migrations.AddConstraint(
            model_name="ticket",
            constraint=models.UniqueConstraint(
                condition=models.Q(("post__isnull", False), ("status__in", ("new", "open", "pending"))),
                fields=("post",), name="one_open_ticket_per_post",
            ),
        ),
    ]
