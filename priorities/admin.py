"""Admin pages for a plan's structure: key issues, priorities, outcomes, objectives and
statements; the plan's own admin page gains them as inlines here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_scope import OrganisationScopedAdmin, OrganisationScopedInline
from plans.admin import PlanAdmin as PlanOnlyAdmin
from plans.models import Plan
from priorities.models import KeyIssue, Objective, Outcome, PlanStatement, Priority


class KeyIssueInline(admin.TabularInline):
    model = KeyIssue
    extra = 0
    fields = ["number", "order", "title", "description"]


class PriorityInline(OrganisationScopedInline, admin.StackedInline):
    model = Priority
    extra = 0
    fields = [("number", "order"), "title", "statement", "notes", "lead"]
    autocomplete_fields = ["lead"]
    show_change_link = True


class PlanStatementInline(admin.TabularInline):
    model = PlanStatement
    extra = 0
    fields = ["kind", "number", "order", "title", "body", "year", "priority"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "priority":
            plan_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Priority.objects.filter(plan_id=plan_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PlanAdmin(PlanOnlyAdmin):
    inlines = [PriorityInline, KeyIssueInline, PlanStatementInline, *PlanOnlyAdmin.inlines]


admin.site.unregister(Plan)
admin.site.register(Plan, PlanAdmin)


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    fields = ["number", "order", "title", "description"]
    show_change_link = True


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["number", "order", "outcome", "title"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "outcome":
            priority_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Outcome.objects.filter(priority_id=priority_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Priority)
class PriorityAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "plan__organisation"
    list_display = ["number", "title", "plan", "lead", "order"]
    list_filter = ["plan"]
    list_select_related = ["plan", "lead"]
    search_fields = ["number", "title", "statement", "notes", "plan__title"]
    autocomplete_fields = ["plan", "lead", "key_issues"]
    inlines = [OutcomeInline, ObjectiveInline]


@admin.register(Outcome)
class OutcomeAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "priority__plan__organisation"
    list_display = ["number", "title", "priority"]
    list_filter = ["priority__plan"]
    list_select_related = ["priority", "priority__plan"]
    search_fields = ["number", "title"]
    autocomplete_fields = ["priority"]


@admin.register(Objective)
class ObjectiveAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "priority__plan__organisation"
    list_display = ["number", "title", "priority", "outcome"]
    list_filter = ["priority__plan"]
    list_select_related = ["priority", "outcome"]
    search_fields = ["number", "title"]
    autocomplete_fields = ["priority", "outcome"]


@admin.register(KeyIssue)
class KeyIssueAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "plan__organisation"
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["number", "title", "description"]
    autocomplete_fields = ["plan"]


@admin.register(PlanStatement)
class PlanStatementAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "plan__organisation"
    list_display = ["title", "kind", "number", "year", "plan", "priority"]
    list_filter = ["kind", "plan"]
    list_select_related = ["plan", "priority"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["plan", "priority"]
