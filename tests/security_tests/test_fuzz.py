"""Property-based fuzzing of every URL (issue 13): hostile values in every path segment,
query parameter, form field and header kb reads, sent as an anonymous visitor, a customer
and an agent. Whatever arrives:

* no response is a 5xx (the test client re-raises a view's exception, so its traceback
  is the failure);
* nothing stored makes a page fail later: after each example, the pages of every object it
  created (and of what its URL changes) are fetched, and at the end of each test every
  page of the help center is fetched by each role;
* another customer's data is unchanged.

URLs come from the resolver and their parameters from fuzz_catalog.py; the meta-tests at
the end fail when a URL, a request parameter or a form is missing from the catalog.
Examples per URL: the Hypothesis profile (tests/conftest.py; HYPOTHESIS_PROFILE=deep for a
longer run).
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter
from django.urls.resolvers import RegexPattern
from hypothesis import assume, event, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework import serializers as rest_serializers

from api.models import ApiToken, ArticleAttachment
from api.services import attachment_private_name
from articles.models import Article, Category, Comment, EmailFollow, Follow, Label, Post, Section, Topic, Vote
from kb import storage
from tickets.models import Callback, Ticket, TicketMessage

from . import fuzz_values as values
from .fuzz_catalog import NOW, ROUTES, Route, World, build_world

BASE_DIR = Path(__file__).resolve().parents[2]
ROLES = ("anonymous", "customer", "agent")
METHODS = ("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH")
CONVERTERS = {IntConverter: "int", SlugConverter: "slug", StringConverter: "str", PathConverter: "path"}
# Writes that every request may make (sessions, rate-limit windows, sign-in attempts,
# analytics counters): not a reason to re-fetch pages.
BOOKKEEPING_TABLES = ("django_session", "kb_throttlewindow", "axes_", "kb_dailysalt", "kb_visitorday",
                      "kb_outgoingemail", "django_tasks",
                      # An API token noting its use (not a token made or revoked):
                      'api_apitoken" SET "last_used_at"')


# --- The URL patterns ------------------------------------------------------------------


def url_patterns(patterns=None, namespace=""):
    """(name, route, pattern) of every URL, includes followed."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, route, pattern in url_patterns(entry.url_patterns, inner):
                yield name, f"{entry.pattern}{route}", pattern
        else:
            yield f"{namespace}{entry.name}", str(entry.pattern), entry


def is_admin(name: str) -> bool:
    return name.startswith("admin:")


KB_URLS = {name: pattern for name, _route, pattern in url_patterns() if not is_admin(name)}
ADMIN_URLS = [(name, route) for name, route, _pattern in url_patterns() if is_admin(name)]


def regex_groups(regex: str) -> dict[str, str]:
    """Each named group's own pattern: ``(?P<pk>[0-9]{1,20})`` -> {"pk": "[0-9]{1,20}"}."""
    groups = {}
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        depth, i = 1, match.end()
        while depth:
            if regex[i] == "\\":
                i += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[i], 0)
            i += 1
        groups[match.group(1)] = regex[match.end():i - 1]
    return groups


def converters_of(pattern: URLPattern) -> dict[str, str]:
    """Each path kwarg's converter: "int", "slug", "str", "path", or "re:<its regex>" for a
    regex group (``.*`` counts as "path")."""
    if isinstance(pattern.pattern, RegexPattern):
        return {name: "path" if group == ".*" else f"re:{group}"
                for name, group in regex_groups(pattern.pattern.regex.pattern).items()}
    return {name: CONVERTERS[type(conv)] for name, conv in pattern.pattern.converters.items()}


def forms_of(pattern: URLPattern, route: Route) -> tuple[tuple[type, ...], tuple[type, ...]]:
    """(GET forms, POST forms): the catalog's, plus a class-based view's form_class."""
    view_class = getattr(pattern.callback, "view_class", None)
    form_class = getattr(view_class, "form_class", None)
    post_forms = route.post_forms + ((form_class,) if form_class and form_class not in route.post_forms else ())
    return route.query_forms, post_forms


def fields_of(forms) -> list[str]:
    return list(dict.fromkeys(name for form in forms for name in form.base_fields))


