"""The one clock of every view and task.

Domain functions take an aware ``at`` argument; the edges (views, tasks, commands) read
the time here, and only here, so a test moves time for the whole site at once:
``monkeypatch.setattr("kb.clock.now", lambda: moment)``. Call it as ``clock.now()`` (the
module attribute is looked up on each call; ``from kb.clock import now`` would freeze the
real clock into the importing module).
"""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current moment, aware (UTC)."""
    return timezone.now()
