"""Demo data for the cancel flow: Lumora's Business Solutions and Support teams, two plans.

``load()`` is idempotent: it updates rows by slug and replaces their hours and links, so
running ``manage.py load_demo`` twice leaves the same data.
"""

from datetime import time

from django.db import transaction

from .models import OpeningHours, Plan, PlanLink, Team

WEEKDAYS = range(5)  # Monday–Friday

COMPLETE_STEPS = """\
1. Sign in to your account at [app.lumora.example](https://app.lumora.example/).
2. Click your email address in the top right corner and choose **Account**.
3. Scroll to the **Need to cancel?** section of your account details.
4. Click **Close my account completely** and follow the instructions on screen.
"""

COMPLETE_AFTER = """\
When you finish, you are signed out and any outstanding charges are cancelled.
Your data may be deleted straight away, so export everything you want to keep before you start.
"""

PAGES_STEPS = """\
1. Sign in to your account at [app.lumora.example](https://app.lumora.example/).
2. Click **Upgrade** in the top right corner.
3. In the window that opens, choose the **Lumora Pages** tab at the top left.
4. Under **Lumora Pages Free**, click **Select this plan** to move your account to the free plan.
"""

PAGES_AFTER = """\
Your pages stay online on the free plan and billing for Premium stops at the end of the current period.
"""


@transaction.atomic
def load(*, stdout=None) -> None:
    """Create or update the demo teams, hours and plans."""
    business, _ = Team.objects.update_or_create(slug="business-solutions", defaults={
        "name": "Business Solutions",
        "time_zone": "America/Los_Angeles",
        "holiday_country": "US",
        "holiday_subdivision": "",
        "phone": "(555) 013-2400",
        "phone_note": "option 1",
        "chat_url": "",
        "cancel_flow_role": Team.CancelFlowRole.CALLBACKS,
        "callback_minutes": 30,
        "callback_lead_minutes": 15,
    })
    support, _ = Team.objects.update_or_create(slug="support", defaults={
        "name": "Support",
        "time_zone": "America/Los_Angeles",
        "holiday_country": "US",
        "holiday_subdivision": "",
        "phone": "",
        "phone_note": "",
        "chat_url": "https://lumora.example/chat",
        "cancel_flow_role": Team.CancelFlowRole.CHAT,
    })
    for team, opens, closes in ((business, time(8), time(17)), (support, time(6), time(18))):
        OpeningHours.objects.filter(team=team).delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(team=team, weekday=day, opens=opens, closes=closes) for day in WEEKDAYS
        )

    complete, _ = Plan.objects.update_or_create(slug="lumora-complete", defaults={
        "name": "Lumora Complete",
        "summary": "The full Lumora account: contacts, email, billing and pages.",
        "cancel_steps": COMPLETE_STEPS,
        "after_cancel": COMPLETE_AFTER,
        "export_reminder": True,
        "position": 1,
        "is_active": True,
    })
    pages, _ = Plan.objects.update_or_create(slug="lumora-pages-premium", defaults={
        "name": "Lumora Pages Premium",
        "summary": "Landing pages only. Downgrading to Lumora Pages Free stops billing.",
        "cancel_steps": PAGES_STEPS,
        "after_cancel": PAGES_AFTER,
        "export_reminder": False,
        "position": 2,
        "is_active": True,
    })
    links = {
        complete: [
            (PlanLink.Kind.EXPORT, "Export your data", "https://lumora.example/help/export"),
            (PlanLink.Kind.CANCEL_PAGE, "Open the cancel page in Lumora", "https://app.lumora.example/account#cancel"),
            (PlanLink.Kind.VIDEO, "Watch: closing a Lumora account (2 min)", "https://lumora.example/videos/cancel"),
            (PlanLink.Kind.TERMS, "Terms of service", "https://lumora.example/terms"),
        ],
        pages: [
            (PlanLink.Kind.CANCEL_PAGE, "Open plan settings in Lumora", "https://app.lumora.example/upgrade#pages"),
            (PlanLink.Kind.VIDEO, "Watch: moving to Lumora Pages Free (1 min)",
             "https://lumora.example/videos/pages-downgrade"),
            (PlanLink.Kind.TERMS, "Terms of service", "https://lumora.example/terms"),
        ],
    }
    for plan, rows in links.items():
        PlanLink.objects.filter(plan=plan).delete()
        PlanLink.objects.bulk_create(
            PlanLink(plan=plan, kind=kind, label=label, url=url, position=n) for n, (kind, label, url) in enumerate(rows)
        )
    if stdout is not None:
        stdout.write("Cancel flow: Business Solutions (Mon–Fri 8–17 PT), Support chat (6–18 PT), 2 plans.\n")
