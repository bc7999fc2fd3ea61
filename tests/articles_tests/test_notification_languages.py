"""Followers hear in the language they followed in: the digest is rendered in it, names
articles by their published translation in it, and links to that language's pages,
whatever language the person who caused it, or the task that sends it, works in."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from articles import notifications, services
from articles.models import EmailFollow, Follow, Notification
from articles.translations.services import article_translation_save
from kb.models import OutgoingEmail
from tests import email_languages
from tests.email_languages import in_language, visiting_in

rendered_in = email_languages.rendered_in  # the fixture, for this module's tests

SITE = "http://testserver"
CONFIRM_LINK = re.compile(r"https?://\S+/notifications/confirm/([^/\s]+)/")


@pytest.fixture(autouse=True)
def _no_batch_wait(settings):
    settings.KB_NOTIFY_BATCH_SECONDS = 0
    settings.KB_SITE_URL = SITE


@pytest.fixture
def article(make_article):
    """An English article with a published German translation and a Spanish draft."""
    article = make_article(title="Cancel your plan", body="Open **Billing**.")
    article_translation_save(article=article, locale="de", title="Tarif kündigen", body="Öffnen Sie die Abrechnung.",
                             draft=False)
    article_translation_save(article=article, locale="es", title="Cancelar (borrador)", body="…")
    return article


def follow_in(client, user, target, locale):
    client.force_login(user)
    with visiting_in(locale):
        response = client.post(reverse("articles:follow", kwargs={"kind": "article", "pk": target.pk}),
                               {"following": "on"})
    assert response.status_code == 302


def by_recipient(mailoutbox):
    return {message.to[0]: message for message in mailoutbox}


def test_a_reader_who_followed_in_german_hears_in_german_and_one_who_followed_in_english_in_english(
        client, article, make_user, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    hans, emma, asha = make_user("hans"), make_user("emma"), make_user("asha")
    follow_in(client, hans, article, "de")
    follow_in(client, emma, article, "en")
    assert dict(Follow.objects.values_list("user__username", "locale")) == {"hans": "de", "emma": "en"}

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(author=asha, target=article, body="Worked for me.")
    assert sorted(rendered_in["articles/emails/digest.txt"]) == ["de", "en"]
    assert sorted(rendered_in["articles/emails/digest.html"]) == ["de", "en"]
    mails = by_recipient(mailoutbox)

    german = mails[hans.email]
    assert german.extra_headers["Content-Language"] == "de"
    assert "Tarif kündigen" in german.subject and "Tarif kündigen" in german.body
    assert "Cancel your plan" not in german.body
    permalink = in_language("de", lambda: reverse("articles:comment_permalink", kwargs={"pk": comment.pk}))
    assert f"{SITE}{permalink}" in german.body
    html = german.alternatives[0][0]
    assert '<html lang="de">' in html and "Tarif kündigen" in html

    english = mails[emma.email]
    assert english.extra_headers["Content-Language"] == "en"
    assert "Cancel your plan" in english.subject and "Tarif kündigen" not in english.body
    assert '<html lang="en">' in english.alternatives[0][0]


def test_an_article_update_links_a_german_follower_to_the_german_translation(
        article, agent, make_user, mailoutbox, django_capture_on_commit_callbacks):
    hans = make_user("hans")
    services.follow_set(user=hans, target=article, following=True, locale="de")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.article_update(article=article, by=agent, body="Open **Billing**, then *Cancel*.")
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "de"
    translated = article.translations.get(locale="de")
    assert f"{SITE}{translated.get_absolute_url()}" in message.body
    assert Notification.objects.get().locale == "de"


def test_a_follower_in_a_language_without_a_published_translation_reads_the_source_title(
        article, make_user, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    lucia, asha = make_user("lucia"), make_user("asha")
    services.follow_set(user=lucia, target=article, following=True, locale="es")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=asha, target=article, body="Gracias.")
    [message] = mailoutbox
    assert rendered_in["articles/emails/digest.txt"] == ["es"]
    assert message.extra_headers["Content-Language"] == "es"
    assert "Cancel your plan" in message.subject and "borrador" not in message.body  # drafts stay unseen


def test_a_visitor_who_follows_by_email_in_spanish_is_asked_and_notified_in_spanish(
        client, make_post, make_user, mailoutbox, rendered_in, django_capture_on_commit_callbacks):
    post = make_post(title="¿Cómo exporto mis datos?", body="Necesito un CSV.")
    with visiting_in("es"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("articles:email_follow", kwargs={"kind": "post", "pk": post.pk}),
                               {"email": "dana@example.org", "website": ""})
    assert response.status_code == 302
    assert EmailFollow.objects.get().locale == "es"
    assert rendered_in == {"articles/emails/email_follow_confirm.txt": ["es"]}
    [confirmation] = mailoutbox
    assert confirmation.extra_headers["Content-Language"] == "es"
    assert f"{SITE}{in_language('es', post.get_absolute_url)}\n" in confirmation.body
    token = CONFIRM_LINK.search(confirmation.body).group(1)
    confirm_path = in_language("es", lambda: reverse("articles:email_follow_confirm", kwargs={"token": token}))
    assert f"{SITE}{confirm_path}\n" in confirmation.body

    with translation.override("en"):  # confirmed from an English page: the language stays
        client.post(confirm_path)
    mailoutbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=make_user("asha"), target=post, body="Use Export.")
    [digest] = [message for message in mailoutbox if message.to == ["dana@example.org"]]
    assert digest.extra_headers["Content-Language"] == "es"


def test_asking_again_while_pending_changes_the_language_but_a_confirmed_follow_keeps_its_own(
        make_post, mailoutbox):
    post = make_post()
    notifications.email_follow_request(email="dana@example.org", target=post, locale="de")
    notifications.email_follow_request(email="dana@example.org", target=post, locale="es")
    follow = EmailFollow.objects.get()
    assert follow.locale == "es"
    languages = [email.headers["Content-Language"] for email in OutgoingEmail.objects.order_by("pk")]
    assert languages == ["de", "es"]  # each confirmation in the language it was asked in
    notifications.email_follow_confirm(follow=follow, at=follow.created_at)
    notifications.email_follow_request(email="Dana@example.org", target=post, locale="en")
    assert EmailFollow.objects.get().locale == "es"


def test_a_digest_uses_the_language_of_the_newest_follow_that_brought_its_news(
        article, make_post, make_user, mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.KB_NOTIFY_BATCH_SECONDS = 300
    hans, asha = make_user("hans"), make_user("asha")
    post = make_post(title="Export question")
    services.follow_set(user=hans, target=article, following=True, locale="de")
    services.follow_set(user=hans, target=post, following=True, locale="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=asha, target=article, body="One.")
        services.comment_create(author=asha, target=post, body="Two.")
    Notification.objects.update(created_at=F("created_at") - timedelta(seconds=301))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notifications", stdout=None)
    [message] = [m for m in mailoutbox if m.to == [hans.email]]
    assert message.extra_headers["Content-Language"] == "en"
    assert "Tarif kündigen" not in message.body and "Cancel your plan" in message.body
