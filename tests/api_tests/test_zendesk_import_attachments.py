"""import_zendesk brings an article's attachments along: each file of
``articles/<id>/attachments.json`` and each file a body links to becomes one of the
article's attachments (the API's rules: the bytes decide the type, 5 MB at most), found by
its Zendesk id on a re-run, and the body's links point at kb's copy."""

import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from api.models import ArticleAttachment
from api.services import ATTACHMENT_MAX_BYTES, attachment_private_name
from articles.models import Article
from kb import storage

from . import zendesk_data
from .test_zendesk_import_api import EMAIL, TOKEN, StandIn

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BASE = zendesk_data.BASE


def listed(zid, name, *, inline=False, created="2020-02-03T04:05:06Z"):
    return {"id": zid, "url": f"{BASE}/api/v2/help_center/articles/attachments/{zid}.json", "article_id": 115001,
            "file_name": name, "display_file_name": name,
            "content_url": f"{BASE}/hc/article_attachments/{zid}/{name}", "relative_path":
            f"/hc/article_attachments/{zid}/{name}", "content_type": "application/octet-stream", "size": 1,
            "inline": inline, "created_at": created, "updated_at": created}


def files_with_attachments():
    files = zendesk_data.help_center()
    files["articles-2.json"]["articles"][0]["body"] = "<p>Use an app.</p>"
    first = files["articles.json"]["articles"][0]
    first["body"] += (
        f'<p>The <a href="{BASE}/hc/article_attachments/888/manual.pdf">manual</a>, '
        '<a href="/hc/article_attachments/889/notes%20v2.txt">the notes</a> and '
        f'<a href="{BASE}/hc/article_attachments/890/setup.exe">the installer</a>.</p>'
        f'<p><img src="{BASE}/hc/article_attachments/891/diagram.png"></p>')
    files["articles/115001/attachments.json"] = {"article_attachments": [
        listed(888, "manual.pdf"), listed(891, "diagram.png", inline=True), listed(892, "prices.csv"),
    ], "next_page": None}
    files["article_attachments/888/manual.pdf"] = PDF
    files["article_attachments/889/notes v2.txt"] = "Remember the milk.\n"
    files["article_attachments/890/setup.exe"] = b"MZ\x90\x00 a program"
    files["article_attachments/891/diagram.png"] = zendesk_data.png_bytes((10, 200, 10))
    files["article_attachments/892/prices.csv"] = "plan,price\nbasic,10\n"
    return files


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_zendesk", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue() + f"CommandError: {exc}", True
    return out.getvalue(), err.getvalue(), False


def stored_files(settings) -> set[str]:
    """Every file written under kb's data folder (private attachments and uploads)."""
    return {os.path.relpath(os.path.join(folder, name), settings.KB_DATA_DIR)
            for folder, _, names in os.walk(settings.KB_DATA_DIR) for name in names
            if "index" not in os.path.relpath(folder, settings.KB_DATA_DIR).split(os.sep)}


@pytest.fixture
def export_dir(tmp_path):
    return zendesk_data.write(tmp_path / "zendesk", files_with_attachments())


