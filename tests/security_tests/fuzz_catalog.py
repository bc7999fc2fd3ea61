"""What the fuzz suite (test_fuzz.py) knows of each URL: methods, the query parameters and
POST fields its view reads, the forms it binds, valid values to start from, and where to
look after it wrote something.

Every named URL of kb's own apps must have an entry here (``test_every_url_is_in_the_catalog``),
and every parameter or form a view reads from the request must be named in one
(``test_every_request_parameter_read_is_in_the_catalog``): a new URL or field is fuzzed, or
the suite fails. Form fields come from the form classes themselves, so a field added to a
form is fuzzed without touching this file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from api import serializers as api_serializers
from api import services as api_services
from api.forms import ApiTokenForm
from api.services import api_token_create
from articles import notifications
from articles import services as article_services
from articles.forms import (
    ArticleForm,
    ArticleTranslationForm,
    CommentForm,
    ImageUploadForm,
    PostForm,
    TranslationListForm,
)
from articles.models import Category, Follow, Section, Topic
from articles.translations import services as translation_services
from articles.views.notifications import EmailFollowForm
from kb.accounts import services as account_services
from kb.accounts.forms import SignUpConfirmForm
from kb.analytics import BeaconForm
from search import analytics as search_analytics
from search.forms import AnalyticsPeriodForm, ApiSearchForm, ClickForm, SearchForm, SearchLogForm
from search.index import index_rebuild
from tickets.forms.callbacks import CallbackForm, FlowEventForm, OutcomeForm
from tickets.forms.requests import AgentReplyForm, ReplyForm, RequestForm, TicketUpdateForm
from tickets.models import Plan, PlanLink, Team
from tickets.office_hours import Slot
from tickets.selectors import cancel_flow as cancel_flow_selectors
from tickets.services import callbacks as callback_services
from tickets.services import requests as request_services
from tickets.services.requests import Upload

from . import fuzz_values

LA = ZoneInfo("America/Los_Angeles")
# A Wednesday morning: Business Solutions is open, so the cancel flow takes callbacks.
NOW = datetime(2026, 6, 3, 10, 0, tzinfo=LA)
SLOT = "2026-06-03T18:00+00:00"  # 11:00 in Los Angeles, one of the slots offered at NOW
PASSWORD = "kb-fuzz-pass-2026"


@dataclass
class World:
    """A small help center: one of each thing, owned by the customer, the other customer
    (whose data nobody else may change) or the agent."""

    agent: object
    customer: object
    other: object
    category: object = None
    section: object = None
    article: object = None
    draft: object = None
    topic: object = None
    post: object = None
    other_post: object = None
    comment: object = None
    agent_comment: object = None
    other_comment: object = None
    ticket: object = None
    token: str = ""
    other_ticket: object = None
    attachment: object = None
    callback: object = None
    other_callback: object = None
    plan_link: object = None
    solved: str = ""
    confirm_token: str = ""
    unsubscribe_token: str = ""
    signup_token: str = ""
    search_token: str = ""
    flow_token: str = ""
    label: object = None
    article_follow: object = None
    section_follow: object = None
    post_follow: object = None
    # API token secrets of the customer and the agent (HTTP Basic email/token or Bearer).
    api_tokens: dict = field(default_factory=dict)
    # Their ApiToken rows, and the other customer's (revoked by nobody but them).
    token_rows: dict = field(default_factory=dict)
    other_token: object = None
    # Article attachments: a text file and an inline image of the article, a PDF of the
    # draft, and a file uploaded before its article exists.
    file_attachment: object = None
    image_attachment: object = None
    draft_attachment: object = None
    loose_attachment: object = None
    # Translations: the article's published Spanish one, the draft's Spanish draft, the
    # section's German one.
    translation: object = None
    draft_translation: object = None
    section_translation: object = None

    def users(self):
        return {"anonymous": None, "customer": self.customer, "agent": self.agent}


def build_world(make_user) -> World:
    from demo import tickets as demo_tickets

    agent = make_user("fuzz_agent", agent=True)
    customer = make_user("fuzz_customer")
    other = make_user("fuzz_other")
    w = World(agent=agent, customer=customer, other=other)
    w.category = Category.objects.create(name="Billing", slug="billing")
    w.section = Section.objects.create(category=w.category, name="Invoices", slug="invoices")
    w.article = article_services.article_create(author=agent, section=w.section, title="How do I reset my password?",
                                                body="Open **Settings** and choose *Reset*.", draft=False,
                                                label_names=["account"])
    w.draft = article_services.article_create(author=agent, section=w.section, title="Unreleased plans",
                                              body="Draft.", draft=True)
    w.topic = Topic.objects.create(name="Partners Team", slug="partners-team")
    w.post = article_services.post_create(author=customer, topic=w.topic, title="How do I cancel?", body="Please help.")
    w.other_post = article_services.post_create(author=other, topic=w.topic, title="Invoices missing", body="Where?")
    w.comment = article_services.comment_create(author=customer, target=w.article, body="Thanks!")
    w.agent_comment = article_services.comment_create(author=agent, target=w.post, body="Open Account.")
    w.other_comment = article_services.comment_create(author=other, target=w.post, body="Same here.")
    article_services.follow_set(user=other, target=w.article, following=True)
    article_services.vote_set(user=other, article=w.article, helpful=True)
    article_services.follow_set(user=customer, target=w.post, following=True)
    article_services.follow_set(user=customer, target=w.section, following=True)
    w.article_follow = Follow.objects.get(user=other, article=w.article)
    w.post_follow = Follow.objects.get(user=customer, post=w.post)
    w.section_follow = Follow.objects.get(user=customer, section=w.section)
    w.label = w.article.labels.get()
    w.translation = translation_services.article_translation_save(
        article=w.article, locale="es", title="¿Cómo restablezco mi contraseña?", body="Abra **Ajustes**.",
        by=agent, draft=False, label_names=["cuenta"])
    w.draft_translation = translation_services.article_translation_save(
        article=w.draft, locale="es", title="Planes", body="Borrador.", by=agent)
    w.section_translation = translation_services.section_translation_save(
        section=w.section, locale="de", name="Rechnungen", by=agent, draft=False)
    made = {role: api_token_create(user=user, name="fuzz") for role, user in (("customer", customer), ("agent", agent))}
    w.api_tokens = {role: secret for role, (_token, secret) in made.items()}
    w.token_rows = {role: token for role, (token, _secret) in made.items()}
    w.other_token = api_token_create(user=other, name="other's script")[0]

    def attach(article, name, data, inline=False):
        return api_services.attachment_create(uploaded_by=agent, article=article, file_name=name, data=data,
                                              inline=inline, at=NOW - timedelta(days=1))

    w.file_attachment = attach(w.article, "notes.txt", b"Hello.\n")
    w.image_attachment = attach(w.article, "photo.png", fuzz_values.PNG, inline=True)
    w.draft_attachment = attach(w.draft, "plans.pdf", fuzz_values.PDF)
    w.loose_attachment = attach(None, "later.txt", b"Later.\n")
    # Pages imported from Zendesk, under their old ids (the same id for each kind, so any
    # kind in a fuzzed /hc/ path finds one); the draft's is shown to agents only.
    for row in (w.article, w.section, w.category, w.post, w.topic):
        type(row).objects.filter(pk=row.pk).update(external_id="360001")
    type(w.draft).objects.filter(pk=w.draft.pk).update(external_id="360002")

    w.ticket, w.token = request_services.request_create(
        email=customer.email, subject="Invoice missing", description="May is missing.", category="Other",
        at=NOW - timedelta(days=1), requester=customer,
        uploads=[Upload(name="notes.txt", content_type="text/plain", data=b"hello")])
    w.attachment = w.ticket.attachments.get()
    w.other_ticket, _ = request_services.request_create(
        email=other.email, subject="Refund please", description="Twice charged.", category="Other",
        at=NOW - timedelta(days=1), requester=other)
    w.solved = request_services.solved_link_value(w.ticket, w.article)

    demo_tickets.load()
    team = Team.objects.get(slug="business-solutions")
    plan = Plan.objects.get(slug="lumora-complete")
    w.plan_link = PlanLink.objects.filter(plan=plan).first()

    def callback(requester):
        due = NOW + timedelta(hours=2)
        return callback_services.callback_request(
            team=team, name="Robin Example", email=requester.email, phone="+14155552671", plan=plan,
            account_email=requester.email, reason="price", reason_detail="", route="callback",
            slot=Slot(due, due + timedelta(minutes=30)), at=NOW - timedelta(days=1), requester=requester,
        ).callback

    w.callback, w.other_callback = callback(customer), callback(other)

    follow = notifications.email_follow_request(email="reader@example.com", target=w.article, at=NOW)
    from django.core import signing
    w.confirm_token = signing.dumps({"id": follow.pk, "e": follow.email.lower()}, salt=notifications.CONFIRM_SALT)
    w.unsubscribe_token = notifications.unsubscribe_path(user_id=customer.pk, email=customer.email).rstrip("/").rsplit(
        "/", 1)[-1]
    pending = account_services.signup_request(username="fuzz_pending", email="pending@example.com", password=PASSWORD,
                                              at=NOW)
    w.signup_token = account_services.signup_token(pending)
    w.search_token = search_analytics.search_token(text="reset password", result_count=1, at=NOW)
    w.flow_token = cancel_flow_selectors.flow_event_token(route="self_service", plan_id=plan.pk, at=NOW)
    index_rebuild()
    return w


@dataclass(frozen=True)
class Route:
    """How to fuzz one URL. Callables take the :class:`World`."""

    methods: tuple[str, ...] = ("GET",)
    # Valid values of each path segment (the converter's hostile values are added).
    path: dict[str, Callable[[World], list]] = field(default_factory=dict)
    query: tuple[str, ...] = ()  # request.GET keys read directly
    query_forms: tuple[type, ...] = ()  # forms bound to request.GET
    post: tuple[str, ...] = ()  # request.POST keys read directly
    post_forms: tuple[type, ...] = ()  # forms bound to request.POST (CBVs: found from form_class)
    # Valid POST bodies to start from (each example mutates one of them).
    valid: Callable[[World], list[dict]] = lambda w: [{}]
    # Pages that show what this URL changes: fetched after an example wrote to the database.
    after: Callable[[World], list[str]] = lambda w: []
    # An API endpoint: JSON bodies (``valid`` are whole JSON documents; the fields fuzzed are
    # those of ``serializers`` inside Zendesk's envelope), sent signed in with an API token
    # (HTTP Basic or Bearer), the session, a broken Authorization header or nothing.
    api: bool = False
    serializers: tuple[type, ...] = ()
    # Examples, relative to the profile's max_examples (writing routes: twice that).
    weight: float = 1.0
    # Another URL's name: this one is fuzzed in that URL's test, each example drawing one of
    # them (thin shells over one view share a test, its examples and its one world).
    fuzzed_with: str = ""


def _ids(*names):
    return lambda w: [getattr(w, n).pk for n in names]


def _url(name, *args):
    return reverse(name, args=args)


ARTICLE_PAGES = lambda w: [w.article.get_absolute_url(), w.draft.get_absolute_url(),
                           w.section.get_absolute_url(), reverse("articles:home")]
POST_PAGES = lambda w: [w.post.get_absolute_url(), w.other_post.get_absolute_url(), w.topic.get_absolute_url(),
                        reverse("articles:topics")]
TICKET_PAGES = lambda w: [_url("tickets:agent_ticket", w.ticket.reference),
                          _url("tickets:agent_ticket", w.other_ticket.reference),
                          _url("tickets:request_detail", w.ticket.reference), _url("tickets:request_token", w.token),
                          reverse("tickets:agent_queue"), reverse("tickets:request_list")]
CALLBACK_PAGES = lambda w: [_url("tickets:agent_callback", w.callback.pk), reverse("tickets:agent_callbacks"),
                            reverse("tickets:dashboard"), reverse("tickets:dashboard_csv")]
FOLLOW_KINDS = lambda w: ["article", "post", "section", "topic"]
ANY_TARGET = lambda w: [w.article.pk, w.draft.pk, w.post.pk, w.section.pk, w.topic.pk]
NEXT = ("next",)
PREVIEW = ("translation_preview",)  # agents reading draft translations
SITE_LOCALES = lambda w: ["es", "de", "en"]

# --- The Help Center API (api/) -----------------------------------------------------------
# Its ~50 URLs are thin shells over a few shared parts (pagination, envelopes, serializers,
# get_row), so each gets half the examples of a site page (API_WEIGHT): the shared parts are
# still hit hundreds of times per run, and the ci profile stays near 100 s.
API_WEIGHT = 0.5
API_LIST = ("page", "per_page", "page[size]", "page[after]", "page[before]", "locale")
LOCALES = lambda w: [None, "en-us", "EN-us"]  # None: the path without a locale segment
API_LOCALES = lambda w: [None, "en-us", "EN-us", "es", "de"]


def _api_url(name, **kwargs):
    return reverse(f"api:{name}", kwargs=kwargs)


API_HC_PAGES = lambda w: [_api_url("articles"), _api_url("article", pk=w.article.pk), _api_url("sections"),
                          _api_url("categories"), _api_url("labels"), _api_url("article_comments", source_pk=w.article.pk)]
API_COMMUNITY_PAGES = lambda w: [_api_url("posts"), _api_url("post", pk=w.post.pk), _api_url("topics"),
                                 _api_url("post_comments", source_pk=w.post.pk)]
API_ARTICLE_PAGES = lambda w: ARTICLE_PAGES(w) + API_HC_PAGES(w)
API_POST_PAGES = lambda w: POST_PAGES(w) + API_COMMUNITY_PAGES(w)


ATTACHMENTS = _ids("file_attachment", "image_attachment", "draft_attachment", "loose_attachment")


def _download(attachment):
    return reverse("api:attachment_download", args=[attachment.pk, attachment.file_name])


ATTACHMENT_PAGES = lambda w: API_ARTICLE_PAGES(w) + [
    _api_url("article_attachments", pk=w.article.pk), _api_url("article_attachments", pk=w.draft.pk),
    _api_url("attachment", pk=w.file_attachment.pk), _download(w.file_attachment), _download(w.image_attachment)]
# The account page's token list: each role sees its own.
TOKEN_PAGES = lambda w: [(role, reverse("api:tokens")) for role in ("customer", "agent")]


def _api(methods=("GET",), *, path=None, query=API_LIST, query_forms=(), serializers=(), valid=lambda w: [{}],
         after=lambda w: [], locale=True, weight=API_WEIGHT, fuzzed_with=""):
    return Route(tuple(methods), path={**({"locale": API_LOCALES} if locale else {}), **(path or {})}, query=query,
                 query_forms=query_forms, serializers=serializers, valid=valid, after=after, api=True,
                 weight=weight, fuzzed_with=fuzzed_with)


S = api_serializers
CATEGORY_BODY = lambda w: [{"category": {"name": "Plans", "description": "All plans.", "position": 2,
                                         "locale": "en-us"}}, {"category": {"name": "Billing"}}]
SECTION_BODY = lambda w: [{"section": {"name": "Refunds", "description": "", "position": 1}},
                          {"section": {"name": "Invoices", "category_id": w.category.pk}}]
ARTICLE_BODY = lambda w: [
    {"article": {"title": "Refund times", "body": "<p>Five <b>days</b>.</p>", "draft": False, "promoted": False,
                 "position": 3, "label_names": ["billing", "refunds"], "locale": "en-us",
                 "section_id": w.section.pk}, "notify_subscribers": False},
    {"article": {"title": "How do I reset my password?", "draft": True}}]
COMMENT_BODY = lambda w: [{"comment": {"body": "Thanks, that helped.", "locale": "en-us"}}]
TOPIC_BODY = lambda w: [{"topic": {"name": "Tips", "description": "Share them.", "position": 1}}]
POST_BODY = lambda w: [{"post": {"title": "Where is May's invoice?", "details": "Missing.", "topic_id": w.topic.pk}},
                       {"post": {"title": "How do I cancel?"}}]
TRANSLATION_BODY = lambda w: [{"translation": {"title": "How do I reset my password?", "body": "Open Settings.",
                                               "draft": False, "locale": "en-us"}},
                              {"translation": {"locale": "de", "title": "Passwort"}},
                              {"translation": {"locale": "es", "title": "Contraseña", "body": "Abra *Ajustes*.",
                                               "draft": True}}]
SUBSCRIPTION_BODY = lambda w: [{"subscription": {"source_locale": "en-us", "include_comments": True}}, {}]
USERS = _ids("customer", "other", "agent")
ARTICLES = _ids("article", "draft")
SUBSCRIPTIONS = {"article": ("article", "article_follow"), "section": ("section", "section_follow"),
                 "post": ("post", "post_follow")}
TRANSLATED = {"article": _ids("article", "draft"), "section": _ids("section"), "category": _ids("category")}

API_ROUTES: dict[str, Route] = {
    "api:categories": _api(("GET", "POST"), serializers=(S.CategoryInput,), valid=CATEGORY_BODY,
                           after=API_HC_PAGES),
    "api:category": _api(("GET", "PUT", "DELETE"), path={"pk": _ids("category")}, serializers=(S.CategoryInput,),
                         valid=CATEGORY_BODY, after=API_ARTICLE_PAGES),
    "api:category_sections": _api(("GET", "POST"), path={"category_pk": _ids("category")},
                                  serializers=(S.SectionInput,), valid=SECTION_BODY, after=API_HC_PAGES),
    "api:category_articles": _api(path={"category_pk": _ids("category")}, query=API_LIST + ("sort_by", "sort_order",
                                                                                            "label_names")),
    "api:sections": _api(("GET", "POST"), serializers=(S.SectionInput,), valid=SECTION_BODY),
    "api:section": _api(("GET", "PUT", "DELETE"), path={"pk": _ids("section")}, serializers=(S.SectionInput,),
                        valid=SECTION_BODY, after=API_ARTICLE_PAGES),
    "api:section_articles": _api(("GET", "POST"), path={"section_pk": _ids("section")},
                                 query=API_LIST + ("sort_by", "sort_order", "label_names"),
                                 serializers=(S.ArticleInput,), valid=ARTICLE_BODY, after=API_ARTICLE_PAGES),
    "api:articles": _api(query=API_LIST + ("sort_by", "sort_order", "label_names")),
    "api:article": _api(("GET", "PUT", "DELETE"), path={"pk": ARTICLES}, serializers=(S.ArticleInput,),
                        valid=ARTICLE_BODY, after=API_ARTICLE_PAGES),
    "api:labels": _api(),
    "api:label": _api(path={"pk": _ids("label")}),
    "api:article_labels": _api(("GET", "POST"), path={"pk": ARTICLES}, serializers=(S.LabelInput,),
                               valid=lambda w: [{"label": {"name": "Billing"}}, {"label": {"name": "account"}}],
                               after=API_ARTICLE_PAGES),
    "api:article_label": _api(("DELETE",), path={"pk": ARTICLES, "label_pk": _ids("label")},
                              after=API_ARTICLE_PAGES),
    "api:user_articles": _api(path={"user_pk": USERS}, query=API_LIST + ("sort_by", "sort_order", "label_names")),
    "api:incremental_articles": _api(query=("start_time", "per_page", "cursor", "locale")),
    "api:article_comments": _api(("GET", "POST"), path={"source_pk": ARTICLES}, serializers=(S.CommentInput,),
                                 valid=COMMENT_BODY, after=API_ARTICLE_PAGES),
    "api:article_comment": _api(("GET", "PUT", "DELETE"), path={"source_pk": ARTICLES, "pk": _ids("comment")},
                                serializers=(S.CommentInput,), valid=COMMENT_BODY, after=API_ARTICLE_PAGES),
    "api:user_comments": _api(path={"user_pk": USERS}),
    "api:article_votes": _api(path={"pk": ARTICLES}),
    "api:article_vote_up": _api(("POST",), path={"pk": ARTICLES}, after=API_ARTICLE_PAGES),
    "api:article_vote_down": _api(("POST",), path={"pk": ARTICLES}, after=API_ARTICLE_PAGES),
    **{f"api:{kind}_subscriptions": _api(("GET", "POST"), path={"source_pk": _ids(source)}, valid=SUBSCRIPTION_BODY,
                                         locale=kind != "post",
                                         after=lambda w: [reverse("articles:following")])
       for kind, (source, _follow) in SUBSCRIPTIONS.items()},
    **{f"api:{kind}_subscription": _api(("GET", "DELETE"), path={"source_pk": _ids(source), "pk": _ids(follow)},
                                        locale=kind != "post", after=lambda w: [reverse("articles:following")])
       for kind, (source, follow) in SUBSCRIPTIONS.items()},
    **{f"api:{kind}_translations": _api(("GET", "POST"), path={"source_pk": ids}, serializers=(S.TranslationInput,),
                                        valid=TRANSLATION_BODY) for kind, ids in TRANSLATED.items()},
    **{f"api:{kind}_missing_translations": _api(path={"source_pk": ids}) for kind, ids in TRANSLATED.items()},
    **{f"api:{kind}_translation": _api(("GET", "PUT"), path={"source_pk": ids,
                                                             "translation_locale": lambda w: ["en-us", "de", "es"]},
                                       serializers=(S.TranslationInput,), valid=TRANSLATION_BODY,
                                       after=API_ARTICLE_PAGES) for kind, ids in TRANSLATED.items()},
    "api:translation": _api(("DELETE",), path={"pk": lambda w: [
        w.article.pk, *(S.translation_id(kind, row.pk) for kind, row in (
            ("article", w.translation), ("article", w.draft_translation), ("section", w.section_translation)))]},
        after=API_ARTICLE_PAGES),
    "api:me": _api(query=(), locale=False),
    "api:user": _api(path={"pk": USERS}, query=(), locale=False),
    "api:topics": _api(("GET", "POST"), serializers=(S.TopicInput,), valid=TOPIC_BODY, locale=False,
                       after=API_POST_PAGES),
    "api:topic": _api(("GET", "PUT", "DELETE"), path={"pk": _ids("topic")}, serializers=(S.TopicInput,),
                      valid=TOPIC_BODY, locale=False, after=API_POST_PAGES),
    "api:topic_posts": _api(("GET", "POST"), path={"topic_pk": _ids("topic")}, serializers=(S.PostInput,),
                            valid=POST_BODY, locale=False, after=API_POST_PAGES),
    "api:posts": _api(("GET", "POST"), serializers=(S.PostInput,), valid=POST_BODY, locale=False,
                      after=API_POST_PAGES),
    "api:post": _api(("GET", "PUT", "DELETE"), path={"pk": _ids("post", "other_post")}, serializers=(S.PostInput,),
                     valid=POST_BODY, locale=False, after=API_POST_PAGES),
    "api:user_posts": _api(path={"user_pk": USERS}, locale=False),
    "api:post_comments": _api(("GET", "POST"), path={"source_pk": _ids("post", "other_post")},
                              serializers=(S.CommentInput,), valid=COMMENT_BODY, locale=False, after=API_POST_PAGES),
    "api:post_comment": _api(("GET", "PUT", "DELETE"), path={"source_pk": _ids("post", "other_post"),
                                                             "pk": _ids("agent_comment", "other_comment")},
                             serializers=(S.CommentInput,), valid=COMMENT_BODY, locale=False, after=API_POST_PAGES),
    # Anything else under /api/v2/: a JSON 404 whatever the method.
    "api:unknown": _api(("GET", "POST", "PUT", "DELETE"), query=(), locale=False),
    # The search API (search/), Zendesk's shape, signed in by session only.
    "search:api_articles": _api(query=(), query_forms=(ApiSearchForm,), locale=False),
    "search:api_posts": _api(query=(), query_forms=(ApiSearchForm,), locale=False),
    # Article attachments: multipart uploads of hostile files (AttachmentInput has a file
    # field), then the lists, the records and the downloads of what was stored.
    "api:article_attachments": _api(("GET", "POST"), path={"pk": ARTICLES}, serializers=(S.AttachmentInput,),
                                    after=ATTACHMENT_PAGES),
    "api:attachments_unassociated": _api(("POST",), query=(), serializers=(S.AttachmentInput,),
                                         after=ATTACHMENT_PAGES, fuzzed_with="api:article_attachments"),
    "api:attachment": _api(("GET", "DELETE"), path={"pk": ATTACHMENTS}, query=(), after=ATTACHMENT_PAGES, weight=1),
    **{name: _api(path={"pk": ARTICLES}, fuzzed_with="api:attachment")
       for name in ("api:article_attachments_inline", "api:article_attachments_block")},
    "api:attachment_no_suffix": _api(("GET", "DELETE"), path={"pk": ATTACHMENTS}, query=(), after=ATTACHMENT_PAGES,
                                     fuzzed_with="api:attachment"),
    "api:bulk_attachments": _api(("POST",), path={"pk": ARTICLES}, query=(), serializers=(S.AssociateInput,),
                                 valid=lambda w: [{"attachment_ids": [w.loose_attachment.pk]},
                                                  {"attachment_ids": w.loose_attachment.pk},
                                                  {"attachment_ids": [w.loose_attachment.pk, w.file_attachment.pk]}],
                                 after=ATTACHMENT_PAGES, fuzzed_with="api:attachment"),
    "api:attachment_download": _api(path={"pk": ATTACHMENTS, "file_name": lambda w: ["notes.txt", "photo.png"]},
                                    query=(), locale=False, fuzzed_with="api:attachment"),
    # What kb answers as switched off (votes on posts and comments, topic follows), a user's
    # votes and the OpenAPI description: thin reads sharing one test.
    "api:user_votes": _api(path={"user_pk": USERS}, weight=1),
    **{f"api:{kind}_{action}": _api(("GET",) if action == "votes" else ("POST",), path=path, locale=locale,
                                    after=API_POST_PAGES, fuzzed_with="api:user_votes")
       for kind, path, locale in (
           ("post", {"post_pk": _ids("post", "other_post")}, False),
           ("article_comment", {"article_pk": ARTICLES, "comment_pk": _ids("comment", "agent_comment")}, True),
           ("post_comment", {"post_pk": _ids("post", "other_post"), "comment_pk": _ids("agent_comment",
                                                                                      "other_comment")}, False))
       for action in ("votes", "up", "down")},
    "api:topic_subscriptions": _api(("GET", "POST"), path={"source_pk": _ids("topic")}, valid=SUBSCRIPTION_BODY,
                                    locale=False, fuzzed_with="api:user_votes"),
    "api:topic_subscription": _api(("GET", "DELETE"), path={"source_pk": _ids("topic"), "pk": _ids("post_follow")},
                                   locale=False, fuzzed_with="api:user_votes"),
    "api:openapi": _api(query=(), locale=False, fuzzed_with="api:user_votes"),
}

ROUTES: dict[str, Route] = {
    # --- accounts (Django's auth views; their forms are found from form_class) ---------
    "accounts:signup": Route(("GET", "POST"), query=NEXT, post=NEXT, valid=lambda w: [
        {"username": "fuzz_newcomer", "email": "newcomer@example.com", "password1": PASSWORD, "password2": PASSWORD,
         "website": ""}]),
    "accounts:login": Route(("GET", "POST"), query=NEXT, valid=lambda w: [
        {"username": w.customer.username, "password": "not-the-password"},
        {"username": w.other.username, "password": "not-the-password"}]),
    "accounts:logout": Route(("POST",), query=NEXT, post=NEXT),
    "accounts:signup_sent": Route(),
    "accounts:signup_confirm": Route(("GET", "POST"), path={"token": lambda w: [w.signup_token]},
                                     post_forms=(SignUpConfirmForm,),
                                     valid=lambda w: [{"username": "fuzz_pending"}, {"username": w.other.username}]),
    "accounts:password_reset": Route(("GET", "POST"), post_forms=(PasswordResetForm,),
                                     valid=lambda w: [{"email": w.customer.email}, {"email": w.other.email}]),
    "accounts:password_reset_done": Route(),
    "accounts:password_reset_confirm": Route(
        ("GET", "POST"),
        path={"uidb64": lambda w: [urlsafe_base64_encode(force_bytes(w.other.pk)), "MQ", "AAAA"],
              "token": lambda w: ["set-password", "c3q2k2-0123456789abcdef"]},
        post_forms=(SetPasswordForm,), valid=lambda w: [{"new_password1": PASSWORD, "new_password2": PASSWORD}]),
    "accounts:password_reset_complete": Route(),
    # --- analytics beacon --------------------------------------------------------------
    "analytics:hit": Route(("POST",), post_forms=(BeaconForm,), valid=lambda w: [
        {"kind": "article", "id": w.article.pk}, {"kind": "post", "id": w.post.pk}, {"kind": "page"}]),
    # --- tickets: contact, cancel flow, callbacks ----------------------------------------
    "tickets:contact": Route(),
    "tickets:cancel_flow": Route(
        ("GET", "POST"), query=("at", "plan"), post_forms=(CallbackForm,),
        valid=lambda w: [{"name": "Robin Example", "email": "robin@example.com", "phone": "(415) 555-2671",
                          "plan": "lumora-complete", "account_email": "", "reason": "price",
                          "reason_detail": "Too expensive.", "slot": SLOT, "consent": "on", "website": ""}],
        after=CALLBACK_PAGES),
    "tickets:cancel_flow_event": Route(("POST",), post_forms=(FlowEventForm,), valid=lambda w: [
        {"token": w.flow_token}, {"token": w.flow_token, "link": w.plan_link.pk}], after=CALLBACK_PAGES),
    "tickets:callback_done": Route(path={"reference": lambda w: [w.callback.ticket.reference,
                                                                 w.other_callback.ticket.reference]}),
    "tickets:self_service_link": Route(path={"link_id": lambda w: [w.plan_link.pk]}, query=("route",),
                                       after=CALLBACK_PAGES),
    "tickets:agent_callbacks": Route(),
    "tickets:agent_callback": Route(
        ("GET", "POST"), path={"pk": _ids("callback", "other_callback")}, post_forms=(OutcomeForm,),
        valid=lambda w: [{"outcome": "retained", "note": "Stays."},
                         {"outcome": "no_answer", "note": "", "retry_slot": "2026-06-03T20:00+00:00"}],
        after=CALLBACK_PAGES),
    "tickets:agent_callback_claim": Route(("POST",), path={"pk": _ids("callback", "other_callback")},
                                          after=CALLBACK_PAGES),
    # --- tickets: the request desk -------------------------------------------------------
    "tickets:request_list": Route(query=("page",)),
    "tickets:request_create": Route(
        ("GET", "POST"), query=("from_article", "subject"), post=("from_article",), post_forms=(RequestForm,),
        valid=lambda w: [{"email": "robin@example.com", "subject": "Invoices are missing",
                          "description": "May is missing.", "category": "Other", "website": "", "shown": "",
                          "from_article": w.article.pk}],
        after=TICKET_PAGES),
    "tickets:request_suggest": Route(query=("q",)),
    "tickets:request_deflect": Route(("POST",), post=("article", "subject"),
                                     valid=lambda w: [{"article": w.article.pk, "subject": "password"}],
                                     after=CALLBACK_PAGES),
    "tickets:request_done": Route(path={"reference": lambda w: [w.ticket.reference, w.other_ticket.reference]}),
    "tickets:request_solved": Route(("GET", "POST"), path={"signed": lambda w: [w.solved, w.solved + "x"]},
                                    after=TICKET_PAGES),
    "tickets:request_token": Route(("GET", "POST"), path={"token": lambda w: [w.token]}, post_forms=(ReplyForm,),
                                   valid=lambda w: [{"body": "Any news?"}], after=TICKET_PAGES),
    "tickets:request_token_attachment": Route(path={"token": lambda w: [w.token], "pk": _ids("attachment")}),
    "tickets:request_detail": Route(
        ("GET", "POST"), path={"reference": lambda w: [w.ticket.reference, w.other_ticket.reference]},
        post_forms=(ReplyForm,), valid=lambda w: [{"body": "Any news?"}], after=TICKET_PAGES),
    "tickets:request_attachment": Route(path={"reference": lambda w: [w.ticket.reference, w.other_ticket.reference],
                                              "pk": _ids("attachment")}),
    "tickets:agent_queue": Route(query=("team", "status", "priority", "assignee", "source", "page")),
    "tickets:agent_ticket": Route(
        ("GET", "POST"), path={"reference": lambda w: [w.ticket.reference, w.other_ticket.reference]},
        post=("action",), post_forms=(AgentReplyForm, TicketUpdateForm),
        valid=lambda w: [{"action": "reply", "body": "We are on it.", "internal": ""},
                         {"action": "reply", "body": "Internal.", "internal": "on"},
                         {"action": "update", "status": "open", "priority": "high", "assignee": w.agent.pk}],
        after=TICKET_PAGES),
    "tickets:dashboard": Route(query=("days", "by")),
    "tickets:dashboard_csv": Route(query=("days", "by")),
    "tickets:post_escalate": Route(("POST",), path={"pk": _ids("post", "other_post")}, post=("team", "note"),
                                   valid=lambda w: [{"team": Team.objects.values_list("pk", flat=True).first(),
                                                     "note": "Escalated."}],
                                   after=lambda w: POST_PAGES(w) + TICKET_PAGES(w)),
    # --- search --------------------------------------------------------------------------
    "search:search": Route(query_forms=(SearchForm,)),
    "search:suggest": Route(query=("q",)),
    "search:click": Route(("GET", "POST"), query_forms=(ClickForm,), post_forms=(ClickForm,),
                          valid=lambda w: [{"log": 1, "position": 1, "key": f"article:{w.article.pk}"}],
                          after=lambda w: [reverse("search:analytics")]),
    "search:log": Route(("POST",), post_forms=(SearchLogForm,),
                        valid=lambda w: [{"token": w.search_token}, {"token": w.search_token + "x"}],
                        after=lambda w: [reverse("search:analytics")]),
    "search:analytics": Route(query_forms=(AnalyticsPeriodForm,)),
    "search:explain": Route(query_forms=(SearchForm,)),
    # --- articles: reading ---------------------------------------------------------------
    "articles:home": Route(),
    "articles:category": Route(path={"slug": lambda w: [w.category.slug]}, query=PREVIEW),
    "articles:section": Route(path={"pk": _ids("section"), "slug": lambda w: [w.section.slug, "rechnungen"]},
                              query=("page", *PREVIEW)),
    "articles:article": Route(path={"pk": _ids("article", "draft"),
                                    "slug": lambda w: [w.article.slug, w.translation.slug, w.draft_translation.slug]},
                              query=("page", *PREVIEW)),
    "articles:article_vote": Route(("POST",), path={"pk": _ids("article", "draft")}, post=("helpful",),
                                   valid=lambda w: [{"helpful": "yes"}, {"helpful": "no"}], after=ARTICLE_PAGES),
    "articles:article_comment": Route(("POST",), path={"pk": _ids("article", "draft")}, post=("body",),
                                      post_forms=(CommentForm,), valid=lambda w: [{"body": "Helpful, thanks."}],
                                      after=ARTICLE_PAGES),
    # --- articles: community -------------------------------------------------------------
    "articles:topics": Route(),
    "articles:topic": Route(path={"slug": lambda w: [w.topic.slug]}, query=("page",)),
    "articles:post_create": Route(("GET", "POST"), path={"slug": lambda w: [w.topic.slug]}, post_forms=(PostForm,),
                                  valid=lambda w: [{"title": "Where are my invoices?", "body": "I cannot find May."}],
                                  after=POST_PAGES),
    "articles:post": Route(path={"pk": _ids("post", "other_post"), "slug": lambda w: [w.post.slug]}, query=("page",)),
    "articles:post_comment": Route(("POST",), path={"pk": _ids("post", "other_post")}, post=("body",),
                                   post_forms=(CommentForm,), valid=lambda w: [{"body": "Same question."}],
                                   after=POST_PAGES),
    "articles:comment_permalink": Route(path={"pk": _ids("comment", "agent_comment", "other_comment")}),
    "articles:comment_official": Route(("POST",), path={"pk": _ids("agent_comment", "other_comment", "comment")},
                                       post=("official",), valid=lambda w: [{"official": "on"}, {"official": "off"}],
                                       after=POST_PAGES),
    "articles:follow": Route(("POST",), path={"kind": FOLLOW_KINDS, "pk": ANY_TARGET}, post=("following", "next"),
                             valid=lambda w: [{"following": "on"}, {"following": "off"}, {}],
                             after=lambda w: [reverse("articles:following")] + ARTICLE_PAGES(w)),
    "articles:post_vote": Route(("POST",), path={"pk": _ids("post", "other_post")}, post=("vote",),
                                valid=lambda w: [{"vote": "up"}, {"vote": "down"}, {"vote": "none"}],
                                after=POST_PAGES),
    "articles:comment_vote": Route(("POST",), path={"pk": _ids("comment", "agent_comment", "other_comment")},
                                   post=("vote",), valid=lambda w: [{"vote": "up"}, {"vote": "down"}, {"vote": "none"}],
                                   after=lambda w: POST_PAGES(w) + ARTICLE_PAGES(w)),
    "articles:following": Route(),
    # --- articles: agents ----------------------------------------------------------------
    "articles:agent_article_create": Route(("GET", "POST"), post_forms=(ArticleForm,), valid=lambda w: [
        {"section": w.section.pk, "title": "Change your plan", "body": "Open **Plan**.", "labels": "billing, plan",
         "draft": "", "promoted": "on", "position": "0"}], after=ARTICLE_PAGES),
    "articles:agent_article_edit": Route(("GET", "POST"), path={"pk": _ids("article", "draft")},
                                         post_forms=(ArticleForm,), valid=lambda w: [
        {"section": w.section.pk, "title": "How do I reset my password?", "body": "Open **Settings**.",
         "labels": "account", "draft": "", "promoted": "", "position": "1"}], after=ARTICLE_PAGES),
    "articles:agent_translation": Route(
        ("GET", "POST"), path={"pk": _ids("article", "draft"), "locale": SITE_LOCALES}, post=("action",),
        post_forms=(ArticleTranslationForm,), valid=lambda w: [
            {"title": "Cambiar su plan", "body": "Abra **Plan**.", "labels": "facturación", "action": "publish"},
            {"title": "Cambiar su plan", "body": "Abra **Plan**.", "labels": "", "action": "draft"}],
        after=lambda w: ARTICLE_PAGES(w) + [reverse("articles:agent_translations")]),
    "articles:agent_translation_delete": Route(
        ("POST",), path={"pk": _ids("article", "draft"), "locale": SITE_LOCALES},
        after=lambda w: ARTICLE_PAGES(w) + [reverse("articles:agent_translations")],
        fuzzed_with="articles:agent_translation"),
    "articles:agent_translations": Route(query=("page",), query_forms=(TranslationListForm,)),
    "articles:markdownx_markdownify": Route(("POST",), post=("content",), valid=lambda w: [{"content": "**hi**"}]),
    "articles:markdownx_upload": Route(("POST",), post_forms=(ImageUploadForm,)),
    # --- articles: notifications ---------------------------------------------------------
    "articles:email_follow": Route(("GET", "POST"), path={"kind": FOLLOW_KINDS, "pk": ANY_TARGET}, query=NEXT,
                                   post=("email", "next"), post_forms=(EmailFollowForm,),
                                   valid=lambda w: [{"email": "reader2@example.com", "website": ""},
                                                    {"email": w.other.email}]),
    "articles:email_follow_confirm": Route(("GET", "POST"), path={"token": lambda w: [w.confirm_token]}),
    "articles:unsubscribe": Route(("GET", "POST"), path={"token": lambda w: [w.unsubscribe_token]},
                                  post=("List-Unsubscribe",), valid=lambda w: [{"List-Unsubscribe": "One-Click"}, {}]),
    # --- API tokens (the account page) and the API's page for people ------------------------
    "api:tokens": Route(("GET", "POST"), post_forms=(ApiTokenForm,),
                        valid=lambda w: [{"name": "Nightly export"}, {"name": ""}], after=TOKEN_PAGES),
    "api:token_revoke": Route(("POST",), path={"pk": lambda w: [w.token_rows["customer"].pk, w.token_rows["agent"].pk,
                                                                w.other_token.pk]},
                              after=TOKEN_PAGES, fuzzed_with="api:tokens"),
    "api:developers": Route(fuzzed_with="api:tokens"),
    # --- old Zendesk addresses (/hc/...): 301s to the imported pages ------------------------
    "articles:zendesk_redirect": Route(path={
        "locale": LOCALES, "kind": lambda w: ["articles", "sections", "categories", "community/posts", "community/topics"],
        "zendesk_id": lambda w: ["360001", "360002", "1"]}),
    "articles:zendesk_home": Route(path={"locale": LOCALES}, fuzzed_with="articles:zendesk_redirect"),
    # --- the language switcher: sets the language cookie, redirects to a local ``next`` ---
    "language": Route(path={"code": lambda w: ["en", "es", "de", "ES"]}, query=("next",)),
    # --- search engines and feed readers (articles/seo_urls.py) -----------------------------
    "seo:robots": Route(),
    "seo:sitemap": Route(fuzzed_with="seo:sitemap_section"),
    "seo:sitemap_section": Route(path={"section": lambda w: ["articles", "posts", "categories", "pages"]},
                                 query=("p",)),
    "seo:feed_articles": Route(fuzzed_with="seo:feed_articles_locale"),
    "seo:feed_articles_locale": Route(path={"locale": lambda w: ["es", "de", "en"]}),
    "seo:feed_section": Route(path={"pk": _ids("section")}, fuzzed_with="seo:feed_articles_locale"),
    "seo:feed_topic": Route(path={"slug": lambda w: [w.topic.slug]}, fuzzed_with="seo:feed_articles_locale"),
    "seo:feed_post_comments": Route(path={"pk": _ids("post", "other_post")}, fuzzed_with="seo:feed_articles_locale"),
    # --- uploaded article images -----------------------------------------------------------
    "media": Route(path={"path": lambda w: ["missing.png"]}),
    **API_ROUTES,
}
