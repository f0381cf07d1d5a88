"""The filters every list offers, built from each table's paths (django-filter, so that they
appear in the OpenAPI schema): ``plan`` and ``organisation`` (ids), ``updated_since`` (an ISO
8601 moment: rows changed at or after it), ``period`` (a reporting period id) and
``period_from`` / ``period_to`` (dates, on the start of the period). A filter naming a plan the
caller may not see returns no rows, never an error that would confirm the plan exists."""

import datetime as dt

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from api.tables import Table

MAX_ID = 2**63 - 1  # the largest id either database holds


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A whole number (an id): 1.5 is refused, not rounded, and a number too large for the
    database is refused rather than sent to it."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9998, 12, 31, tzinfo=dt.UTC)


class MomentField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, turned into UTC (PostgreSQL refuses offsets beyond 15:59 that Python
    accepts) and held between 1900 and 9998 (no row is dated outside them, so a moment outside
    them selects the same rows as the nearer end)."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        if moment.year < 1901:
            return EARLIEST
        if moment.year > 9997:
            return LATEST
        return moment.astimezone(dt.UTC)


@extend_schema_field({"type": "string", "format": "date-time"})
class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


class DayField(forms.DateField):
    """A date, held between 1900 and 9998 as ``MomentField`` holds moments."""

    def clean(self, value):
        day = super().clean(value)
        if day is None:
            return None
        return min(max(day, EARLIEST.date()), LATEST.date())


@extend_schema_field({"type": "string", "format": "date"})
class DayFilter(django_filters.DateFilter):
    field_class = DayField


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
        attrs["updated_since"] = MomentFilter(
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
        attrs["period_from"] = DayFilter(
            field_name=table.period_start,
            lookup_expr="gte",
            label="Only periods starting on or after this date (YYYY-MM-DD).",
        )
        attrs["period_to"] = DayFilter(
            field_name=table.period_start,
            lookup_expr="lte",
            label="Only periods starting on or before this date (YYYY-MM-DD).",
        )
    meta = type("Meta", (), {"model": table.model, "fields": []})
    name = "".join(part.title() for part in table.name.split("-")) + "Filter"
    table.filterset_class = type(name, (django_filters.FilterSet,), {**attrs, "Meta": meta})
    return table.filterset_class
