"""The search models moved from the ``articles`` app to ``search`` with state-only
migrations (search 0001_initial, articles 0008_search_moved_out): a database written when
search lived in ``articles`` keeps every row, and its content types (with the permissions
and admin history that point at them) now belong to ``search``."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from search.models import DocumentEmbedding, SearchClick, SearchEntry, SearchQueryLog, Synonym

# The last layout with search inside articles: articles before 0008, no search app at all.
OLD_LAYOUT = [("articles", "0007_comment_totals"), ("search", None)]
MOVED = ["synonym", "searchquerylog", "searchclick", "searchentry", "documentembedding"]
# Models the search app gained after the move: their content types are not rolled back.
LATER = ["searchterm"]
AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@contextmanager
def before_the_move():
    """Migrate back to OLD_LAYOUT and give its models (``apps.get_model("articles", ...)``);
    on leaving, migrate forward to the latest state over what the block wrote.
    (tests/articles_tests/migrations.py ``at_migration`` does this for one app; here two
    apps must go back together.)"""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(OLD_LAYOUT)
    try:
        yield MigrationExecutor(connection).loader.project_state(OLD_LAYOUT[:1]).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
        ContentType.objects.clear_cache()  # the same ids now stand for other labels


def content_type(app_label, model):
    return ContentType.objects.filter(app_label=app_label, model=model).first()


@pytest.mark.django_db(transaction=True)
def test_search_rows_written_under_articles_are_found_through_the_search_app(make_user):
    agents = Group.objects.create(name="Synonym editors")
    editor = make_user("editor_eda", is_staff=True)
    with before_the_move() as apps:
        # The old content types: renamed back by the reverse of search 0001.
        old_types = {model: content_type("articles", model) for model in MOVED}
        assert all(old_types.values()), old_types
        assert not ContentType.objects.filter(app_label="search").exclude(model__in=LATER).exists()

        synonym = apps.get_model("articles", "Synonym").objects.create(terms="cancel, close account, terminate")
        log = apps.get_model("articles", "SearchQueryLog").objects.create(
            query="close my account", result_count=4, source="api", session_hash="ab12")
        click = apps.get_model("articles", "SearchClick").objects.create(
            query_log=log, position=2, kind="article", object_id=17)
        entry = apps.get_model("articles", "SearchEntry").objects.create(
            key="article:17", kind="article", object_id=17, title="Close your account",
            body="Go to Settings, then Billing.", url="/articles/17-close-your-account/",
            section_id=3, category_id=1, version="v1", created_at=AT, updated_at=AT)
        embedding = apps.get_model("articles", "DocumentEmbedding").objects.create(
            key="article:17", version="v1", vector=b"\x00\x3c" * 384)

        # Someone was allowed to edit synonyms and did, in the admin.
        change_synonym = Permission.objects.get(content_type=old_types["synonym"], codename="change_synonym")
        agents.permissions.add(change_synonym)
        LogEntry.objects.create(
            user_id=editor.pk, content_type_id=old_types["synonym"].pk, object_id=str(synonym.pk),
            object_repr=synonym.terms, action_flag=ADDITION)

    assert Synonym.objects.get().terms == "cancel, close account, terminate"
    assert Synonym.objects.get().pk == synonym.pk
    moved_log = SearchQueryLog.objects.get(pk=log.pk)
    assert (moved_log.query, moved_log.result_count, moved_log.source) == ("close my account", 4, "api")
    assert list(moved_log.clicks.values_list("pk", "position", "object_id")) == [(click.pk, 2, 17)]
    assert SearchClick.objects.get().query_log == moved_log
    moved_entry = SearchEntry.objects.get(key="article:17")
    assert (moved_entry.pk, moved_entry.title, moved_entry.section_id) == (entry.pk, "Close your account", 3)
    moved_embedding = DocumentEmbedding.objects.get(key="article:17")
    assert moved_embedding.pk == embedding.pk
    assert bytes(moved_embedding.vector) == b"\x00\x3c" * 384

    # The same content type rows, relabelled: nothing left under articles, nothing duplicated.
    for model in MOVED:
        moved = ContentType.objects.get(pk=old_types[model].pk)
        assert (moved.app_label, moved.model) == ("search", model)
        assert not ContentType.objects.filter(app_label="articles", model=model).exists()
    assert ContentType.objects.get_for_model(Synonym).pk == old_types["synonym"].pk
    # Permissions and admin history follow them.
    assert agents.permissions.get() == Permission.objects.get(
        content_type__app_label="search", codename="change_synonym")
    editor.groups.add(agents)
    assert editor.has_perm("search.change_synonym")
    history = LogEntry.objects.get(object_id=str(synonym.pk))
    assert history.content_type.app_label == "search"
    assert history.get_edited_object() == Synonym.objects.get()


@pytest.mark.django_db(transaction=True)
def test_an_early_search_content_type_gives_way_to_the_old_one_and_its_permissions():
    """If post_migrate of an interrupted upgrade already created ``search`` content types,
    the old ``articles`` rows win: they carry the permissions people were granted."""
    agents = Group.objects.create(name="Synonym editors")
    with before_the_move():
        old = content_type("articles", "synonym")
        agents.permissions.add(Permission.objects.get(content_type=old, codename="change_synonym"))
        early = ContentType.objects.create(app_label="search", model="synonym")
        Permission.objects.create(content_type=early, codename="change_synonym", name="Can change synonym")

    assert ContentType.objects.filter(model="synonym").get().pk == old.pk
    assert not ContentType.objects.filter(pk=early.pk).exists()
    assert agents.permissions.get().content_type_id == old.pk
    assert Permission.objects.filter(codename="change_synonym").count() == 1
