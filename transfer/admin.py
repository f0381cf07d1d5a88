from django.contrib import admin

from core.admin_scope import OrganisationScopedAdmin
from transfer.models import PlanImport
from transfer.permissions import imports_of_organisations_q


@admin.register(PlanImport)
class PlanImportAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["filename", "kind", "status", "uploaded_by", "uploaded_at", "plan"]
    list_filter = ["kind", "status"]
    list_select_related = ["uploaded_by", "plan"]
    search_fields = ["filename"]
    exclude = ["content", "table"]
    readonly_fields = [
        "kind",
        "status",
        "uploaded_by",
        "filename",
        "result",
        "plan",
        "committed_at",
    ]

    def has_add_permission(self, request):
        return False

    def scope_to(self, queryset, ids):
        return queryset.filter(imports_of_organisations_q(ids))
