"""Demo community posts and their comments."""

from .account_billing import (
    ADVISORS_PHONE,
    SIGN_IN,
    TERMS,
    VIDEO_CLOSE_COMPLETE,
    VIDEO_DOWNGRADE_PAGES,
)
from .spec import DemoComment, DemoPost

CANCEL_ANSWER = f"""\
Thanks for asking here, Casey. One thing first: we are not able to close accounts for our
customers. Your account holds your contacts, pages and history, and deleting that on
someone's behalf is a risk we will not take with your data. You are always in control of
billing, though, and can stop it yourself whenever you want.

If something specific made you want to leave, please give our Business Solution Advisors
a chance to sort it out: call **{ADVISORS_PHONE}**. If they are outside their business
hours when you call, our Support team is available by chat from the **Help** button in
your account.

If cancelling is still the right call, here is how, depending on your plan. Our
[cancel assistant](/contact/cancel/) also tells you whether the advisors are available
right now and shows the steps for your plan.

**Lumora Complete**

1. [Sign in]({SIGN_IN}).
2. Click your email address at the top right and choose **Account**.
3. Go to the **Need to cancel?** section.
4. Click **Close my account completely** and follow the steps shown.

You will be signed out automatically once it is done, and any outstanding charges are
cancelled. Important: data in a closed account may be deleted right away, so
[export your data](article:export-your-data) before you start.
[Watch the video]({VIDEO_CLOSE_COMPLETE}) · [Terms of service]({TERMS})

**Lumora Pages Premium**

1. [Sign in]({SIGN_IN}).
2. Click **Upgrade** at the top right.
3. Open the **Lumora Pages** tab in the window that appears.
4. Click **Select this plan** under **Lumora Pages Free**.

[Watch the video]({VIDEO_DOWNGRADE_PAGES})

The same steps are in our article [How do I cancel my account?](article:cancel-account).
Sorry to see you go, and all the best with what comes next!

Alex, Lumora Support
"""

