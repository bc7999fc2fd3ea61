"""Forms for readers (comments, questions) and agents (articles).

Forms validate and lay out; they never write. Every Markdown body is checked with
``markdown_problem`` so pathological input gets a clear message instead of a slow page.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from markdownx.fields import MarkdownxFormField

from kb.i18n import current_locale, default_locale, locale_name, locales

from .markdown import markdown_problem
from .models import (
    ARTICLE_BODY_MAX_LENGTH,
    COMMENT_BODY_MAX_LENGTH,
    POST_BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Section,
)

MARKDOWN_HELP = _("Markdown is supported: **bold**, *italic*, [links](https://example.com), lists.")


def _checked_markdown(text: str) -> str:
    problem = markdown_problem(text)
    if problem:
        raise ValidationError(problem, code="markdown")
    return text


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the matching form fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _helper(*fields) -> FormHelper:
    # Templates write the <form> tag themselves (action, CSRF, buttons), crispy lays out
    # the fields with Bootstrap 5 labels and error messages.
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's <form> has its own token
    helper.layout = Layout(*fields)
    return helper


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_BODY_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("body")

    def clean_body(self):
        return _checked_markdown(self.cleaned_data["body"])


class PostForm(forms.Form):
    title = forms.CharField(
        label=_("Question"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("One sentence: what do you want to know?"),
        # The field strips white space first, so a title of spaces is missing too.
        error_messages={"required": _("Please write your question.")},
    )
    body = forms.CharField(
        label=_("Details"),
        max_length=POST_BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )

    # Posts are not translated: each keeps the language it is written in (searched in it,
    # shown with its ``lang``). The page's language is the likely one, so it is preselected.
    # Not required: a client that leaves it out writes in the page's language.
    language = forms.ChoiceField(label=_("Language of your question"), choices=(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, locale_name(code)) for code in locales()]
        self.fields["language"].initial = current_locale()
        self.helper = _helper("title", "body", "language")

    def clean_body(self):
        return _checked_markdown(self.cleaned_data["body"])


class ArticleForm(forms.Form):
    """The agent-facing article editor (Markdown with live preview and image upload)."""

    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.select_related("category").order_by(
            "category__position", "category__name", "position", "name"
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH, error_messages={"required": _("Please give the article a title.")})
    body = MarkdownxFormField(
        label=_("Body"),
        max_length=ARTICLE_BODY_MAX_LENGTH,
        help_text=_("Markdown. The preview shows exactly what readers will see. "
                    "Drag an image (PNG, JPEG, GIF, WebP) into the text to upload it."),
    )
    labels = forms.CharField(
        label=_("Labels"),
        required=False,
        max_length=500,
        help_text=_("Comma-separated, e.g. billing, cancel"),
    )
    draft = forms.BooleanField(
        label=_("Draft"), required=False, initial=True, help_text=_("Drafts are visible to agents only.")
    )
    promoted = forms.BooleanField(label=_("Promoted"), required=False, help_text=_("Shown on the home page."))
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0, help_text=_("Lower comes first."))
    # Only on the edit form (``editing``): a typo fixed need not send every translation
    # back to the translators.
    minor = forms.BooleanField(
        required=False, label=_("Minor change (don't mark translations outdated)"),
        help_text=_("For typos and formatting: the translations stay current."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].label_from_instance = lambda s: f"{s.category.name} › {s.name}"
        self.fields["body"].widget.attrs["rows"] = 18
        fields = ["section", "title", "body", "labels", "draft", "promoted", "position"]
        if editing:
            fields.append("minor")
        else:
            del self.fields["minor"]
        self.helper = _helper(*fields)

    @classmethod
    def initial_for(cls, article) -> dict:
        return {
            "section": article.section_id,
            "title": article.title,
            "body": article.body,
            "labels": ", ".join(label.name for label in article.labels.all()),
            "draft": article.draft,
            "promoted": article.promoted,
            "position": article.position,
        }

    def clean_body(self):
        return _checked_markdown(self.cleaned_data["body"])

    def clean_labels(self):
        return _label_names(self.cleaned_data["labels"])

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "section": data["section"],
            "title": data["title"],
            "body": data["body"],
            "draft": data["draft"],
            "promoted": data["promoted"],
            "position": data["position"],
            "label_names": data["labels"],
        }

    def is_minor(self) -> bool:
        return bool(self.cleaned_data.get("minor"))


def _label_names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    names = [name for name in names if name]
    too_long = [name for name in names if len(name) > 60]
    if too_long:
        raise ValidationError(_("Each label is at most 60 characters."), code="max_length")
    return list(dict.fromkeys(names))


class ArticleTranslationForm(forms.Form):
    """An article's translation into one language, written beside the source."""

    title = forms.CharField(
        label=_("Title"), max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Please give the translation a title.")},
    )
    body = MarkdownxFormField(
        label=_("Body"), max_length=ARTICLE_BODY_MAX_LENGTH,
        help_text=_("Markdown. The preview shows exactly what readers will see."),
    )
    labels = forms.CharField(
        label=_("Labels"), required=False, max_length=500,
        help_text=_("Comma-separated, in this language."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["rows"] = 18
        self.helper = _helper("title", "body", "labels")

    @classmethod
    def initial_for(cls, row) -> dict:
        return {"title": row.title, "body": row.body, "labels": ", ".join(label.name for label in row.labels.all())}

    def clean_body(self):
        return _checked_markdown(self.cleaned_data["body"])

    def clean_labels(self):
        return _label_names(self.cleaned_data["labels"])


class TranslationListForm(forms.Form):
    """The translators' work list: which language (the first other than the default when
    not given or not served)."""

    locale = forms.ChoiceField(label=_("Language"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locale"].choices = [(code, locale_name(code)) for code in locales()]

    def chosen(self) -> str:
        if self.is_valid() and self.cleaned_data["locale"]:
            return self.cleaned_data["locale"]
        others = [code for code in locales() if code != default_locale()]
        return others[0] if others else default_locale()


class ImageUploadForm(forms.Form):
    # markdownx's editor posts the dropped file as "image".
    image = forms.FileField()
