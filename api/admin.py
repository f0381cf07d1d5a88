"""API keys in the admin: administrators make them (the whole key is shown once, on the page
that follows), set their scope and expiry, and revoke them. Keys are never deleted, so that their
log stays attached; the log of uses is read-only. An administrator who is not a superuser sees and
makes only keys within their organisations (``api.scope.keys_of_organisations_q``, ADR 0012):
the organisations and plans offered are theirs, and a key never reads more than those."""

from datetime import timedelta

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from api import keys
from api.models import ApiKey, ApiKeyUse
from api.scope import keys_of_organisations_q
from core.admin_scope import OrganisationScopedAdmin, RecordAdmin


@admin.register(ApiKey)
class ApiKeyAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    def scope_to(self, queryset, ids):
        return queryset.filter(keys_of_organisations_q(ids))

    list_display = [
        "name",
        "prefix",
        "access",
        "state",
        "expires_at",
        "last_used_at",
        "requests_per_minute",
        "created_by",
    ]
    list_filter = ["access", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["created_by"]
    search_fields = ["name", "prefix"]
    autocomplete_fields = ["organisations", "plans"]
    readonly_fields = [
        "prefix",
        "state",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = [
        "name",
        "access",
        "organisations",
        "plans",
        "expires_at",
        "requests_per_minute",
        *readonly_fields,
    ]
    actions = ["revoke"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("expires_at", timezone.now() + timedelta(days=365))
        return initial

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            request._new_api_key = keys.prepare(obj, created_by=request.user)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        raw = getattr(request, "_new_api_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "admin/api/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "title": "API key made",
                "key": obj,
                "raw_key": raw,
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected keys (they stop working at once)")
    def revoke(self, request, queryset):
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            keys.api_key_revoke(key=key, revoked_by=request.user)
            count += 1
        self.message_user(request, f"{count} key(s) revoked.", messages.SUCCESS)


@admin.register(ApiKeyUse)
class ApiKeyUseAdmin(RecordAdmin, OrganisationScopedAdmin, admin.ModelAdmin):
    def scope_to(self, queryset, ids):
        return queryset.filter(keys_of_organisations_q(ids, "key"))

    list_display = ["at", "key", "presented_prefix", "method", "path", "status", "rows"]
    list_filter = ["status", "method", "key_in_query"]
    list_select_related = ["key"]
    search_fields = ["path", "presented_prefix", "key__name", "key__prefix"]
    date_hierarchy = "at"
