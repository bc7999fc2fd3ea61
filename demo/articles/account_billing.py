"""Demo articles: Account & billing."""

from .spec import DemoArticle

SIGN_IN = "https://app.lumora.example/sign-in"
TERMS = "https://lumora.example/legal/terms"
VIDEO_CLOSE_COMPLETE = "https://lumora.example/videos/close-complete-account"
VIDEO_DOWNGRADE_PAGES = "https://lumora.example/videos/downgrade-to-pages-free"
ADVISORS_PHONE = "(555) 013-2400, option 1"

ARTICLES = (
    DemoArticle(
        key="cancel-account",
        section="billing-and-plans",
        title="How do I cancel my account?",
        labels=("billing", "cancel"),
        promoted=True,
        body=f"""\
You can stop paying for Lumora whenever you like, without calling anyone. What our team
**cannot** do is close an account on your behalf: your contacts, pages and campaign history
live in it, and we will not risk deleting information that you may still need. The steps
below are yours to take, and they take about two minutes.

> **Before you cancel:** [export your data](article:export-your-data). When an account is
> closed its data may be removed straight away, and we cannot bring it back.

## Would a conversation help first?

If something is not working for you, our Business Solution Advisors would like to hear
about it — often a plan change or a fix solves the problem. Call **{ADVISORS_PHONE}**
during business hours. Outside those hours, start a chat with our Support team from the
**Help** button in your account. Our [cancel assistant](/contact/cancel/) tells you
whether the advisors are available right now, books a callback, or shows your plan's steps.

## Which plan are you on?

| If your plan is… | Do this |
|---|---|
| **Lumora Complete** (CRM, email and pages) | [Close the account](#cancel-lumora-complete) |
| **Lumora Pages Premium** (pages only) | [Switch to Lumora Pages Free](#cancel-lumora-pages-premium) |
| **Lumora Pages Free** | Nothing to do: you are not billed |

Not sure? Your plan name is shown under **Account → Plan**.

## Cancel Lumora Complete

1. [Sign in to Lumora]({SIGN_IN}).
2. Click your email address in the top right corner, then choose **Account**.
3. Scroll to the section called **Need to cancel?**
4. Click **Close my account completely** and follow the instructions on screen.

When you finish, you are signed out automatically and any charges that were still due are
cancelled. Prefer to watch? [Video: closing a Lumora Complete account]({VIDEO_CLOSE_COMPLETE}).

## Cancel Lumora Pages Premium

Pages Premium is not closed, it is downgraded: your pages stay online on the free plan and
billing stops.

1. [Sign in to Lumora]({SIGN_IN}).
2. Click **Upgrade** in the top right corner.
3. In the window that opens, choose the **Lumora Pages** tab.
4. Under **Lumora Pages Free**, click **Select this plan**.

[Video: moving from Pages Premium to Pages Free]({VIDEO_DOWNGRADE_PAGES}).

## Related

- [How do I stop being billed?](article:stop-billing)
- [Our refund policy](article:refund-policy)
- [Lumora terms of service]({TERMS})
""",
    ),
    DemoArticle(
        key="stop-billing",
        section="billing-and-plans",
        title="How do I stop being billed?",
        labels=("billing", "cancel"),
        promoted=True,
        body=f"""\
Billing stops the moment your account no longer has a paid plan. You can make that happen
yourself, at any time, from inside Lumora.

## Pick the option that fits

| You want to… | What to do | What happens to your data |
|---|---|---|
| Keep your landing pages, stop paying | [Move to Lumora Pages Free](article:change-plan) | Pages stay online; CRM data is kept for 30 days |
| Stop everything | [Close your account](article:cancel-account) | May be deleted immediately — [export first](article:export-your-data) |
| Pay less | [Downgrade to a smaller plan](article:change-plan) | Nothing is lost |

## Charges after you stop

- You are **not** charged again after you close a Lumora Complete account; charges that
  were still outstanding are cancelled for you.
- When you downgrade, the new price applies from your next billing date.
- If a charge appears after you stopped billing, check [your invoices](article:invoices) —
  then contact us and we will look into it.

## Tip

If money is the reason, call our Business Solution Advisors on **{ADVISORS_PHONE}** before
you go. They can often find a plan that costs less.
""",
    ),
    DemoArticle(
        key="compare-plans",
        section="billing-and-plans",
        title="Compare Lumora plans",
        labels=("billing", "beginner"),
        body="""\
Lumora comes in three plans. You can move between them at any time — see
[Change your plan](article:change-plan).

| | Lumora Pages Free | Lumora Pages Premium | Lumora Complete |
|---|:---:|:---:|:---:|
| Landing pages | 3 | Unlimited | Unlimited |
| Custom domain | — | ✓ | ✓ |
| Remove "Made with Lumora" badge | — | ✓ | ✓ |
| A/B testing | — | ✓ | ✓ |
| Contacts (CRM) | — | — | ✓ |
| Email campaigns | — | — | ✓ |
| Automations | — | — | ✓ |
| Team members | 1 | 3 | Unlimited |
| Support | Help center | Chat and email | Chat, email and phone |

## Which one is right for me?

- **Just need a page or two?** Start on **Pages Free**; upgrade when you want your own domain.
- **Running paid campaigns to landing pages?** **Pages Premium** adds custom domains and
  A/B tests.
- **Want contacts, emails and automations in one place?** That is **Lumora Complete**.

Prices for your country and currency are on the **Upgrade** screen inside your account.
""",
    ),
    DemoArticle(
        key="change-plan",
        section="billing-and-plans",
        title="Change your plan (upgrade or downgrade)",
        labels=("billing",),
        body="""\
## Upgrade

1. Click **Upgrade** in the top right corner of your account.
2. Choose the tab for the product you want: **Lumora Complete** or **Lumora Pages**.
3. Click **Select this plan** under the plan you want and confirm the payment details.

Upgrades apply immediately. You pay the difference for the rest of the current billing
period, shown before you confirm.

## Downgrade

Follow the same steps and pick a smaller plan. Downgrades apply at the end of the current
billing period, so you keep what you paid for until then.

Things to check before downgrading:

- **Pages Premium → Pages Free**: only your three most recently edited pages stay
  published, and custom domains are disconnected.
- **Complete → Pages Premium**: automations stop and scheduled campaigns are cancelled.
  [Export your contacts](article:export-your-data) if you want a copy.

## See also

- [Compare Lumora plans](article:compare-plans)
- [How do I stop being billed?](article:stop-billing)
""",
    ),
    DemoArticle(
        key="update-card",
        section="billing-and-plans",
        title="Update the credit card on file",
        labels=("billing",),
        body="""\
Only account owners and team members with the **Billing** role can change payment details.

1. Click your email address in the top right corner and choose **Account**.
2. Open the **Billing** tab.
3. Under **Payment method**, click **Replace card**.
4. Enter the new card details and click **Save card**.

Your next payment uses the new card. If a payment recently failed, click **Retry payment**
on the same page to settle it right away.

## Why was my card declined?

- The card has expired, or the billing address does not match what your bank has.
- Your bank blocked an international payment — Lumora charges are processed abroad for some
  countries. Ask your bank to allow payments to *Lumora Inc.*
- 3-D Secure confirmation was not completed. Try again and approve the payment in your
  banking app.

After three failed attempts your account is paused (not deleted). Updating the card
reactivates it straight away.
""",
    ),
    DemoArticle(
        key="invoices",
        section="billing-and-plans",
        title="Download invoices and receipts",
        labels=("billing",),
        body="""\
Every payment produces a PDF invoice.

1. Go to **Account → Billing**.
2. Scroll to **Invoice history**.
3. Click **Download** next to the invoice you need.

## Add your company details

To show a company name, address or VAT number on future invoices, click **Edit billing
details** on the same page. Invoices already issued cannot be changed; contact Support if
one needs to be reissued.

## Send invoices to your accountant

Under **Invoice recipients**, add up to three email addresses. Each new invoice is emailed
to them as soon as it is issued.
""",
    ),
    DemoArticle(
        key="refund-policy",
        section="billing-and-plans",
        title="Our refund policy",
        labels=("billing",),
        body=f"""\
| Situation | Refund? |
|---|---|
| First payment of a new subscription, asked for within 14 days | Full refund |
| Charged twice for the same period | Full refund of the duplicate |
| Annual plan cancelled part-way through | Unused whole months, minus a 10% fee |
| Monthly plan cancelled part-way through | No refund; service continues to the end of the month |
| Add-ons already used (for example extra email sends) | No refund |

## How to ask for a refund

Start a chat from the **Help** button in your account, or reply to your invoice email.
Include the invoice number. Refunds reach your card within 5–10 business days.

The full wording is in our [terms of service]({TERMS}).
""",
    ),
    DemoArticle(
        key="export-your-data",
        section="your-data",
        title="Export your data",
        labels=("data",),
        promoted=True,
        body="""\
You can download everything you have stored in Lumora at any time, on every plan. Do this
before you [cancel your account](article:cancel-account): a closed account's data may be
deleted immediately.

## What you can export

| Data | Format | Where |
|---|---|---|
| Contacts, with all fields and tags | CSV | **Contacts → Export** |
| Email campaign reports | CSV | **Email → Reports → Export** |
| Landing pages | HTML bundle (ZIP) | **Pages → ⋯ → Download** |
| Form submissions | CSV | **Pages → Forms → Export** |
| Everything at once | ZIP | **Account → Your data → Export all** |

## Export everything at once

1. Go to **Account → Your data**.
2. Click **Export all**.
3. We prepare the archive in the background and email you a download link, usually within
   a few minutes. The link works for 7 days.

## Tip

Large accounts (over a million contacts) can take up to an hour. You can keep working while
the export runs.
""",
    ),
    DemoArticle(
        key="delete-data",
        section="your-data",
        title="Delete contacts and other data",
        labels=("data", "privacy"),
        body="""\
Deleting is permanent. Consider [exporting a copy](article:export-your-data) first.

## Delete some contacts

1. Open **Contacts** and select the contacts (or a whole list) to remove.
2. Choose **Actions → Delete**.
3. Type **DELETE** to confirm.

Deleted contacts disappear from lists, reports and automations at once.

## When someone asks you to erase their data

For privacy requests (for example under GDPR), use **Contacts → ⋯ → Erase personal data**
instead of plain delete. Lumora removes the person's details everywhere, including form
submissions and email history, and adds their address to a suppression list so a later
import cannot bring them back by mistake.

## Delete the whole account

That is the same as closing it: see [How do I cancel my account?](article:cancel-account)
""",
    ),
    DemoArticle(
        key="reset-password",
        section="sign-in-and-security",
        title="Reset your password",
        labels=("security", "beginner"),
        promoted=True,
        body=f"""\
1. Go to the [sign-in page]({SIGN_IN}) and click **Forgot password?**
2. Enter the email address you sign in with.
3. Open the email from Lumora and click **Choose a new password**. The link works for one
   hour and only once.
4. Pick a password of at least 12 characters that you do not use anywhere else.

## No email arrived?

- Check your spam or junk folder for a message from *no-reply@lumora.example*.
- Make sure you typed the address you signed up with — a team member may have invited you
  at a different address.
- Still nothing after 10 minutes? See [I can't sign in](article:cant-sign-in).

Resetting your password signs you out of Lumora on every other device.
""",
    ),
    DemoArticle(
        key="two-factor",
        section="sign-in-and-security",
        title="Turn on two-factor authentication",
        labels=("security",),
        body="""\
Two-factor authentication (2FA) asks for a six-digit code from your phone as well as your
password, so a stolen password alone is not enough to get in.

## Turn it on

1. Click your email address in the top right corner and choose **Account**.
2. Open the **Security** tab and click **Set up two-factor authentication**.
3. Scan the QR code with an authenticator app (any app that supports TOTP codes works).
4. Type the six-digit code the app shows and click **Verify**.
5. **Save your recovery codes** somewhere safe, such as a password manager.

## Lost your phone?

Sign in with one of your recovery codes instead of the six-digit code. Each code works
once. If you have no recovery codes left, the account owner can reset 2FA for you from
**Account → Team**; owners contact Support, who will verify your identity first.

## Require 2FA for the whole team

Owners of **Lumora Complete** accounts can switch on **Require two-factor authentication**
under **Account → Security**. Team members without 2FA are asked to set it up at their next
sign-in.
""",
    ),
    DemoArticle(
        key="change-email",
        section="sign-in-and-security",
        title="Change the email address you sign in with",
        labels=("security",),
        body="""\
1. Go to **Account → Profile**.
2. Click **Change** next to your email address.
3. Enter the new address and your current password.
4. Open the confirmation email sent to the **new** address and click **Confirm**.

Until you confirm, you keep signing in with the old address. We also send a notice to the
old address, so you will know if someone else tries this.

> This changes your personal sign-in only. To change the address your campaigns are sent
> **from**, see [Authenticate your sending domain](article:authenticate-sending-domain).
""",
    ),
)
