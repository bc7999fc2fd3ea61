"""Demo articles: Integrations & API."""

from .spec import DemoArticle

DEVELOPERS = "https://developers.lumora.example"

ARTICLES = (
    DemoArticle(
        key="connect-stripe",
        section="connected-apps",
        title="Connect Stripe to track payments",
        labels=("integrations", "stripe"),
        body="""\
Connect Stripe and each payment becomes part of the customer's contact record: you can see
what people bought, tag buyers automatically and start automations when someone pays.

1. Go to **Account → Integrations** and click **Connect** on the Stripe card.
2. Sign in to Stripe and approve the connection. Lumora asks for read-only access.
3. Choose what to import: customers, payments and subscriptions from the last 12 months.
4. Click **Start sync**.

## What gets matched

Stripe customers are matched to Lumora contacts by **email address**. Customers without a
matching contact are created as new contacts tagged *stripe-customer*.

## Use it

- Automation trigger **Pays through Stripe** (optionally for one product).
- Segment condition **Lifetime value is more than …**

To disconnect, click **Disconnect** on the same card; data already imported is kept.
""",
    ),
    DemoArticle(
        key="connect-zapier",
        section="connected-apps",
        title="Connect Lumora to Zapier",
        labels=("integrations", "zapier"),
        body="""\
Zapier connects Lumora to thousands of other apps without code.

1. In Lumora, [create an API key](article:api-keys) named *Zapier*.
2. In Zapier, create a Zap and search for **Lumora**.
3. When Zapier asks you to connect an account, paste the API key.

## Popular Zaps

| When this happens… | …do this |
|---|---|
| New Lumora form submission | Add a row to a Google Sheet |
| New row in a spreadsheet | Create or update a Lumora contact |
| New contact gets the tag *hot-lead* | Post a message in your team chat |
| New calendar booking | Add a tag to the Lumora contact |

## Zap not running?

Open the Zap's history in Zapier. An error that says *unauthorized* means the API key was
revoked: create a new one and reconnect.
""",
    ),
    DemoArticle(
        key="wordpress",
        section="connected-apps",
        title="Add Lumora forms to a WordPress site",
        labels=("integrations", "wordpress"),
        body="""\
## With the plugin (recommended)

1. In WordPress, go to **Plugins → Add New** and search for **Lumora Forms**.
2. Install and activate it, then open **Settings → Lumora**.
3. Paste an [API key](article:api-keys) and click **Connect**.
4. In the block editor, add the **Lumora form** block and pick a form.

## Without the plugin

In Lumora, open the form, click **Share → Embed** and copy the snippet. In WordPress, add a
**Custom HTML** block and paste it.

## Troubleshooting

- **The form does not appear**: a caching or security plugin may block external scripts.
  Allow `forms.lumora.example` in its settings.
- **Submissions do not arrive**: check that the form is published in Lumora; unpublished
  forms show on the site but reject submissions.
""",
    ),
    DemoArticle(
        key="api-keys",
        section="developers",
        title="Create and manage API keys",
        labels=("api", "security"),
        promoted=True,
        body=f"""\
API keys let other software act on your Lumora account. Only owners and admins can manage
them.

## Create a key

1. Go to **Account → Integrations → API keys**.
2. Click **New key**, give it a name that says where it will be used, and choose its
   scope (see below).
3. Click **Create** and copy the key. **It is shown only once.**

| Scope | Allows |
|---|---|
| **Read only** | Reading contacts, pages and reports |
| **Contacts** | Reading and writing contacts, lists and tags |
| **Full access** | Everything the API offers, except billing |

Give each key the smallest scope that does the job.

## Use it

Send the key in the `Authorization` header:

```
curl https://api.lumora.example/v2/contacts \\
  -H "Authorization: Bearer YOUR_API_KEY"
```

## Keep keys safe

- One key per integration, so you can revoke one without breaking the others.
- Never put a key in a web page or a mobile app; anyone can read it there.
- Revoke a key as soon as it may have leaked: **⋯ → Revoke** takes effect at once.

Full reference: [Lumora API documentation]({DEVELOPERS}).
""",
    ),
    DemoArticle(
        key="webhooks",
        section="developers",
        title="Receive events with webhooks",
        labels=("api", "webhooks"),
        body=f"""\
A webhook sends an HTTPS request to your server when something happens in Lumora, so you do
not have to keep asking the API for changes.

## Set one up

1. Go to **Account → Integrations → Webhooks** and click **Add endpoint**.
2. Enter your HTTPS URL and choose the events, for example `contact.created` or
   `form.submitted`.
3. Copy the **signing secret**.

## What you receive

```json
{{
  "id": "evt_9f2c",
  "type": "form.submitted",
  "created": "2026-03-02T14:05:00Z",
  "data": {{"form_id": "frm_81", "contact": {{"email": "ana@example.com"}}}}
}}
```

## Check the signature

Each request carries a `Lumora-Signature` header: an HMAC-SHA256 of the raw request body,
keyed with your signing secret, in hex. Compute it yourself and compare in constant time:

```python
import hashlib, hmac

def is_from_lumora(raw_body: bytes, header: str, secret: str) -> bool:
    expected = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)
```

Use the **raw** bytes: parsing and re-serialising the JSON changes them and the signature
will not match.

## Retries

Answer with any 2xx status within 10 seconds. Otherwise Lumora retries with growing delays
for up to 24 hours, then marks the delivery failed. Events can arrive more than once or out
of order; use `id` to ignore duplicates.

More in the [webhook reference]({DEVELOPERS}/webhooks).
""",
    ),
    DemoArticle(
        key="api-limits",
        section="developers",
        title="API rate limits",
        labels=("api",),
        body="""\
| Plan | Requests per minute | Burst |
|---|---|---|
| Lumora Pages Premium | 60 | 20 |
| Lumora Complete | 300 | 100 |

Every response carries `RateLimit-Remaining` and `RateLimit-Reset` headers. Over the limit,
the API answers `429 Too Many Requests` with a `Retry-After` header in seconds: wait that
long, then try again.

## Avoid hitting the limit

- Use the bulk endpoints (up to 500 contacts per request) instead of one request per
  contact.
- Use [webhooks](article:webhooks) instead of polling for changes.
- Cache what does not change often, such as the list of custom fields.
""",
    ),
    DemoArticle(
        key="api-v3-draft",
        section="developers",
        title="API v3 beta: what changes",
        labels=("api",),
        draft=True,
        body="""\
*Draft for agents — do not publish before the beta opens.*

- Cursor pagination everywhere (`next_cursor` instead of `page`).
- Timestamps always in UTC with a `Z` suffix.
- Contacts are addressed by ID, not email, in URLs.

Open questions: migration window for v2, and whether API keys need new scopes.
""",
    ),
)
