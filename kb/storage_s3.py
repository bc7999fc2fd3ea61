"""The object-store storages (django-storages' S3 backend, for AWS S3 and any
S3-compatible store), named in ``STORAGES`` only when the environment asks for them
(kb.storage_settings): imported then, so a local install needs neither boto3 nor this."""

from storages.backends.s3 import S3Storage


class PublicS3Storage(S3Storage):
    """Article images. Browsers never fetch them from the bucket: kb's ``/media/uploads/``
    address serves them (kb.storage.public_url), so the bucket may stay private."""


class PrivateS3Storage(S3Storage):
    """Attachments: no URL, not even a signed one (kb.storage, "Why")."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Attachments have no URL: an access-checked view serves them.")
