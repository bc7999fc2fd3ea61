"""Demo articles: Email & automations."""

from .spec import DemoArticle

ARTICLES = (
    DemoArticle(
        key="first-campaign",
        section="email-campaigns",
        title="Send your first email campaign",
        labels=("beginner", "email"),
        body="""\
Available on **Lumora Complete**.

1. Go to **Email** and click **New campaign**.
2. Choose the **list or segment** to send to.
3. Write a subject line (aim for under 50 characters) and the preview text that follows it
   in the inbox.
4. Design the email in the editor, or start from a template.
5. Click **Send test** and check the email on your own phone and computer.
6. Click **Send now**, or **Schedule** to pick a time in your account's time zone.

## After sending

Open **Email → Reports** to see opens, clicks, unsubscribes and bounces. Numbers settle
after about 48 hours.

## Before your first big send

[Authenticate your sending domain](article:authenticate-sending-domain). It is the single
biggest thing you can do to avoid spam folders.
""",
    ),
    DemoArticle(
        key="authenticate-sending-domain",
        section="email-campaigns",
        title="Authenticate your sending domain (SPF, DKIM and DMARC)",
        labels=("email", "deliverability"),
        promoted=True,
        body="""\
Inbox providers trust email more when your domain says, in its DNS, that Lumora may send on
its behalf. Several large providers now reject bulk email that is not authenticated.

## 1. Start in Lumora

Go to **Email → Sending domains → Add domain** and enter the domain of your *from* address,
for example `yourcompany.com`. Lumora shows the exact records for your domain.

## 2. Add the records at your DNS host

| Record | Type | Name | Value (example) |
|---|---|---|---|
| SPF | TXT | `@` | `v=spf1 include:spf.lumora.example ~all` |
| DKIM | CNAME | `lumora1._domainkey` | `lumora1.dkim.lumora.example` |
| DKIM | CNAME | `lumora2._domainkey` | `lumora2.dkim.lumora.example` |
| DMARC | TXT | `_dmarc` | `v=DMARC1; p=none; rua=mailto:dmarc@yourcompany.com` |

**Already have an SPF record?** Do not add a second one — a domain may only have one. Add
`include:spf.lumora.example` to the existing record, before its `~all` or `-all`.

## 3. Verify

Click **Verify** in Lumora. All rows turn green once DNS has updated (minutes to a day).

## Still landing in spam?

See [My emails are not being delivered](article:emails-not-delivered).
""",
    ),
    DemoArticle(
        key="unsubscribes-bounces",
        section="email-campaigns",
        title="How unsubscribes and bounces work",
        labels=("email", "deliverability"),
        body="""\
Every Lumora email has an unsubscribe link in its footer; the law requires it and we do not
let it be removed.

| Event | What Lumora does |
|---|---|
| Someone clicks **Unsubscribe** | They stop receiving campaigns at once and are added to the suppression list |
| **Hard bounce** (the address does not exist) | The address is suppressed after the first bounce |
| **Soft bounce** (mailbox full, server busy) | Lumora retries; after 5 soft bounces in a row the address is suppressed |
| **Spam complaint** | The address is suppressed and the complaint counts against your sending reputation |

## Can I email someone who unsubscribed?

Only if they subscribe again themselves, for example through one of your forms.
Re-importing them does not remove them from the suppression list.

## Keep your list healthy

Remove contacts who have not opened anything for six months. Smaller, engaged lists reach
the inbox more often than large, sleepy ones.
""",
    ),
    DemoArticle(
        key="build-automation",
        section="automations",
        title="Build an automation: triggers, waits and actions",
        labels=("automations",),
        body="""\
An automation is a path that contacts walk through, one step at a time.

## The building blocks

| Block | Examples |
|---|---|
| **Trigger** — who enters | Fills in a form, gets a tag, joins a list, pays through Stripe |
| **Wait** — when the next step happens | 2 days, until Monday 9 am, until they open an email |
| **Action** — what happens | Send an email, add a tag, notify a team member, call a webhook |
| **Condition** — which way they go | Has tag *customer*? Clicked the last email? |

## Build one

1. Go to **Automations** and click **New automation**.
2. Choose a trigger.
3. Click **+** under it to add waits, actions and conditions.
4. Click **Turn on**.

Contacts who match the trigger *after* you turn the automation on enter it. To include
people who already match, choose **Also add current contacts** when turning it on.

## Editing a running automation

You can change emails at any time. If you delete a step, contacts waiting on that step move
to the next one. Looking for an example? See the
[welcome series recipe](article:welcome-series).
""",
    ),
    DemoArticle(
        key="welcome-series",
        section="automations",
        title="Recipe: a three-email welcome series",
        labels=("automations", "beginner"),
        body="""\
A welcome series is the automation most accounts build first, and usually the one with the
best open rates.

| Step | Block | Setting |
|---|---|---|
| 1 | Trigger | **Joins list** *Newsletter* |
| 2 | Action | **Send email** "Welcome — here is what to expect" |
| 3 | Wait | **2 days** |
| 4 | Action | **Send email** "Our three most useful guides" |
| 5 | Wait | **3 days** |
| 6 | Condition | **Has tag** *customer*? |
| 7a | Yes → Action | **Add tag** *welcomed* and stop |
| 7b | No → Action | **Send email** "A special offer for new subscribers" |

## Tips

- Send the first email straight away: interest is highest right after sign-up.
- Write like a person; sign the emails with a real name.
- Check the report after a month and rewrite the email with the fewest clicks.

New to automations? Start with
[Build an automation: triggers, waits and actions](article:build-automation).
""",
    ),
    DemoArticle(
        key="automation-templates-draft",
        section="automations",
        title="Automation template gallery (coming soon)",
        labels=("automations",),
        draft=True,
        body="""\
*Draft — publish when the gallery ships.*

The template gallery gives you ready-made automations to copy into your account:

- Welcome series (see the [recipe](article:welcome-series))
- Abandoned form follow-up
- Webinar reminders
- Win-back for customers who have not bought in 90 days

TODO: screenshots, and the final name of the menu item.
""",
    ),
)
