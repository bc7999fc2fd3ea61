"""Agent-only pages: the article editor and the editor's preview and image upload.

markdownx ships its own markdownify/ and upload/ endpoints, which need no login and
accept SVG; we mount these instead (``MARKDOWNX_URLS_PATH`` and
``MARKDOWNX_UPLOAD_URLS_PATH`` point here) and allow agents only.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kb.i18n import locale_name
from kb.permissions import agent_required

from .. import services
from ..forms import ArticleForm, ImageUploadForm, add_service_errors
from ..markdown import render_markdown
from ..models import Article
from ..translations import selectors as translations

# --- Article editor -------------------------------------------------------------------


@agent_required
def article_create(request):
    return _article_form(request, article=None)


@agent_required
def article_edit(request, pk):
    return _article_form(
        request, article=get_object_or_404(Article.objects.prefetch_related("labels", "translations"), pk=pk)
    )


def _article_form(request, *, article):
    """The editor's form and its POST: creates an article when ``article`` is None,
    else changes it."""
    form = ArticleForm(request.POST or None, initial=ArticleForm.initial_for(article) if article else None,
                       editing=article is not None)
    if request.method == "POST" and form.is_valid():
        try:
            if article is None:
                saved = services.article_create(author=request.user, **form.service_fields())
            else:
                saved = services.article_update(article=article, by=request.user, minor=form.is_minor(),
                                                **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _saved_message(saved, created=article is None))
            return redirect(saved)
    return _editor(request, form, article=article)


def _saved_message(article, *, created: bool) -> str:
    done = _("Article created.") if created else _("Article saved.")
    state = _("It is a draft: only agents can see it.") if article.draft else _("It is published.")
    return f"{done} {state}"


def _editor(request, form, *, article):
    breadcrumbs = [(None, _("New article"))]
    if article is not None:
        breadcrumbs = [
            (article.section.get_absolute_url(), article.section.name),
            (article.get_absolute_url(), article.title),
            (None, _("Edit")),
        ]
    return render(
        request,
        "articles/agent_article_form.html",
        {"form": form, "article": article, "breadcrumbs": breadcrumbs,
         "translation_links": translation_links(article) if article is not None else None},
    )


def translation_links(article) -> list[dict]:
    """Each other language's translation state and editor link, for the article editor."""
    return [
        {"locale": code, "name": locale_name(code), "state": state,
         "url": reverse("articles:agent_translation", kwargs={"pk": article.pk, "locale": code})}
        for code, state, _row in translations.translation_states(article)
    ]


# --- Editor endpoints -----------------------------------------------------------------


@require_POST
@agent_required(sign_in=False)
def markdownify(request):
    """The live preview: the same renderer and sanitiser as saved articles."""
    # Only the article editors (agent form, admin) use markdownx's widget, and articles
    # keep their raw HTML (services.html_allowed), so the preview does too.
    return HttpResponse(render_markdown(request.POST.get("content", ""), allow_html=True))


def _upload_error(message: str, status: int = 400) -> JsonResponse:
    # The shape of markdownx's own form errors, which its editor script understands.
    return JsonResponse({"image": [message]}, status=status)


@require_POST
@agent_required(sign_in=False)
def upload(request):
    """Store an image dropped into the editor; answer with its Markdown, like markdownx."""
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_error(_("Choose an image to upload."))
    upload_file = form.cleaned_data["image"]
    max_size = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    if upload_file.size > max_size:
        return _upload_error(_("Images are limited to %(size)s MB.") % {"size": max_size // (1024 * 1024)}, status=413)
    try:
        url = services.image_upload_store(data=upload_file.read(max_size + 1))
    except ValidationError:
        return _upload_error(_("Only PNG, JPEG, GIF and WebP images can be uploaded."))
    return JsonResponse({"image_code": f"![]({url})"})
