"""Single sign-on settings per organisation, the identities linked to accounts, and which
organisations each user belongs to.

Only superusers see these pages: they decide who can sign in and where, as for user accounts."""

from django.contrib import admin

from accounts.models import ExternalIdentity, Membership, OrganisationSignIn


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(OrganisationSignIn)
class OrganisationSignInAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["organisation", "label", "enabled", "local_passwords_allowed", "slug"]
    list_filter = ["enabled", "local_passwords_allowed"]
    fieldsets = [
        (None, {"fields": ["organisation", "slug", "label", "enabled"]}),
        (
            "Identity provider (Entra ID app registration)",
            {"fields": ["discovery_url", "client_id", "client_secret_variable", "tenant_ids"]},
        ),
        ("Passwords", {"fields": ["local_passwords_allowed"]}),
    ]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["user", "organisation", "email", "tenant_id", "last_signed_in_at"]
    list_filter = ["organisation"]
    search_fields = ["user__username", "email", "subject"]
    readonly_fields = [
        "issuer",
        "subject",
        "tenant_id",
        "email",
        "roles",
        "created_at",
        "last_signed_in_at",
    ]
    raw_id_fields = ["user"]

    def has_add_permission(self, request, obj=None):
        return False  # made by signing in; an administrator may re-point or delete one


@admin.register(Membership)
class MembershipAdmin(SuperuserOnly, admin.ModelAdmin):
    """Who belongs to which organisation, in which role (ADR 0012). Single sign-on keeps the
    membership of the organisation a user signs in through; others are given here."""

    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["organisation", "role"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]
