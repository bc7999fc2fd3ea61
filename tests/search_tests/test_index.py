"""Keeping the Whoosh index in step with the database, and surviving when it is not:
signals + tasks after commit, rebuild and check commands, a missing or corrupt index."""

import logging
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django_tasks.signals import task_enqueued

from articles import services
from articles.models import Label, Section
from search.backends.base import (
    SearchDocument,
    SearchQuery,
    get_backend,
    reset_backends,
)
from search.index import index_rebuild

SEARCH = reverse("search:search")


pytestmark = pytest.mark.usefixtures("whoosh_index")


def found(text, **kwargs):
    return [h.key for h in get_backend().search(SearchQuery(text=text, **kwargs)).hits]


def test_saving_an_article_indexes_it_after_commit(agent, make_section, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_create(author=agent, section=make_section(), draft=False,
                                          title="Connect a custom domain", body="Point your DNS at us.")
    assert found("custom domain") == [f"article:{article.pk}"]


def test_one_transaction_of_many_saves_sends_one_index_update(agent, make_section,
                                                             django_capture_on_commit_callbacks):
    section = make_section()
    enqueued = []

    def count(sender, task_result, **kwargs):
        enqueued.append(task_result.task.name)

    task_enqueued.connect(count)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            articles = [services.article_create(author=agent, section=section, draft=False,
                                                title=f"Batch tip {n}", body="Tips.") for n in range(5)]
    finally:
        task_enqueued.disconnect(count)
    assert enqueued == ["sync_documents"]
    assert sorted(found("batch tip")) == sorted(f"article:{a.pk}" for a in articles)


def test_a_rolled_back_save_is_not_indexed_and_later_saves_still_are(agent, make_section,
                                                                    django_capture_on_commit_callbacks):
    section = make_section()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.article_create(author=agent, section=section, draft=False, title="Ghost", body="Boo.")
            raise RuntimeError
        kept = services.article_create(author=agent, section=section, draft=False, title="Real tip",
                                       body="Kept.")
    assert found("ghost") == []
    assert found("real tip") == [f"article:{kept.pk}"]


def test_comments_and_official_answers_update_their_post(agent, customer, make_post,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(title="Emails bounce", body="Messages come back.")
        comment = services.comment_create(author=agent, target=post, body="Check your SPF record.")
    assert found("spf") == [f"post:{post.pk}"]
    with django_capture_on_commit_callbacks(execute=True):
        comment.delete()
    assert found("spf") == []


def test_renaming_a_label_or_section_reindexes_its_articles(agent, make_article,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Exporting contacts", body="Download a CSV.", label_names=["export"])
    with django_capture_on_commit_callbacks(execute=True):
        label = Label.objects.get(name="export")
        label.name = "spreadsheet"
        label.save()
        section = Section.objects.get(pk=article.section_id)
        section.name = "Migration helpers"
        section.save()
    assert found("spreadsheet") == [f"article:{article.pk}"]
    assert found("migration") == [f"article:{article.pk}"]


def test_unpublishing_removes_from_search(agent, make_article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Holiday opening hours", body="Closed on holidays.")
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(article=article, draft=True)
    assert found("holiday") == []


# --- a missing or broken index -------------------------------------------------------------

def test_without_an_index_search_answers_from_the_database_and_logs(client, make_article, settings, caplog):
    make_article(title="Reset your password", body="Use the sign-in page.")
    assert not (settings.KB_SEARCH_INDEX_DIR / "CURRENT").exists()
    with caplog.at_level(logging.WARNING, logger="articles.search"):
        response = client.get(SEARCH, {"q": "resetting password"})
    assert response.status_code == 200
    assert response.context["results"].degraded
    assert [i.title for i in response.context["results"].items] == ["Reset your password"]
    assert "answering from the database" in caplog.text
    api = client.get(reverse("search:api_articles"), {"query": "password"}).json()
    assert [r["title"] for r in api["results"]] == ["Reset your password"]
    suggest = client.get(reverse("search:suggest"), {"q": "passw"}).json()
    assert suggest["results"][0]["title"] == "Reset your password"


def test_a_save_rebuilds_a_missing_index_from_the_database(make_article, settings,
                                                          django_capture_on_commit_callbacks):
    older = make_article(title="Older article", body="Already there.")  # never indexed
    with django_capture_on_commit_callbacks(execute=True):
        newer = make_article(title="Newer article", body="Just saved.")
    assert sorted(found("article")) == sorted([f"article:{older.pk}", f"article:{newer.pk}"])


def corrupt(index_dir):
    current = index_dir / (index_dir / "CURRENT").read_text().strip()
    for path in current.iterdir():
        path.write_bytes(b"\x00garbage" * 10)


def test_a_corrupt_index_never_fails_a_save_or_a_search(client, make_article, settings, caplog,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Change your plan", body="Upgrade or downgrade.")
    corrupt(settings.KB_SEARCH_INDEX_DIR)
    reset_backends()
    with caplog.at_level(logging.WARNING):
        with django_capture_on_commit_callbacks(execute=True):
            saved = make_article(title="Close your account", body="Stop billing.")
        response = client.get(SEARCH, {"q": "close account"})
    assert saved.pk is not None
    assert "Search index update failed" in caplog.text
    assert response.status_code == 200 and response.context["results"].degraded
    assert [i.obj.pk for i in response.context["results"].items] == [saved.pk]
    out = StringIO()
    call_command("check_index", "--fix", stdout=out)
    assert "rebuilt" in out.getvalue()
    reset_backends()
    assert found("close account") == [f"article:{saved.pk}"]


# --- commands ------------------------------------------------------------------------------

def test_rebuild_index_swaps_generations_while_searches_keep_working(make_article, settings):
    first = make_article(title="Invoices and receipts", body="Download them.")
    call_command("rebuild_index", stdout=StringIO())
    backend = get_backend()
    index_dir = settings.KB_SEARCH_INDEX_DIR
    old_generation = (index_dir / "CURRENT").read_text()
    # A reader in another thread or process, in flight during the rebuild.
    with backend._index().searcher() as searcher:
        second = make_article(title="Invoice address", body="Change it.")
        out = StringIO()
        call_command("rebuild_index", stdout=out)
        assert searcher.doc_count() == 1  # the old generation is still readable
    assert (index_dir / "CURRENT").read_text() != old_generation
    assert sorted(found("invoice")) == sorted([f"article:{first.pk}", f"article:{second.pk}"])
    call_command("rebuild_index", stdout=StringIO())
    assert len([p for p in index_dir.iterdir() if p.name.startswith("gen-")]) == 2
    assert "Indexed 2 documents" in out.getvalue()


def test_segments_are_written_as_separate_files_not_compound(make_article,
                                                             django_capture_on_commit_callbacks):
    # A compound segment is read through in-memory copies of its parts in every process
    # (whoosh.filedb.compound: BytesIO over the mapped file); separate files are shared
    # through the page cache. Both the rebuild and incremental writes must keep to that.
    make_article(title="Invoices and receipts", body="Download them.")
    call_command("rebuild_index", stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):  # an incremental write
        make_article(title="Invoice address", body="Change it.")
    assert len(found("invoice")) == 2
    names = [p.name for p in get_backend().current_dir().iterdir()]
    assert any(name.endswith(".pst") for name in names)  # postings as their own file
    assert not any(name.endswith(".seg") for name in names), names


def test_check_index_reports_differences_and_fix_repairs_them(make_article):
    make_article(title="Indexed one", body="Here.")
    index_rebuild()
    missing = make_article(title="Not yet indexed", body="Missing.")
    with pytest.raises(CommandError):
        call_command("check_index", stdout=StringIO())
    out = StringIO()
    call_command("check_index", "--fix", stdout=out)
    assert f"article:{missing.pk}" in out.getvalue()
    clean = StringIO()
    call_command("check_index", stdout=clean)
    assert "in step" in clean.getvalue()


def test_concurrent_writers_lose_no_documents(make_article):
    template = make_article(title="Seed", body="Seed.")
    index_rebuild()
    backend = get_backend()
    errors = []

    def write(n):
        try:
            for i in range(5):
                pk = 10_000 + n * 100 + i
                backend.index([SearchDocument(
                    kind="article", pk=pk, title=f"Parallel {pk}", body="x", url=f"/a/{pk}/",
                    created_at=template.created_at, updated_at=template.updated_at)])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(key.startswith("article:10") for key in backend.stored_versions()) == 20
