from django.contrib import admin, messages

from kb import clock

from .models import ApiToken
from .services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed and revoked here; they are made by ``manage.py api_token`` (the
    secret is shown once, and an admin form would have to show it)."""

    list_display = ["__str__", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        at = clock.now()
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, at=at)
        self.message_user(request, "Revoked: they no longer sign anything in.", messages.SUCCESS)