def file_fields_of(forms) -> set[str]:
    from django import forms as django_forms

    return {name for form in forms for name, f in form.base_fields.items() if isinstance(f, django_forms.FileField)}


# --- Clients, snapshots, pages to re-fetch ----------------------------------------------


class Roles:
    """One test client per role; each example starts with the role it names."""

    def __init__(self, world: World):
        self.world = world
        self.clients = {role: Client() for role in ROLES}

    def client(self, role: str, *, fresh: bool = False) -> Client:
        client = self.clients[role]
        user = self.world.users()[role]
        key = client.cookies.get(settings.SESSION_COOKIE_NAME)
        signed_in = SessionStore(key.value).get("_auth_user_id") if key and key.value else None
        if user is None and (signed_in or fresh):
            client.cookies.clear()  # a sign-up or sign-in made it someone
        elif user is not None and signed_in != str(user.pk):
            client.force_login(user)  # signed out (or into another account) by an example
        return client


def other_customers_data(world: World, role: str, *, moderating: bool = False) -> dict:
    """What nobody but the other customer may change (agents may work on their tickets and,
    through the API, ``moderating``, edit and delete their posts and comments)."""
    other = world.other
    data = {
        "user": list(get_user_model().objects.filter(pk=other.pk).values(
            "username", "email", "password", "is_active", "is_staff", "first_name", "last_name")),
        "posts": list(Post.objects.filter(author=other).order_by("pk").values("pk", "title", "body", "topic_id")),
        "comments": list(Comment.objects.filter(author=other).order_by("pk").values(
            "pk", "body", "article_id", "post_id", "is_official")),
        "follows": list(Follow.objects.filter(user=other).order_by("pk").values("article_id", "post_id", "section_id")),
        "votes": list(Vote.objects.filter(user=other).values("article_id", "helpful")),
        "email_follows": list(EmailFollow.objects.filter(email__iexact=other.email, confirmed_at__isnull=False)
                              .values("pk", "article_id", "post_id", "section_id")),
        "tickets": list(Ticket.objects.filter(pk__in=[world.other_ticket.pk, world.other_callback.ticket_id])
                        .order_by("pk").values("pk", "requester_id", "requester_email", "subject", "description")),
        "callback": list(Callback.objects.filter(pk=world.other_callback.pk).values("phone", "account_email", "due_at")),
        # Not last_used_at: that is noted whenever the token signs its owner in.
        "api_tokens": list(ApiToken.objects.filter(user=other).order_by("pk").values(
            "pk", "name", "token_hash", "prefix", "revoked_at")),
    }
    if moderating:
        del data["posts"], data["comments"]
    if role != "agent":
        data["workflow"] = list(Ticket.objects.filter(requester=other).order_by("pk").values(
            "pk", "status", "priority", "assignee_id", "team_id"))
        data["messages"] = TicketMessage.objects.filter(ticket__requester=other).count()
        data["callback_state"] = list(Callback.objects.filter(pk=world.other_callback.pk).values(
            "outcome", "claimed_by_id", "due_at"))
        # Article attachments are agents' to upload, attach and delete: nobody else changes
        # one, its file included.
        attachments = list(ArticleAttachment.objects.order_by("pk").values(
            "pk", "article_id", "file_name", "content_type", "size", "inline", "stored_name", "updated_at"))
        data["attachments"] = attachments
        data["attachment_files"] = [
            storage.public_storage().exists(a["stored_name"]) if a["content_type"].startswith("image/")
            else storage.private_storage().exists(attachment_private_name(a["stored_name"]))
            for a in attachments]
    return data


TRACKED = (Article, Post, Comment, Ticket, Callback, Category, Section, Topic, Label, Follow, ArticleAttachment,
           ApiToken)


