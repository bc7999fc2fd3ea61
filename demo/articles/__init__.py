"""Demo content for the Lumora help center, loaded by ``manage.py load_demo``.

Every demo object has a stable identity: usernames, category/section/topic slugs,
``external_id = "demo-<key>"`` for articles, and topic + slug + author for posts. A run
creates whatever is missing — together with its comments, votes and follows — through
``articles.services``, and never changes what already exists. So ``make run`` can call it
on every start: the second run changes nothing, and edits made in the running demo survive
restarts. (An object deleted in the demo does come back on the next start.)
"""

import re
import zlib
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from articles import services
from articles.models import Article, Category, Post, Section, Topic
from kb.permissions import ensure_agents_group
from search.models import Synonym

from . import (
    account_billing,
    community,
    email_automations,
    getting_started,
    integrations,
    pages,
    translated,
    troubleshooting,
)
from .catalogue import CATEGORIES, DEMO_PASSWORD, TOPICS, USERS

__all__ = ["ARTICLES", "DEMO_PASSWORD", "load"]

ARTICLES = (
    getting_started.ARTICLES
    + account_billing.ARTICLES
    + pages.ARTICLES
    + email_automations.ARTICLES
    + integrations.ARTICLES
    + troubleshooting.ARTICLES
)

EXTERNAL_ID_PREFIX = "demo-"

# "[text](article:export-your-data)" and friends: see demo/articles/spec.py.
_REFERENCE = re.compile(r"\]\((article|section|category|topic):([a-z0-9-]+)\)")


class _Null:
    def write(self, msg):
        pass


@transaction.atomic
def load(*, stdout=None) -> Counter:
    """Create whatever demo content is missing; returns how many of each kind were created."""
    created = Counter()
    fresh = set()  # model instances created by this run
    users = _load_users(created, fresh)
    sections = _load_catalogue(created, fresh)
    topics = _load_topics(created)
    articles, new_articles = _load_articles(users, sections, created, fresh)
    # Before the posts: a post in Spanish links to the Spanish translations.
    translated_urls = translated.load(
        articles=articles, sections=sections, by=_first_agent(users), created=created, resolve=_resolve,
        categories={c.slug: c for c in Category.objects.filter(slug__in=[spec.slug for spec in CATEGORIES])},
    )
    _load_posts(users, topics, articles, sections, created, translated_urls)
    _load_votes(users, new_articles, created)
    _load_follows(users, articles, sections, created, fresh)
    _load_synonyms(created)
    created = +created  # drop kinds counted as 0 (a follow that already existed)
    (stdout or _Null()).write(_summary(created))
    return created


# Words customers use for the same thing; agents edit them under Admin > Synonyms.
DEMO_SYNONYMS = [
    "cancel, close account, terminate, delete account, stop billing, unsubscribe from plan",
    "invoice, receipt, bill",
    "password, passcode, login details",
    "landing page, page, funnel page",
]


def _load_synonyms(created: Counter) -> None:

    for terms in DEMO_SYNONYMS:
        _, made = Synonym.objects.get_or_create(terms=terms)
        created["synonym groups"] += made


# --- People -----------------------------------------------------------------------------


def _load_users(created: Counter, fresh: set) -> dict:
    User = get_user_model()
    users = {}
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User.objects.create_user(
                username=spec.username,
                email=spec.email,
                # None gives an unusable password: community members cannot sign in.
                password=DEMO_PASSWORD if spec.can_sign_in else None,
                first_name=spec.first_name,
                last_name=spec.last_name,
                # Agents may open the admin too; they are not superusers, so the Agents
                # group's permissions decide what they see there.
                is_staff=spec.agent,
            )
            if spec.agent:
                # Called here, not up front: re-adding its permissions is a write.
                user.groups.add(ensure_agents_group())
            fresh.add(user)
            created["users"] += 1
        users[spec.username] = user
    return users


# --- Structure --------------------------------------------------------------------------


def _load_catalogue(created: Counter, fresh: set) -> dict[str, Section]:
    sections = {}
    for c_pos, spec in enumerate(CATEGORIES):
        category, new = Category.objects.get_or_create(
            slug=spec.slug,
            defaults={"name": spec.name, "description": spec.description, "position": c_pos * 10},
        )
        created["categories"] += new
        for s_pos, s_spec in enumerate(spec.sections):
            section, new = Section.objects.get_or_create(
                slug=s_spec.slug,
                defaults={
                    "category": category,
                    "name": s_spec.name,
                    "description": s_spec.description,
                    "position": s_pos * 10,
                },
            )
            if new:
                fresh.add(section)
            created["sections"] += new
            sections[s_spec.slug] = section
    return sections


def _load_topics(created: Counter) -> dict[str, Topic]:
    topics = {}
    for pos, spec in enumerate(TOPICS):
        topic, new = Topic.objects.get_or_create(
            slug=spec.slug,
            defaults={"name": spec.name, "description": spec.description, "position": pos * 10},
        )
        created["topics"] += new
        topics[spec.slug] = topic
    return topics


# --- Articles ---------------------------------------------------------------------------


