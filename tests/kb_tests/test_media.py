"""Uploaded article images are served on one machine, safely."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def test_an_uploaded_image_is_served_with_nosniff(client):
    uploads = settings.MEDIA_ROOT / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "3f2a.png").write_bytes(PNG)
    response = client.get("/media/uploads/3f2a.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_nothing_outside_the_uploads_folder_is_served(client):
    (settings.MEDIA_ROOT / "uploads").mkdir(parents=True)
    (settings.MEDIA_ROOT / "secret.txt").write_text("no")
    assert client.get("/media/secret.txt").status_code == 404
    assert client.get("/media/uploads/../secret.txt").status_code == 400  # a suspicious path


def test_a_name_too_long_for_the_file_system_is_not_found(client):
    (settings.MEDIA_ROOT / "uploads").mkdir(parents=True)
    assert client.get("/media/uploads/" + "x" * 5000).status_code == 404
