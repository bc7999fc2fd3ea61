"""Email backends for fault tests."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingEmailBackend(BaseEmailBackend):
    """Every send fails the way an unreachable SMTP server does."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "mail server unavailable (test)")
