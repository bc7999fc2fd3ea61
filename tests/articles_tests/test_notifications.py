"""Followers hear of new comments, official answers and article updates by email:
batched per recipient, sent through the outbox, with one-click unsubscribe, and open
to visitors without an account through a double opt-in email follow."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail as django_mail
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import (
    Article,
    Comment,
    EmailFollow,
    Follow,
    Notification,
    NotificationEvent,
)
from kb import mail
from kb.models import OutgoingEmail

from .pages import text

FAILING = "tests.kb_tests.email_backends.FailingEmailBackend"
UNSUBSCRIBE_LINK = re.compile(r"https?://\S+/notifications/unsubscribe/[^/\s]+/")
CONFIRM_LINK = re.compile(r"https?://\S+/notifications/confirm/[^/\s]+/")


@pytest.fixture(autouse=True)
def _no_batch_wait(settings):
    settings.KB_NOTIFY_BATCH_SECONDS = 0
    settings.KB_SITE_URL = "http://testserver"


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


@pytest.fixture
def people(make_user):
    return {name: make_user(name) for name in ("asha", "ben", "chloe")}


@pytest.fixture
def followed_post(make_post, people):
    """A question by Ben (who follows it, as every asker does), also followed by Chloe."""
    post = make_post(author=people["ben"])
    services.follow_set(user=people["chloe"], target=post, following=True)
    services.follow_set(user=people["asha"], target=post, following=True)
    return post


def test_a_comment_emails_every_follower_but_its_author(followed_post, people, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=people["asha"], target=followed_post, body="Try the *billing* page.")
    assert sorted(m.to[0] for m in mailoutbox) == ["ben@example.com", "chloe@example.com"]
    for message in mailoutbox:
        assert "Try the billing page." in message.body
        assert "New comment" in message.subject
        assert UNSUBSCRIBE_LINK.search(message.body)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert UNSUBSCRIBE_LINK.search(message.extra_headers["List-Unsubscribe"])


def test_a_burst_of_comments_is_one_email_per_follower(settings, followed_post, people, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    settings.KB_NOTIFY_BATCH_SECONDS = 300
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            services.comment_create(author=people["asha"], target=followed_post, body=f"Idea number {n}.")
    assert mailoutbox == []  # still inside the batch window
    assert Notification.objects.filter(sent_at__isnull=True).count() == 6  # 3 comments x 2 followers
    # Five minutes later the digest is due.
    Notification.objects.update(created_at=F("created_at") - timedelta(seconds=301))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notifications", stdout=None)
    assert sorted(m.to[0] for m in mailoutbox) == ["ben@example.com", "chloe@example.com"]
    for message in mailoutbox:
        assert all(f"Idea number {n}." in message.body for n in range(3))
        assert message.subject.startswith("3 updates on")


def test_an_official_answer_email_says_official_answer(followed_post, agent, people, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        comment = services.comment_create(author=agent, target=followed_post, body="Go to Settings > Plan.")
        services.comment_set_official(comment=comment, by=agent, official=True)
    assert len(mailoutbox) == 3  # asha, ben, chloe: one email each
    for message in mailoutbox:
        assert message.subject.startswith("Official answer:")
        assert "Go to Settings > Plan." in message.body


def test_an_article_update_tells_article_and_section_followers_what_changed(
        make_article, make_section, agent, people, mailoutbox, django_capture_on_commit_callbacks):
    section = make_section()
    article = make_article(section=section, title="Reset your password", body="Line one.\nLine two.")
    services.follow_set(user=people["ben"], target=article, following=True)
    services.follow_set(user=people["chloe"], target=section, following=True)
    services.follow_set(user=agent, target=section, following=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(article=article, by=agent, title="Reset a forgotten password",
                                body="Line one.\nLine two.\nLine three.")
    assert sorted(m.to[0] for m in mailoutbox) == ["ben@example.com", "chloe@example.com"]
    for message in mailoutbox:
        assert "Article updated" in message.subject
        assert "Title changed: “Reset your password” → “Reset a forgotten password”." in message.body
        assert "Body changed: 1 line added, 0 lines removed." in message.body
        assert "+Line three." in message.body


def test_a_newly_published_article_emails_section_followers(make_article, make_section, people,
                                                            mailoutbox, django_capture_on_commit_callbacks):
    section = make_section()
    services.follow_set(user=people["chloe"], target=section, following=True)
    with django_capture_on_commit_callbacks(execute=True):
        make_article(section=section, title="Export your data")
    assert [m.to[0] for m in mailoutbox] == ["chloe@example.com"]
    assert mailoutbox[0].subject == "New article: Export your data"


def _admin_article_form(article, *, draft: bool, **changes):
    form = {"section": article.section_id, "title": article.title, "body": article.body,
            "author": article.author_id, "position": 0, "external_id": "", "labels": [],
            # the translations inline's management form (no translation rows)
            "translations-TOTAL_FORMS": 0, "translations-INITIAL_FORMS": 0}
    if draft:
        form["draft"] = "on"  # an unticked box is absent from the form
    return form | changes


def test_publishing_and_editing_in_the_admin_email_followers_like_the_site(
        client, make_user, make_article, make_section, people, mailoutbox,
        django_capture_on_commit_callbacks):
    """The admin hands the service an article its form already changed: the service reads
    what was stored, so publishing there is announced, and an edit says what changed."""
    editor = make_user("root_rita", is_staff=True, is_superuser=True)
    section = make_section()
    services.follow_set(user=people["chloe"], target=section, following=True)
    article = make_article(section=section, title="Export your data", body="Open Reports.", draft=True)
    client.force_login(editor)
    change = reverse("admin:articles_article_change", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change, _admin_article_form(article, draft=False))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [m.subject for m in mailoutbox] == ["New article: Export your data"]
    event = NotificationEvent.objects.get(kind=NotificationEvent.Kind.ARTICLE_PUBLISHED)
    assert event.actor == editor

    article.refresh_from_db()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change, _admin_article_form(article, draft=False, title="Export all your data"))
    assert response.status_code == 302
    assert [m.to[0] for m in mailoutbox] == ["chloe@example.com"]
    assert "Article updated" in mailoutbox[0].subject
    assert "Title changed: “Export your data” → “Export all your data”." in mailoutbox[0].body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # saved unchanged: nothing to announce
        client.post(change, _admin_article_form(Article.objects.get(pk=article.pk), draft=False))
    assert mailoutbox == []


def test_the_unsubscribe_link_works_signed_out(followed_post, people, mailoutbox,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=people["asha"], target=followed_post, body="Hello.")
    chloes = next(m for m in mailoutbox if m.to == ["chloe@example.com"])
    url = path_of(UNSUBSCRIBE_LINK.search(chloes.body).group(0))
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert Follow.objects.filter(user=people["chloe"], post=followed_post).exists()  # GET changes nothing
    done = client.post(url)
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    assert not Follow.objects.filter(user=people["chloe"], post=followed_post).exists()
    assert Follow.objects.filter(user=people["ben"], post=followed_post).exists()


def test_a_tampered_unsubscribe_token_is_refused(followed_post, people, mailoutbox, client,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=people["asha"], target=followed_post, body="Hello.")
    url = path_of(UNSUBSCRIBE_LINK.search(mailoutbox[0].body).group(0))
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    assert client.get(tampered).status_code == 400
    assert client.post(tampered).status_code == 400
    assert Follow.objects.filter(post=followed_post).count() == 3


def test_one_click_unsubscribe_from_the_mail_client(followed_post, people, mailoutbox,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=people["asha"], target=followed_post, body="Hello.")
    bens = next(m for m in mailoutbox if m.to == ["ben@example.com"])
    url = path_of(bens.extra_headers["List-Unsubscribe"].strip("<>"))
    # What a mail provider sends (RFC 8058): no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Follow.objects.filter(user=people["ben"]).exists()


def test_email_follow_is_double_opt_in(followed_post, people, client, mailoutbox,
                                       django_capture_on_commit_callbacks):
    follow_url = reverse("articles:email_follow", kwargs={"kind": "post", "pk": followed_post.pk})
    page = client.get(followed_post.get_absolute_url())
    assert follow_url.encode() in page.content  # the form is on the page for signed-out visitors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(follow_url, {"email": "dana@example.org", "website": ""})
    assert response.status_code == 302
    follow = EmailFollow.objects.get(email="dana@example.org", post=followed_post)
    assert follow.confirmed_at is None
    confirm_url = path_of(CONFIRM_LINK.search(mailoutbox[-1].body).group(0))

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=people["asha"], target=followed_post, body="First.")
    assert "dana@example.org" not in [m.to[0] for m in mailoutbox]  # pending gets nothing

    assert b"Yes, email me" in client.get(confirm_url).content
    follow.refresh_from_db()
    assert follow.confirmed_at is None  # a mail scanner's GET confirms nothing
    client.post(confirm_url)
    follow.refresh_from_db()
    assert follow.confirmed_at is not None

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=people["asha"], target=followed_post, body="Second.")
    danas = [m for m in mailoutbox if m.to == ["dana@example.org"]]
    assert len(danas) == 1 and "Second." in danas[0].body

    Client().post(path_of(UNSUBSCRIBE_LINK.search(danas[0].body).group(0)))
    assert not EmailFollow.objects.filter(email="dana@example.org").exists()


def test_confirmed_email_followers_count_on_the_page(followed_post, client, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    """The visible count is everyone who hears of new answers: signed-in followers and
    confirmed email followers (a pending address is not counted)."""
    page_text = lambda: text(client.get(followed_post.get_absolute_url()))
    assert "3 followers" in page_text()  # Ben (the asker), Chloe, Asha
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("articles:email_follow", kwargs={"kind": "post", "pk": followed_post.pk}),
                    {"email": "dana@example.org", "website": ""})
    assert "3 followers" in page_text()  # pending
    client.post(path_of(CONFIRM_LINK.search(mailoutbox[-1].body).group(0)))
    assert "4 followers" in page_text()  # confirmed: the cached page was refreshed too


def test_email_follow_refuses_a_filled_honeypot_and_a_bad_confirm_token(followed_post, client, mailoutbox):
    follow_url = reverse("articles:email_follow", kwargs={"kind": "post", "pk": followed_post.pk})
    response = client.post(follow_url, {"email": "bot@example.org", "website": "http://spam"})
    assert response.status_code == 400 and b"Leave this field empty" in response.content
    assert not EmailFollow.objects.exists()
    bad = reverse("articles:email_follow_confirm", kwargs={"token": "not-a-token"})
    assert client.get(bad).status_code == 400


def test_email_follow_is_rate_limited_per_address(followed_post, client):
    follow_url = reverse("articles:email_follow", kwargs={"kind": "post", "pk": followed_post.pk})
    codes = [client.post(follow_url, {"email": "dana@example.org"}).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]


def test_a_failing_mail_server_keeps_the_comment_and_the_email_is_sent_later(
        settings, followed_post, people, client, mailoutbox, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = FAILING
    client.force_login(people["asha"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("articles:post_comment", kwargs={"pk": followed_post.pk}),
                               {"body": "Still here after the outage."})
    assert response.status_code == 302
    assert Comment.objects.filter(body="Still here after the outage.").count() == 1
    queued = OutgoingEmail.objects.filter(kind="articles.notification_digest")
    assert queued.count() == 2 and all(e.status == "pending" and e.attempts == 1 for e in queued)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    django_mail.outbox = []
    counts = mail.send_due_emails(at=timezone.now() + timedelta(minutes=2))
    assert counts["sent"] == 2
    assert sorted(m.to[0] for m in django_mail.outbox) == ["ben@example.com", "chloe@example.com"]


def _followers(post, n):
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"fan{post.pk}-{i}", email=f"fan{i}@example.com") for i in range(n)]
    )
    Follow.objects.bulk_create([Follow(user=user, post=post) for user in users])


def test_comment_create_costs_the_same_queries_for_5_or_500_followers(make_post, people):
    few, many = make_post(title="Few followers"), make_post(title="Many followers")
    _followers(few, 5)
    _followers(many, 500)
    counts = []
    for post in (few, many):
        with CaptureQueriesContext(connection) as queries:
            services.comment_create(author=people["asha"], target=post, body="Same cost.")
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert NotificationEvent.objects.count() == 2  # one row per comment, not per follower


def test_the_fan_out_uses_bulk_inserts(make_post, people, django_capture_on_commit_callbacks):
    from articles.notifications import events_fan_out

    post = make_post()
    _followers(post, 500)
    services.comment_create(author=people["asha"], target=post, body="Hello all.")
    with CaptureQueriesContext(connection) as queries:
        assert events_fan_out(at=timezone.now()) == 501  # 500 fans + the asker
    assert len(queries) < 15


def test_notify_false_records_nothing(followed_post, people):
    services.comment_create(author=people["asha"], target=followed_post, body="Quiet.", notify=False)
    assert not NotificationEvent.objects.exists()


def test_loading_the_demo_emails_nobody(db, mailoutbox, django_capture_on_commit_callbacks):
    from demo import articles as demo

    with django_capture_on_commit_callbacks(execute=True):
        demo.load()
    assert not NotificationEvent.objects.exists()
    assert not OutgoingEmail.objects.filter(kind__startswith="articles.").exists()
    assert mailoutbox == []


def test_a_comment_email_links_to_the_comment_wherever_its_page_is(followed_post, people, mailoutbox, client,
                                                                   django_capture_on_commit_callbacks):
    for n in range(55):  # a thread longer than one page of comments
        services.comment_create(author=people["ben"], target=followed_post, body=f"Earlier {n}.", notify=False)
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(author=people["asha"], target=followed_post, body="Late reply.")
    link = f"http://testserver{reverse('articles:comment_permalink', kwargs={'pk': comment.pk})}"
    chloes = next(m for m in mailoutbox if m.to == ["chloe@example.com"])
    assert link in chloes.body
    response = client.get(path_of(link))
    assert response.url == f"{followed_post.get_absolute_url()}?page=2#comment-{comment.pk}"