def test_listed_and_linked_files_become_the_articles_attachments_and_links_point_at_kb(db, export_dir, client):
    out, err, failed = run("--from-dir", str(export_dir))
    assert not failed, err
    article = Article.objects.get(external_id="115001")
    attachments = {a.external_id: a for a in ArticleAttachment.objects.all()}
    assert set(attachments) == {"888", "889", "891", "892"}
    assert all(a.article == article for a in attachments.values())
    assert {key: (a.file_name, a.content_type, a.inline) for key, a in attachments.items()} == {
        "888": ("manual.pdf", "application/pdf", False),
        "889": ("notes v2.txt", "text/plain", False),
        "891": ("diagram.png", "image/png", True),
        "892": ("prices.csv", "text/plain", False),
    }
    assert attachments["888"].created_at.isoformat() == "2020-02-03T04:05:06+00:00"  # Zendesk's date
    manual, notes, diagram = attachments["888"], attachments["889"], attachments["891"]
    assert f'href="/article_attachments/{manual.pk}/manual.pdf"' in article.body_html
    assert f'href="/article_attachments/{notes.pk}/notes%20v2.txt"' in article.body_html
    # The listed inline image is the attachment's own copy, not a second one.
    assert f'src="/media/{diagram.stored_name}"' in article.body_html
    assert "zendesk-891" not in article.body
    # A program is refused as over the API (the type rules): its link is left as it was.
    assert f'href="{BASE}/hc/article_attachments/890/setup.exe"' in article.body_html
    assert "attachment setup.exe: Attach an image (PNG, JPEG, GIF, WebP), a PDF or a text file" in out
    assert "attachments: 4 created" in out

    response = client.get(f"/article_attachments/{manual.pk}/manual.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_a_second_run_stores_no_file_again_and_keeps_every_link(db, export_dir, settings):
    run("--from-dir", str(export_dir))
    before = stored_files(settings)
    bodies = dict(Article.objects.values_list("external_id", "body"))
    assert any(name.startswith(os.path.join("attachments", "articles")) for name in before)
    assert any(name.startswith(os.path.join("media", "uploads")) for name in before)

    out, err, failed = run("--from-dir", str(export_dir))

    assert not failed, err
    assert "attachments:" not in out  # nothing created
    assert stored_files(settings) == before
    assert ArticleAttachment.objects.count() == 4
    assert dict(Article.objects.values_list("external_id", "body")) == bodies


def test_a_file_over_the_limit_or_not_in_the_folder_is_reported_and_its_link_kept(db, tmp_path):
    files = files_with_attachments()
    files["article_attachments/888/manual.pdf"] = PDF + b"x" * ATTACHMENT_MAX_BYTES
    del files["article_attachments/889/notes v2.txt"]
    out, err, failed = run("--from-dir", str(zendesk_data.write(tmp_path / "z", files)))
    assert not failed, err
    assert "article 115001: attachment manual.pdf is larger than 5 MB; its link still points at Zendesk." in out
    assert "attachment 889/notes v2.txt could not be read" in out
    assert set(ArticleAttachment.objects.values_list("external_id", flat=True)) == {"891", "892"}
    body = Article.objects.get(external_id="115001").body
    assert f"{BASE}/hc/article_attachments/888/manual.pdf" in body


def test_a_listed_name_is_never_a_path_out_of_the_folder(db, tmp_path):
    files = files_with_attachments()
    files["secret.txt"] = "not for import"
    files["articles/115001/attachments.json"]["article_attachments"] = [
        {**listed(893, "../../secret.txt"), "content_url": "https://elsewhere.example/secret.txt"}]
    out, err, failed = run("--from-dir", str(zendesk_data.write(tmp_path / "z", files)))
    assert not failed, err
    assert not ArticleAttachment.objects.filter(external_id="893").exists()
    assert "attachment 893/../../secret.txt could not be read" in out


def test_a_bad_entry_fails_alone_and_the_article_is_imported(db, tmp_path):
    files = files_with_attachments()
    files["articles/115001/attachments.json"]["article_attachments"].append({**listed(894, "x.pdf"), "id": "x"})
    _out, err, failed = run("--from-dir", str(zendesk_data.write(tmp_path / "z", files)))
    assert failed
    assert 'article 115001, attachment x: "id" must be a positive whole number, not a string.' in err
    assert ArticleAttachment.objects.filter(external_id="888").exists()


def test_a_body_link_in_a_post_uses_an_imported_attachment_only(db, tmp_path):
    files = files_with_attachments()
    files["community/posts.json"]["posts"][0]["author_id"] = 9001  # an agent: their HTML is kept
    files["community/posts.json"]["posts"][0]["details"] = (
        f'<p><a href="{BASE}/hc/article_attachments/888/manual.pdf">manual</a> '
        f'<a href="{BASE}/hc/article_attachments/895/other.pdf">other</a></p>')
    out, _err, _failed = run("--from-dir", str(zendesk_data.write(tmp_path / "z", files)))
    from articles.models import Post

    body = Post.objects.get(external_id="6001").body
    manual = ArticleAttachment.objects.get(external_id="888")
    assert f"/article_attachments/{manual.pk}/manual.pdf" in body
    assert f"{BASE}/hc/article_attachments/895/other.pdf" in body
    assert "attachment other.pdf belongs to no imported article" in out


@pytest.fixture
def stand_in():
    files = files_with_attachments()
    files["article_attachments/888/manual.pdf"] = PDF + b"x" * ATTACHMENT_MAX_BYTES  # over the limit
    server = StandIn({name: value.encode() if isinstance(value, str) else value for name, value in files.items()})
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_the_live_api_downloads_attachments_from_the_help_center_within_bounds(db, stand_in, settings):
    out = io.StringIO()
    call_command("import_zendesk", "--url", stand_in.url, "--email", EMAIL, "--token", TOKEN, stdout=out,
                 stderr=io.StringIO())
    assert set(ArticleAttachment.objects.values_list("external_id", flat=True)) == {"889", "891", "892"}
    assert "attachment manual.pdf is larger than 5 MB" in out.getvalue()
    # Refused by its Content-Length: never downloaded whole.
    assert "/hc/article_attachments/888/manual.pdf" in stand_in.requests
    notes = ArticleAttachment.objects.get(external_id="889")
    with storage.private_storage().open(attachment_private_name(notes.stored_name)) as stored:
        assert stored.read() == b"Remember the milk.\n"
    before = stored_files(settings)
    call_command("import_zendesk", "--url", stand_in.url, "--email", EMAIL, "--token", TOKEN, stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert stored_files(settings) == before
    assert ArticleAttachment.objects.count() == 3


def test_a_download_that_takes_too_long_is_given_up(db, stand_in, monkeypatch):
    monkeypatch.setattr("api.zendesk.sources.DOWNLOAD_SECONDS", -1)
    out = io.StringIO()
    call_command("import_zendesk", "--url", stand_in.url, "--email", EMAIL, "--token", TOKEN, stdout=out,
                 stderr=io.StringIO())
    assert not ArticleAttachment.objects.exists()
    assert "attachment 889/notes v2.txt could not be read" in out.getvalue()
