"""Uploaded files go through Django's storage API (kb/storage.py): article images on the
public "default" storage, attachments on the private "attachments" one, each a local
folder by default or an S3-compatible object store configured from the environment.

The round trip (upload, serve, access checks, orphan cleanup) runs against Django's
InMemoryStorage and against a real S3 server (moto's, on a free port): nothing in it
touches KB_DATA_DIR, so every read and write went through the storages."""

import base64
import io
import json
import os
from datetime import timedelta
from uuid import uuid4

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from api import housekeeping as api_housekeeping
from api import services as api_services
from articles import services as article_services
from kb import clock, storage
from kb.housekeeping import housekeeping_run
from kb.storage_settings import PRIVATE, PUBLIC, storages_from_env
from tests.services import free_port
from tickets import housekeeping as tickets_housekeeping
from tickets.models import Ticket

from .conftest import base_env, manage

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def configured(env: dict, tmp_path) -> dict:
    return storages_from_env(env, media_root=tmp_path / "media", attachments_root=tmp_path / "attachments",
                             static_backend=STATIC)


# --- Configuration -------------------------------------------------------------------


def test_unset_means_two_local_folders_the_private_one_without_urls(tmp_path):
    result = configured({}, tmp_path)
    assert result[PUBLIC]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert result[PRIVATE]["BACKEND"] == "kb.storage.PrivateFileSystemStorage"
    with pytest.raises(ValueError):
        storage.private_storage().url("anything")


S3_ENV = {"KB_MEDIA_STORAGE": "s3", "KB_MEDIA_S3_BUCKET": "kb-images", "KB_ATTACHMENTS_STORAGE": "s3",
          "KB_ATTACHMENTS_S3_BUCKET": "kb-files", "KB_S3_ENDPOINT_URL": "https://objects.example.com",
          "KB_S3_REGION": "eu-central-1", "KB_S3_ACCESS_KEY_ID": "id", "KB_S3_SECRET_ACCESS_KEY": "secret",
          "KB_S3_ADDRESSING_STYLE": "path"}


def test_s3_variables_configure_both_storages_with_separate_buckets(tmp_path):
    result = configured(S3_ENV, tmp_path)
    assert result[PUBLIC]["BACKEND"] == "kb.storage_s3.PublicS3Storage"
    assert result[PRIVATE]["BACKEND"] == "kb.storage_s3.PrivateS3Storage"
    assert result[PUBLIC]["OPTIONS"]["bucket_name"] == "kb-images"
    assert result[PRIVATE]["OPTIONS"] == {
        "bucket_name": "kb-files", "file_overwrite": False, "default_acl": None,
        "endpoint_url": "https://objects.example.com", "region_name": "eu-central-1",
        "access_key": "id", "secret_key": "secret", "addressing_style": "path"}


@pytest.mark.parametrize("env, message", [
    ({"KB_MEDIA_STORAGE": "nfs"}, "KB_MEDIA_STORAGE must be 'local' or 's3', not 'nfs'"),
    ({"KB_ATTACHMENTS_STORAGE": "s3"}, "KB_ATTACHMENTS_S3_BUCKET must name the bucket"),
    ({**S3_ENV, "KB_ATTACHMENTS_S3_BUCKET": "kb-images"}, "KB_ATTACHMENTS_S3_BUCKET must differ"),
    ({**S3_ENV, "KB_S3_SECRET_ACCESS_KEY": ""}, "Set both KB_S3_ACCESS_KEY_ID and KB_S3_SECRET_ACCESS_KEY"),
    ({**S3_ENV, "KB_S3_ENDPOINT_URL": "objects.example.com"}, "KB_S3_ENDPOINT_URL must be an http"),
    ({**S3_ENV, "KB_S3_ADDRESSING_STYLE": "sideways"}, "KB_S3_ADDRESSING_STYLE must be one of"),
])
def test_a_bad_or_incomplete_configuration_says_what_is_wrong(tmp_path, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        configured(env, tmp_path)


def test_private_files_inside_the_public_media_folder_are_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="KB_ATTACHMENTS_ROOT must be outside KB_MEDIA_ROOT"):
        storages_from_env({}, media_root=tmp_path / "media", attachments_root=tmp_path / "media" / "private",
                          static_backend=STATIC)


