"""The demo help center in German (Sie): the headings that hold the translated articles,
the most read articles (the cancel article first), and one translation left outdated.
Product names and addresses stay as they are; the labels of buttons and menus are the
German product's."""

from .account_billing import ADVISORS_PHONE, SIGN_IN, TERMS, VIDEO_CLOSE_COMPLETE, VIDEO_DOWNGRADE_PAGES
from .spec import DemoArticleTranslation, DemoHeadingTranslation, DemoLocale

CATEGORIES = (
    DemoHeadingTranslation(
        slug="getting-started",
        name="Erste Schritte",
        description="Neu bei Lumora? Richten Sie Ihr Konto ein, übernehmen Sie Ihre Kontakte und holen Sie Ihr Team dazu.",
    ),
    DemoHeadingTranslation(
        slug="account-billing",
        name="Konto und Abrechnung",
        description="Tarife, Zahlungen, Rechnungen, Ihre Daten und eine sichere Anmeldung.",
    ),
    DemoHeadingTranslation(
        slug="troubleshooting",
        name="Fehlerbehebung",
        description="Etwas funktioniert nicht? Hier geht es los.",
    ),
)

SECTIONS = (
    DemoHeadingTranslation(
        slug="first-steps",
        name="Der Einstieg",
        description="Alles, was Sie in Ihrer ersten Woche mit Lumora brauchen.",
    ),
    DemoHeadingTranslation(
        slug="your-team",
        name="Ihr Team",
        description="Laden Sie Kollegen ein, legen Sie fest, was sie dürfen, und räumen Sie auf, wenn jemand geht.",
    ),
    DemoHeadingTranslation(
        slug="billing-and-plans",
        name="Abrechnung und Tarife",
        description="Tarif wechseln, pausieren oder kündigen, Kreditkarte ändern und Rechnungen finden.",
    ),
    DemoHeadingTranslation(
        slug="your-data",
        name="Ihre Daten",
        description="Exportieren Sie, was Sie in Lumora gespeichert haben, oder löschen Sie es endgültig.",
    ),
    DemoHeadingTranslation(
        slug="sign-in-and-security",
        name="Anmeldung und Sicherheit",
        description="Passwörter, Zwei-Faktor-Authentifizierung und die E-Mail-Adresse, mit der Sie sich anmelden.",
    ),
    DemoHeadingTranslation(
        slug="common-problems",
        name="Häufige Probleme",
        description="Lösungen für die Probleme, nach denen unser Support am häufigsten gefragt wird.",
    ),
)

