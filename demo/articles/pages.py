"""Demo articles: Landing pages."""

from .spec import DemoArticle

ARTICLES = (
    DemoArticle(
        key="first-landing-page",
        section="page-editor",
        title="Create your first landing page",
        labels=("beginner", "pages"),
        promoted=True,
        body="""\
1. Go to **Pages** and click **New page**.
2. Pick a template. Every template works on phones; you can change everything later.
3. Click any text to edit it, and any image to replace it.
4. Click **Settings** to give the page a name and an address, such as
   `offers.lumora.site/spring-sale`.
5. Click **Publish**.

Your page is live. Share the link, or [put it on your own domain](article:custom-domain).

## Make it convert

- One page, one goal: a single clear button or form.
- Put the most important sentence above the fold, where it is visible without scrolling.
- [Add a form](article:add-form) so visitors become contacts.
- Once you have traffic, [run an A/B test](article:ab-test) on the headline.
""",
    ),
    DemoArticle(
        key="editor-basics",
        section="page-editor",
        title="Editor basics: blocks, columns and styles",
        labels=("pages",),
        body="""\
Pages are built from **blocks** stacked from top to bottom. Each block holds one or more
**columns**, and each column holds **elements** (text, images, buttons, forms, videos).

## Add, move and remove

- **Add a block**: hover between two blocks and click **+**.
- **Move a block**: drag the handle on its left edge.
- **Duplicate or delete**: click **⋯** at the top right of the block.

## Styles

Click **Page style** in the toolbar to set fonts, colours and button shapes for the whole
page. Change the style of one element only when it must stand out.

## Keyboard shortcuts

| Shortcut | Action |
|---|---|
| <kbd>Ctrl</kbd> + <kbd>Z</kbd> | Undo |
| <kbd>Ctrl</kbd> + <kbd>Shift</kbd> + <kbd>Z</kbd> | Redo |
| <kbd>Ctrl</kbd> + <kbd>D</kbd> | Duplicate the selected element |
| <kbd>Ctrl</kbd> + <kbd>S</kbd> | Save a draft |
| <kbd>Delete</kbd> | Delete the selected element |

On a Mac, use <kbd>⌘</kbd> instead of <kbd>Ctrl</kbd>.

## Preview on a phone

Click the phone icon in the toolbar. You can hide a block on phones (or on computers) from
the block's **⋯** menu.
""",
    ),
    DemoArticle(
        key="add-form",
        section="page-editor",
        title="Add a form to a page",
        labels=("pages",),
        body="""\
1. In the editor, drag a **Form** element into a column.
2. Click the form and choose its fields. **Email** is always included.
3. Under **After submit**, choose to show a thank-you message or go to another page.
4. Under **Contacts**, choose the list to add people to and any tag to give them.

## Ask for consent

Turn on **Consent checkbox** if you will send marketing emails to people who fill in the
form. The wording you enter is stored with each contact, so you can show what they agreed
to.

## Follow up automatically

Use the form as the trigger of an automation — see
[Build an automation](article:build-automation).

## Where do submissions go?

To the contact record, and to **Pages → Forms**, where you can
[export them](article:export-your-data).
""",
    ),
    DemoArticle(
        key="publish-and-unpublish",
        section="page-editor",
        title="Publish, unpublish and restore a page",
        labels=("pages",),
        body="""\
- **Publish**: click **Publish** in the editor. Later changes stay in draft until you
  publish again, so visitors never see half-finished work.
- **Unpublish**: in **Pages**, click **⋯ → Unpublish**. Visitors see a "page not found"
  message; the page and its form submissions are kept.
- **Restore an earlier version**: in the editor, click **History**, choose a version and
  click **Restore**. Lumora keeps the last 50 published versions of every page.

On **Lumora Pages Free** you can have three pages published at a time. Unpublish one to
publish another, or see [Compare Lumora plans](article:compare-plans).
""",
    ),
    DemoArticle(
        key="custom-domain",
        section="domains-and-seo",
        title="Publish pages on your own domain",
        labels=("pages", "domains"),
        promoted=True,
        body="""\
Available on **Lumora Pages Premium** and **Lumora Complete**.

Use a subdomain such as `go.yourcompany.com`; your main website keeps working as before.

## 1. Add the domain in Lumora

Go to **Pages → Domains**, click **Add domain** and type the subdomain.

## 2. Add a DNS record

Sign in where your domain is managed (your registrar or DNS host) and add:

| Type | Name / Host | Value / Target |
|---|---|---|
| CNAME | `go` | `pages.lumora.example` |

Remove any other record for the same name first; a CNAME cannot share its name.

## 3. Verify

Back in **Pages → Domains**, click **Verify**. DNS changes can take from a few minutes up
to 24 hours. Once verified, Lumora issues a security certificate automatically — this
takes up to 15 minutes more.

## 4. Use it

In each page's **Settings**, choose the new domain and publish again.

Page not loading after all that? See
[My landing page is not loading](article:page-not-loading).
""",
    ),
    DemoArticle(
        key="seo-settings",
        section="domains-and-seo",
        title="SEO settings: titles, descriptions and sharing images",
        labels=("pages",),
        body="""\
Open the page in the editor and click **Settings → SEO**.

| Setting | What it does | Tip |
|---|---|---|
| **Page title** | The headline in search results and the browser tab | Under 60 characters; main keyword first |
| **Description** | The text below the title in search results | 120–155 characters that make people click |
| **Sharing image** | The picture shown when the link is shared on social media | 1200 × 630 pixels |
| **Hide from search engines** | Adds a "noindex" instruction | Use for thank-you pages and private offers |

Search engines can take a few days to notice changes. Pages on your own domain usually rank
better than pages on the shared Lumora address.
""",
    ),
    DemoArticle(
        key="ab-test",
        section="domains-and-seo",
        title="Run an A/B test on a landing page",
        labels=("pages",),
        body="""\
An A/B test shows two versions of a page to different visitors and tells you which one
gets more form submissions.

1. Open the page and click **A/B test → Create variant**.
2. Change **one thing** in the variant: the headline, the picture or the button text.
3. Choose how traffic is split (50/50 is usual) and click **Start test**.
4. Watch **Pages → Tests**. Lumora marks a winner when the difference is statistically
   significant, typically after a few hundred visits per version.
5. Click **Use the winner** to publish it to everyone.

## Tips

- Do not change the page while the test runs; it spoils the results.
- If nothing wins after four weeks, the change does not matter much — test something bolder.
""",
    ),
)
