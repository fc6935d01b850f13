from django.contrib import admin

from augenhoehe.safety.models import Alert, CrisisResource, Flag


@admin.register(CrisisResource)
class CrisisResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "phone", "hours", "audience", "is_active", "last_checked")
    list_filter = ("country", "audience", "is_active", "is_emergency")
    search_fields = ("name", "phone", "description")
    list_editable = ("is_active",)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """Read-only: flags are written by the safety net only (they hold no text)."""

    list_display = ("created", "level", "context_kind", "room_id", "message_seq", "author")
    list_filter = ("level", "context_kind")
    readonly_fields = [f.name for f in Flag._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("created", "flag", "escalated_at", "acknowledged_at", "acknowledged_by")
    list_filter = ("acknowledged_at", "escalated_at")
    readonly_fields = ("flag", "created", "escalated_at", "acknowledged_at", "acknowledged_by")
    fields = ("flag", "created", "escalated_at", "acknowledged_at", "acknowledged_by", "note")

    def has_add_permission(self, request):
        return False
