from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from actions.models import (
    Action,
    ActionLink,
    Attachment,
    RagDefinition,
    ReminderSent,
    ReportingPeriod,
    StatusUpdate,
    SubAction,
    Tag,
)
from actions.querysets import overdue_q
from actions.services import action_ratings_resync
from core.admin_scope import OrganisationScopedAdmin, OrganisationScopedInline
from priorities.admin import PriorityAdmin as PriorityOnlyAdmin
from priorities.models import Objective, Outcome, Priority


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_q(timezone.localdate()))
        if self.value() == "no":
            return queryset.exclude(overdue_q(timezone.localdate()))
        return queryset


class TimescaleUnderstoodFilter(admin.SimpleListFilter):
    title = "timescale"
    parameter_name = "timescale"

    def lookups(self, request, model_admin):
        return [("unparsed", "Not understood (kept as written)"), ("none", "Not given")]

    def queryset(self, request, queryset):
        if self.value() == "unparsed":
            return queryset.filter(timescale_kind="unparsed")
        if self.value() == "none":
            return queryset.filter(timescale_kind="blank")
        return queryset


class ActionLinkInline(admin.TabularInline):
    model = ActionLink
    extra = 0


class SubActionInline(admin.TabularInline):
    model = SubAction
    extra = 0
    fields = ["order", "description", "lead_text", "timescale_text", "links", "complete"]


