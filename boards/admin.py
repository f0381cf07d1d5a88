from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from boards.models import (
    Board,
    BoardDecision,
    BoardMembership,
    BoardQuestion,
    IssuedPack,
    Meeting,
    PackBrief,
    PackFile,
)
from core.admin_scope import OrganisationScopedAdmin, OrganisationScopedInline, RecordAdmin


class BoardMembershipInline(OrganisationScopedInline, admin.TabularInline):
    model = BoardMembership
    extra = 0
    autocomplete_fields = ["person"]


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0


@admin.register(Board)
class BoardAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "organisation"
    list_display = ["name", "organisation", "cadence"]
    list_filter = ["cadence", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "purpose"]
    autocomplete_fields = ["organisation", "plans"]
    inlines = [BoardMembershipInline, MeetingInline]


@admin.register(Meeting)
class MeetingAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "board__organisation"
    list_display = ["board", "date", "title", "kind", "illustrative"]
    list_filter = ["board", "kind", "illustrative"]
    list_select_related = ["board"]
    search_fields = ["title", "board__name"]
    date_hierarchy = "date"


@admin.register(BoardMembership)
class BoardMembershipAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "board__organisation"
    list_display = ["board", "person", "role", "illustrative"]
    list_filter = ["board", "role", "illustrative"]
    list_select_related = ["board", "person"]
    search_fields = ["person__name", "board__name"]
    autocomplete_fields = ["board", "person"]


@admin.register(IssuedPack)
class IssuedPackAdmin(RecordAdmin, OrganisationScopedAdmin, admin.ModelAdmin):
    """Issued packs are frozen: viewable, never editable or deletable (a deleted pack could be
    issued again with later figures, and the board's record of what it was shown would be lost)."""

    organisation_path = "meeting__board__organisation"
    list_display = ["meeting", "issued_at", "issued_by", "as_at"]
    list_select_related = ["meeting", "meeting__board", "issued_by"]
    search_fields = ["meeting__board__name"]
    exclude = ["html"]


@admin.register(PackFile)
class PackFileAdmin(RecordAdmin, OrganisationScopedAdmin, admin.ModelAdmin):
    """The pack files the queue has stored, for an administrator to see what is kept and how
    large it is. Read-only: files are made and replaced by the queue (``boards.packs.stored``);
    an issued pack's files are never deleted, and a draft's are deleted a day after a newer
    version replaces them."""

    organisation_path = "meeting__board__organisation"
    list_display = ["meeting", "format", "issued_pack", "filename", "size", "volumes", "created_at"]
    list_filter = ["format", ("issued_pack", admin.EmptyFieldListFilter)]
    list_select_related = ["meeting", "meeting__board", "issued_pack"]
    search_fields = ["meeting__board__name", "filename"]
    date_hierarchy = "created_at"


@admin.register(PackBrief)
class PackBriefAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "meeting__board__organisation"
    list_display = ["meeting", "updated_by", "updated_at"]
    list_select_related = ["meeting", "meeting__board", "updated_by"]
    search_fields = ["meeting__board__name", "summary", "key_messages"]
    readonly_fields = ["version", "updated_by", "updated_at"]


@admin.register(BoardQuestion)
class BoardQuestionAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "meeting__board__organisation"
    list_display = ["meeting", "action", "asked_by", "asked_at", "answered_at"]
    list_select_related = ["meeting", "meeting__board", "action", "asked_by"]
    search_fields = ["question", "answer", "meeting__board__name"]
    autocomplete_fields = ["action"]
    readonly_fields = ["version", "asked_at", "answered_at"]


@admin.register(BoardDecision)
class BoardDecisionAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "meeting__board__organisation"
    list_display = ["meeting", "kind", "owner_person", "owner", "due", "closed_on"]
    list_filter = ["kind", "meeting__board"]
    list_select_related = ["meeting", "meeting__board", "owner_person"]
    autocomplete_fields = ["owner_person"]
    search_fields = ["text", "owner", "meeting__board__name"]
    readonly_fields = ["recorded_at"]