def newest_pks() -> dict:
    return {model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0 for model in TRACKED}


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def pages_of(obj) -> list[tuple[str, str]]:
    """(role, url) of the pages that show ``obj``, the site's and the API's (lists and
    counts: SUMMARY_PAGES)."""
    both = lambda *urls: [(role, url) for url in urls for role in ("anonymous", "agent")]
    if isinstance(obj, Article):
        return both(obj.get_absolute_url(), api("article", pk=obj.pk), api("article_labels", pk=obj.pk)) + [
            ("agent", reverse("articles:agent_article_edit", args=[obj.pk]))]
    if isinstance(obj, Post):
        return both(obj.get_absolute_url(), api("post", pk=obj.pk))
    if isinstance(obj, Comment):
        url = reverse("articles:comment_permalink", args=[obj.pk])  # followed to its thread's page
        source = ("article_comment", obj.article_id) if obj.article_id else ("post_comment", obj.post_id)
        return both(url, api(source[0], source_pk=source[1], pk=obj.pk))
    if isinstance(obj, Category):
        return both(obj.get_absolute_url(), api("category", pk=obj.pk), api("category_sections", category_pk=obj.pk))
    if isinstance(obj, Section):
        return both(obj.get_absolute_url(), api("section", pk=obj.pk), api("section_articles", section_pk=obj.pk))
    if isinstance(obj, Topic):
        return both(obj.get_absolute_url(), api("topic", pk=obj.pk), api("topic_posts", topic_pk=obj.pk))
    if isinstance(obj, Label):
        return both(api("label", pk=obj.pk), api("labels"))
    if isinstance(obj, Follow):
        kind, source = next((k, getattr(obj, f"{k}_id")) for k in ("article", "post", "section", "topic")
                            if getattr(obj, f"{k}_id"))
        return [(role, api(f"{kind}_subscription", source_pk=source, pk=obj.pk)) for role in ("customer", "agent")]
    if isinstance(obj, Ticket):
        pages = [("agent", reverse("tickets:agent_ticket", args=[obj.reference]))]
        if obj.requester_id:
            pages.append(("customer", reverse("tickets:request_detail", args=[obj.reference])))
        return pages
    if isinstance(obj, Callback):
        return [("agent", reverse("tickets:agent_callback", args=[obj.pk]))]
    if isinstance(obj, ArticleAttachment):
        pages = both(api("attachment", pk=obj.pk),
                     reverse("api:attachment_download", args=[obj.pk, obj.file_name]))
        if obj.article_id:
            pages += both(api("article_attachments", pk=obj.article_id),
                          reverse("articles:article", args=[obj.article_id, "x"]))
        return pages
    if isinstance(obj, ApiToken):  # on its owner's account page
        return [(role, reverse("api:tokens")) for role in ("customer", "agent")]
    return []


def session_pages_of(obj) -> list[str]:
    """Confirmation pages only the browser session that sent it may see."""
    if isinstance(obj, Ticket):
        if hasattr(obj, "callback"):
            return [reverse("tickets:callback_done", args=[obj.reference])]
        return [reverse("tickets:request_done", args=[obj.reference])]
    return []


def viewer_of(url: str) -> str:
    """Who sees the most of a page: the customer their requests, the agent everything else
    (drafts, internal notes, the agent pages)."""
    return "customer" if url.startswith("/requests/") else "agent"


# Pages that list or count what examples store: fetched at the end of each test that wrote.
SUMMARY_PAGES = [(role, reverse(name)) for role, name in [
    ("anonymous", "articles:home"), ("customer", "articles:home"), ("anonymous", "articles:topics"),
    ("customer", "articles:following"), ("agent", "articles:following"), ("customer", "tickets:request_list"),
    ("agent", "search:analytics"), ("agent", "tickets:agent_queue"), ("agent", "tickets:agent_callbacks"),
    ("agent", "tickets:dashboard"), ("agent", "tickets:dashboard_csv"),
    ("anonymous", "api:articles"), ("agent", "api:articles"), ("agent", "api:posts"), ("anonymous", "api:sections"),
    ("anonymous", "api:categories"), ("anonymous", "api:topics"), ("anonymous", "api:labels"),
]]


def fetch(roles: Roles, pages, *, client: Client | None = None) -> None:
    for role, url in pages:
        response = (client or roles.client(role)).get(url, follow=True, REMOTE_ADDR="10.9.9.9")
        assert response.status_code < 500, (role, url, response.status_code)


# --- One fuzzed request -----------------------------------------------------------------


