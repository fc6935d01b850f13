from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from augenhoehe.accounts import actions
from augenhoehe.accounts.models import PeerCertificate, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    readonly_fields = ("granted_by", "granted_at")


class PeerCertificateInline(admin.StackedInline):
    model = PeerCertificate
    fk_name = "user"
    extra = 0
    readonly_fields = ("verified_by", "verified_at")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("pseudonym",)
    list_display = ("pseudonym", "perspective", "roles", "language", "date_joined", "is_active")
    list_filter = ("perspective", "language", "is_active", "role_grants__role")
    search_fields = ("pseudonym",)
    inlines = [RoleGrantInline, PeerCertificateInline]
    fieldsets = (
        (None, {"fields": ("pseudonym", "password")}),
        (_("Profile"), {"fields": ("perspective", "language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("pseudonym", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        return ", ".join(sorted(obj.role_names)) or "–"

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if isinstance(obj, RoleGrant):
                actions.grant_role(obj.user, obj.role, granted_by=request.user)
            elif isinstance(obj, PeerCertificate):
                actions.verify_peer_certificate(
                    obj.user, verified_by=request.user, title=obj.title, issuer=obj.issuer
                )
        formset.save_m2m()


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "granted_by", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__pseudonym",)
    autocomplete_fields = ("user",)
    readonly_fields = ("granted_by", "granted_at")

    def save_model(self, request, obj, form, change):
        actions.grant_role(obj.user, obj.role, granted_by=request.user)
