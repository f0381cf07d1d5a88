"""The filters every list offers, built from each table's paths (django-filter, so that they
appear in the OpenAPI schema): ``plan`` and ``organisation`` (ids), ``updated_since`` (an ISO
8601 moment: rows changed at or after it), ``period`` (a reporting period id) and
``period_from`` / ``period_to`` (dates, on the start of the period). A filter naming a plan the
caller may not see returns no rows, never an error that would confirm the plan exists."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from api.tables import Table


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A whole number (an id): 1.5 is refused, not rounded."""

    field_class = forms.IntegerField


def filterset_for(table: Table) -> type[django_filters.FilterSet]:
    if table.filterset_class is not None:
        return table.filterset_class
    attrs = {}
    if table.plan:
        attrs["plan"] = IdFilter(field_name=table.plan, label="Only rows of this plan (id).")
    if table.organisation:
        attrs["organisation"] = IdFilter(
            field_name=table.organisation, label="Only rows of this organisation (id)."
        )
    if table.modified:
        attrs["updated_since"] = django_filters.IsoDateTimeFilter(
            field_name=table.modified,
            lookup_expr="gte",
            label="Only rows changed at or after this moment (ISO 8601, e.g. "
            "2024-04-01T00:00:00Z). Deleted rows are not reported: refresh in full now and then.",
        )
    if table.period:
        attrs["period"] = IdFilter(
            field_name=table.period, label="Only rows of this reporting period (id)."
        )
    if table.period_start:
        attrs["period_from"] = django_filters.DateFilter(
            field_name=table.period_start,
            lookup_expr="gte",
            label="Only periods starting on or after this date (YYYY-MM-DD).",
        )
        attrs["period_to"] = django_filters.DateFilter(
            field_name=table.period_start,
            lookup_expr="lte",
            label="Only periods starting on or before this date (YYYY-MM-DD).",
        )
    meta = type("Meta", (), {"model": table.model, "fields": []})
    name = "".join(part.title() for part in table.name.split("-")) + "Filter"
    table.filterset_class = type(name, (django_filters.FilterSet,), {**attrs, "Meta": meta})
    return table.filterset_class