def body_strategy(route: Route, post_forms, world: World):
    """A POST body: one of the route's valid bodies with fields replaced, dropped, repeated,
    given a file where text belongs (or text where a file does), plus junk keys."""
    fields = list(dict.fromkeys([*fields_of(post_forms), *route.post]))
    file_fields = file_fields_of(post_forms)

    @st.composite
    def body(draw):
        data = {k: str(v) for k, v in draw(st.sampled_from(route.valid(world))).items()}
        # A few fields at a time, so the others stay valid and the hostile one gets past
        # the form to the service and the pages (a fully random body stops at the form).
        for name in draw(st.lists(st.sampled_from(fields), max_size=3, unique=True)) if fields else ():
            action = draw(st.sampled_from(["hostile", "hostile", "hostile", "drop", "repeat", "file"]))
            if name in file_fields or action == "file":
                data[name] = draw(values.uploads())
            elif action == "hostile":
                data[name] = draw(values.hostile([data[name]] if name in data else ()))
            elif action == "drop":
                data.pop(name, None)
            else:
                data[name] = draw(st.lists(values.hostile([data.get(name, "")]), min_size=2, max_size=3))
        for key in draw(st.lists(st.sampled_from(values.JUNK_KEYS), max_size=2)):
            data[key] = draw(values.hostile())
        return data

    return body()


def query_strategy(route: Route, query_forms):
    keys = list(dict.fromkeys([*route.query, *fields_of(query_forms)]))
    if route.api:
        # Mostly valid values (a junk one answers 400 before the rest is read), few keys.
        known = values.API_KNOWN
        return st.dictionaries(st.sampled_from(keys + values.JUNK_KEYS[:3]) if keys else st.sampled_from(
            values.JUNK_KEYS), st.just(None), max_size=3).flatmap(lambda chosen: st.fixed_dictionaries({
                k: st.integers(0, 3).flatmap(lambda n, k=k: st.sampled_from(known[k]) if n < 3 else
                                             values.value_or_repeated(known[k])) if k in known
                else values.value_or_repeated() for k in chosen}))
    known = {"page": ["1", "2"], "type": ["article", "post"], "by": ["day", "week"], "days": ["7", "30", "90"],
             "plan": ["lumora-complete", "lumora-pages"], "at": ["2026-06-03T20:00", "2026-06-06T12:00-07:00"],
             "route": ["callback", "self_service"], "q": ["password", "reset"], "query": ["password"],
             "status": ["new", "open"], "source": ["request_form"],
             "next": ["/", "/community/", "/es/community/", "//evil.example/", "https://evil.example/"],
             "key": ["article:1"], "log": ["1"], "position": ["1"], "per_page": ["5"]}
    return st.dictionaries(st.sampled_from(keys + values.JUNK_KEYS) if keys else st.sampled_from(values.JUNK_KEYS),
                           st.just(None), max_size=len(keys) + 1).flatmap(
        lambda chosen: st.fixed_dictionaries({k: values.value_or_repeated(known.get(k, ())) for k in chosen}))


def serializer_fields(route: Route) -> list[str]:
    return list(dict.fromkeys(name for serializer in route.serializers for name in serializer().fields))


def api_upload_strategy(route: Route):
    """A multipart upload (bytes, content type) for a serializer with a file field: a file
    (valid, of a wrong type, a renamed script, empty, over 5 MB, a hostile name), none or
    two, its other fields hostile or dropped, junk keys."""
    file_fields = [name for serializer in route.serializers for name, f in serializer().fields.items()
                   if isinstance(f, rest_serializers.FileField)]
    other_fields = [name for name in serializer_fields(route) if name not in file_fields]

    @st.composite
    def upload(draw):
        fields = []
        for name in file_fields:
            fields += [(name, draw(values.attachment_files())) for _ in range(draw(st.sampled_from([1, 1, 1, 0, 2])))]
        for name in other_fields:
            n = draw(st.integers(0, 5))
            if n < 5:
                fields.append((name, draw(st.sampled_from(["false", "true"]) if n < 3 else values.hostile())))
        for key in draw(st.lists(st.sampled_from(values.JUNK_KEYS), max_size=1)):
            fields.append((key, draw(st.one_of(values.hostile(), values.attachment_files()))))
        return values.multipart(fields)

    json_bodies = st.tuples(st.sampled_from(values.RAW_JSON), st.just("application/json"))
    return st.integers(0, 5).flatmap(lambda n: json_bodies if n == 5 else upload())


