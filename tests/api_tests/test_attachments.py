"""Article attachments: uploads by agents (zenpy's multipart, unchanged), the request
form's type and size rules, images shown in bodies from kb's uploads path, other files
downloaded by whoever may read the article."""

import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from api.models import ArticleAttachment
from api.services import ATTACHMENT_MAX_BYTES, attachment_private_name
from kb import storage

API = "/api/v2/help_center"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png_bytes(size=(8, 6), color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def upload(client, url, name, data, headers, inline=False):
    file = io.BytesIO(data)
    file.name = name
    return client.post(url, {"file": file, "inline": "true" if inline else "false"}, **headers)


@pytest.mark.django_db(transaction=True)
def test_an_agent_attaches_an_inline_image_through_zenpy_and_shows_it_in_the_body(
        zendesk, agent, make_article, live_server, tmp_path):
    from zenpy.lib.api_objects.help_centre_objects import Article as ZArticle

    article = make_article(title="Screenshots")
    path = tmp_path / "screen.png"
    path.write_bytes(png_bytes())
    client = zendesk(agent)

    attachment = client.help_center.attachments.create(article.pk, str(path), inline=True)

    assert (attachment.article_id, attachment.file_name, attachment.content_type, attachment.inline) == (
        article.pk, "screen.png", "image/png", True)
    assert attachment.relative_path.startswith("/media/uploads/")
    assert attachment.content_url == live_server.url + attachment.relative_path
    # The address a script puts in the body, absolute as zenpy has it, shows the image.
    client.help_center.articles.update(ZArticle(id=article.pk, body=f'<p><img src="{attachment.content_url}"></p>'))
    article.refresh_from_db()
    assert f'<img src="{attachment.relative_path}"' in article.body_html
    assert [a.id for a in client.help_center.attachments.inline(article.pk)] == [attachment.id]
    assert list(client.help_center.attachments.block(article.pk)) == []
    assert [a.id for a in zendesk().help_center.attachments(article.pk)] == [attachment.id]


@pytest.mark.django_db(transaction=True)
def test_files_uploaded_before_their_article_are_attached_in_bulk_and_deleted_through_zenpy(
        zendesk, agent, make_article, tmp_path):
    article = make_article()
    path = tmp_path / "manual.pdf"
    path.write_bytes(PDF)
    client = zendesk(agent)

    loose = client.help_center.attachments.create_unassociated(str(path))
    assert loose.article_id is None
    client.help_center.attachments.bulk_attachments(article.pk, [loose])
    assert [a.id for a in client.help_center.attachments.block(article.pk)] == [loose.id]

    stored = Path(storage.private_storage().path(
        attachment_private_name(ArticleAttachment.objects.get(pk=loose.id).stored_name)))
    assert stored.read_bytes() == PDF
    client.help_center.attachments.delete(loose.id)
    assert not ArticleAttachment.objects.exists()
    assert not stored.exists()


@pytest.mark.django_db
def test_a_published_articles_file_is_downloaded_by_anyone_a_drafts_by_agents_only(
        client, agent, basic_auth, make_article):
    headers = basic_auth(agent)
    published, draft = make_article(title="Published"), make_article(title="Draft", draft=True)
    public = upload(client, f"{API}/articles/{published.pk}/attachments.json", "manual.pdf", PDF, headers).json()
    hidden = upload(client, f"{API}/articles/{draft.pk}/attachments.json", "notes.txt", "Plain text ✓".encode(),
                    headers).json()

    response = client.get(public["article_attachment"]["relative_path"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="manual.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    hidden_path = hidden["article_attachment"]["relative_path"]
    assert client.get(hidden_path).status_code == 404
    assert client.get(f"{API}/articles/attachments/{hidden['article_attachment']['id']}.json").status_code == 404
    assert client.get(hidden_path, **headers).status_code == 200


@pytest.mark.django_db
def test_an_image_attachment_is_served_from_the_uploads_path(client, agent, basic_auth, make_article):
    article = make_article()
    body = upload(client, f"{API}/articles/{article.pk}/attachments.json", "photo.png", png_bytes(),
                  basic_auth(agent)).json()["article_attachment"]

    image = client.get(body["relative_path"])
    redirect = client.get(f"/article_attachments/{body['id']}/photo.png")

    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert redirect.status_code == 302 and redirect["Location"] == body["relative_path"]
    assert default_storage.exists(ArticleAttachment.objects.get().stored_name)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "why"), [
    ("script.png", b"<script>alert(1)</script>", "a script named as an image"),
    ("photo.pdf", png_bytes(), "an image named as a PDF"),
    ("tool.exe", b"MZ\x90\x00", "a program"),
    ("page.html", b"<html></html>", "HTML"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "a PNG Pillow cannot read"),
    ("big.txt", b"a" * (ATTACHMENT_MAX_BYTES + 1), "a file over 5 MB"),
])
def test_only_the_request_forms_kinds_of_files_are_accepted(client, agent, basic_auth, make_article, name, data, why):
    article = make_article()

    response = upload(client, f"{API}/articles/{article.pk}/attachments.json", name, data, basic_auth(agent))

    assert response.status_code == 422, why
    assert response.json()["error"] == "RecordInvalid"
    assert "file" in response.json()["details"]
    assert not ArticleAttachment.objects.exists()


@pytest.mark.django_db
def test_an_upload_without_a_file_is_a_422(client, agent, basic_auth, make_article):
    article = make_article()

    response = client.post(f"{API}/articles/{article.pk}/attachments.json", {"inline": "true"}, **basic_auth(agent))

    assert response.status_code == 422
    assert "file" in response.json()["details"]


@pytest.mark.django_db
def test_only_agents_attach_or_delete(client, customer, agent, basic_auth, make_article):
    article = make_article()
    url = f"{API}/articles/{article.pk}/attachments.json"

    assert upload(client, url, "manual.pdf", PDF, {}).status_code == 401
    assert upload(client, url, "manual.pdf", PDF, basic_auth(customer)).status_code == 403
    made = upload(client, url, "manual.pdf", PDF, basic_auth(agent)).json()["article_attachment"]
    detail = f"{API}/articles/attachments/{made['id']}.json"
    assert client.delete(detail, **basic_auth(customer)).status_code == 403
    assert client.get(detail).json()["article_attachment"]["file_name"] == "manual.pdf"
    assert client.delete(detail, **basic_auth(agent)).status_code == 204
    assert client.get(detail).status_code == 404


@pytest.mark.django_db
def test_an_unassociated_upload_is_seen_by_agents_only(client, agent, basic_auth):
    made = upload(client, f"{API}/articles/attachments.json", "manual.pdf", PDF, basic_auth(agent)).json()
    attachment = made["article_attachment"]

    assert attachment["article_id"] is None
    assert client.get(f"{API}/articles/attachments/{attachment['id']}.json").status_code == 404
    assert client.get(attachment["relative_path"]).status_code == 404
    assert client.get(f"{API}/articles/attachments/{attachment['id']}", **basic_auth(agent)).status_code == 200


@pytest.mark.django_db
def test_bulk_association_refuses_files_of_another_article(client, agent, basic_auth, make_article):
    headers = basic_auth(agent)
    first, second = make_article(title="First"), make_article(title="Second")
    made = upload(client, f"{API}/articles/{first.pk}/attachments.json", "a.pdf", PDF, headers).json()

    response = client.post(f"{API}/articles/{second.pk}/bulk_attachments.json",
                           {"attachment_ids": [made["article_attachment"]["id"]]},
                           content_type="application/json", **headers)

    assert response.status_code == 422
    assert ArticleAttachment.objects.get().article == first


@pytest.mark.django_db
def test_the_attachment_list_costs_the_same_queries_for_1_or_10_rows(
        client, agent, basic_auth, make_article, django_assert_num_queries, steady_clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = make_article()
    headers = basic_auth(agent)
    url = f"{API}/articles/{article.pk}/attachments.json"
    upload(client, url, "0.pdf", PDF, headers)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    queries = len(one.captured_queries)  # read now: the next request resets Django's query log
    for n in range(1, 10):
        upload(client, url, f"{n}.txt", b"text", headers)
    with django_assert_num_queries(queries):
        body = client.get(url).json()
    assert len(body["article_attachments"]) == 10