def _load_articles(users, sections, created: Counter, fresh: set):
    author = _first_agent(users)
    existing = {
        a.external_id: a for a in Article.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
    }
    positions = Counter()
    new_articles = []
    for spec in ARTICLES:
        position = positions[spec.section] * 10
        positions[spec.section] += 1
        if EXTERNAL_ID_PREFIX + spec.key in existing:
            continue
        # Links are resolved once every demo article exists (second pass below).
        article = services.article_create(
            author=author,
            section=sections[spec.section],
            title=spec.title,
            body=_REFERENCE.sub("](#)", spec.body),
            draft=spec.draft,
            promoted=spec.promoted,
            label_names=spec.labels,
            position=position,
            external_id=EXTERNAL_ID_PREFIX + spec.key,
            notify=False,  # the demo's own content emails nobody (make run loads it)
        )
        new_articles.append((spec, article))
        created["drafts" if spec.draft else "articles"] += 1

    articles = {
        a.external_id.removeprefix(EXTERNAL_ID_PREFIX): a
        for a in Article.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
    }
    for spec, article in new_articles:
        fresh.add(article)
        articles[spec.key] = article
    for spec, article in new_articles:
        body = _resolve(spec.body, articles, sections)
        if body != article.body:
            services.article_update(article=article, body=body, notify=False)
    return articles, [article for _, article in new_articles]


def _resolve(body: str, articles: dict, sections: dict, urls: dict | None = None) -> str:
    """Replace demo references with the URLs of the objects they name; ``urls`` maps article
    keys to the URL to use instead of the source's (a translation's)."""

    def url(match):
        kind, key = match.groups()
        if kind == "article" and urls and key in urls:
            return f"]({urls[key]})"
        try:
            if kind == "article":
                target = articles[key]
            elif kind == "section":
                target = sections[key]
            elif kind == "category":
                target = Category.objects.get(slug=key)
            else:
                target = Topic.objects.get(slug=key)
        except (KeyError, Category.DoesNotExist, Topic.DoesNotExist):
            # A typo in the demo content: fail the load rather than ship a dead link.
            raise ValueError(f"Demo content links to an unknown {kind}: {key!r}") from None
        return f"]({target.get_absolute_url()})"

    return _REFERENCE.sub(url, body)


# --- Community --------------------------------------------------------------------------


def _load_posts(users, topics, articles, sections, created: Counter, translated_urls: dict) -> None:
    for spec in community.POSTS:
        topic, author = topics[spec.topic], users[spec.author]
        if Post.objects.filter(topic=topic, slug=slugify(spec.title), author=author).exists():
            continue

        def resolve(body, spec=spec):
            # Links in a post lead to pages in the post's language where there are some.
            with translation.override(spec.locale):
                return _resolve(body, articles, sections, urls=translated_urls.get(spec.locale))

        post = services.post_create(
            author=author, topic=topic, title=spec.title, body=resolve(spec.body), locale=spec.locale,
            notify=False,  # the demo's own content emails nobody
        )  # fmt: skip
        created["posts"] += 1
        thread = [post]
        for c_spec in spec.comments:
            comment = services.comment_create(
                author=users[c_spec.author],
                target=post,
                body=resolve(c_spec.body),
                notify=False,
            )
            thread.append(comment)
            created["comments"] += 1
            if c_spec.official:
                services.comment_set_official(
                    comment=comment, by=users[c_spec.author], official=True, notify=False
                )
                created["official comments"] += 1
        for username in spec.followers:
            created["follows"] += services.follow_set(
                user=users[username], target=post, following=True
            )
        _load_item_votes(users, thread, created)


def _load_item_votes(users, thread, created: Counter) -> None:
    """Up and down votes on a new post and its comments, the same way on every machine
    (crc32 rolls, as for article votes): about half the readers vote, mostly up."""
    voters = [users[spec.username] for spec in USERS if not spec.agent]
    for item in thread:
        for voter in voters:
            if voter.pk == item.author_id:
                continue
            roll = zlib.crc32(f"{type(item).__name__}/{item.pk}/{voter.username}".encode())
            if roll % 2 == 0:
                continue
            services.item_vote_set(user=voter, item=item, value=-1 if roll % 5 == 1 else 1)
            created["votes"] += 1


# --- Votes and follows ------------------------------------------------------------------


def _load_votes(users, new_articles, created: Counter) -> None:
    """Spread "was this helpful?" votes over new articles, the same way on every machine."""
    voters = [users[spec.username] for spec in USERS if not spec.agent]
    for article in new_articles:
        if article.draft:
            continue
        for voter in voters:
            # crc32, unlike hash(), is stable across processes: the demo looks the same
            # everywhere. About three in four readers vote; most find articles helpful.
            roll = zlib.crc32(f"{article.external_id}/{voter.username}".encode())
            if roll % 4 == 0:
                continue
            services.vote_set(user=voter, article=article, helpful=roll % 7 != 1)
            created["votes"] += 1


def _load_follows(users, articles, sections, created: Counter, fresh: set) -> None:
    # Only for a user or a target created in this run: someone who unfollowed something
    # in the demo stays unfollowed after a restart.
    for spec in USERS:
        user = users[spec.username]
        for reference in spec.follows:
            kind, key = reference.split(":", 1)
            target = articles[key] if kind == "article" else sections[key]
            if user in fresh or target in fresh:
                created["follows"] += services.follow_set(user=user, target=target, following=True)


def _first_agent(users):
    return users[next(spec.username for spec in USERS if spec.agent)]


def _summary(created: Counter) -> str:
    if not created:
        return "Demo help center: already loaded, nothing to create.\n"
    order = ["users", "categories", "sections", "topics", "articles", "drafts", "heading translations",
             "article translations", "posts", "comments", "official comments", "votes", "follows"]  # fmt: skip
    parts = [f"{created[kind]} {kind}" for kind in order if created[kind]]
    return "Demo help center: created " + ", ".join(parts) + ".\n"
