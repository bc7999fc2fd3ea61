"""manage.py import_articles: good lines are imported, bad lines reported by number,
nothing is half-written, and re-imports update in place."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Category, Label, Section


def write_jsonl(tmp_path, *lines, name="articles.jsonl"):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    return path


def run_import(path, *args):
    """Run the command; returns (stdout, stderr, failed) where failed says it exited non-zero."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        return out.getvalue(), err.getvalue(), True
    return out.getvalue(), err.getvalue(), False


def article(n=1, **fields):
    return {
        "title": f"How do I export report {n}?",
        "body": f"Open **Reports**, pick report {n} and choose *Export*.",
        "section": "Reports",
        **fields,
    }


def test_imports_articles_as_published_into_a_new_section_of_the_imported_category(tmp_path, agent):
    path = write_jsonl(tmp_path, article(1), article(2, label_names=["reports", "export"]))

    out, err, failed = run_import(path)

    assert not failed and err == ""
    assert "created 2, updated 0, failed 0" in out
    section = Section.objects.get(name="Reports")
    assert section.category.name == "Imported"
    imported = Article.objects.order_by("title")
    assert [a.title for a in imported] == ["How do I export report 1?", "How do I export report 2?"]
    assert all(not a.draft and a.author == agent and a.section == section for a in imported)
    assert "<strong>Reports</strong>" in imported[0].body_html
    assert sorted(imported[1].labels.values_list("name", flat=True)) == ["export", "reports"]


def test_bad_lines_are_reported_by_number_and_good_lines_still_imported(tmp_path, agent):
    path = write_jsonl(
        tmp_path,
        article(1),
        "{not json",
        {"body": "No title here.", "section": "Reports"},
        article(4, draft="yes"),
        article(5, label_names="billing"),
        "",
        article(7, body="[" * 100),
        ["a", "list"],
        article(9, labels=["typo"]),
        article(10, title=42),
        article(11, title="   "),
        article(12),
    )

    out, err, failed = run_import(path)

    assert failed
    assert "created 2, updated 0, failed 9" in out
    assert set(Article.objects.values_list("title", flat=True)) == {
        "How do I export report 1?", "How do I export report 12?",
    }  # fmt: skip
    lines = err.splitlines()
    assert f"{path}:2: not valid JSON" in lines[0]
    assert lines[1] == f'{path}:3: "title" is required.'
    assert lines[2] == f'{path}:4: "draft" must be true or false, not a string.'
    assert lines[3] == f'{path}:5: "label_names" must be a list of strings.'
    assert lines[4].startswith(f"{path}:7: body: This text has too many brackets")
    assert lines[5] == f"{path}:8: expected a JSON object, found a list."
    assert lines[6].startswith(f'{path}:9: unknown field(s) "labels"')
    assert lines[7] == f'{path}:10: "title" must be a string, not a number.'
    assert lines[8] == f'{path}:11: "title" must not be empty.'
    assert "9 line(s) failed" in err


def test_a_failed_line_leaves_no_section_or_category_behind(tmp_path, agent):
    path = write_jsonl(
        tmp_path, article(1, section="Brand new section", category="Brand new category", body="(" * 50)
    )

    _, err, failed = run_import(path)

    assert failed and ":1: body:" in err
    assert not Section.objects.filter(name="Brand new section").exists()
    assert not Category.objects.filter(name="Brand new category").exists()
    assert not Article.objects.exists()


def test_an_over_long_title_is_refused_not_truncated(tmp_path, agent):
    path = write_jsonl(tmp_path, article(1, title="x" * 201))

    _, err, failed = run_import(path)

    assert failed and ":1: title: Ensure this value has at most 200 characters" in err
    assert not Article.objects.exists()


def test_reimport_with_external_id_updates_instead_of_duplicating(tmp_path, agent, make_user):
    first = write_jsonl(
        tmp_path, article(1, external_id="zd-1", label_names=["old"]), article(2, external_id=2),
        name="first.jsonl",
    )
    run_import(first)
    original = Article.objects.get(external_id="zd-1")
    make_user("later_agent", agent=True)

    second = write_jsonl(
        tmp_path,
        article(1, external_id="zd-1", title="How do I export any report?",
                body="Use *Export* on any report.", label_names=["new"], draft=True,
                section="Data", category="Account"),
        article(3, external_id="zd-3"),
        name="second.jsonl",
    )
    out, _, failed = run_import(second, "--author", "later_agent")

    assert not failed and "created 1, updated 1, failed 0" in out
    assert Article.objects.count() == 3
    updated = Article.objects.get(pk=original.pk)
    assert updated.title == "How do I export any report?"
    assert "<em>Export</em>" in updated.body_html
    assert updated.draft is True
    assert updated.section.name == "Data" and updated.section.category.name == "Account"
    assert list(updated.labels.values_list("name", flat=True)) == ["new"]
    # Re-importing corrects content, not credit.
    assert updated.author == agent
    assert Article.objects.get(external_id="2").title == "How do I export report 2?"
    assert Article.objects.get(external_id="zd-3").author.username == "later_agent"


def test_section_is_found_by_slug_or_name_and_keeps_its_category(tmp_path, agent, make_section):
    existing = make_section(name="Billing and plans")
    path = write_jsonl(
        tmp_path,
        article(1, section=existing.slug),
        article(2, section="billing AND plans", category="Somewhere else"),
    )

    out, _, failed = run_import(path)

    assert not failed and "created 2" in out
    assert Section.objects.filter(name__iexact="billing and plans").count() == 1
    assert set(Article.objects.values_list("section", flat=True)) == {existing.pk}
    assert not Category.objects.filter(name="Somewhere else").exists()


