from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from core.models import AuditEvent, Job, Organisation, Person, WorkerHeartbeat

admin.site.site_header = "Improvement Plan Tracker administration"
admin.site.site_title = "Improvement Plan Tracker"
admin.site.index_title = "Plans, actions and measures"


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "is_role", "organisation", "email", "user"]
    list_filter = ["is_role", "organisation"]
    list_select_related = ["organisation", "user"]
    search_fields = ["name", "job_title", "email", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation", "user"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is a record, not something to edit."""

    list_display = ["at", "kind", "username", "summary", "path", "ip_address"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["username", "summary", "path"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Every user's background jobs (core.tasks), read-only: they are a record of what ran."""

    list_display = ["__str__", "requester", "status", "progress", "attempts", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["requester"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "hostname", "started_at", "last_seen"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
