"""Email follows are one per mailbox and target whatever the capitals: a constraint on the
lower-cased address, and a migration that merged the duplicates the old one let in."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from articles.models import EmailFollow
from articles.notifications import email_follow_request

from .migrations import at_migration

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_the_database_refuses_a_second_follow_differing_only_in_capitals(make_post):
    post = make_post()
    EmailFollow.objects.create(email="dana@example.org", post=post)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailFollow.objects.create(email="DANA@example.org", post=post)
    other = make_post()
    EmailFollow.objects.create(email="DANA@example.org", post=other)  # another target is another follow


def test_asking_again_in_other_capitals_finds_the_same_follow(make_post):
    post = make_post()
    first = email_follow_request(email=" Dana@EXAMPLE.org ", target=post, at=T0)
    again = email_follow_request(email="dana@example.ORG", target=post, at=T0)
    assert again.pk == first.pk
    assert list(EmailFollow.objects.values_list("email", flat=True)) == ["Dana@example.org"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_case_duplicates_keeping_the_confirmed_follow(make_user):
    with at_migration("articles", "0009_article_view_day") as old:
        Category, Section, Article, Topic, Post, OldFollow = (
            old.get_model("articles", name)
            for name in ("Category", "Section", "Article", "Topic", "Post", "EmailFollow"))
        author = make_user("writer")
        section = Section.objects.create(category=Category.objects.create(name="C", slug="c"), name="S", slug="s")
        article = Article.objects.create(section=section, title="A", slug="a", body="x", author_id=author.pk)
        post = Post.objects.create(topic=Topic.objects.create(name="T", slug="t"), title="P", slug="p",
                                   body="x", author_id=author.pk)

        def follow(email, *, age_days, confirmed=False, **target):
            row = OldFollow.objects.create(email=email, confirmed_at=T0 if confirmed else None, **target)
            OldFollow.objects.filter(pk=row.pk).update(created_at=T0 - timedelta(days=age_days))
            return row.pk

        # The post: an old pending spelling and a newer confirmed one -> the confirmed one stays.
        follow("Dana@Example.org", age_days=9, post=post)
        dana_confirmed = follow("dana@example.org", age_days=2, confirmed=True, post=post)
        # The article: two pending spellings -> the oldest stays, its domain lower-cased.
        ed_oldest = follow("Ed@EXAMPLE.org", age_days=5, article=article)
        follow("ed@example.org", age_days=1, article=article)
        # The same address on another target, and another address: untouched.
        dana_article = follow("dana@example.org", age_days=3, article=article)
        section_only = follow("Fay@Mail.Example", age_days=1, confirmed=True, section=section)

    rows = {f.pk: (f.email, f.confirmed_at is not None) for f in EmailFollow.objects.all()}
    assert rows == {
        dana_confirmed: ("dana@example.org", True),
        ed_oldest: ("Ed@example.org", False),
        dana_article: ("dana@example.org", False),
        section_only: ("Fay@mail.example", True),
    }
