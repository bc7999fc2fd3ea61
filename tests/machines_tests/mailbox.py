"""An email backend for the several-machines tests: every message a process sends becomes one
file in the directory ``KB_TEST_MAILBOX`` names, so a test can count what every task worker
sent, whichever process sent it."""

import os
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class DirectoryEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["KB_TEST_MAILBOX"])
        for message in email_messages:
            # Written under a temporary name, then renamed: a reader never sees half a message.
            name = f"{uuid.uuid4().hex}.eml"
            (directory / f".{name}").write_bytes(message.message().as_bytes())
            (directory / f".{name}").rename(directory / name)
        return len(email_messages)