def test_kb_refuses_to_start_with_a_bad_storage_configuration(tmp_path):
    done = manage(base_env(tmp_path, KB_MEDIA_STORAGE="s3"), "check")
    assert done.returncode != 0
    assert "ImproperlyConfigured: KB_MEDIA_S3_BUCKET must name the bucket to use." in done.stderr


# --- The round trip on other storages ----------------------------------------------------


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def use_s3(settings, tmp_path, endpoint: str) -> None:
    """Both aliases on two new buckets of the S3 server at ``endpoint``."""
    images, files = f"kb-images-{uuid4().hex[:8]}", f"kb-files-{uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=images)
    client.create_bucket(Bucket=files)
    env = {"KB_MEDIA_STORAGE": "s3", "KB_MEDIA_S3_BUCKET": images, "KB_ATTACHMENTS_STORAGE": "s3",
           "KB_ATTACHMENTS_S3_BUCKET": files, "KB_S3_ENDPOINT_URL": endpoint, "KB_S3_REGION": "us-east-1",
           "KB_S3_ACCESS_KEY_ID": "testing", "KB_S3_SECRET_ACCESS_KEY": "testing", "KB_S3_ADDRESSING_STYLE": "path"}
    settings.STORAGES = configured(env, tmp_path)


@pytest.fixture(params=["memory", "s3"])
def other_storages(request, settings, tmp_path):
    """Both aliases on a storage that is not the local default."""
    if request.param == "memory":
        memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
        settings.STORAGES = {**settings.STORAGES, PUBLIC: memory, PRIVATE: memory}
    else:
        use_s3(settings, tmp_path, request.getfixturevalue("s3_server"))
    return request.param


def download(client, url) -> tuple[int, bytes]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response.status_code, body


