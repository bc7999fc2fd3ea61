"""Demo articles: Troubleshooting."""

from .spec import DemoArticle

STATUS = "https://status.lumora.example"

ARTICLES = (
    DemoArticle(
        key="emails-not-delivered",
        section="common-problems",
        title="My emails are not being delivered",
        labels=("email", "deliverability", "troubleshooting"),
        promoted=True,
        body=f"""\
Work through these checks in order; most problems are solved by the first three.

1. **Is the campaign actually sent?** In **Email → Reports**, the status must be *Sent*,
   not *Scheduled* or *Paused*.
2. **Is the address suppressed?** Search for the contact. A red *Suppressed* badge means
   they unsubscribed, bounced or complained — see
   [How unsubscribes and bounces work](article:unsubscribes-bounces).
3. **Is your domain authenticated?** Unauthenticated mail is often rejected or sent to spam.
   See [Authenticate your sending domain](article:authenticate-sending-domain).
4. **Is it in spam?** Ask the recipient to check, and to mark it *Not spam*.
5. **Is it your content?** Very large images, link shorteners, and subject lines in capital
   letters all raise spam scores. Send a test with plain text to compare.

## Read the delivery log

Open the contact and click **Activity**. Each email shows what the receiving server said,
for example `550 mailbox unavailable` (the address does not exist) or
`421 try again later` (the server is busy; Lumora retries).

## Is it us?

Check [the Lumora status page]({STATUS}) for incidents.
""",
    ),
    DemoArticle(
        key="page-not-loading",
        section="common-problems",
        title="My landing page is not loading",
        labels=("pages", "troubleshooting"),
        body=f"""\
| What you see | Likely cause | Fix |
|---|---|---|
| "Page not found" | The page is unpublished, or its address changed | Publish it again; check **Settings → Address** |
| "This site can't be reached" on your own domain | DNS record missing or wrong | Check the CNAME — see [Publish pages on your own domain](article:custom-domain) |
| Certificate or "Not secure" warning | Certificate still being issued | Wait 15 minutes after verifying the domain |
| Old version of the page | Browser or CDN cache | Reload with <kbd>Ctrl</kbd> + <kbd>Shift</kbd> + <kbd>R</kbd>; changes reach everyone within 5 minutes |
| Page is blank | A custom script in **Settings → Code** has an error | Remove the script and publish again |

## Still stuck?

Check the [status page]({STATUS}), then post in the
[Landing pages community](topic:landing-pages) or contact Support with the page address.
""",
    ),
    DemoArticle(
        key="cant-sign-in",
        section="common-problems",
        title="I can't sign in",
        labels=("security", "troubleshooting"),
        body="""\
## "Email or password is incorrect"

- [Reset your password](article:reset-password). It is quicker than guessing.
- Check you are using the address you were invited at; team members sometimes have two.

## "Your account is locked"

After 10 failed attempts, sign-in is locked for 15 minutes to protect you. Wait, then reset
your password.

## The two-factor code is refused

- Your phone's clock must be right: turn on automatic date and time.
- Use the newest code; each lasts 30 seconds.
- Lost the phone? Use a recovery code — see
  [Turn on two-factor authentication](article:two-factor).

## "Your account is paused"

A payment failed. The owner can sign in and
[update the card](article:update-card); the account reactivates at once.

## Nothing works

Contact Support from the form at the bottom of this page. For your security we will ask
questions only the account owner can answer before changing anything.
""",
    ),
    DemoArticle(
        key="import-errors",
        section="common-problems",
        title="Contact import errors and how to fix them",
        labels=("import", "troubleshooting"),
        body="""\
The email you get when an import finishes lists skipped rows and why. The most common
messages:

| Message | What it means | How to fix it |
|---|---|---|
| *No email column found* | No column was matched to **Email** | Match the column in step 3 of the import, or add a header row |
| *Invalid email address* | The value is not an address, e.g. `ana(at)example.com` | Correct the cell, or remove the row |
| *Address is suppressed* | The person unsubscribed or bounced earlier | Nothing — they cannot be re-added by import |
| *Strange characters (Ã©, â€™)* | The file is not UTF-8 | Save again as **CSV UTF-8** and re-import |
| *File too large* | Over 50 MB or 500,000 rows | Split the file into parts |
| *Date could not be read* | Dates in an unknown format | Use `YYYY-MM-DD`, e.g. `2026-03-31` |

Re-importing the corrected file is safe: contacts are matched by email address and updated,
never duplicated.

For how to prepare a file, see
[Import your contacts from a spreadsheet](article:import-contacts).
""",
    ),
)
