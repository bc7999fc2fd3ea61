from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin

from kb.i18n import locale_name, locales

from .markdown import markdown_problem
from .models import (
    Article,
    ArticleTranslation,
    Category,
    CategoryTranslation,
    Comment,
    Follow,
    Label,
    Post,
    Section,
    SectionTranslation,
    Topic,
    Vote,
)


class MarkdownBodyForm(forms.ModelForm):
    """Admin forms for Markdown bodies refuse what the one renderer cannot take."""

    def clean_body(self):
        # Same refusal as the site's editor: a clear message instead of a slow render.
        body = self.cleaned_data["body"]
        problem = markdown_problem(body)
        if problem:
            raise ValidationError(problem, code="markdown")
        return body


class ArticleAdminForm(MarkdownBodyForm):
    class Meta:
        model = Article
        fields = "__all__"


class PostAdminForm(MarkdownBodyForm):
    class Meta:
        model = Post
        fields = "__all__"


# --- Translations -------------------------------------------------------------------------


class TranslationInlineForm(forms.ModelForm):
    """One translation row of a category, section or article: its language is chosen once
    (a row is that language's translation; another language is another row), and must be
    a served one other than the source's."""

    locale = forms.ChoiceField(label=_("Language"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locale"].choices = [(code, f"{locale_name(code)} ({code})") for code in locales()]
        if self.instance.pk:
            self.fields["locale"].disabled = True

    def clean(self):
        from .translations.services import check_translation_locale

        cleaned = super().clean()
        source = getattr(self.instance, self.instance.source_field, None)
        if cleaned.get("locale") and source is not None:
            try:
                check_translation_locale(source=source, locale=cleaned["locale"])
            except ValidationError as error:
                self.add_error("locale", error.message_dict["locale"])
        return cleaned

    def clean_body(self):
        body = self.cleaned_data["body"]
        problem = markdown_problem(body)
        if problem:
            raise ValidationError(problem, code="markdown")
        return body


class TranslationInline(admin.StackedInline):
    form = TranslationInlineForm
    extra = 0
    readonly_fields = ["outdated", "created_by", "updated_by", "updated_at"]


class CategoryTranslationInline(TranslationInline):
    model = CategoryTranslation
    fields = ["locale", "name", "description", "draft", *TranslationInline.readonly_fields]


class SectionTranslationInline(TranslationInline):
    model = SectionTranslation
    fields = ["locale", "name", "slug", "description", "draft", *TranslationInline.readonly_fields]
    readonly_fields = ["slug", *TranslationInline.readonly_fields]


class ArticleTranslationInline(TranslationInline):
    model = ArticleTranslation
    fields = ["locale", "title", "slug", "body", "draft", *TranslationInline.readonly_fields]
    readonly_fields = ["slug", *TranslationInline.readonly_fields]


def _translation_save(row, *, source, by):
    """Save an inline's translation row through its service (slug, rendering, outdated flag)."""
    from .translations import services

    if isinstance(row, ArticleTranslation):
        return services.article_translation_save(article=source, locale=row.locale, title=row.title,
                                                 body=row.body, by=by, draft=row.draft)
    if isinstance(row, SectionTranslation):
        return services.section_translation_save(section=source, locale=row.locale, name=row.name,
                                                 description=row.description, by=by, draft=row.draft)
    return services.category_translation_save(category=source, locale=row.locale, name=row.name,
                                              description=row.description, by=by, draft=row.draft)


class TranslatedAdminMixin:
    """A source's admin with its translations inline and a column of their states.

    Inline rows are saved and deleted through ``articles.translations.services``, like
    every other translation write; the changelist prefetches the translations (one query
    whatever the number of rows).
    """

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description=_("Translations"))
    def translations_column(self, obj):
        from .translations.selectors import translation_states

        labels = {"missing": _("missing"), "draft": _("draft"), "published": _("published"),
                  "outdated": _("outdated")}
        return format_html_join(
            ", ", '<span class="translation-state-{}" title="{}">{}: {}</span>',
            ((state, locale_name(code), code, labels[state]) for code, state, _row in translation_states(obj)),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model not in (ArticleTranslation, SectionTranslation, CategoryTranslation):
            return super().save_formset(request, form, formset, change)
        from .translations import services

        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            services.translation_delete(translation=row)
        for row in rows:
            _translation_save(row, source=form.instance, by=request.user)
        formset.save_m2m()
        return None


class FormerSlugAdminMixin:
    """Categories and topics are found by slug alone: a slug changed here keeps the old
    URL answering, with a 301 (articles.services.former_slug_record)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data and form.initial.get("slug"):
            from . import services

            services.former_slug_record(heading=obj, slug=form.initial["slug"])


@admin.register(Category)
class CategoryAdmin(FormerSlugAdminMixin, TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "locale", "translations_column"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CategoryTranslationInline]


@admin.register(Topic)
class HeadingAdmin(FormerSlugAdminMixin, admin.ModelAdmin):
    """Community topics (not translated: posts keep the language they were written in)."""

    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Section)
class SectionAdmin(TranslatedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "category", "position", "locale", "translations_column"]
    list_filter = ["category"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SectionTranslationInline]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(TranslatedAdminMixin, MarkdownxModelAdmin):
    form = ArticleAdminForm
    # The slug follows the title (services derive it), so it is shown, never typed.
    readonly_fields = ["slug", "created_at", "updated_at"]
    list_display = ["title", "section", "draft", "promoted", "updated_at", "locale", "translations_column"]
    inlines = [ArticleTranslationInline]
    list_filter = ["draft", "promoted", "section__category", "section"]
    search_fields = ["title", "external_id"]
    autocomplete_fields = ["labels"]
    raw_id_fields = ["author"]
    list_select_related = ["section"]

    def get_fields(self, request, obj=None):
        fields = ["section", "title", "slug", "body", "labels", "draft", "promoted", "position",
                  "external_id"]
        if obj is None:
            return fields  # a new article's author is whoever writes it
        return [*fields, "author", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        # The admin saves through the same service as the site, so the body is rendered
        # and sanitised by the one renderer and follow-up work (search index) happens.
        from . import services

        fields = {name: form.cleaned_data[name] for name in
                  ["section", "title", "body", "draft", "promoted", "position", "external_id"]
                  if name in form.cleaned_data}
        if change:
            services.article_update(article=obj, by=request.user, **fields)
        else:
            fields.setdefault("external_id", None)
            saved = services.article_create(author=request.user, **fields)
            obj.pk = saved.pk
            obj.refresh_from_db()

    # Deleting through the service keeps the section's stored article count right (the
    # admin's own delete would leave it one too high until a recount).
    def delete_model(self, request, obj):
        from . import services

        services.article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        from . import services

        for article in queryset:
            services.article_delete(article=article)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Moderation of community posts: the same service as the site renders the body again
    (so the page and the search index show the edit); the author is the asker, never
    changed, and a post added here is written by whoever adds it."""

    form = PostAdminForm
    list_display = ["title", "topic", "author", "created_at"]
    list_filter = ["topic"]
    list_select_related = ["topic", "author"]
    readonly_fields = ["slug", "author", "comment_total", "created_at", "updated_at"]

    def get_fields(self, request, obj=None):
        fields = ["topic", "title", "slug", "body"]
        if obj is None:
            return fields
        return [*fields, "author", "comment_total", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        from . import services

        fields = {name: form.cleaned_data[name] for name in ["topic", "title", "body"]}
        if change:
            services.post_update(post=obj, by=request.user, **fields)
        else:
            saved = services.post_create(author=request.user, **fields)
            obj.pk = saved.pk
            obj.refresh_from_db()


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Moderation: read a comment, edit its text, delete it.

    Comments are written on the site, where they are rendered, counted and announced to
    followers; official answers are marked there too (by agents, with the notification).
    So the admin adds none, and changes only the body, through the service that renders it
    again; deleting goes through the service that keeps the thread's count.
    """

    list_display = ["id", "author", "article", "post", "is_official", "created_at"]
    list_filter = ["is_official"]
    fields = ["article", "post", "author", "body", "is_official", "official_marked_by", "created_at"]
    readonly_fields = ["article", "post", "author", "is_official", "official_marked_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        from . import services

        services.comment_edit(comment=obj, body=form.cleaned_data["body"])

    def delete_model(self, request, obj):
        from . import services

        services.comment_delete(comment=obj)

    def delete_queryset(self, request, queryset):
        from . import services

        for comment in queryset.select_related("article", "post"):
            services.comment_delete(comment=comment)


admin.site.register(Follow)
admin.site.register(Vote)
