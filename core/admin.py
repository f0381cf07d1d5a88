from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from core.admin_scope import OrganisationScopedAdmin, RecordAdmin
from core.models import AuditEvent, Job, Organisation, Person, WorkerHeartbeat
from core.permissions import administered_organisation_ids, users_of_organisations_q

admin.site.site_header = "Improvement Plan Tracker administration"
admin.site.site_title = "Improvement Plan Tracker"
admin.site.index_title = "Plans, actions and measures"


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """An administrator sees their own organisations, and the partners named on their plans and
    actions (which they may choose as partners but not change)."""

    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]

    def scope_to(self, queryset: QuerySet, ids: frozenset[int]) -> QuerySet:
        partners = Organisation.objects.filter(
            Q(partner_plans__organisation_id__in=ids)
            | Q(partner_actions__plan__organisation_id__in=ids)
        ).values("pk")
        return queryset.filter(Q(pk__in=ids) | Q(pk__in=partners))

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._owns(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._owns(request, obj)

    @staticmethod
    def _owns(request: HttpRequest, obj: Model | None) -> bool:
        ids = administered_organisation_ids(request.user)
        return obj is None or ids is None or obj.pk in ids


@admin.register(Person)
class PersonAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """An administrator sees the people of their organisations and the members of their boards
    (a partner agency's representative, say)."""

    list_display = ["name", "job_title", "is_role", "organisation", "email", "user", "illustrative"]
    list_filter = ["is_role", "illustrative", "organisation"]
    list_select_related = ["organisation", "user"]
    search_fields = ["name", "job_title", "email", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation", "user"]

    def scope_to(self, queryset: QuerySet, ids: frozenset[int]) -> QuerySet:
        members = Person.objects.filter(board_memberships__board__organisation_id__in=ids)
        return queryset.filter(Q(organisation_id__in=ids) | Q(pk__in=members.values("pk")))


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin, OrganisationScopedAdmin, admin.ModelAdmin):
    """Read-only: the audit log is a record, not something to edit. An administrator sees the
    events of the users of their organisations; a superuser every event."""

    list_display = ["at", "kind", "username", "summary", "path", "ip_address"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["username", "summary", "path"]
    date_hierarchy = "at"

    def scope_to(self, queryset: QuerySet, ids: frozenset[int]) -> QuerySet:
        users = get_user_model().objects.filter(users_of_organisations_q(ids)).values("pk")
        return queryset.filter(user__in=users)


@admin.register(Job)
class JobAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """Background jobs (core.tasks), read-only: they are a record of what ran. An administrator
    sees the jobs of their organisations' users; a superuser every job."""

    list_display = ["__str__", "requester", "status", "progress", "attempts", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["requester"]
    date_hierarchy = "created_at"

    def scope_to(self, queryset: QuerySet, ids: frozenset[int]) -> QuerySet:
        users = get_user_model().objects.filter(users_of_organisations_q(ids)).values("pk")
        return queryset.filter(requester__in=users)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """The installation's workers: a superuser's page (no organisation owns a worker)."""

    list_display = ["worker_id", "hostname", "started_at", "last_seen"]

    def scope_to(self, queryset: QuerySet, ids: frozenset[int]) -> QuerySet:
        return queryset.none()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
