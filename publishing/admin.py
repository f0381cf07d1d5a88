"""Publishing in the admin: a plan opts in (and is published at once from its latest issued
pack, if it has one), actions' commentary and leads as written are made public one by one, and
people who may be named are marked. Publications are read-only records. An administrator who is
not a superuser keeps only their organisations' plans (``core.admin_scope``, ADR 0012)."""

from django.contrib import admin, messages

from core.admin_scope import OrganisationScopedAdmin
from publishing.models import PublicAction, Publication, PublicPerson, PublishedPlan
from publishing.services import publication_refresh


@admin.register(PublishedPlan)
class PublishedPlanAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "plan__organisation"
    list_display = ["plan", "enabled", "updated_at"]
    list_filter = ["enabled"]
    list_select_related = ["plan"]
    search_fields = ["plan__title", "plan__slug"]
    autocomplete_fields = ["plan"]
    actions = ["publish_now"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        unpublished = obj.enabled and not obj.plan.publications.exists()
        if unpublished and publication_refresh(obj.plan) is None:
            self.message_user(
                request,
                "The plan will be published when the next board pack including it is issued.",
                messages.INFO,
            )

    @admin.action(description="Publish from the latest issued pack (if not published already)")
    def publish_now(self, request, queryset):
        made = [publication_refresh(p.plan) for p in queryset.filter(enabled=True)]
        self.message_user(request, f"{sum(1 for m in made if m)} plan(s) published.")


@admin.register(PublicAction)
class PublicActionAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "action__plan__organisation"
    list_display = ["action", "commentary_public", "lead_text_public"]
    list_filter = ["commentary_public", "lead_text_public", "action__plan"]
    list_select_related = ["action"]
    search_fields = ["action__number", "action__description"]
    autocomplete_fields = ["action"]


@admin.register(PublicPerson)
class PublicPersonAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "person__organisation"
    list_display = ["person", "name_public"]
    list_select_related = ["person"]
    search_fields = ["person__name", "person__job_title"]
    autocomplete_fields = ["person"]


@admin.register(Publication)
class PublicationAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "plan__organisation"
    list_display = ["plan", "as_at", "published_at", "pack"]
    list_select_related = ["plan", "pack"]
    search_fields = ["plan__title"]
    readonly_fields = ["plan", "pack", "as_at", "published_at", "content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