def api_body_strategy(route: Route, world: World):
    """A JSON request body (bytes, content type): one of the route's valid documents with
    fields inside Zendesk's envelope (``{"article": {...}}``) given hostile JSON values,
    dropped, or the envelope itself replaced; junk keys; or bytes no JSON encoder writes."""
    if any(isinstance(f, rest_serializers.FileField) for serializer in route.serializers
           for f in serializer().fields.values()):
        return api_upload_strategy(route)
    fields = serializer_fields(route)

    @st.composite
    def document(draw):
        data = json.loads(json.dumps(draw(st.sampled_from(route.valid(world)))))
        envelope = next((key for key, value in data.items() if isinstance(value, dict)), None)
        inner = data[envelope] if envelope else data
        for name in draw(st.lists(st.sampled_from(fields), max_size=3, unique=True)) if fields else ():
            if draw(st.sampled_from(["hostile", "hostile", "hostile", "drop"])) == "drop":
                inner.pop(name, None)
            else:
                inner[name] = draw(values.HOSTILE_JSON)
        if envelope and draw(st.integers(0, 9)) == 0:
            data[envelope] = draw(values.HOSTILE_JSON)
        for key in draw(st.lists(st.sampled_from(values.JUNK_KEYS + ["notify_subscribers"]), max_size=2)):
            draw(st.sampled_from([data, inner]))[key] = draw(values.HOSTILE_JSON)
        try:
            text = json.dumps(data)
        except ValueError:  # an integer past Python's 4,300 digits
            text = "{}"
        return text.encode(), "application/json"

    raw = st.tuples(st.sampled_from(values.RAW_JSON), st.sampled_from([
        "application/json", "application/json; charset=utf-16", "application/json; charset=bogus-8",
        "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"]))
    return st.one_of(*[document()] * 4, raw)


def api_auth_strategy(world: World, role: str):
    """The Authorization header of an API request (None: the session, or nobody)."""
    def basic(login, secret):
        return "Basic " + base64.b64encode(f"{login}:{secret}".encode("utf-8", "surrogatepass")).decode()

    broken = st.one_of(st.sampled_from([
        "Basic", "Bearer", "Basic !!!", "Bearer  ", "Token abc", "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:\x00").decode(), "Bearer " + "x" * 300,
        # Someone else's token, a password (not taken on the API), a token without its login:
        basic(f"{world.customer.email}/token", world.api_tokens["agent"]),
        basic(f"{world.other.email}/token", world.api_tokens["customer"]),
        basic(world.customer.email, "kb-test-pass-2026"), basic("/token", world.api_tokens["customer"]),
    ]), values.hostile().map(lambda v: "Bearer " + v), values.hostile().map(lambda v: basic(v + "/token", v)))
    # Weighted by a draw (one_of drops repeated branches), smallest first: mostly a caller who
    # gets in (a short run's first examples are the smallest draws).
    if role == "anonymous":
        return st.integers(0, 3).flatmap(lambda n: broken if n == 3 else st.none())
    user, secret = world.users()[role], world.api_tokens[role]
    signed_in = st.sampled_from([basic(f"{user.email}/token", secret), basic(f"{user.username}/token", secret),
                                 f"Bearer {secret}"])
    return st.integers(0, 9).flatmap(lambda n: broken if n == 9 else st.none() if n == 8 else signed_in)


def send_api(client: Client, method: str, url: str, query: dict, body: tuple[bytes, str], headers: dict):
    if query:
        url = f"{url}?{urlencode(query, doseq=True)}"
    if method in ("GET", "HEAD", "OPTIONS"):
        return client.generic(method, url, **headers)
    data, content_type = body
    return client.generic(method, url, data, content_type=content_type, **headers)