# The reference post is created last so it is the newest, and so shown first, in the
# community; its page is the one the office-hours flow links to.
POSTS = (
    DemoPost(
        topic="partners-team",
        author="tomas.herrera",
        title="Can I move a client's account into my agency account?",
        body="""\
We are a small agency and just took over a client who already has their own Lumora Complete
account. Can their pages and contacts be moved under our agency account, or do they have
to stay separate?""",
        comments=(
            DemoComment(
                author="agent",
                official=True,
                body="""\
Hi Tomás! Accounts are not merged, because each one has its own owner, billing and
consent records. What agencies usually do instead:

1. Ask your client to [invite you](article:invite-team) as an **Admin** on their account.
2. Switch between your accounts from the account menu at the top right.

If you want to take over billing as well, the client can make you the owner — the steps
are in the same article.""",
            ),
            DemoComment(
                author="tomas.herrera",
                body="Makes sense, and keeps the client's data theirs. Thanks, Alex.",
            ),
        ),
        followers=("agent",),
    ),
    DemoPost(
        topic="landing-pages",
        author="customer2",
        title="Custom domain shows a certificate warning",
        body="""\
I connected `go.robinpatel.example` to my pages this morning. The DNS check is green, but
the browser says the connection is not secure. Did I miss a step?""",
        comments=(
            DemoComment(
                author="agent",
                official=True,
                body="""\
Hi Robin — you didn't miss anything. After a domain is verified we request a certificate
for it, which takes up to 15 minutes. If the warning is still there after an hour, check
that there is no second DNS record (for example an old `A` record) for `go`; it can stop
the certificate from being issued. Details:
[Publish pages on your own domain](article:custom-domain).""",
            ),
            DemoComment(
                author="customer2",
                body="There was an old A record left over from our previous site. Deleted it and the padlock appeared ten minutes later. Thank you!",
            ),
        ),
        followers=("maya.lindqvist",),
    ),
    DemoPost(
        topic="landing-pages",
        author="maya.lindqvist",
        title="Share your best-converting headline",
        body="""\
We just finished an A/B test where "Get the checklist" beat "Download our free guide" by
38%. Shorter and more concrete won again. What are your winners?""",
        comments=(
            DemoComment(
                author="devon.okafor",
                body='Adding the number of customers ("Join 2,400 bakeries…") gave us +21%. Social proof in the headline works.',
            ),
            DemoComment(
                author="customer",
                body="Ours was boring but effective: putting the price in the headline reduced sign-ups a little, but the leads were much better.",
            ),
        ),
        followers=("customer2", "devon.okafor"),
    ),
    DemoPost(
        topic="email-and-automations",
        author="customer",
        title="Automation stopped sending after I edited an email",
        body="""\
I changed the second email of our welcome series yesterday and since then nobody has
received it. The automation says *On*. What happened?""",
        comments=(
            DemoComment(
                author="maya.lindqvist",
                body="Same thing happened to me once — I had saved the email but not clicked **Publish changes**.",
            ),
            DemoComment(
                author="agent",
                official=True,
                body="""\
Maya is right: edits to an email inside an automation are saved as a draft until you
click **Publish changes** at the top of the automation. Contacts who reached that step in
the meantime are waiting, not skipped — they will get the email as soon as you publish.

More on editing running automations:
[Build an automation](article:build-automation).""",
            ),
        ),
        followers=("maya.lindqvist",),
    ),
    DemoPost(
        topic="email-and-automations",
        author="priya.raman",
        title="Is DMARC p=none enough?",
        body="""\
Our IT team set DMARC to `p=none`. Lumora shows the domain as verified. Should we go
stricter?""",
        comments=(
            DemoComment(
                author="devon.okafor",
                body="We started with p=none, watched the reports for a month to find every service sending as us, then moved to quarantine. No problems since.",
            ),
        ),
    ),
    DemoPost(
        topic="integrations-and-api",
        author="devon.okafor",
        title="Webhook signature never matches",
        body="""\
I'm verifying `Lumora-Signature` in a Node.js app and the HMAC never matches, even though
the secret is right. Any ideas?""",
        comments=(
            DemoComment(
                author="agent",
                official=True,
                body="""\
Nine times out of ten this is a body parser: it turns the request into an object and the
re-serialised JSON differs from the bytes we signed (spacing, key order). Compute the HMAC
over the **raw** request body before any parsing. There is an example in
[Receive events with webhooks](article:webhooks).""",
            ),
            DemoComment(
                author="devon.okafor",
                body="That was it — switched that route to a raw body parser and it matches now.",
            ),
        ),
        followers=("customer2",),
    ),
    # Posts keep the language they were written in; this one is Spanish, and its answer
    # links to the Spanish translation of the article.
    DemoPost(
        topic="partners-team",
        author="tomas.herrera",
        locale="es",
        title="¿Cómo pongo el NIF de mi empresa en las facturas?",
        body="""\
Hola: trabajamos desde España y nuestra gestoría nos pide que las facturas de Lumora lleven
el NIF y la razón social de la empresa. Las últimas salieron solo con mi nombre. ¿Dónde se
cambia esto? ¿Y pueden corregir las facturas que ya tenemos?""",
        comments=(
            DemoComment(
                author="agent",
                official=True,
                body="""\
¡Hola, Tomás! Puede añadirlo usted mismo en **Cuenta → Facturación → Editar datos de
facturación**: el nombre de la empresa, la dirección y el NIF aparecerán en todas las
facturas que se emitan a partir de ese momento.

Las facturas ya emitidas no cambian solas, pero podemos volver a emitirlas con los datos
nuevos: escríbanos desde el botón **Ayuda** de su cuenta e indíquenos los números de factura.

Y si prefiere que su gestoría reciba cada factura directamente, añada su correo en
**Destinatarios de facturas**. Tiene todos los pasos en
[Descargue sus facturas y recibos](article:invoices).

Alex, Soporte de Lumora""",
            ),
            DemoComment(
                author="tomas.herrera",
                body="Hecho, ¡gracias! Ya les he escrito para que nos vuelvan a emitir las de marzo y abril.",
            ),
        ),
    ),
    DemoPost(
        topic="partners-team",
        author="customer",
        title="How do I cancel my account?",
        body="I'd like to close my Lumora account. What do I need to do?",
        comments=(DemoComment(author="agent", official=True, body=CANCEL_ANSWER),),
        # With the author (who follows automatically), exactly two followers.
        followers=("agent",),
    ),
)

# Looked up by the office-hours flow and the tests.
CANCEL_POST_TOPIC = "partners-team"
CANCEL_POST_TITLE = "How do I cancel my account?"
