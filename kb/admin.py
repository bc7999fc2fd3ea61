from django.contrib import admin

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what is waiting and why it failed."""

    list_display = ["subject", "kind", "status", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]

    def has_add_permission(self, request):
        return False