def send(client: Client, method: str, url: str, query: dict, body: dict, encoding: str, headers: dict):
    if query:
        url = f"{url}?{urlencode(query, doseq=True)}"
    if method == "GET":
        return client.get(url, **headers)
    if method != "POST":
        return client.generic(method, url, **headers)
    if encoding == "multipart":
        return client.post(url, body, **headers)
    plain = {k: v for k, v in body.items() if not isinstance(v, SimpleUploadedFile)}
    if encoding == "urlencoded":
        return client.post(url, urlencode(plain, doseq=True), content_type="application/x-www-form-urlencoded",
                           **headers)
    if encoding == "json":
        return client.post(url, json.dumps(plain), content_type="application/json", **headers)
    # Bytes that are no text in the charset claimed (or no charset at all): sent as they are.
    charset = "utf-8" if len(url) % 2 else "bogus-8"
    return client.generic("POST", url, b"\xff\xfe=%%%&&=\x00" + urlencode(plain, doseq=True).encode()[:500],
                          content_type=f"application/x-www-form-urlencoded; charset={charset}", **headers)


@pytest.fixture
def world(db, make_user, whoosh_index, clock, settings, django_capture_on_commit_callbacks):
    clock(NOW)
    settings.KB_SERVE_MEDIA = True
    with django_capture_on_commit_callbacks(execute=True):
        return build_world(make_user)


def examples_for(route: Route) -> int:
    # Writing routes have more to explore (fields x methods x roles).
    weight = 2 if {"POST", "PUT", "DELETE"} & set(route.methods) else 1
    return max(1, round(hypothesis_settings.default.max_examples * weight * route.weight))


def fuzzed_in(name: str) -> list[str]:
    """The URLs a test fuzzes: its own and those the catalog marks ``fuzzed_with`` it."""
    return [name] + sorted(other for other, route in ROUTES.items() if route.fuzzed_with == name)


@pytest.mark.parametrize("name", sorted(name for name, route in ROUTES.items() if not route.fuzzed_with))
def test_no_hostile_request_breaks_a_page_or_touches_another_users_data(name, world, django_capture_on_commit_callbacks):
    names = fuzzed_in(name)
    strategies = {}
    for target in names:
        assert target in KB_URLS, f"{target} is in the catalog but not among the URLs"
        pattern, route = KB_URLS[target], ROUTES[target]
        query_forms, post_forms = forms_of(pattern, route)
        converters = converters_of(pattern)
        missing = set(converters) - set(route.path)
        assert not missing, f"fuzz_catalog.ROUTES[{target!r}] has no valid values for {missing}"
        strategies[target] = st.tuples(
            st.just(target),
            st.fixed_dictionaries({kwarg: values.path_segment(conv, route.path.get(kwarg, lambda w: [])(world))
                                   for kwarg, conv in converters.items()}),
            st.one_of(*[st.sampled_from(route.methods)] * 4, st.sampled_from(METHODS)),
            query_strategy(route, query_forms),
            api_body_strategy(route, world) if route.api else body_strategy(route, post_forms, world))
    roles = Roles(world)
    wrote_any = []

    @hypothesis_settings(max_examples=max(examples_for(ROUTES[target]) for target in names))
    @given(role=st.sampled_from(ROLES),
           request=strategies[name] if len(names) == 1 else st.sampled_from(names).flatmap(strategies.get),
           encoding=st.sampled_from(["multipart"] * 4 + ["urlencoded", "json", "garbage"]),
           headers=values.headers(), fresh=st.booleans(), data=st.data())
    def fuzz(role, request, encoding, headers, fresh, data):
        target, kwargs, method, query, body = request
        route = ROUTES[target]
        try:
            url = reverse(target, kwargs={k: v for k, v in kwargs.items() if v is not None})
        except NoReverseMatch:
            assume(False)
        authorization = data.draw(api_auth_strategy(world, role), label="Authorization") if route.api else None
        if authorization is None:
            client = roles.client(role, fresh=fresh)
        else:
            client = Client()  # the token alone signs the caller in
            headers["HTTP_AUTHORIZATION"] = values.as_wsgi(authorization)
        if role != "anonymous" or authorization is not None:
            headers.pop("HTTP_COOKIE", None)  # it would sign them out
        if route.api and data.draw(st.integers(0, 4), label="hostile Host") < 4 and "HTTP_HOST" in headers:
            # A foreign Host ends the request in the middleware (400): the site's pages fuzz that.
            headers["HTTP_HOST"] = "testserver"
        moderating = route.api and role == "agent"
        before, others = newest_pks(), other_customers_data(world, role, moderating=moderating)
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            if route.api:
                response = send_api(client, method, url, query, body, headers)
            else:
                response = send(client, method, url, query, body, encoding, headers)
        assert response.status_code < 500, (role, method, url, response.status_code)
        event(f"{role} {method} {response.status_code}")  # --hypothesis-show-statistics

        created = [obj for model, pk in before.items() for obj in model.objects.filter(pk__gt=pk)]
        for obj in created:
            fetch(roles, pages_of(obj))
            fetch(roles, [(role, page) for page in session_pages_of(obj)], client=client)
        wrote = any(re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"]) and not any(
            table in q["sql"].split("(")[0] for table in BOOKKEEPING_TABLES) for q in queries.captured_queries)
        if wrote:
            wrote_any.append(True)
            # A page, seen by whoever sees the most of it, or (role, page).
            fetch(roles, [page if isinstance(page, tuple) else (viewer_of(page), page)
                          for page in route.after(world)])
        assert other_customers_data(world, role, moderating=moderating) == others, (
            f"{role} {method} {url} changed another user's data")

    if hypothesis_settings.default.derandomize:
        fuzz = seed(zlib.crc32(name.encode()))(fuzz)
    fuzz()
    if wrote_any:
        # Whatever the examples stored, the pages that list or count it still render.
        fetch(roles, SUMMARY_PAGES)


