"""The plan's own admin page. Apps above plans add their parts to it (``priorities.admin`` adds
the plan's structure), by subclassing and registering again, so that plans need not know them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_scope import OrganisationScopedAdmin, OrganisationScopedInline
from plans.models import Plan, PlanLink


class PlanLinkInline(OrganisationScopedInline, admin.TabularInline):
    model = PlanLink
    fk_name = "plan"
    extra = 0
    autocomplete_fields = ["related_plan"]


@admin.register(Plan)
class PlanAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "organisation"
    list_display = ["title", "kind", "organisation", "status", "version_label", "start", "end"]
    list_filter = ["status", "kind", "organisation", "numbering"]
    list_select_related = ["organisation"]
    search_fields = ["title", "slug", "summary", "organisation__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "partners", "owner", "update_approvers"]
    date_hierarchy = "start"
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "organisation", "partners", "owner"]}),
        ("Period and status", {"fields": [("start", "end"), "status", "version_label"]}),
        ("Text", {"fields": ["summary", "vision"]}),
        (
            "How this plan names and numbers things",
            {
                "fields": [
                    ("priority_label", "outcome_label", "objective_label", "action_label"),
                    "numbering",
                    "reporting_cadence",
                ]
            },
        ),
        ("Approval of updates", {"fields": ["updates_need_approval", "update_approvers"]}),
    ]
    inlines = [PlanLinkInline]


@admin.register(PlanLink)
class PlanLinkAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "plan__organisation"
    list_display = ["title", "plan", "related_plan", "url"]
    list_filter = ["plan"]
    list_select_related = ["plan", "related_plan"]
    search_fields = ["title"]
    autocomplete_fields = ["plan", "related_plan"]
