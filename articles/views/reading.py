"""Reading the help center: home, category, section, article; voting and commenting.

Drafts exist only for agents: every selector here is told ``include_drafts`` from
``is_agent``, so a customer gets a 404 for a draft and never sees one in a list.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kb.i18n import current_locale, locale_name
from kb.permissions import is_agent

from .. import selectors, services
from ..models import Article, Category
from ..pages import VOTE_IP_RATE, VOTE_RATE, comment_submit, discussion, follow_box, user_limited
from ..translations import selectors as translations

VOTE_ANCHOR = "#article-vote"


def _translation_drafts(request, viewer_is_agent: bool) -> bool:
    """Agents add ``?translation_preview=1`` to read draft translations where readers see
    the published ones (or the source)."""
    return viewer_is_agent and request.GET.get("translation_preview") == "1"


def _translation_context(item, *, locale: str, url_name: str, kwargs, viewer_is_agent: bool) -> dict:
    """What every page of a translatable item adds: its language links
    (``page_translations``), the language its text is shown in (``content_locale``), a
    notice when that is not the reader's, and for agents the shown translation's state."""
    shown = item.shown_translation
    return {
        "page_translations": translations.page_translations(item, url_name=url_name, kwargs=kwargs),
        "content_locale": item.shown_locale,
        "translation_notice": (
            {"language": locale_name(item.shown_locale)} if item.shown_locale != locale else None
        ),
        "translation_state": (
            {"draft": shown.draft, "outdated": shown.outdated} if viewer_is_agent and shown is not None else None
        ),
    }


def home(request):
    return render(
        request,
        "articles/home.html",
        {
            "categories": selectors.home_categories(locale=current_locale()),
            "promoted": selectors.promoted_articles(locale=current_locale()),
            "recent_posts": selectors.recent_posts(),
            "cancel_url": reverse("tickets:cancel_flow"),
        },
    )


def category_detail(request, slug):
    viewer_is_agent, locale = is_agent(request.user), current_locale()
    try:
        category = selectors.category_detail(
            slug=slug, include_drafts=viewer_is_agent, locale=locale,
            translation_drafts=_translation_drafts(request, viewer_is_agent),
        )
    except Http404:
        return redirect(selectors.renamed_heading(model=Category, slug=slug), permanent=True)
    return render(
        request,
        "articles/category_detail.html",
        {
            "category": category,
            "sections": category.sections.all(),
            "breadcrumbs": [(None, category.name)],
            # A category's URL is its source slug in every language.
            **_translation_context(category, locale=locale, url_name="articles:category",
                                   kwargs=lambda slug: {"slug": category.source_slug},
                                   viewer_is_agent=viewer_is_agent),
        },
    )


def section_detail(request, pk, slug):
    viewer_is_agent, locale = is_agent(request.user), current_locale()
    translation_drafts = _translation_drafts(request, viewer_is_agent)
    section = selectors.section_detail(pk=pk, viewer=request.user, include_drafts=viewer_is_agent,
                                       locale=locale, translation_drafts=translation_drafts)
    # In a locale with a translation, the translation's slug is the canonical one.
    if slug != section.slug:
        return redirect(section, permanent=True)
    page = selectors.section_articles(
        section=section, include_drafts=viewer_is_agent, number=request.GET.get("page"),
        locale=locale, translation_drafts=translation_drafts,
    )
    return render(
        request,
        "articles/section_detail.html",
        {
            "section": section,
            "articles": page.object_list,
            "article_count": section.article_count,
            "article_page": page,
            "follow": follow_box("section", section, next_url=section.get_absolute_url()),
            "can_write": viewer_is_agent,
            "breadcrumbs": [
                (section.category.get_absolute_url(), section.category.name),
                (None, section.name),
            ],
            **_translation_context(section, locale=locale, url_name="articles:section",
                                   kwargs=lambda slug: {"pk": section.pk, "slug": slug},
                                   viewer_is_agent=viewer_is_agent),
        },
    )


def article_detail(request, pk, slug):
    return _article_page(request, pk, slug=slug)


def _article_page(request, pk, *, slug=None, comment_form=None):
    viewer_is_agent, locale = is_agent(request.user), current_locale()
    article = selectors.article_detail(
        pk=pk, viewer=request.user, include_drafts=viewer_is_agent, locale=locale,
        translation_drafts=_translation_drafts(request, viewer_is_agent),
    )
    # In a locale with a translation, the translation's slug is the canonical one.
    if slug is not None and slug != article.slug:
        return redirect(article, permanent=True)
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "labels": article.shown_labels,
            **discussion(request, article, kind="article", viewer_is_agent=viewer_is_agent,
                         comment_form=comment_form),
            "related": selectors.related_articles(article=article, locale=locale),
            "vote": _vote_box(article),
            # Drafts take no comments or votes (services refuse them too).
            "can_comment": not article.draft,
            "can_vote": not article.draft,
            "can_edit": viewer_is_agent,
            "breadcrumbs": [
                (article.section.category.get_absolute_url(), article.section.category.name),
                (article.section.get_absolute_url(), article.section.name),
                (None, article.title),
            ],
            **_translation_context(article, locale=locale, url_name="articles:article",
                                   kwargs=lambda slug: {"pk": article.pk, "slug": slug},
                                   viewer_is_agent=viewer_is_agent),
        },
    )


def _vote_box(article) -> dict:
    """"Was this article helpful?": counts and the viewer's vote (annotated by the selector)."""
    viewer_vote = getattr(article, "viewer_vote", None)
    return {
        "helpful": article.helpful_count,
        "total": article.vote_count,
        "voted_yes": viewer_vote is True,
        "voted_no": viewer_vote is False,
        "action": reverse("articles:article_vote", kwargs={"pk": article.pk}),
    }


def _visible_article(request, pk) -> Article:
    return selectors.visible_article(pk=pk, include_drafts=is_agent(request.user))


@require_POST
def article_vote(request, pk):
    """"Was this article helpful?" Yes/No; a second vote replaces the first."""
    article = _visible_article(request, pk)
    back = article.get_absolute_url() + VOTE_ANCHOR
    if not request.user.is_authenticated:
        messages.info(request, _("Sign in to tell us whether the article helped."))
        return redirect_to_login(back)
    if limited := user_limited(request, scope="vote", rate=VOTE_RATE, ip_rate=VOTE_IP_RATE, what=_("votes")):
        return limited
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no"):
        messages.error(request, _("Please choose Yes or No."))
        return redirect(back)
    services.vote_set(user=request.user, article=article, helpful=answer == "yes")
    messages.success(request, _("Thank you for your feedback."))
    return redirect(back)


@require_POST
def article_comment(request, pk):
    article = _visible_article(request, pk)
    return comment_submit(
        request, article, lambda form: _article_page(request, article.pk, comment_form=form)
    )