# --- Django's admin ---------------------------------------------------------------------


def admin_url(name: str, route: str) -> str | None:
    kwargs = {key: {"app_label": "articles", "object_id": "1", "content_type_id": "1", "url": "x/"}.get(key, "1")
              for key in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route) for key in key if key}
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def test_every_admin_page_is_closed_to_customers_and_agents_without_staff_status(client, world):
    """kb does not fuzz Django's admin itself; it checks that nobody without staff status
    gets past its sign-in page (agents are not staff: they answer customers, not the admin)."""
    urls = [url for name, route in ADMIN_URLS if (url := admin_url(name, route))]
    assert len(urls) > 50  # every registered model's pages
    roles = Roles(world)
    login = reverse("admin:login")
    for role in ROLES:
        for url in urls:
            response = roles.client(role).get(url)
            if url == login or url == reverse("admin:logout"):
                assert response.status_code in (200, 302, 405), url
            else:
                assert response.status_code in (302, 404), (role, url, response.status_code)
                if response.status_code == 302:
                    assert response.url.startswith(login), (role, url, response.url)


@hypothesis_settings(max_examples=hypothesis_settings.default.max_examples * 3)
@given(data=st.data())
def test_hostile_admin_lists_and_pages_do_not_fail_for_staff(data, admin_client, world):
    """Staff users reach kb's own ModelAdmin classes (search fields, filters, actions):
    hostile search, ordering, page and filter parameters, and hostile object ids."""
    model, model_admin = data.draw(st.sampled_from(sorted(admin.site._registry.items(), key=lambda i: i[0].__name__)))
    info = (model._meta.app_label, model._meta.model_name)
    filters = [f if isinstance(f, str) else getattr(f, "parameter_name", "x") for f in model_admin.list_filter]
    # Not "_to_field": Django's own ModelAdmin.get_object fails on an empty one (FieldDoesNotExist,
    # staff only, in every ModelAdmin); a non-empty unknown one is refused with a 400.
    keys = ["q", "o", "p", "e", "all", "_changelist_filters", "_popup"] + [
        f"{f}{suffix}" for f in filters for suffix in ("", "__exact", "__in", "__gte", "__isnull", "__id__exact")]
    query = data.draw(st.dictionaries(st.sampled_from(keys), values.value_or_repeated(["1", "0", "-1"]), max_size=4))
    page = data.draw(st.sampled_from(["changelist", "add", "change", "history", "delete"]))
    if page in ("changelist", "add"):
        url = reverse(f"admin:{info[0]}_{info[1]}_{page}")
    else:
        object_id = data.draw(values.path_segment("str", ["1", "2"]))
        try:
            url = reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[object_id])
        except NoReverseMatch:
            assume(False)
    response = admin_client.get(f"{url}?{urlencode(query, doseq=True)}", REMOTE_ADDR="10.0.0.1")
    assert response.status_code < 500, (url, query)