def test_upload_serve_and_orphan_cleanup_go_through_the_configured_storages(
        other_storages, client, agent, customer, other_customer, make_article, settings, monkeypatch,
        django_capture_on_commit_callbacks):
    # An agent drops an image into the editor; anyone sees it at kb's own address.
    client.force_login(agent)
    response = client.post(reverse("articles:markdownx_upload"),
                           {"image": SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png")})
    url = json.loads(response.content)["image_code"][len("![]("):-1]
    assert url.startswith("/media/uploads/")
    client.logout()
    image = client.get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(image.streaming_content))) as shown:
        assert shown.size == (8, 6)
    assert client.get(url, HTTP_IF_NONE_MATCH=image["ETag"]).status_code == 304
    assert client.get("/media/uploads/missing.png").status_code == 404

    # A customer's request attachment: theirs and the agents' to read, nobody else's.
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tickets:request_create"), {
            "email": customer.email, "subject": "The invoice is wrong", "description": "See the PDF.",
            "category": "Other", "website": "", "shown": "",
            "attachments": [SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf")]})
    ticket = Ticket.objects.get()
    attachment = ticket.attachments.get()
    file_url = reverse("tickets:request_attachment", args=[ticket.reference, attachment.pk])
    assert download(client, file_url) == (200, PDF)
    client.force_login(other_customer)
    assert download(client, file_url)[0] == 404
    client.logout()
    assert download(client, file_url)[0] == 302  # to the sign-in page
    client.force_login(agent)
    assert download(client, file_url) == (200, PDF)

    # A draft article's attachment: agents only.
    notes = api_services.attachment_create(uploaded_by=agent, article=make_article(draft=True), file_name="notes.txt",
                                           data=b"Remember the milk.\n", inline=False, at=clock.now())
    notes_url = reverse("api:attachment_download", args=[notes.pk, notes.file_name])
    assert download(client, notes_url) == (200, b"Remember the milk.\n")
    client.force_login(customer)
    assert download(client, notes_url)[0] == 404
    client.logout()
    assert download(client, notes_url)[0] == 404

    # Files no row names (a rolled-back save leaves them) go; the others stay.
    public, private = storage.public_storage(), storage.private_storage()
    strays = [(private, "0" * 32), (private, api_services.attachment_private_name("1" * 32)),
              (public, f"{settings.MARKDOWNX_MEDIA_PATH}{api_services.IMAGE_PREFIX}stray.png")]
    for files, name in strays:
        assert files.save(name, ContentFile(b"x")) == name
    # No grace: the object store's times cannot be moved back, so every file is old enough.
    monkeypatch.setattr(tickets_housekeeping, "ORPHAN_GRACE", timedelta(0))
    monkeypatch.setattr(api_housekeeping, "ORPHAN_GRACE", timedelta(0))
    pruned = housekeeping_run(now=clock.now())
    assert pruned.counts["attachment_files"] == 1 and pruned.counts["article_attachment_files"] == 2
    assert not any(files.exists(name) for files, name in strays)
    client.force_login(agent)
    assert download(client, file_url) == (200, PDF)
    assert download(client, notes_url) == (200, b"Remember the milk.\n")
    assert client.get(url).status_code == 200

    # Nothing of it was written to the local folders.
    written = {os.path.relpath(os.path.join(folder, name), settings.KB_DATA_DIR)
               for folder, _, names in os.walk(settings.KB_DATA_DIR) for name in names}
    assert not {path for path in written if path.split(os.sep)[0] in ("media", "attachments")}


def test_an_object_store_that_stops_answering_gives_503_and_then_recovers(
        settings, tmp_path, client, agent, customer, django_capture_on_commit_callbacks):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    try:
        use_s3(settings, tmp_path, "http://{}:{}".format(*server.get_host_and_port()))
        image = article_services.image_upload_store(data=png_bytes())
        notes = api_services.attachment_create(uploaded_by=agent, article=None, file_name="notes.txt",
                                               data=b"Remember the milk.\n", inline=False, at=clock.now())
        notes_url = reverse("api:attachment_download", args=[notes.pk, notes.file_name])
        client.force_login(agent)
        assert client.get(image).status_code == 200 and client.get(notes_url).status_code == 200
        server.stop()

        for url in (image, notes_url):
            response = client.get(url)
            assert response.status_code == 503 and response["Retry-After"] == "30", url
            assert "temporarily unavailable" in response.content.decode()
        _, token = api_services.api_token_create(user=agent)
        credentials = base64.b64encode(f"{agent.email}/token:{token}".encode()).decode()
        response = client.post(reverse("api:attachments_unassociated"),
                               {"file": SimpleUploadedFile("notes.txt", b"Later.\n"), "inline": "false"},
                               HTTP_AUTHORIZATION=f"Basic {credentials}")
        assert response.status_code == 503 and response.json()["error"] == "ServiceUnavailable"  # JSON on the API
        client.force_login(customer)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("tickets:request_create"), {
                "email": customer.email, "subject": "The invoice is wrong", "description": "See the PDF.",
                "category": "Other", "website": "", "shown": "",
                "attachments": [SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf")]})
        assert response.status_code == 503 and not Ticket.objects.exists()  # nothing half-saved
        assert client.get(reverse("articles:home")).status_code == 200  # pages without files go on

        server.start()  # the same port; moto keeps the buckets in this process
        client.force_login(agent)
        assert client.get(image).status_code == 200 and client.get(notes_url).status_code == 200
    finally:
        server.stop()


def test_attachments_never_get_a_url_on_an_object_store_either(settings, tmp_path):
    settings.STORAGES = configured(S3_ENV, tmp_path)
    with pytest.raises(ValueError, match="no URL"):
        storage.private_storage().url("0" * 32)


# --- Serving images ---------------------------------------------------------------------


def test_an_image_name_that_leaves_the_uploads_folder_is_suspicious():
    with pytest.raises(SuspiciousFileOperation):
        storage.checked_name("a/../../secret_key")
    assert storage.checked_name("3f2a.png") == "3f2a.png"


@pytest.mark.parametrize("path", ["", "a//b.png", "a\\b.png", "a\x00.png", "x" * 300])
def test_an_image_name_that_cannot_be_an_upload_is_not_found(client, path):
    assert client.get("/media/uploads/" + path).status_code == 404


# --- Moving an existing install's files -------------------------------------------------


def test_migrating_moves_article_attachment_files_to_the_private_storage(settings):
    from importlib import import_module

    migration = import_module("api.migrations.0004_article_attachment_files_to_private_storage")
    old = settings.KB_DATA_DIR / "article_attachments"
    old.mkdir()
    (old / ("a" * 32)).write_bytes(PDF)
    migration.move_files(None, None)
    migration.move_files(None, None)  # a second run finds nothing to do
    assert not old.exists()
    with storage.private_storage().open(api_services.attachment_private_name("a" * 32)) as moved:
        assert moved.read() == PDF
