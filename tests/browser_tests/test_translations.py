"""The translation editor in a real browser: no serious accessibility violations (axe-core)
on the side-by-side editor, the article editor's language list and the translators' list;
saving a draft from the editor's own button."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

import demo.articles
from articles.models import Article, ArticleTranslation
from demo.articles import DEMO_PASSWORD

from .conftest import report

pytestmark = pytest.mark.django_db(transaction=True)


def test_translation_pages_are_accessible_and_the_editor_saves_a_draft(page, sign_in, check, db):
    demo.articles.load()
    agent = get_user_model().objects.get(username="agent")
    article = Article.objects.get(external_id="demo-cancel-account")
    sign_in(agent, DEMO_PASSWORD)
    editor = reverse("articles:agent_translation", kwargs={"pk": article.pk, "locale": "de"})

    for name, url in [("translation editor", editor),
                      ("article editor", reverse("articles:agent_article_edit", kwargs={"pk": article.pk})),
                      ("translators' list", reverse("articles:agent_translations") + "?locale=de")]:
        page.goto(url)
        check(f"{name} ({url}, agent)")

    page.goto(editor)
    page.fill("#id_title", "Konto kündigen")
    page.fill("#id_body", "Öffnen Sie **Konto**.")
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url(f"**{editor}")
    row = ArticleTranslation.objects.get(article=article, locale="de")
    assert (row.title, row.draft) == ("Konto kündigen", True)
    assert not check.found, report(check.found)
