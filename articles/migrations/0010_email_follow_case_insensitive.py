"""One email follow per mailbox and target, whatever the capitals.

The old constraint was on the address as typed while every lookup was case-insensitive, so
"Dana@Example.org" and "dana@example.org" could both follow one post (and get every
email twice). Duplicates are merged first, keeping a confirmed follow when there is one
(the first confirmed, else the oldest pending): nobody who confirmed stops hearing. The
kept rows' domains are lower-cased as new follows are (articles.notifications).

Grouping is done here in Python on the whole address lower-cased: that groups at least
what SQLite's ASCII-only LOWER() and PostgreSQL's lower() would, so the new constraint
always finds the table clean.
"""

import django.db.models.functions.text
from django.db import migrations, models

TARGETS = ("article", "post", "section")


def normalize_address(email):
    local, at, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if at else email.strip()


def merge_case_duplicates(apps, schema_editor):
    follows = apps.get_model("articles", "EmailFollow").objects.using(schema_editor.connection.alias)
    rows = follows.order_by(models.F("confirmed_at").asc(nulls_last=True), "created_at", "pk").only(
        "pk", "email", "confirmed_at", *(f"{t}_id" for t in TARGETS))
    kept, respell, duplicates = set(), {}, []
    for follow in rows.iterator():
        target = next((t, getattr(follow, f"{t}_id")) for t in TARGETS if getattr(follow, f"{t}_id"))
        key = (*target, follow.email.strip().lower())
        if key in kept:
            duplicates.append(follow.pk)
            continue
        kept.add(key)
        if normalize_address(follow.email) != follow.email:
            respell[follow.pk] = normalize_address(follow.email)
    # Duplicates go first: a kept row's new spelling may be a removed row's old one.
    for start in range(0, len(duplicates), 500):
        follows.filter(pk__in=duplicates[start:start + 500]).delete()
    for pk, email in respell.items():
        follows.filter(pk=pk).update(email=email)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_article_view_day'),
    ]

    operations = [
        migrations.RunPython(merge_case_duplicates, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(
            model_name='emailfollow',
            name='one_email_follow_per_article',
        ),
        migrations.RemoveConstraint(
            model_name='emailfollow',
            name='one_email_follow_per_post',
        ),
        migrations.RemoveConstraint(
            model_name='emailfollow',
            name='one_email_follow_per_section',
        ),
        migrations.AddConstraint(
            model_name='emailfollow',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), models.F('article'), condition=models.Q(('article__isnull', False)), name='one_email_follow_per_article'),
        ),
        migrations.AddConstraint(
            model_name='emailfollow',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), models.F('post'), condition=models.Q(('post__isnull', False)), name='one_email_follow_per_post'),
        ),
        migrations.AddConstraint(
            model_name='emailfollow',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), models.F('section'), condition=models.Q(('section__isnull', False)), name='one_email_follow_per_section'),
        ),
    ]
