"""Helpers for tests of emails in their recipient's language.

The Spanish and German catalogs get the email strings only after the lead fills them,
so these tests observe the language an email was *rendered* in rather than its words:
the active language while each email template renders (``template_rendered``, sent by
Django's instrumented test renderer), the ``Content-Language`` header, links reversed
under that language (``/es/...`` once the URL helper's locale prefixes exist: the tests
compare with ``reverse`` under the same override, so they hold with and without them), and
dates, whose day and month names come from Django's own catalogs.
"""

from contextlib import contextmanager

import pytest
from django.test.signals import template_rendered
from django.utils import translation


@pytest.fixture
def rendered_in():
    """{email template name: [active language at each render]} for the test's duration."""
    seen: dict[str, list[str]] = {}

    def record(sender, template, context, **kwargs):
        name = getattr(template, "name", "") or ""
        if "email" in name or name.startswith("registration/password_reset_subject"):
            seen.setdefault(name, []).append(translation.get_language())

    template_rendered.connect(record, dispatch_uid="email-language-test")
    yield seen
    template_rendered.disconnect(dispatch_uid="email-language-test")


@contextmanager
def visiting_in(locale: str):
    """A visitor reading the help center in ``locale``: reverse URLs inside (``/es/...``
    once locale prefixes exist, whose middleware then activates it); until then the
    language is active for the request because nothing else activates one."""
    with translation.override(locale):
        yield


def in_language(locale: str, make):
    """What ``make()`` returns with ``locale`` active: a path reversed in that language."""
    with translation.override(locale):
        return make()
