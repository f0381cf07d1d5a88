"""Administrators record inspections, their judgements, findings, deadlines and visit findings,
and link actions to findings, in the Django admin (with history). An administrator who is not a
superuser keeps only their organisations' records (``core.admin_scope``, ADR 0012)."""

from django.contrib import admin, messages
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from actions.admin import ActionAdmin
from actions.models import Action
from core.admin_scope import OrganisationScopedAdmin, OrganisationScopedInline
from inspections import services
from inspections.models import (
    Deadline,
    DeadlineReminder,
    Evidence,
    Inspection,
    Judgement,
    Recommendation,
    RecommendationAction,
    SelfEvaluation,
    VisitFinding,
)


class JudgementInline(admin.TabularInline):
    model = Judgement
    extra = 0


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = [("kind", "number", "order"), "text", "illustrative"]
    show_change_link = True


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0
    fields = [
        "kind",
        "label",
        "basis",
        "working_days",
        "computed_due",
        "override_due",
        "override_reason",
        "met_on",
    ]
    readonly_fields = ["computed_due"]

    @admin.display(description="due (computed)")
    def computed_due(self, obj):
        return obj.computed_due or "–"


class VisitFindingInline(OrganisationScopedInline, admin.StackedInline):
    model = VisitFinding
    fk_name = "visit"
    extra = 0
    autocomplete_fields = ["recommendation"]
    verbose_name = "finding of this visit about an earlier recommendation"
    verbose_name_plural = "findings of this visit about earlier recommendations"


class LinkedCreatedByMixin:
    """Links made in the admin record who made them."""

    def save_formset(self, request, form, formset, change):
        if formset.model not in (RecommendationAction, Deadline):
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        changed = {f.instance: f.changed_data for f in formset.forms}
        for obj in instances:
            if isinstance(obj, RecommendationAction) and obj.created_by_id is None:
                obj.created_by = request.user
            if isinstance(obj, Deadline) and {"override_due", "override_reason"} & set(
                changed.get(obj, [])
            ):
                record_override(obj, request.user)
            obj.save()
        formset.save_m2m()


def record_override(deadline: Deadline, user) -> None:
    """Who overrode a deadline's date, when and why (the reason also goes in the history)."""
    deadline.overridden_by = user if deadline.override_due else None
    deadline.overridden_at = timezone.now() if deadline.override_due else None
    deadline._change_reason = deadline.override_reason


@admin.register(Inspection)
class InspectionAdmin(LinkedCreatedByMixin, OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "organisation"
    list_display = ["title", "organisation", "kind", "on_site_start", "report_received"]
    list_filter = ["kind", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["title", "summary", "organisation__name"]
    autocomplete_fields = ["organisation", "plans", "follows"]
    date_hierarchy = "on_site_start"
    fieldsets = [
        (None, {"fields": ["organisation", "kind", "title", "inspectorate", "follows", "plans"]}),
        ("Dates", {"fields": [("on_site_start", "on_site_end"), "report_received", "published"]}),
        ("More", {"fields": ["adviser", "report_url", "summary", "action_tag_prefix"]}),
        ("Demo data", {"fields": ["illustrative", "illustrative_note"]}),
    ]
    inlines = [JudgementInline, RecommendationInline, DeadlineInline, VisitFindingInline]
    actions = ["link_by_tags"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        created = services.deadlines_ensure(inspection=form.instance)
        if created:
            names = ", ".join(f"{d.name} by {d.due:%-d %B %Y}" for d in created if d.due)
            self.message_user(request, f"Statutory deadlines added: {names or 'none dated yet'}.")

    @admin.action(description="Link actions by their tags to the findings with that number")
    def link_by_tags(self, request, queryset):
        added = sum(
            services.link_actions_by_tags(inspection=i, user=request.user) for i in queryset
        )
        self.message_user(request, f"{added} links added.", messages.SUCCESS)


class RecommendationActionInline(OrganisationScopedInline, admin.TabularInline):
    model = RecommendationAction
    extra = 0
    autocomplete_fields = ["action"]
    fields = ["action", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    verbose_name = "action answering it"
    verbose_name_plural = "actions answering it"


@admin.register(Recommendation)
class RecommendationAdmin(LinkedCreatedByMixin, OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "inspection__organisation"
    list_display = ["label", "inspection", "short_text"]
    list_filter = ["kind", "inspection__organisation"]
    list_select_related = ["inspection"]
    search_fields = ["number", "text", "inspection__title"]
    autocomplete_fields = ["inspection", "measures"]
    inlines = [RecommendationActionInline]

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:90]


@admin.register(Deadline)
class DeadlineAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "inspection__organisation"
    list_display = ["name", "inspection", "working_days", "computed_due", "override_due", "met_on"]
    list_filter = ["kind"]
    list_select_related = ["inspection"]
    search_fields = ["label", "inspection__title"]
    autocomplete_fields = ["inspection"]
    readonly_fields = ["overridden_by", "overridden_at"]

    def save_model(self, request, obj, form, change):
        if {"override_due", "override_reason"} & set(form.changed_data):
            record_override(obj, request.user)
        super().save_model(request, obj, form, change)


@admin.register(VisitFinding)
class VisitFindingAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "visit__organisation"
    list_display = ["visit", "recommendation", "progress"]
    list_filter = ["progress"]
    list_select_related = ["visit", "recommendation"]
    search_fields = ["said", "recommendation__text", "visit__title"]
    autocomplete_fields = ["visit", "recommendation"]


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "deadline__inspection__organisation"
    list_display = ["deadline", "person", "stage", "due", "sent_at"]
    list_select_related = ["deadline", "person"]
    search_fields = ["person__name", "deadline__inspection__title"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0


@admin.register(SelfEvaluation)
class SelfEvaluationAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "organisation"
    list_display = ["organisation", "year", "status", "updated_at"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["year", "know", "how_know", "plans_text", "organisation__name"]
    autocomplete_fields = ["organisation", "actions", "measures"]
    inlines = [EvidenceInline]


class ActionRecommendationInline(OrganisationScopedInline, admin.TabularInline):
    model = RecommendationAction
    extra = 0
    autocomplete_fields = ["recommendation"]
    fields = ["recommendation", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    verbose_name = "inspection finding it answers"
    verbose_name_plural = "inspection findings it answers"


class ActionWithRecommendationsAdmin(LinkedCreatedByMixin, ActionAdmin):
    """The actions' admin, with the findings each answers (the inspections app sits above
    actions, so it adds the inline here rather than actions importing it)."""

    inlines = [*ActionAdmin.inlines, ActionRecommendationInline]


admin.site.unregister(Action)
admin.site.register(Action, ActionWithRecommendationsAdmin)
