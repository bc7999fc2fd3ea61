"""Several machines, proven: two kb web servers, each with its own local folder, against one
PostgreSQL and one Redis, with two task workers side by side (docs/deploy.md, "Several
machines"). What one machine writes, the other serves, finds and no longer serves stale;
what must happen once happens once."""


import pytest
import requests

from .conftest import get, poll

pytestmark = pytest.mark.machines


def test_an_article_changed_through_one_server_is_served_found_and_fresh_on_the_other(site):
    web1, web2 = site.webs
    path = site.data["article_path"]
    assert get(web2, path).status_code == 200
    assert get(web2, path).headers["X-KB-Page-Cache"] == "hit"  # an anonymous reader's page, cached

    changed = requests.put(f"{web1.url}/api/v2/help_center/articles/{site.data['article']}.json", auth=site.auth,
                           json={"article": {"title": "Reset your password with a passkey",
                                             "body": "<p>Choose <em>Passkey</em> under Settings.</p>"}},
                           timeout=10)
    assert changed.status_code == 200, changed.text

    def fresh():
        # A new title is a new slug: the old address redirects to the new one.
        return "Reset your password with a passkey" in get(web2, path, allow_redirects=True).text

    def found():
        results = get(web2, "/search/", params={"q": "passkey"})
        return results.status_code == 200 and "Reset your password with a passkey" in results.text

    assert poll(fresh, timeout=1) < 1
    assert poll(found, timeout=1) < 1


def test_followers_get_one_email_each_with_two_task_workers_and_cron_at_once(site):
    """Both workers, and the cron commands, race for the same notification events, digests
    and outbox rows: each claim is one UPDATE … WHERE unclaimed, so exactly one wins."""
    web1 = site.webs[0]
    created = requests.post(f"{web1.url}/api/v2/help_center/sections/{site.data['quiet_section']}/articles.json",
                            auth=site.auth, json={"article": {"title": "Invoices in your currency",
                                                              "body": "<p>Pick one under Billing.</p>"}},
                            timeout=10)
    assert created.status_code == 201, created.text
    # More deliveries queued at the same moment, as a burst of changes would: the two
    # workers run them side by side.
    site.script("from articles.tasks import deliver_notifications\n"
                "for _ in range(10):\n    deliver_notifications.enqueue()\nprint('{}')")
    site.wait_for_tasks()
    for command in ("send_notifications", "send_queued_email"):
        site.script(f"from django.core.management import call_command\ncall_command({command!r})\nprint('{{}}')")
    site.wait_for_tasks()

    for follower in site.data["followers"]:
        mails = site.mails(to=follower)
        assert len(mails) == 1, (follower, len(mails))
        assert "Invoices in your currency" in mails[0]
    assert site.mails(to="agent@example.com") == []  # the author does not hear of their own article
    assert site.sql("SELECT status, count(*), max(attempts) FROM kb_outgoingemail "
                    "WHERE kind = 'articles.notification_digest' GROUP BY status") == "sent|10|1"


def test_two_task_workers_side_by_side_never_run_a_task_twice(site):
    site.script("from tests.machines_tests.tasks import record_run\n"
                "for n in range(300):\n    record_run.enqueue(n, 0.005)\nprint('{}')")
    site.wait_for_tasks(timeout=60)

    runs = sorted(int(p.name.split(".")[0]) for p in site.runs.glob("*.*") if p.name[0].isdigit())
    assert runs == list(range(300))
    results = "SELECT {} FROM django_tasks_database_dbtaskresult WHERE task_path LIKE '%record_run'"
    assert site.sql(results.format("count(*), max(jsonb_array_length(worker_ids))")) == "300|1"
    # Side by side: each worker took a share of the queue.
    assert site.sql(results.format("count(DISTINCT worker_ids->>0)")) == "2"
