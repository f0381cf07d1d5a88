from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Action

from .models import KeyIssue, Objective, Outcome, PlanStatement, Priority


class ActionInline(admin.StackedInline):
    model = Action
    extra = 0
    fields = [
        ("number", "sequence"),
        "outcome",
        "objective",
        "description",
        "success_criteria",
        ("lead", "lead_text"),
        "timescale_text",
        "tags",
    ]
    autocomplete_fields = ["lead", "tags"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead", "outcome", "objective", "plan")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        priority_id = request.resolver_match.kwargs.get("object_id")
        if db_field.name == "outcome":
            kwargs["queryset"] = Outcome.objects.filter(priority_id=priority_id)
        elif db_field.name == "objective":
            kwargs["queryset"] = Objective.objects.filter(priority_id=priority_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
class PriorityAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan", "lead", "order"]
    list_filter = ["plan"]
    list_select_related = ["plan", "lead"]
    search_fields = ["number", "title", "statement", "plan__title"]
    autocomplete_fields = ["plan", "lead", "key_issues"]
    inlines = [OutcomeInline, ObjectiveInline, ActionInline]

    def save_formset(self, request, form, formset, change):
        # New actions added inline take the priority's plan.
        for obj in formset.save(commit=False):
            if isinstance(obj, Action) and not obj.plan_id:
                obj.plan_id = form.instance.plan_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Outcome)
class OutcomeAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "priority"]
    list_filter = ["priority__plan"]
    list_select_related = ["priority", "priority__plan"]
    search_fields = ["number", "title"]
    autocomplete_fields = ["priority"]


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "priority", "outcome"]
    list_filter = ["priority__plan"]
    list_select_related = ["priority", "outcome"]
    search_fields = ["number", "title"]
    autocomplete_fields = ["priority", "outcome"]


@admin.register(KeyIssue)
class KeyIssueAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["number", "title", "description"]
    autocomplete_fields = ["plan"]


@admin.register(PlanStatement)
class PlanStatementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "number", "year", "plan", "priority"]
    list_filter = ["kind", "plan"]
    list_select_related = ["plan", "priority"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["plan", "priority"]