def test_lines_may_name_their_author_who_must_be_an_agent(tmp_path, agent, make_user):
    writer = make_user("writer_wen", agent=True)
    make_user("reader_rae")
    path = write_jsonl(
        tmp_path,
        article(1, author="writer_wen"),
        article(2, author="reader_rae"),
        article(3, author="nobody"),
    )

    out, err, failed = run_import(path)

    assert failed and "created 1, updated 0, failed 2" in out
    assert Article.objects.get().author == writer
    assert ':2: user "reader_rae" is not an agent' in err
    assert ':3: no user named "nobody".' in err


def test_without_agents_the_first_superuser_is_the_author(tmp_path, make_user):
    make_user("plain_customer")
    boss = make_user("site_owner", is_superuser=True, is_staff=True)

    out, _, failed = run_import(write_jsonl(tmp_path, article(1)))

    assert not failed and "created 1" in out
    assert Article.objects.get().author == boss


def test_without_any_agent_every_line_fails_clearly(tmp_path, make_user):
    make_user("plain_customer")

    out, err, failed = run_import(write_jsonl(tmp_path, article(1)))

    assert failed and "created 0, updated 0, failed 1" in out
    assert 'no author: name one in "author" or create an agent first.' in err
    assert not Article.objects.exists()


def test_an_unknown_author_option_stops_before_reading_the_file(tmp_path, agent):
    with pytest.raises(CommandError, match='--author: no user named "ghost"'):
        call_command("import_articles", str(write_jsonl(tmp_path, article(1))), "--author", "ghost")
    assert not Article.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path, agent):
    with pytest.raises(CommandError, match="Cannot read .*missing.jsonl"):
        call_command("import_articles", str(tmp_path / "missing.jsonl"))


def test_dry_run_checks_every_line_and_saves_nothing(tmp_path, agent):
    path = write_jsonl(tmp_path, article(1, section="New one"), "[]")

    out, err, failed = run_import(path, "--dry-run")

    assert failed and "Dry run, nothing saved: created 1, updated 0, failed 1" in out
    assert ":2: expected a JSON object" in err
    assert not Article.objects.exists() and not Section.objects.filter(name="New one").exists()


def test_markup_is_sanitised_by_the_one_renderer(tmp_path, agent):
    path = write_jsonl(
        tmp_path, article(1, body='Hi <script>alert(1)</script>[x](javascript:alert(1))')
    )

    run_import(path)

    html = Article.objects.get().body_html
    assert "<script" not in html and "javascript:" not in html


def test_byte_order_mark_is_accepted_and_invalid_utf8_lines_are_reported(tmp_path, agent):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps(article(1)).encode() + b"\n"
        + b'{"title": "Caf\xe9", "body": "x", "section": "Reports"}\n'
        + json.dumps(article(3, title="Café ☕ مرحبا")).encode("utf-8") + b"\n"
    )

    out, err, failed = run_import(path)

    assert failed and "created 2, updated 0, failed 1" in out
    assert ":2: not UTF-8 text" in err
    assert Article.objects.filter(title="Café ☕ مرحبا").exists()


def test_labels_are_shared_between_articles(tmp_path, agent):
    path = write_jsonl(tmp_path, article(1, label_names=["Billing"]), article(2, label_names=["billing", " "]))

    run_import(path)

    assert Label.objects.count() == 1
    assert Label.objects.get().articles.count() == 2


def test_a_lone_surrogate_is_reported_not_sent_to_the_database(tmp_path, agent):
    path = write_jsonl(tmp_path, '{"title": "Bad \\ud800 title", "body": "x", "section": "Reports"}')

    _, err, failed = run_import(path)

    assert failed and ':1: "title" contains an invalid character' in err
    assert not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_imported_articles_are_searchable_with_one_index_update_per_batch(tmp_path, monkeypatch):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles.importing import import_lines
    from kb.permissions import AGENTS_GROUP
    from search import index
    from search.backends.base import SearchQuery, get_backend

    writer = get_user_model().objects.create_user("import_agent")
    writer.groups.add(Group.objects.get(name=AGENTS_GROUP))
    synced = []
    real_index_sync = index.index_sync

    def recording_index_sync(*, keys, **kwargs):
        synced.append(sorted(keys))
        return real_index_sync(keys=keys, **kwargs)

    monkeypatch.setattr(index, "index_sync", recording_index_sync)
    lines = [json.dumps(article(n, external_id=f"x-{n}")) for n in range(1, 6)]
    lines[1] = json.dumps(article(2, body="(" * 50))  # fails inside its batch

    result = import_lines(lines, author=writer, batch_lines=2)

    assert (result.created, result.failed) == (4, 1)
    # Five lines in batches of two: three commits, one index update each (an article's
    # keys include those of its possible translations: "article:3", "article:3:es"...).
    assert [len({key.split(":")[1] for key in keys}) for keys in synced] == [1, 2, 1]
    found = get_backend().search(SearchQuery(text="export report", per_page=20))
    assert {hit.pk for hit in found.hits} == set(Article.objects.values_list("pk", flat=True))
    assert found.total == 4


@pytest.mark.django_db(transaction=True)  # each batch really commits, as in production
def test_a_bulk_import_leaves_the_whoosh_index_in_one_segment(tmp_path, agent, settings):
    # Committed 100 lines at a time, the import writes one index segment per batch; the
    # compaction queued at its end merges them (each segment costs every later query).
    from search.backends.base import get_backend, reset_backends
    from search.index import index_rebuild

    settings.KB_SEARCH_BACKEND = "whoosh"
    reset_backends()
    index_rebuild()  # an index exists before the import, as on a live site
    path = write_jsonl(tmp_path, *[article(n) for n in range(250)])
    _, err, failed = run_import(path)
    assert not failed, err
    backend = get_backend()
    with backend.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 1
        assert searcher.doc_count() == 250
    reset_backends()