ARTICLES = (
    DemoArticleTranslation(
        key="cancel-account",
        title="Wie kündige ich mein Konto?",
        labels=("abrechnung", "kündigung"),
        body=f"""\
Sie können Lumora jederzeit kündigen, ganz ohne Anruf. Was unser Team **nicht** kann: ein
Konto für Sie schließen. Darin liegen Ihre Kontakte, Seiten und Kampagnenverläufe, und wir
gehen nicht das Risiko ein, Daten zu löschen, die Sie vielleicht noch brauchen. Die
folgenden Schritte erledigen Sie selbst – das dauert etwa zwei Minuten.

> **Bevor Sie kündigen:** [Exportieren Sie Ihre Daten](article:export-your-data). Wird ein
> Konto geschlossen, können seine Daten sofort gelöscht werden, und wir können sie nicht
> wiederherstellen.

## Hilft vorher ein Gespräch?

Wenn etwas für Sie nicht funktioniert, möchten unsere Business-Solutions-Berater davon
erfahren – oft löst ein Tarifwechsel oder eine Korrektur das Problem. Rufen Sie während der
Geschäftszeiten **{ADVISORS_PHONE}** an. Außerhalb dieser Zeiten starten Sie über die
Schaltfläche **Hilfe** in Ihrem Konto einen Chat mit unserem Support-Team. Unser
[Kündigungsassistent](/contact/cancel/) zeigt Ihnen, ob die Berater gerade erreichbar sind,
vereinbart einen Rückruf oder zeigt die Schritte für Ihren Tarif.

## Welchen Tarif haben Sie?

| Ihr Tarif ist … | Das ist zu tun |
|---|---|
| **Lumora Complete** (CRM, E-Mail und Seiten) | [Konto schließen](#lumora-complete-kundigen) |
| **Lumora Pages Premium** (nur Seiten) | [Zu Lumora Pages Free wechseln](#lumora-pages-premium-kundigen) |
| **Lumora Pages Free** | Nichts: Ihnen wird nichts berechnet |

Nicht sicher? Ihren Tarif sehen Sie unter **Konto → Tarif**.

## Lumora Complete kündigen

1. [Melden Sie sich bei Lumora an]({SIGN_IN}).
2. Klicken Sie oben rechts auf Ihre E-Mail-Adresse und wählen Sie **Konto**.
3. Scrollen Sie zum Abschnitt **Kündigen?**
4. Klicken Sie auf **Mein Konto vollständig schließen** und folgen Sie den Anweisungen auf
   dem Bildschirm.

Danach werden Sie automatisch abgemeldet, und noch offene Beträge werden storniert. Lieber
ansehen? [Video: Ein Lumora-Complete-Konto schließen]({VIDEO_CLOSE_COMPLETE}).

## Lumora Pages Premium kündigen

Pages Premium wird nicht geschlossen, sondern herabgestuft: Ihre Seiten bleiben im
kostenlosen Tarif online, und die Abrechnung endet.

1. [Melden Sie sich bei Lumora an]({SIGN_IN}).
2. Klicken Sie oben rechts auf **Upgrade**.
3. Wählen Sie im geöffneten Fenster den Reiter **Lumora Pages**.
4. Klicken Sie unter **Lumora Pages Free** auf **Diesen Tarif auswählen**.

[Video: Von Pages Premium zu Pages Free wechseln]({VIDEO_DOWNGRADE_PAGES}).

## Siehe auch

- [Wie beende ich die Abrechnung?](article:stop-billing)
- [Unsere Erstattungsrichtlinie](article:refund-policy)
- [Nutzungsbedingungen von Lumora]({TERMS})
""",
    ),
    DemoArticleTranslation(
        key="stop-billing",
        title="Wie beende ich die Abrechnung?",
        labels=("abrechnung", "kündigung"),
        body=f"""\
Die Abrechnung endet, sobald Ihr Konto keinen kostenpflichtigen Tarif mehr hat. Das können
Sie jederzeit selbst in Lumora veranlassen.

## Wählen Sie die passende Möglichkeit

| Sie möchten … | So geht's | Was mit Ihren Daten passiert |
|---|---|---|
| Ihre Landingpages behalten, aber nichts mehr zahlen | [Zu Lumora Pages Free wechseln](article:change-plan) | Seiten bleiben online; CRM-Daten werden 30 Tage aufbewahrt |
| Alles beenden | [Ihr Konto schließen](article:cancel-account) | Können sofort gelöscht werden – [vorher exportieren](article:export-your-data) |
| Weniger zahlen | [In einen kleineren Tarif wechseln](article:change-plan) | Es geht nichts verloren |

## Abbuchungen nach dem Ende der Abrechnung

- Nachdem Sie ein Lumora-Complete-Konto geschlossen haben, wird Ihnen **nichts** mehr
  berechnet; noch offene Beträge werden storniert.
- Bei einem Wechsel in einen kleineren Tarif gilt der neue Preis ab Ihrem nächsten
  Abrechnungsdatum.
- Taucht danach trotzdem eine Abbuchung auf, prüfen Sie [Ihre Rechnungen](article:invoices) –
  und melden Sie sich dann bei uns, wir sehen es uns an.

## Tipp

Wenn es ums Geld geht, rufen Sie vor der Kündigung unsere Business-Solutions-Berater unter
**{ADVISORS_PHONE}** an. Oft finden sie einen günstigeren Tarif.
""",
    ),
    DemoArticleTranslation(
        key="change-plan",
        title="Tarif wechseln (Upgrade oder Downgrade)",
        labels=("abrechnung",),
        body="""\
## Upgrade

1. Klicken Sie oben rechts in Ihrem Konto auf **Upgrade**.
2. Wählen Sie den Reiter des gewünschten Produkts: **Lumora Complete** oder **Lumora Pages**.
3. Klicken Sie unter dem gewünschten Tarif auf **Diesen Tarif auswählen** und bestätigen Sie
   die Zahlungsdaten.

Ein Upgrade gilt sofort. Sie zahlen für den Rest des laufenden Abrechnungszeitraums die
Differenz; der Betrag wird Ihnen vor der Bestätigung angezeigt.

## Downgrade

Gehen Sie genauso vor und wählen Sie einen kleineren Tarif. Ein Downgrade gilt zum Ende des
laufenden Abrechnungszeitraums – bis dahin behalten Sie, wofür Sie bezahlt haben.

Prüfen Sie vor einem Downgrade:

- **Pages Premium → Pages Free**: Nur Ihre drei zuletzt bearbeiteten Seiten bleiben
  veröffentlicht, und eigene Domains werden getrennt.
- **Complete → Pages Premium**: Automatisierungen werden angehalten und geplante Kampagnen
  storniert. [Exportieren Sie Ihre Kontakte](article:export-your-data), wenn Sie eine Kopie
  behalten möchten.

## Siehe auch

- [Compare Lumora plans](article:compare-plans) (auf Englisch)
- [Wie beende ich die Abrechnung?](article:stop-billing)
""",
    ),
    DemoArticleTranslation(
        key="update-card",
        title="Hinterlegte Kreditkarte ändern",
        labels=("abrechnung",),
        body="""\
Zahlungsdaten ändern können nur der Kontoinhaber und Teammitglieder mit der Rolle
**Abrechnung**.

1. Klicken Sie oben rechts auf Ihre E-Mail-Adresse und wählen Sie **Konto**.
2. Öffnen Sie den Reiter **Abrechnung**.
3. Klicken Sie unter **Zahlungsmethode** auf **Karte ersetzen**.
4. Geben Sie die Daten der neuen Karte ein und klicken Sie auf **Karte speichern**.

Die nächste Zahlung läuft über die neue Karte. Ist kürzlich eine Zahlung fehlgeschlagen,
klicken Sie auf derselben Seite auf **Zahlung erneut versuchen**, um sie gleich zu
begleichen.

## Warum wurde meine Karte abgelehnt?

- Die Karte ist abgelaufen, oder die Rechnungsadresse stimmt nicht mit der Adresse bei Ihrer
  Bank überein.
- Ihre Bank hat eine Auslandszahlung blockiert – für manche Länder werden Lumora-Zahlungen im
  Ausland abgewickelt. Bitten Sie Ihre Bank, Zahlungen an *Lumora Inc.* zuzulassen.
- Die 3-D-Secure-Bestätigung wurde nicht abgeschlossen. Versuchen Sie es erneut und
  bestätigen Sie die Zahlung in Ihrer Banking-App.

Nach drei fehlgeschlagenen Versuchen wird Ihr Konto pausiert (nicht gelöscht). Sobald Sie
die Karte aktualisieren, ist es sofort wieder aktiv.
""",
    ),
    DemoArticleTranslation(
        key="invoices",
        title="Rechnungen und Belege herunterladen",
        labels=("abrechnung",),
        body="""\
Für jede Zahlung wird eine PDF-Rechnung erstellt.

1. Gehen Sie zu **Konto → Abrechnung**.
2. Scrollen Sie zu **Rechnungsverlauf**.
3. Klicken Sie neben der gewünschten Rechnung auf **Herunterladen**.

## Firmendaten ergänzen

Damit künftige Rechnungen Firmennamen, Anschrift oder USt-IdNr. enthalten, klicken Sie auf
derselben Seite auf **Rechnungsdaten bearbeiten**. Bereits ausgestellte Rechnungen lassen
sich nicht mehr ändern; wenden Sie sich an den Support, wenn eine neu ausgestellt werden
muss.

## Rechnungen an die Buchhaltung senden

Fügen Sie unter **Rechnungsempfänger** bis zu drei E-Mail-Adressen hinzu. Jede neue Rechnung
wird ihnen zugeschickt, sobald sie ausgestellt ist.
""",
    ),
    DemoArticleTranslation(
        key="refund-policy",
        title="Unsere Erstattungsrichtlinie",
        labels=("abrechnung",),
        body=f"""\
| Situation | Erstattung? |
|---|---|
| Erste Zahlung eines neuen Abonnements, innerhalb von 14 Tagen angefragt | Volle Erstattung |
| Doppelte Abbuchung für denselben Zeitraum | Volle Erstattung der doppelten Abbuchung |
| Jahrestarif vorzeitig gekündigt | Nicht genutzte volle Monate, abzüglich 10 % Gebühr |
| Monatstarif vorzeitig gekündigt | Keine Erstattung; der Dienst läuft bis zum Monatsende weiter |
| Bereits genutzte Zusatzpakete (zum Beispiel zusätzliche E-Mail-Versände) | Keine Erstattung |

## So beantragen Sie eine Erstattung

Starten Sie über die Schaltfläche **Hilfe** in Ihrem Konto einen Chat oder antworten Sie
auf die E-Mail mit Ihrer Rechnung. Geben Sie die Rechnungsnummer an. Die Erstattung geht
innerhalb von 5–10 Werktagen auf Ihrer Karte ein.

Den vollständigen Wortlaut finden Sie in unseren [Nutzungsbedingungen]({TERMS}).
""",
    ),
    DemoArticleTranslation(
        key="export-your-data",
        title="Ihre Daten exportieren",
        labels=("daten",),
        body="""\
Sie können alles, was Sie in Lumora gespeichert haben, jederzeit und in jedem Tarif
herunterladen. Tun Sie das, bevor Sie [Ihr Konto kündigen](article:cancel-account): Die
Daten eines geschlossenen Kontos können sofort gelöscht werden.

## Was Sie exportieren können

| Daten | Format | Wo |
|---|---|---|
| Kontakte mit allen Feldern und Tags | CSV | **Kontakte → Exportieren** |
| Berichte zu E-Mail-Kampagnen | CSV | **E-Mail → Berichte → Exportieren** |
| Landingpages | HTML-Paket (ZIP) | **Seiten → ⋯ → Herunterladen** |
| Formulareinträge | CSV | **Seiten → Formulare → Exportieren** |
| Alles auf einmal | ZIP | **Konto → Ihre Daten → Alles exportieren** |

## Alles auf einmal exportieren

1. Gehen Sie zu **Konto → Ihre Daten**.
2. Klicken Sie auf **Alles exportieren**.
3. Wir erstellen das Archiv im Hintergrund und schicken Ihnen per E-Mail einen
   Download-Link, meist innerhalb weniger Minuten. Der Link ist 7 Tage gültig.

## Tipp

Bei großen Konten (über eine Million Kontakte) kann es bis zu einer Stunde dauern. Sie
können währenddessen ganz normal weiterarbeiten.
""",
    ),
    DemoArticleTranslation(
        key="reset-password",
        title="Passwort zurücksetzen",
        labels=("sicherheit", "einstieg"),
        body=f"""\
1. Öffnen Sie die [Anmeldeseite]({SIGN_IN}) und klicken Sie auf **Passwort vergessen?**
2. Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden.
3. Öffnen Sie die E-Mail von Lumora und klicken Sie auf **Neues Passwort wählen**. Der Link
   ist eine Stunde gültig und funktioniert nur einmal.
4. Wählen Sie ein Passwort mit mindestens 12 Zeichen, das Sie nirgendwo sonst verwenden.

## Keine E-Mail erhalten?

- Sehen Sie in Ihrem Spam- oder Junk-Ordner nach einer Nachricht von
  *no-reply@lumora.example*.
- Prüfen Sie, ob Sie die Adresse eingegeben haben, mit der Sie sich registriert haben –
  vielleicht hat ein Teammitglied Sie unter einer anderen Adresse eingeladen.
- Nach 10 Minuten immer noch nichts? Lesen Sie [Ich kann mich nicht anmelden](article:cant-sign-in).

Wenn Sie Ihr Passwort zurücksetzen, werden Sie auf allen anderen Geräten von Lumora
abgemeldet.
""",
    ),
    DemoArticleTranslation(
        key="two-factor",
        title="Zwei-Faktor-Authentifizierung aktivieren",
        labels=("sicherheit",),
        body="""\
Bei der Zwei-Faktor-Authentifizierung (2FA) brauchen Sie zusätzlich zum Passwort einen
sechsstelligen Code von Ihrem Smartphone. Ein gestohlenes Passwort allein reicht dann nicht
mehr, um sich anzumelden.

## So aktivieren Sie sie

1. Klicken Sie oben rechts auf Ihre E-Mail-Adresse und wählen Sie **Konto**.
2. Öffnen Sie den Reiter **Sicherheit** und klicken Sie auf **Zwei-Faktor-Authentifizierung
   einrichten**.
3. Scannen Sie den QR-Code mit einer Authenticator-App (jede App, die TOTP-Codes
   unterstützt, funktioniert).
4. Geben Sie den sechsstelligen Code aus der App ein und klicken Sie auf **Bestätigen**.
5. **Bewahren Sie Ihre Wiederherstellungscodes** an einem sicheren Ort auf, etwa in einem
   Passwort-Manager.

## Smartphone verloren?

Melden Sie sich statt mit dem sechsstelligen Code mit einem Ihrer Wiederherstellungscodes
an. Jeder Code funktioniert nur einmal. Haben Sie keine Codes mehr, kann der Kontoinhaber
Ihre 2FA unter **Konto → Team** zurücksetzen; Inhaber wenden sich an den Support, der
zuerst ihre Identität prüft.

## 2FA für das ganze Team vorschreiben

Inhaber eines **Lumora-Complete**-Kontos können unter **Konto → Sicherheit** die Option
**Zwei-Faktor-Authentifizierung verlangen** einschalten. Teammitglieder ohne 2FA werden bei
der nächsten Anmeldung aufgefordert, sie einzurichten.
""",
    ),
    DemoArticleTranslation(
        key="change-email",
        title="Anmelde-E-Mail-Adresse ändern",
        labels=("sicherheit",),
        body="""\
1. Gehen Sie zu **Konto → Profil**.
2. Klicken Sie neben Ihrer E-Mail-Adresse auf **Ändern**.
3. Geben Sie die neue Adresse und Ihr aktuelles Passwort ein.
4. Öffnen Sie die Bestätigungs-E-Mail an die **neue** Adresse und klicken Sie auf
   **Bestätigen**.

Bis Sie bestätigen, melden Sie sich weiter mit der alten Adresse an. Außerdem schicken wir
einen Hinweis an die alte Adresse – so merken Sie es, falls jemand anderes das versucht.

> Damit ändern Sie nur Ihre persönliche Anmeldeadresse. Wie Sie die Adresse ändern, **von**
> der Ihre Kampagnen versendet werden, lesen Sie unter
> [Authenticate your sending domain](article:authenticate-sending-domain) (auf Englisch).
""",
    ),
    DemoArticleTranslation(
        key="welcome-tour",
        title="Willkommen bei Lumora: eine Tour in fünf Minuten",
        labels=("einstieg",),
        body="""\
Lumora bringt Ihre Kontakte, Ihre E-Mails und Ihre Landingpages zusammen. So wird aus einem
Besucher, der auf einer Seite ein Formular ausfüllt, ein Kontakt, den Sie automatisch
weiter betreuen können.

## Die vier Bereiche, die Sie am meisten nutzen

| Bereich | Wofür er da ist |
|---|---|
| **Kontakte** | Alle, die Sie kennen: Interessenten, Kunden, Partner. Versehen Sie sie mit Tags und fassen Sie sie in Listen zusammen. |
| **Seiten** | Landingpages mit Formularen, gebaut in einem Drag-and-Drop-Editor. |
| **E-Mail** | Einzelne Kampagnen an eine Liste, mit Berichten zu Öffnungen und Klicks. |
| **Automatisierungen** | Nachfassen, das von selbst läuft: „Wenn jemand dieses Formular ausfüllt, diese drei E-Mails senden“. |

## Ihr erster Tag

1. [Richten Sie Ihr Konto und Ihr Firmenprofil ein](article:set-up-account).
2. [Importieren Sie Ihre Kontakte](article:import-contacts) aus einer Tabelle.
3. [Erstellen Sie Ihre erste Landingpage](article:first-landing-page).
4. [Laden Sie Ihr Team ein](article:invite-team).

## Tipp

Sie kommen nicht weiter? Klicken Sie unten rechts in der App auf **Hilfe**, um in diesem
Hilfe-Center zu suchen, ohne Ihre Arbeit zu unterbrechen.
""",
    ),
    DemoArticleTranslation(
        key="invite-team",
        title="Teammitglieder einladen und Rollen festlegen",
        labels=("team",),
        body="""\
1. Gehen Sie zu **Konto → Team** und klicken Sie auf **Einladen**.
2. Geben Sie die E-Mail-Adresse Ihres Kollegen ein und wählen Sie eine Rolle.
3. Klicken Sie auf **Einladung senden**. Die Einladung ist 7 Tage gültig.

## Rollen

| Rolle | Darf | Darf nicht |
|---|---|---|
| **Inhaber** | Alles, auch das Konto schließen | – |
| **Administrator** | Alles außer Abrechnung und Schließen des Kontos | Tarif wechseln, Rechnungen sehen |
| **Abrechnung** | Tarif, Zahlungsmethode und Rechnungen verwalten | Kontakte, Seiten oder E-Mails bearbeiten |
| **Marketing** | Kontakte, Seiten, E-Mails und Automatisierungen | Team, Abrechnung und Kontoeinstellungen |
| **Betrachter** | Alles sehen, nichts ändern | Jede Änderung |

Jedes Konto hat genau einen Inhaber. Um das Konto zu übergeben, öffnet der bisherige Inhaber
**Konto → Team**, klickt neben einem Administrator auf **⋯** und wählt **Zum Inhaber
machen**.

Wie viele Personen Sie einladen können, hängt von Ihrem Tarif ab – siehe
[Compare Lumora plans](article:compare-plans) (auf Englisch).
""",
    ),
    DemoArticleTranslation(
        key="remove-team-member",
        title="Ein Teammitglied entfernen",
        labels=("team", "sicherheit"),
        # Left outdated, as if the English article had changed since: agents see the flag
        # in the editor and the admin, and readers still get this translation.
        outdated=True,
        body="""\
Wenn jemand Ihr Unternehmen verlässt, entfernen Sie die Person sofort.

1. Gehen Sie zu **Konto → Team**.
2. Klicken Sie neben der Person auf **⋯** und wählen Sie **Aus dem Team entfernen**.

Die Person wird innerhalb einer Minute abgemeldet. Alles, was sie erstellt hat – Seiten,
E-Mails, Automatisierungen –, bleibt in Ihrem Konto und gehört nun dem Inhaber.
""",
    ),
    DemoArticleTranslation(
        key="cant-sign-in",
        title="Ich kann mich nicht anmelden",
        labels=("sicherheit", "fehlerbehebung"),
        body="""\
## „E-Mail-Adresse oder Passwort ist falsch“

- [Setzen Sie Ihr Passwort zurück](article:reset-password). Das geht schneller als Raten.
- Prüfen Sie, ob Sie die Adresse verwenden, unter der Sie eingeladen wurden; manche
  Teammitglieder haben zwei.

## „Ihr Konto ist gesperrt“

Nach 10 fehlgeschlagenen Versuchen wird die Anmeldung zu Ihrem Schutz für 15 Minuten
gesperrt. Warten Sie und setzen Sie dann Ihr Passwort zurück.

## Der Zwei-Faktor-Code wird abgelehnt

- Die Uhrzeit Ihres Smartphones muss stimmen: Schalten Sie die automatische Datums- und
  Zeiteinstellung ein.
- Verwenden Sie den neuesten Code; jeder gilt 30 Sekunden.
- Smartphone verloren? Verwenden Sie einen Wiederherstellungscode – siehe
  [Zwei-Faktor-Authentifizierung aktivieren](article:two-factor).

## „Ihr Konto ist pausiert“

Eine Zahlung ist fehlgeschlagen. Der Inhaber kann sich anmelden und
[die Karte aktualisieren](article:update-card); das Konto ist sofort wieder aktiv.

## Nichts hilft

Wenden Sie sich über das Formular unten auf dieser Seite an den Support. Zu Ihrer
Sicherheit stellen wir Ihnen Fragen, die nur der Kontoinhaber beantworten kann, bevor wir
etwas ändern.
""",
    ),
)

LOCALE = DemoLocale(locale="de", categories=CATEGORIES, sections=SECTIONS, articles=ARTICLES)
