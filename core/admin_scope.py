"""The admin kept within the administrator's organisations (ADR 0012).

A superuser administers the installation and sees every record. An administrator who is not a
superuser sees and keeps only the records of their organisations (``core.permissions.
administered_organisation_ids``): every changelist, change page, history page, search,
autocomplete, list filter and foreign-key choice goes through the model admin's
``get_queryset`` and this mixin's scope. A record outside it answers 404, as one that does not
exist.

Each ``ModelAdmin`` says how its records reach an organisation with ``organisation_path``
(e.g. ``"plan__organisation"``), or overrides ``scope_to`` for the few that need more. Shared
reference data (``organisation_path = None``, e.g. population estimates) is left unscoped.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from core.models import Organisation
from core.permissions import administered_organisation_ids

# The foreign keys that say which organisation owns a record: only the administrator's own
# organisations may be chosen (partners named on a plan are not owners; an API key's organisations
# are whose plans it reads).
OWNER_FIELDS = ("organisation", "organisations")


def related_scoped_queryset(
    admin_site: admin.AdminSite,
    db_field: Field,
    request: HttpRequest,
    queryset: QuerySet | None,
) -> QuerySet | None:
    """The choices for a foreign key or many-to-many field, limited to the administrator's
    organisations when the related model's admin is scoped."""
    ids = administered_organisation_ids(request.user)
    if ids is None:
        return queryset
    if db_field.remote_field is None:
        return queryset
    model = db_field.remote_field.model
    base = queryset if queryset is not None else model._default_manager.all()
    if model is Organisation and db_field.name in OWNER_FIELDS:
        return base.filter(pk__in=ids)
    try:
        related = admin_site.get_model_admin(model)
    except NotRegistered:
        return queryset
    if isinstance(related, OrganisationScopedAdmin):
        return related.scope_to(base, ids)
    return queryset


class OrganisationScopedInline:
    """For inlines: foreign-key choices within the administrator's organisations (the inline's
    rows belong to the page's record, which the page's admin has scoped already)."""

    admin_site: admin.AdminSite

    def get_field_queryset(self, db: Any, db_field: Field, request: HttpRequest) -> Any:
        queryset = super().get_field_queryset(db, db_field, request)  # type: ignore[misc]
        return related_scoped_queryset(self.admin_site, db_field, request, queryset)


class RecordAdmin:
    """Mixin for the admin of a record the system writes itself (the audit log, issued packs and
    their files, API key uses): viewable, never added, changed or deleted by hand."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class OrganisationScopedAdmin(OrganisationScopedInline):
    """For model admins: records, choices and list filters within the administrator's
    organisations."""

    organisation_path: str | None = None
    model: type[Model]

    def scope_to(self, queryset: QuerySet, ids: frozenset[int]) -> QuerySet:
        """``queryset`` limited to the records of the organisations ``ids``."""
        if self.organisation_path is None:
            return queryset
        return queryset.filter(**{f"{self.organisation_path}__in": ids})

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        ids = administered_organisation_ids(request.user)
        return queryset if ids is None else self.scope_to(queryset, ids)

    def get_list_filter(self, request: HttpRequest) -> Any:
        """A list filter on a related record offers only the records that appear in the
        administrator's own list (never another organisation's names)."""
        filters = super().get_list_filter(request)  # type: ignore[misc]
        if administered_organisation_ids(request.user) is None:
            return filters
        return [self._related_only(item) for item in filters]

    def _related_only(self, item: Any) -> Any:
        if not isinstance(item, str):
            return item
        try:
            field = get_fields_from_path(self.model, item)[-1]
        except (FieldDoesNotExist, NotRegistered):
            return item
        return (item, RelatedOnlyFieldListFilter) if field.is_relation else item

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: Any, object_id: str
    ) -> HttpResponse:
        # Django sends a missing record back to the admin index with a message; outside the
        # administrator's organisations it is simply not there.
        if administered_organisation_ids(request.user) is not None:
            raise Http404
        return super()._get_obj_does_not_exist_redirect(  # type: ignore[misc]
            request, opts, object_id
        )

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """django-simple-history shows the history of a record missing from ``get_queryset``
        (a deleted one); an administrator sees only the history of their own records."""
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        self._require_in_scope(request, object_id)
        return super().history_form_view(  # type: ignore[misc]
            request, object_id, version_id, extra_context
        )

    def _require_in_scope(self, request: HttpRequest, object_id: str) -> None:
        if administered_organisation_ids(request.user) is None:
            return
        if self.get_object(request, object_id) is None:  # type: ignore[attr-defined]
            raise Http404