class StatusUpdateInline(admin.TabularInline):
    """The history of ratings, read-only here: updates are given through the officers' pages."""

    model = StatusUpdate
    extra = 0
    can_delete = False
    fields = ["created_at", "period", "rating", "commentary", "author_name", "illustrative"]
    readonly_fields = fields
    ordering = ["-created_at"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("period")


@admin.register(Action)
class ActionAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "plan__organisation"
    list_display = [
        "number",
        "short_description",
        "plan",
        "priority",
        "lead",
        "timescale_text",
        "timescale_due",
        "rating",
    ]
    list_display_links = ["number", "short_description"]
    list_filter = ["plan", "rating", "lead", OverdueFilter, TimescaleUnderstoodFilter, "tags"]
    list_select_related = ["plan", "priority", "lead"]
    search_fields = ["number", "description", "success_criteria", "lead_text", "lead__name"]
    autocomplete_fields = [
        "plan",
        "priority",
        "outcome",
        "objective",
        "lead",
        "supporting_officers",
        "delegates",
        "partners",
        "tags",
    ]
    readonly_fields = [
        "rating",
        "rating_updated_at",
        "timescale_kind",
        "timescale_start",
        "timescale_due",
        "version",
    ]
    fieldsets = [
        (None, {"fields": ["plan", "priority", "outcome", "objective", ("number", "sequence")]}),
        ("What", {"fields": ["description", "success_criteria", "tags", "notes"]}),
        (
            "Who",
            {"fields": [("lead", "lead_text"), "supporting_officers", "delegates", "partners"]},
        ),
        (
            "When",
            {"fields": ["timescale_text", ("timescale_kind", "timescale_start", "timescale_due")]},
        ),
        ("Status", {"fields": [("rating", "rating_updated_at"), "version"]}),
    ]
    inlines = [SubActionInline, ActionLinkInline, StatusUpdateInline]

    @admin.display(description="description", ordering="description")
    def short_description(self, obj):
        return obj.description[:90]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "action__plan__organisation"
    list_display = [
        "action",
        "period",
        "rating",
        "approval",
        "author_name",
        "created_at",
        "illustrative",
    ]
    list_filter = [
        "rating",
        "approval",
        "action__plan",
        "outside_control",
        "escalate",
        "illustrative",
    ]
    list_select_related = ["action", "period", "period__plan"]
    search_fields = ["commentary", "action__number", "action__description", "author_name"]
    autocomplete_fields = ["action", "author"]
    readonly_fields = ["rating"]
    date_hierarchy = "created_at"

    # Updates are normally given through the officers' pages, which keep each action's current
    # rating and version. Changes made here do the same afterwards, so the dashboards, packs and
    # the optimistic version check never work from a rating the history no longer holds.
    def save_model(self, request, obj, form, change):
        before = StatusUpdate.objects.filter(pk=obj.pk).values_list("action_id", flat=True)
        previous_action = before.first() if change else None
        super().save_model(request, obj, form, change)
        action_ratings_resync({obj.action_id, previous_action} - {None})

    def delete_model(self, request, obj):
        action_id = obj.action_id
        super().delete_model(request, obj)
        action_ratings_resync([action_id])

    def delete_queryset(self, request, queryset):
        action_ids = set(queryset.values_list("action_id", flat=True))
        super().delete_queryset(request, queryset)
        action_ratings_resync(action_ids)


@admin.register(Attachment)
class AttachmentAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """Evidence files are added only with an update, where their content is checked
    (``actions.evidence``); here they can be found, downloaded and, if need be, deleted."""

    organisation_path = "update__action__plan__organisation"

    list_display = ["name", "kind", "size", "update", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "update__action__plan"]
    list_select_related = ["update", "update__action", "uploaded_by"]
    search_fields = ["name", "update__action__number", "update__action__description"]
    fields = ["update", "download", "name", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description="file")
    def download(self, obj):
        # The checked download (never the storage's own address, which is not served).
        return format_html('<a href="{}">Download</a>', obj.get_absolute_url())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "plan__organisation"
    list_display = ["label", "plan", "start", "end", "closes_on", "reopened_at"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["label", "plan__title"]
    autocomplete_fields = ["plan"]
    readonly_fields = ["reopened_at", "reopened_by"]
    actions = ["reopen_periods", "close_periods"]

    @admin.action(description="Reopen the selected periods for late updates")
    def reopen_periods(self, request, queryset):
        from actions.periods import period_reopen

        for period in queryset:
            period_reopen(
                period=period,
                user=request.user,
                reason=f"Reopened in the admin by {request.user.get_username()}",
            )
        self.message_user(request, f"Reopened {queryset.count()} period(s).")

    @admin.action(description="Close the selected periods again")
    def close_periods(self, request, queryset):
        for period in queryset:
            period.reopened_at = None
            period._change_reason = f"Closed again by {request.user.get_username()}"
            period.save(update_fields=["reopened_at"])
        self.message_user(request, f"Closed {queryset.count()} period(s).")


@admin.register(SubAction)
class SubActionAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "action__plan__organisation"
    list_display = ["description", "action", "timescale_text", "timescale_due", "complete"]
    list_filter = ["action__plan", "complete"]
    list_select_related = ["action"]
    search_fields = ["description"]
    autocomplete_fields = ["action"]


@admin.register(Tag)
class TagAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """Tags are shared words; an administrator sees those on their organisations' actions."""

    search_fields = ["name"]

    def scope_to(self, queryset, ids):
        used = Tag.objects.filter(actions__plan__organisation_id__in=ids).values("pk")
        return queryset.filter(pk__in=used)


@admin.register(ActionLink)
class ActionLinkAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "action__plan__organisation"
    list_display = ["title", "action", "url"]
    list_select_related = ["action"]
    search_fields = ["title"]
    autocomplete_fields = ["action"]


@admin.register(RagDefinition)
class RagDefinitionAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "organisation"
    list_display = ["organisation", "rating", "label", "meaning"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["label", "meaning"]


@admin.register(ReminderSent)
class ReminderSentAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "period__plan__organisation"
    list_display = ["kind", "person", "period", "sent_at", "action_count"]
    list_filter = ["kind"]
    list_select_related = ["person", "period", "period__plan"]
    search_fields = ["person__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ActionInline(OrganisationScopedInline, admin.StackedInline):
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


class PriorityAdmin(PriorityOnlyAdmin):
    """The priority's admin page with its actions, which can be added there."""

    inlines = [*PriorityOnlyAdmin.inlines, ActionInline]

    def save_formset(self, request, form, formset, change):
        # New actions added inline take the priority's plan.
        for obj in formset.save(commit=False):
            if isinstance(obj, Action) and not obj.plan_id:
                obj.plan_id = form.instance.plan_id
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


admin.site.unregister(Priority)
admin.site.register(Priority, PriorityAdmin)
