"""Signals the help center sends for other apps to act on (search listens to them)."""

from django.dispatch import Signal

#: Sent after a bulk import wrote articles (``created``, ``updated``: counts), so derived
#: data can be tidied once rather than per article (search compacts its index).
articles_imported = Signal()
