from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from priorities.models import KeyIssue, PlanStatement, Priority

from .models import (
    AuditEvent,
    Board,
    BoardMembership,
    IssuedPack,
    Meeting,
    Organisation,
    Person,
    Plan,
    PlanImport,
    PlanLink,
)

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


class PlanLinkInline(admin.TabularInline):
    model = PlanLink
    fk_name = "plan"
    extra = 0
    autocomplete_fields = ["related_plan"]


class KeyIssueInline(admin.TabularInline):
    model = KeyIssue
    extra = 0
    fields = ["number", "order", "title", "description"]


class PriorityInline(admin.StackedInline):
    model = Priority
    extra = 0
    fields = [("number", "order"), "title", "statement", "lead"]
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


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "organisation", "status", "version_label", "start", "end"]
    list_filter = ["status", "kind", "organisation", "numbering"]
    list_select_related = ["organisation"]
    search_fields = ["title", "slug", "summary", "organisation__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "partners", "owner"]
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
    ]
    inlines = [PriorityInline, KeyIssueInline, PlanStatementInline, PlanLinkInline]


class BoardMembershipInline(admin.TabularInline):
    model = BoardMembership
    extra = 0
    autocomplete_fields = ["person"]


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "cadence"]
    list_filter = ["cadence", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "purpose"]
    autocomplete_fields = ["organisation", "plans"]
    inlines = [BoardMembershipInline, MeetingInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["board", "date", "title", "kind"]
    list_filter = ["board", "kind"]
    list_select_related = ["board"]
    search_fields = ["title", "board__name"]
    date_hierarchy = "date"


@admin.register(BoardMembership)
class BoardMembershipAdmin(admin.ModelAdmin):
    list_display = ["board", "person", "role"]
    list_filter = ["board", "role"]
    list_select_related = ["board", "person"]
    search_fields = ["person__name", "board__name"]
    autocomplete_fields = ["board", "person"]


@admin.register(PlanLink)
class PlanLinkAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "related_plan", "url"]
    list_filter = ["plan"]
    list_select_related = ["plan", "related_plan"]
    search_fields = ["title"]
    autocomplete_fields = ["plan", "related_plan"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is a record, not something to edit."""

    list_display = ["at", "kind", "username", "summary", "path", "ip_address"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    search_fields = ["username", "summary", "path"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IssuedPack)
class IssuedPackAdmin(admin.ModelAdmin):
    """Issued packs are frozen: viewable, never editable or deletable (a deleted pack could be
    issued again with later figures, and the board's record of what it was shown would be lost)."""

    list_display = ["meeting", "issued_at", "issued_by", "as_at"]
    list_select_related = ["meeting", "meeting__board", "issued_by"]
    search_fields = ["meeting__board__name"]
    exclude = ["html"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanImport)
class PlanImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "status", "uploaded_by", "uploaded_at", "plan"]
    list_filter = ["kind", "status"]
    list_select_related = ["uploaded_by", "plan"]
    search_fields = ["filename"]
    exclude = ["content"]
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
