from django.contrib import admin

from augenhoehe.safety.models import CrisisResource


@admin.register(CrisisResource)
class CrisisResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "phone", "hours", "audience", "is_active", "last_checked")
    list_filter = ("country", "audience", "is_active", "is_emergency")
    search_fields = ("name", "phone", "description")
    list_editable = ("is_active",)
