"""The demo help center's structure: categories with their sections, community topics,
and the people who use it."""

from .spec import DemoCategory, DemoSection, DemoTopic, DemoUser

# The one password of the demo accounts that can sign in (documented in the README).
DEMO_PASSWORD = "kb-demo-2026"

CATEGORIES = (
    DemoCategory(
        slug="getting-started",
        name="Getting started",
        description="New to Lumora? Set up your account, bring in your contacts and meet your team.",
        sections=(
            DemoSection(
                slug="first-steps",
                name="First steps",
                description="Everything you need in your first week with Lumora.",
            ),
            DemoSection(
                slug="your-team",
                name="Your team",
                description="Invite colleagues, choose what they can do, and tidy up when people leave.",
            ),
        ),
    ),
    DemoCategory(
        slug="account-billing",
        name="Account & billing",
        description="Plans, payments, invoices, your data, and keeping your sign-in safe.",
        sections=(
            DemoSection(
                slug="billing-and-plans",
                name="Billing and plans",
                description="Change, pause or cancel your plan, update your card and find invoices.",
            ),
            DemoSection(
                slug="your-data",
                name="Your data",
                description="Export what you have stored in Lumora, or delete it for good.",
            ),
            DemoSection(
                slug="sign-in-and-security",
                name="Sign-in and security",
                description="Passwords, two-factor authentication and the email address you sign in with.",
            ),
        ),
    ),
    DemoCategory(
        slug="pages",
        name="Landing pages",
        description="Build, publish and improve landing pages with the Lumora Pages editor.",
        sections=(
            DemoSection(
                slug="page-editor",
                name="The page editor",
                description="Blocks, forms, styles and publishing.",
            ),
            DemoSection(
                slug="domains-and-seo",
                name="Domains, SEO and testing",
                description="Use your own domain, get found in search engines and test what converts.",
            ),
        ),
    ),
    DemoCategory(
        slug="email-automations",
        name="Email & automations",
        description="Send campaigns people want to read and let automations do the follow-up.",
        sections=(
            DemoSection(
                slug="email-campaigns",
                name="Email campaigns",
                description="Write, send and measure email campaigns, and keep them out of spam folders.",
            ),
            DemoSection(
                slug="automations",
                name="Automations",
                description="Triggers, waits and actions that work while you sleep.",
            ),
        ),
    ),
    DemoCategory(
        slug="integrations",
        name="Integrations & API",
        description="Connect Lumora to the tools you already use, or build your own connection.",
        sections=(
            DemoSection(
                slug="connected-apps",
                name="Connected apps",
                description="Stripe, Zapier, WordPress and more.",
            ),
            DemoSection(
                slug="developers",
                name="Developers",
                description="API keys, webhooks and limits.",
            ),
        ),
    ),
    DemoCategory(
        slug="troubleshooting",
        name="Troubleshooting",
        description="Something not working? Start here.",
        sections=(
            DemoSection(
                slug="common-problems",
                name="Common problems",
                description="Fixes for the problems our Support team hears about most.",
            ),
        ),
    ),
)

TOPICS = (
    DemoTopic(
        slug="partners-team",
        name="Partners Team",
        description="Questions for the team that looks after agencies, partners and account changes.",
    ),
    DemoTopic(
        slug="landing-pages",
        name="Landing pages",
        description="Share page designs, ask about the editor and swap conversion tips.",
    ),
    DemoTopic(
        slug="email-and-automations",
        name="Email & automations",
        description="Campaigns, deliverability and automation recipes.",
    ),
    DemoTopic(
        slug="integrations-and-api",
        name="Integrations & API",
        description="Zapier zaps, webhooks, the API and everything else that connects to Lumora.",
    ),
)

USERS = (
    DemoUser(
        username="agent",
        first_name="Alex",
        last_name="Moreno",
        email="agent@lumora.example",
        can_sign_in=True,
        agent=True,
        follows=("section:billing-and-plans", "section:common-problems"),
    ),
    DemoUser(
        username="customer",
        first_name="Casey",
        last_name="Jordan",
        email="customer@lumora.example",
        can_sign_in=True,
        follows=("section:billing-and-plans", "article:export-your-data", "article:compare-plans"),
    ),
    DemoUser(
        username="customer2",
        first_name="Robin",
        last_name="Patel",
        email="customer2@lumora.example",
        can_sign_in=True,
        follows=("section:page-editor", "article:custom-domain", "article:webhooks"),
    ),
    # Community members: they wrote some of the posts and left votes, so counts look
    # like a help center people actually use. They cannot sign in.
    DemoUser(
        username="maya.lindqvist",
        first_name="Maya",
        last_name="Lindqvist",
        email="maya.lindqvist@customers.lumora.example",
        follows=("section:automations", "article:welcome-series"),
    ),
    DemoUser(
        username="devon.okafor",
        first_name="Devon",
        last_name="Okafor",
        email="devon.okafor@customers.lumora.example",
        follows=("section:developers", "article:api-keys"),
    ),
    DemoUser(
        username="priya.raman",
        first_name="Priya",
        last_name="Raman",
        email="priya.raman@customers.lumora.example",
        follows=("article:authenticate-sending-domain",),
    ),
    DemoUser(
        username="tomas.herrera",
        first_name="Tomás",
        last_name="Herrera",
        email="tomas.herrera@customers.lumora.example",
        follows=("article:cancel-account",),
    ),
)
