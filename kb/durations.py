"""Pure wording of lengths of time, shared by the 429 page and the office hours."""

from datetime import timedelta

from django.utils.translation import ngettext


def describe_wait(delta: timedelta) -> str:
    """"in 45 minutes", "in 14 hours", "in 3 days" — rounded to what a person plans by
    (the 429 page and the office hours say waits the same way), in the active language."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}
    hours = round(minutes / 60)
    if hours < 48:
        return ngettext("in %(count)d hour", "in %(count)d hours", hours) % {"count": hours}
    days, hours = divmod(hours, 24)
    if not hours:
        return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
    # At least two days here: only the hours need a plural choice.
    return ngettext("in %(days)d days %(count)d hour", "in %(days)d days %(count)d hours", hours) % {
        "days": days, "count": hours}
