"""Demo data for the cancel flow: Lumora's Business Solutions and Support teams, two plans.

``load()`` is idempotent: it updates rows by slug and replaces their hours and links, so
running ``manage.py load_demo`` twice leaves the same data.
"""

from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo import analytics as demo_analytics
from tickets.models import OpeningHours, Plan, PlanLink, Team, Ticket, TicketMessage
from tickets.services.plans import plan_translation_save

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


# The plans' texts for visitors browsing in Spanish and German: {slug: {locale: texts}}.
# Button and menu labels are those of the product in that language, as in the articles.
PLAN_TRANSLATIONS = {
    "lumora-complete": {
        "es": {
            "name": "Lumora Complete",
            "summary": "La cuenta completa de Lumora: contactos, correo, facturación y páginas.",
            "cancel_steps": """\
1. Inicie sesión en su cuenta en [app.lumora.example](https://app.lumora.example/).
2. Haga clic en su dirección de correo, en la esquina superior derecha, y elija **Cuenta**.
3. Desplácese hasta la sección **¿Necesita cancelar?** de los datos de su cuenta.
4. Haga clic en **Cerrar mi cuenta por completo** y siga las instrucciones de la pantalla.
""",
            "after_cancel": """\
Al terminar, se cerrará su sesión y se anularán los cargos pendientes.
Sus datos pueden eliminarse de inmediato, así que exporte todo lo que quiera conservar antes de empezar.
""",
        },
        "de": {
            "name": "Lumora Complete",
            "summary": "Das vollständige Lumora-Konto: Kontakte, E-Mail, Abrechnung und Seiten.",
            "cancel_steps": """\
1. Melden Sie sich unter [app.lumora.example](https://app.lumora.example/) bei Ihrem Konto an.
2. Klicken Sie oben rechts auf Ihre E-Mail-Adresse und wählen Sie **Konto**.
3. Scrollen Sie in Ihren Kontodaten zum Abschnitt **Kündigen?**
4. Klicken Sie auf **Mein Konto vollständig schließen** und folgen Sie den Anweisungen auf dem Bildschirm.
""",
            "after_cancel": """\
Danach werden Sie abgemeldet, und offene Beträge werden storniert.
Ihre Daten können sofort gelöscht werden: Exportieren Sie vorher alles, was Sie behalten möchten.
""",
        },
    },
    "lumora-pages-premium": {
        "es": {
            "name": "Lumora Pages Premium",
            "summary": "Solo páginas de destino. Al pasar a Lumora Pages Free se dejan de hacer cargos.",
            "cancel_steps": """\
1. Inicie sesión en su cuenta en [app.lumora.example](https://app.lumora.example/).
2. Haga clic en **Mejorar plan**, en la esquina superior derecha.
3. En la ventana que se abre, elija la pestaña **Lumora Pages**, arriba a la izquierda.
4. En **Lumora Pages Free**, haga clic en **Seleccionar este plan** para pasar su cuenta al plan gratuito.
""",
            "after_cancel": """\
Sus páginas siguen publicadas con el plan gratuito, y los cargos de Premium terminan al final del periodo actual.
""",
        },
        "de": {
            "name": "Lumora Pages Premium",
            "summary": "Nur Landingpages. Mit dem Wechsel zu Lumora Pages Free endet die Abrechnung.",
            "cancel_steps": """\
1. Melden Sie sich unter [app.lumora.example](https://app.lumora.example/) bei Ihrem Konto an.
2. Klicken Sie oben rechts auf **Upgrade**.
3. Wählen Sie im geöffneten Fenster oben links den Reiter **Lumora Pages**.
4. Klicken Sie unter **Lumora Pages Free** auf **Diesen Tarif auswählen**, um Ihr Konto in den kostenlosen Tarif zu verschieben.
""",
            "after_cancel": """\
Ihre Seiten bleiben im kostenlosen Tarif online, und die Abrechnung für Premium endet mit dem laufenden Zeitraum.
""",
        },
    },
}


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
        "callback_countries": "US,CA",
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
        "callback_countries": "US,CA",
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
    # The same links for Spanish and German readers: labels in their language, and the
    # pages in it where Lumora has one (the terms, the videos' subtitled versions).
    localized_links = {
        complete: {
            "es": [
                (PlanLink.Kind.EXPORT, "Exporte sus datos", "https://lumora.example/es/help/export"),
                (PlanLink.Kind.CANCEL_PAGE, "Abrir la página de cancelación en Lumora",
                 "https://app.lumora.example/account#cancel"),
                (PlanLink.Kind.VIDEO, "Vídeo: cerrar una cuenta de Lumora (2 min)",
                 "https://lumora.example/es/videos/cancel"),
                (PlanLink.Kind.TERMS, "Condiciones del servicio", "https://lumora.example/es/terms"),
            ],
            "de": [
                (PlanLink.Kind.EXPORT, "Daten exportieren", "https://lumora.example/de/help/export"),
                (PlanLink.Kind.CANCEL_PAGE, "Kündigungsseite in Lumora öffnen",
                 "https://app.lumora.example/account#cancel"),
                (PlanLink.Kind.VIDEO, "Video: ein Lumora-Konto schließen (2 Min.)",
                 "https://lumora.example/de/videos/cancel"),
                (PlanLink.Kind.TERMS, "Nutzungsbedingungen", "https://lumora.example/de/terms"),
            ],
        },
        pages: {
            "es": [
                (PlanLink.Kind.CANCEL_PAGE, "Abrir la configuración del plan en Lumora",
                 "https://app.lumora.example/upgrade#pages"),
                (PlanLink.Kind.VIDEO, "Vídeo: pasar a Lumora Pages Free (1 min)",
                 "https://lumora.example/es/videos/pages-downgrade"),
                (PlanLink.Kind.TERMS, "Condiciones del servicio", "https://lumora.example/es/terms"),
            ],
            "de": [
                (PlanLink.Kind.CANCEL_PAGE, "Tarifeinstellungen in Lumora öffnen",
                 "https://app.lumora.example/upgrade#pages"),
                (PlanLink.Kind.VIDEO, "Video: zu Lumora Pages Free wechseln (1 Min.)",
                 "https://lumora.example/de/videos/pages-downgrade"),
                (PlanLink.Kind.TERMS, "Nutzungsbedingungen", "https://lumora.example/de/terms"),
            ],
        },
    }
    for plan, rows in links.items():
        PlanLink.objects.filter(plan=plan).delete()
        PlanLink.objects.bulk_create(
            PlanLink(plan=plan, kind=kind, label=label, url=url, position=n) for n, (kind, label, url) in enumerate(rows)
        )
        PlanLink.objects.bulk_create(
            PlanLink(plan=plan, kind=kind, label=label, url=url, position=n, locale=locale)
            for locale, localized in localized_links[plan].items()
            for n, (kind, label, url) in enumerate(localized)
        )
        # Saved whole on every run, like the plans themselves.
        for locale, texts in PLAN_TRANSLATIONS[plan.slug].items():
            plan_translation_save(plan=plan, locale=locale, **texts)
    made = _load_requests(support)
    if stdout is not None and made is not None:
        stdout.write(f"Request desk: {made} demo requests for customer and customer2.\n")
    if stdout is not None:
        stdout.write("Cancel flow: Business Solutions (Mon–Fri 8–17 PT), Support chat (6–18 PT), 2 plans "
                     "(also in Spanish and German).\n")
    demo_analytics.load(stdout=stdout)


