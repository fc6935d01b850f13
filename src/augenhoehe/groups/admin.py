from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from augenhoehe.chat.actions import create_room
from augenhoehe.groups.actions import GROUP_ROOM_KIND
from augenhoehe.groups.models import (
    Audience,
    Group,
    Membership,
    MembershipStatus,
    ModerationRecord,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "status", "is_facilitator", "joined_at", "removed_by", "removal_reason")
    readonly_fields = ("joined_at", "removed_by")
    autocomplete_fields = ("user",)
    fk_name = "group"


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "topic",
        "language",
        "audience",
        "join_policy",
        "members",
        "rules_pinned",
        "created",
    )
    list_filter = ("topic", "language", "audience", "join_policy")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("room", "created")
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_members=Count(
                    "memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE)
                )
            )
        )

    @admin.display(description=_("members"), ordering="active_members")
    def members(self, obj: Group) -> int:
        return getattr(obj, "active_members", 0)

    def save_model(self, request, obj: Group, form, change) -> None:
        if obj.room_id is None:  # same as actions.create_group: every group has its room
            obj.room = create_room(
                kind=GROUP_ROOM_KIND,
                title=obj.name,
                label_perspectives=obj.audience == Audience.TRIALOG,
            )
        elif "audience" in form.changed_data:
            obj.room.label_perspectives = obj.audience == Audience.TRIALOG
            obj.room.save(update_fields=["label_perspectives"])
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "group", "status", "is_facilitator", "joined_at", "removed_at")
    list_filter = ("status", "is_facilitator", "group")
    search_fields = ("user__pseudonym", "group__name")
    list_select_related = ("user", "group")
    autocomplete_fields = ("user", "group")
    readonly_fields = ("requested_at", "accepted_rules_at", "removed_by", "removed_at")


@admin.register(ModerationRecord)
class ModerationRecordAdmin(admin.ModelAdmin):
    """The record of facilitator actions is evidence: it can be read, never edited."""

    list_display = ("created", "group", "actor", "action", "target_user", "target_seq")
    list_filter = ("action", "group")
    search_fields = ("actor__pseudonym", "target_user__pseudonym", "group__name", "note")
    list_select_related = ("group", "actor", "target_user")
    date_hierarchy = "created"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
