"""What invalidates the cached cancel-flow page (see kb.page_cache).

Anonymous visitors of the cancel flow (``tickets:cancel_flow``) get the page from the
page cache, keyed by the minute (open/closed and the offered slots change with the time;
opening hours are in quarter hours, so a minute key turns at every boundary) and by the
"cancel_flow" generation, which every save or delete of what the page shows bumps: teams
(phone, zone, holiday country), their opening hours and one-off closures or openings,
plans and their links. Editorial content (the site's layout) is covered by the "content"
generation that every cached page depends on.
"""

from django.db.models.signals import post_delete, post_save

from kb import page_cache

CANCEL_FLOW = "cancel_flow"


def cancel_flow_changed(sender, **kwargs):
    page_cache.bump(CANCEL_FLOW)


def connect() -> None:
    from .models import OpeningHours, Plan, PlanLink, ScheduleException, Team

    uid = "kb-page-cache-cancel-flow"
    for model in (Team, OpeningHours, ScheduleException, Plan, PlanLink):
        post_save.connect(cancel_flow_changed, sender=model, dispatch_uid=f"{uid}-save-{model.__name__}")
        post_delete.connect(cancel_flow_changed, sender=model, dispatch_uid=f"{uid}-delete-{model.__name__}")
