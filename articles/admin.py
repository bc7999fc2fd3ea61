from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from markdownx.admin import MarkdownxModelAdmin

from .markdown import markdown_problem
from .models import (
    Article,
    Category,
    Comment,
    Follow,
    Label,
    Post,
    Section,
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


@admin.register(Category, Topic)
class HeadingAdmin(admin.ModelAdmin):
    """Categories and topics (both ``Heading`` models)."""

    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A slug typed here changes the page's URL: the old one keeps answering, with a 301.
        if change and "slug" in form.changed_data and form.initial.get("slug"):
            from . import services

            services.former_slug_record(heading=obj, slug=form.initial["slug"])


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "position"]
    list_filter = ["category"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(MarkdownxModelAdmin):
    form = ArticleAdminForm
    # The slug follows the title (services derive it), so it is shown, never typed.
    readonly_fields = ["slug", "created_at", "updated_at"]
    list_display = ["title", "section", "draft", "promoted", "updated_at"]
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
