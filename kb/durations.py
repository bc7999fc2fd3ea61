"""Pure wording of lengths of time, shared by the 429 page and the office hours."""

from datetime import timedelta


def describe_wait(delta: timedelta) -> str:
    """"in 45 minutes", "in 14 hours", "in 3 days" — rounded to what a person plans by
    (the 429 page and the office hours say waits the same way)."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    if hours < 48:
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    days, hours = divmod(hours, 24)
    rest = f" {hours} hour{'s' if hours != 1 else ''}" if hours else ""
    return f"in {days} days{rest}"
