"""Agent pages for translations: the side-by-side editor of an article's translation into
one language, and the translators' work list (what is missing or outdated per language).

Sections and categories, a name and a description each, are translated in the admin.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kb.i18n import locale_name, normalize_locale
from kb.permissions import agent_required

from ..forms import ArticleTranslationForm, TranslationListForm, add_service_errors
from ..translations import selectors, services

PUBLISH = "publish"


def _article_and_translation(pk: int, locale: str):
    """The article and its translation into ``locale`` (or None); 404 when ``locale`` is
    not a served language's code as written in URLs, or is the article's own language."""
    if normalize_locale(locale) != locale:
        raise Http404("No such language.")
    article, row = selectors.article_for_translation(pk=pk, locale=locale)
    if article.locale == locale:
        raise Http404("This is the article's own language.")
    return article, row


def _editor_url(article, locale: str) -> str:
    return reverse("articles:agent_translation", kwargs={"pk": article.pk, "locale": locale})


@agent_required
def article_translation(request, pk, locale):
    """The source on one side, its translation's form on the other; "Save draft" or
    "Publish" (the button pressed decides the state)."""
    article, row = _article_and_translation(pk, locale)
    form = ArticleTranslationForm(request.POST or None,
                                  initial=ArticleTranslationForm.initial_for(row) if row else None)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == PUBLISH
        try:
            saved = services.article_translation_save(
                article=article, locale=locale, by=request.user, draft=not publish,
                title=form.cleaned_data["title"], body=form.cleaned_data["body"],
                label_names=form.cleaned_data["labels"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            language = locale_name(locale)
            messages.success(request, _("%(language)s translation published.") % {"language": language}
                             if not saved.draft else
                             _("%(language)s translation saved as a draft: only agents can see it.")
                             % {"language": language})
            return redirect(_editor_url(article, locale))
    return render(request, "articles/agent_translation_form.html", {
        "form": form,
        "article": article,
        "translation": row,
        "locale": locale,
        "language": locale_name(locale),
        "source_language": locale_name(article.locale),
        "state": selectors.translation_state(row),
        # The article as readers of that language see it (drafts: as agents preview them).
        "preview_url": f"{row.get_absolute_url()}?translation_preview=1" if row is not None else None,
        "publish": PUBLISH,
        "delete_url": reverse("articles:agent_translation_delete", kwargs={"pk": article.pk, "locale": locale}),
        "breadcrumbs": [
            (article.get_absolute_url(), article.title),
            (reverse("articles:agent_article_edit", kwargs={"pk": article.pk}), _("Edit")),
            (None, locale_name(locale)),
        ],
    })


@require_POST
@agent_required
def article_translation_delete(request, pk, locale):
    article, row = _article_and_translation(pk, locale)
    if row is not None:
        services.translation_delete(translation=row)
        messages.success(request, _("%(language)s translation deleted: readers of that language see the "
                                    "original again.") % {"language": locale_name(locale)})
    return redirect(reverse("articles:agent_article_edit", kwargs={"pk": article.pk}))


@agent_required
def translation_list(request):
    """Per language, the articles whose translation is missing or outdated, a page at a
    time (two queries: the count and the page)."""
    form = TranslationListForm(request.GET)
    locale = form.chosen()
    page = Paginator(selectors.translation_worklist(locale=locale), selectors.WORKLIST_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [
        {"article": article, "state": selectors.MISSING if article.translated_id is None else selectors.OUTDATED,
         "url": _editor_url(article, locale)}
        for article in page.object_list
    ]
    return render(request, "articles/agent_translations.html", {
        "form": form,
        "locale": locale,
        "language": locale_name(locale),
        "languages": [{"code": code, "name": locale_name(code), "current": code == locale,
                       "url": f"{reverse('articles:agent_translations')}?locale={code}"}
                      for code, _name in form.fields["locale"].choices],
        "rows": rows,
        "page": page,
        "breadcrumbs": [(None, _("Translations"))],
    })