# (reference, requester, status, priority, subject, description, days ago)
DEMO_REQUESTS = [
    ("LUM-DEMO2NEW", "customer", Ticket.Status.NEW, Ticket.Priority.NORMAL, "Invoice shows the wrong company name",
     "Our March invoice still shows our old company name. Can you correct it?", 1),
    ("LUM-DEMO2OPN", "customer", Ticket.Status.OPEN, Ticket.Priority.HIGH, "Contacts import stops at 80%",
     "Importing a CSV of 12,000 contacts stops at 80% every time.", 3),
    ("LUM-DEMO2PND", "customer", Ticket.Status.PENDING, Ticket.Priority.NORMAL, "Downgrade to Lumora Pages Free",
     "I'd like to keep my pages but stop paying for Premium. What happens to my custom domain?", 6),
    ("LUM-DEMO3SLV", "customer2", Ticket.Status.SOLVED, Ticket.Priority.LOW, "Custom domain not verified",
     "I added the CNAME record two days ago and the domain still says “not verified”.", 9),
    ("LUM-DEMO3CLS", "customer2", Ticket.Status.CLOSED, Ticket.Priority.NORMAL, "Webhook retries",
     "How often do you retry a webhook that fails?", 20),
    ("LUM-DEMO3NEW", "customer2", Ticket.Status.NEW, Ticket.Priority.URGENT, "Page editor won't save",
     "Every change in the page editor is lost when I press Save.", 0),
]


def _load_requests(team: Team) -> int | None:
    """A few request-form tickets in every status, each with a public reply and an internal note.

    Written directly (not through the services) so loading the demo queues no emails;
    keyed by fixed references, so loading twice changes nothing.
    """
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["agent", "customer", "customer2"])}
    if len(users) < 3:
        return None  # the help-center demo (which makes the accounts) has not run
    agent = users["agent"]
    now = timezone.now()
    made = 0
    for reference, username, status, priority, subject, description, days in DEMO_REQUESTS:
        requester = users[username]
        created = now - timedelta(days=days)
        ticket, was_created = Ticket.objects.get_or_create(reference=reference, defaults={
            "team": team, "status": status, "priority": priority, "source": Ticket.Source.REQUEST_FORM,
            "requester": requester, "requester_email": requester.email,
            "requester_name": requester.get_full_name(), "subject": subject, "description": description,
            "category": "Other", "created_at": created, "updated_at": created + timedelta(hours=2),
            "assignee": None if status == Ticket.Status.NEW else agent,
            "solved_at": created + timedelta(hours=2) if status in ("solved", "closed") else None,
        })
        made += 1
        if not was_created or status == Ticket.Status.NEW:
            continue
        TicketMessage.objects.bulk_create([
            TicketMessage(ticket=ticket, author=agent, author_email=agent.email, by_agent=True, internal=False,
                          body="Thanks for writing in — we're looking into this and will update you here.",
                          created_at=created + timedelta(hours=1)),
            TicketMessage(ticket=ticket, author=agent, author_email=agent.email, by_agent=True, internal=True,
                          body="Checked the account: nothing unusual. Internal note, not shown to the customer.",
                          created_at=created + timedelta(hours=1, minutes=5)),
        ])
    return made
