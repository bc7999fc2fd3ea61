"""Demo articles: Getting started."""

from .spec import DemoArticle

ARTICLES = (
    DemoArticle(
        key="welcome-tour",
        section="first-steps",
        title="Welcome to Lumora: a five-minute tour",
        labels=("beginner",),
        promoted=True,
        body="""\
Lumora brings your contacts, your email and your landing pages together, so a visitor who
fills in a form on a page becomes a contact you can follow up with automatically.

## The four places you will use most

| Area | What it is for |
|---|---|
| **Contacts** | Everyone you know: leads, customers, partners. Tag them and group them into lists. |
| **Pages** | Landing pages with forms, built in a drag-and-drop editor. |
| **Email** | One-off campaigns to a list, with open and click reports. |
| **Automations** | Follow-up that runs by itself: "when someone fills in this form, send these three emails". |

## Your first day

1. [Set up your account and company profile](article:set-up-account).
2. [Import your contacts](article:import-contacts) from a spreadsheet.
3. [Create your first landing page](article:first-landing-page).
4. [Invite your team](article:invite-team).

## Tip

Stuck at any point? Click **Help** in the bottom right corner of the app to search this
help center without leaving what you are doing.
""",
    ),
    DemoArticle(
        key="set-up-account",
        section="first-steps",
        title="Set up your account and company profile",
        labels=("beginner",),
        body="""\
Your company profile fills in the footer of every email and the default branding of every
page, so it is worth two minutes at the start.

1. Go to **Account → Company**.
2. Enter your company name and **postal address**. Anti-spam laws in most countries require
   a real address in marketing emails.
3. Upload your logo (PNG or SVG, at least 400 pixels wide).
4. Pick your **brand colours**. The page editor offers them first in every colour picker.
5. Choose your **time zone**. Scheduled emails and automation waits use it.
6. Click **Save**.

## Next

- [Import your contacts](article:import-contacts)
- [Authenticate your sending domain](article:authenticate-sending-domain) so your emails
  land in inboxes.
""",
    ),
    DemoArticle(
        key="import-contacts",
        section="first-steps",
        title="Import your contacts from a spreadsheet",
        labels=("beginner", "import"),
        promoted=True,
        body="""\
## Prepare the file

- Save it as **CSV** (UTF-8). In Excel: **File → Save As → CSV UTF-8**.
- Put column names in the first row. An **Email** column is required; everything else is
  optional.
- One contact per row. Lumora merges rows that share an email address.

Example:

```
Email,First name,Last name,Company,Tags
ana@example.com,Ana,Silva,Northwind,customer;newsletter
li@example.com,Li,Wei,,lead
```

## Import it

1. Go to **Contacts → Import**.
2. Drop your file onto the page, or click **Choose file**.
3. Match each column to a Lumora field. Columns you do not match are skipped.
4. Choose a list to add everyone to, and optionally a tag.
5. Confirm that these people agreed to hear from you, then click **Import**.

You get an email when the import finishes, with a report of any rows that were skipped.

## Something went wrong?

See [Contact import errors and how to fix them](article:import-errors).
""",
    ),
    DemoArticle(
        key="glossary",
        section="first-steps",
        title="Glossary: contacts, lists, tags and fields",
        labels=("beginner",),
        body="""\
**Contact**
: One person, identified by their email address.

**List**
: A group of contacts you send to, such as *Newsletter* or *Webinar attendees*. A contact
  can be on many lists.

**Tag**
: A label on a contact that records something about them, such as *customer* or
  *downloaded-guide*. Automations often add tags.

**Field**
: A piece of information stored on each contact. Lumora has standard fields (name,
  company, phone) and you can add **custom fields** under **Contacts → Fields**.

**Segment**
: A saved search, such as "customers in Canada who opened an email this month". Segments
  update themselves as contacts change.

**Suppression list**
: Addresses Lumora will never email: unsubscribes, hard bounces and people who asked for
  their data to be erased.

Lists are for *who gets what*; tags are for *what we know*. When in doubt, use a tag.
""",
    ),
    DemoArticle(
        key="invite-team",
        section="your-team",
        title="Invite team members and choose their roles",
        labels=("team",),
        body="""\
1. Go to **Account → Team** and click **Invite**.
2. Enter your colleague's email address and pick a role.
3. Click **Send invitation**. The invitation is valid for 7 days.

## Roles

| Role | Can do | Cannot do |
|---|---|---|
| **Owner** | Everything, including closing the account | — |
| **Admin** | Everything except billing and closing the account | Change plan, see invoices |
| **Billing** | Change plan, payment method and invoices | Edit contacts, pages or emails |
| **Marketer** | Contacts, pages, emails and automations | Team, billing and account settings |
| **Viewer** | See everything, change nothing | Any change |

Every account has exactly one owner. To hand the account over, the current owner opens
**Account → Team**, clicks **⋯** next to an admin and chooses **Make owner**.

How many people you can invite depends on your plan — see
[Compare Lumora plans](article:compare-plans).
""",
    ),
    DemoArticle(
        key="remove-team-member",
        section="your-team",
        title="Remove a team member",
        labels=("team", "security"),
        body="""\
When someone leaves your company, remove them straight away.

1. Go to **Account → Team**.
2. Click **⋯** next to the person and choose **Remove from team**.

They are signed out within a minute. Everything they created — pages, emails, automations
— stays in your account and now belongs to the owner.

## Tip

If the person had API keys, [revoke them](article:api-keys) as well: keys belong to the
account, not to the person who created them.
""",
    ),
)