# --- The catalog is complete ------------------------------------------------------------


def test_every_url_is_in_the_catalog():
    """A new URL must get an entry in fuzz_catalog.ROUTES (and so is fuzzed)."""
    assert set(KB_URLS) - set(ROUTES) == set(), "add these URLs to tests/security_tests/fuzz_catalog.py"
    assert set(ROUTES) - set(KB_URLS) == set(), "these catalog entries name no URL"
    # fuzzed_with names a URL that has a test of its own.
    assert {(name, route.fuzzed_with) for name, route in ROUTES.items()
            if route.fuzzed_with and ROUTES.get(route.fuzzed_with, Route(fuzzed_with="-")).fuzzed_with} == set()
    assert len(ADMIN_URLS) > 50


SOURCES = [p for app in ("kb", "articles", "search", "tickets", "api") for p in sorted((BASE_DIR / app).rglob("*.py"))
           if "migrations" not in p.parts]
PARAMETER_READ = re.compile(r"(?:request\.(?:GET|POST|query_params)(?:\.get\(|\.getlist\(|\[)"
                            r"|\w+_parameter\(request,)\s*(\"[^\"]*\"|'[^']*'|\w+)")
FORM_BOUND = re.compile(r"\b(\w+Form)\(\s*(?:self\.)?request\.(?:GET|POST)")
# Reads whose key is a variable, each checked by hand: (file, variable name).
DYNAMIC_READS = {("tickets/views/requests.py", "name"), ("api/pagination.py", "name")}
# API bodies checked by a serializer: ``validated(ArticleInput, ...)``.
SERIALIZER_BOUND = re.compile(r"\bvalidated\(\s*([A-Z]\w+)")


def test_every_request_parameter_read_is_in_the_catalog():
    """A view reading a new parameter (``request.GET.get("x")``) must name it in the catalog."""
    named = {key for route in ROUTES.values() for key in (*route.query, *route.post)}
    named |= {field for route in ROUTES.values() for field in fields_of(route.query_forms + route.post_forms)}
    unknown, dynamic = set(), set()
    for path in SOURCES:
        for key in PARAMETER_READ.findall(path.read_text()):
            if key[0] in "\"'":
                if key[1:-1] not in named:
                    unknown.add((str(path.relative_to(BASE_DIR)), key[1:-1]))
            else:
                dynamic.add((str(path.relative_to(BASE_DIR)), key))
    assert unknown == set(), "add these parameters to the views' entries in fuzz_catalog.py"
    assert dynamic == DYNAMIC_READS, "a parameter read with a variable key: check it is in the catalog"


def test_every_form_bound_to_request_data_is_in_the_catalog():
    listed = {form.__name__ for route in ROUTES.values() for form in route.query_forms + route.post_forms}
    listed |= {form.__name__ for pattern in KB_URLS.values() for form in forms_of(pattern, Route())[1]}
    bound = {(str(p.relative_to(BASE_DIR)), name) for p in SOURCES for name in FORM_BOUND.findall(p.read_text())}
    assert {(path, name) for path, name in bound if name not in listed} == set()
    assert len(bound) >= 15  # the pattern still finds them


def test_every_api_serializer_of_request_bodies_is_in_the_catalog():
    """An API view checking a body with a new serializer must name it in the catalog, so its
    fields get hostile JSON."""
    listed = {serializer.__name__ for route in ROUTES.values() for serializer in route.serializers}
    bound = {(str(p.relative_to(BASE_DIR)), name) for p in SOURCES for name in SERIALIZER_BOUND.findall(p.read_text())}
    assert {(path, name) for path, name in bound if name not in listed} == set()
    assert len(bound) >= 9  # the pattern still finds them
