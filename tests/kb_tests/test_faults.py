"""Fault tests: when a part fails, nothing the visitors wrote is lost.

Together with the email-outage tests beside the services (tests/kb_tests/test_mail.py,
tests/tickets_tests, tests/articles_tests/test_notifications.py) and the SQLite busy-writer
test (test_sqlite_concurrency.py), these cover the faults listed in the production issue.
"""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks import task_backends

from articles import services
from articles.models import Article
from search.backends.base import SearchQuery, get_backend, reset_backends

SEARCH = reverse("search:search")


pytestmark = pytest.mark.usefixtures("whoosh_index")


def indexed_keys(text):
    return sorted(hit.key for hit in get_backend().search(SearchQuery(text=text)).hits)


def test_a_deleted_index_directory_keeps_search_answering_and_rebuild_index_restores_it(
        client, make_article, settings):
    first = make_article(title="Update your card", body="Billing settings.")
    call_command("rebuild_index", stdout=StringIO())
    shutil.rmtree(settings.KB_SEARCH_INDEX_DIR)
    reset_backends()

    degraded = client.get(SEARCH, {"q": "card"})
    second = make_article(title="Card declined", body="Try another card.")  # the save still works

    assert degraded.status_code == 200 and degraded.context["results"].degraded
    assert [item.obj.pk for item in degraded.context["results"].items] == [first.pk]
    call_command("rebuild_index", stdout=StringIO())
    reset_backends()
    restored = client.get(SEARCH, {"q": "card"})
    assert not restored.context["results"].degraded
    assert indexed_keys("card") == sorted([f"article:{first.pk}", f"article:{second.pk}"])


def test_a_worker_killed_mid_batch_leaves_gaps_that_check_index_fix_repairs(
        settings, make_section, agent, django_capture_on_commit_callbacks):
    # The dummy backend queues tasks and runs none: a worker that is down. Running only
    # the first queued task stands for a worker killed after its first job.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    section = make_section()
    call_command("rebuild_index", stdout=StringIO())  # an empty, healthy index
    for n in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            services.article_create(author=agent, section=section, title=f"Refund policy {n}",
                                    body="How refunds work.", draft=False)
    queued = task_backends["default"].results
    assert len(queued) == 4
    queued[0].task.call(*queued[0].args, **queued[0].kwargs)

    assert len(indexed_keys("refund")) == 1
    with pytest.raises(CommandError):
        call_command("check_index", stdout=StringIO())
    call_command("check_index", "--fix", stdout=StringIO())

    every_article = sorted(f"article:{pk}" for pk in Article.objects.values_list("pk", flat=True))
    assert indexed_keys("refund") == every_article
    call_command("check_index", stdout=StringIO())  # in step: no error
