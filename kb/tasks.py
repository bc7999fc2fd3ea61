"""The task backend of development and tests: django-tasks' immediate backend, run in the
default language.

The immediate backend runs a task inside the request that enqueued it (after its commit),
where LocaleMiddleware has activated the visitor's language; a worker (the database
backend) runs it in the default language. Without this, a follower notification written
while a Spanish reader commented would carry /es/ links to every follower, and only in
development. A task that wants a locale (a recipient's) still asks with
``translation.override``.
"""

from django.utils import translation
from django_tasks.backends.immediate import ImmediateBackend

from kb.i18n import default_locale


class DefaultLanguageImmediateBackend(ImmediateBackend):
    def enqueue(self, task, args, kwargs):
        with translation.override(default_locale()):
            return super().enqueue(task, args, kwargs)
