from django.contrib import admin

from .models import Synonym


# Analytics are read on the agents' search analytics page, not here.
@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["terms", "locale", "updated_at"]
    list_filter = ["locale"]
    search_fields = ["terms"]
