"""The object-store storages (django-storages' S3 backend, for AWS S3 and any
S3-compatible store), named in ``STORAGES`` only when the environment asks for them
(kb.storage_settings): imported then, so a local install needs neither boto3 nor this."""

from botocore.config import Config
from storages.backends.s3 import S3Storage

# A store that stops answering must not hold a web worker for minutes (boto3 waits 60 s to
# connect and 60 s for each read, and retries): a few seconds, then a 503 page
# (kb.storage.StorageUnavailableMiddleware) while it is down.
BOUNDED = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"})


class _BoundedS3Storage(S3Storage):
    def __init__(self, **settings):
        super().__init__(**settings)
        self.client_config = self.client_config.merge(BOUNDED)


class PublicS3Storage(_BoundedS3Storage):
    """Article images. Browsers never fetch them from the bucket: kb's ``/media/uploads/``
    address serves them (kb.storage.public_url), so the bucket may stay private."""


class PrivateS3Storage(_BoundedS3Storage):
    """Attachments: no URL, not even a signed one (kb.storage, "Why")."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Attachments have no URL: an access-checked view serves them.")
