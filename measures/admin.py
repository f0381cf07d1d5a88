from django.contrib import admin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from core.admin_scope import OrganisationScopedAdmin
from measures.models import (
    Comparator,
    Measure,
    MeasureValue,
    PopulationEstimate,
    StatisticalNeighbour,
    Target,
    UnpublishedFigure,
)


class MeasureValueInline(admin.TabularInline):
    model = MeasureValue
    extra = 0
    fields = [
        "period_start",
        "period_end",
        "label",
        "value",
        "numerator",
        "denominator",
        "population",
        "note",
        "illustrative",
    ]
    autocomplete_fields = ["population"]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["period_start", "period_end", "label", "value", "amber_tolerance", "illustrative"]


class ComparatorInline(admin.TabularInline):
    model = Comparator
    extra = 0
    fields = ["kind", "period_start", "period_end", "label", "value", "method", "illustrative"]


@admin.register(Measure)
class MeasureAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "organisation"
    list_display = ["code", "title", "unit", "polarity", "frequency", "annual_only", "owner"]
    list_filter = ["unit", "polarity", "frequency", "annual_only", "plans"]
    list_select_related = ["owner", "organisation"]
    search_fields = ["code", "title", "definition"]
    autocomplete_fields = ["organisation", "owner", "plans", "priorities"]
    inlines = [MeasureValueInline, TargetInline, ComparatorInline]


@admin.register(MeasureValue)
class MeasureValueAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "measure__organisation"
    list_display = ["measure", "label", "value", "numerator", "denominator", "illustrative"]
    list_filter = ["measure", "illustrative"]
    list_select_related = ["measure"]
    search_fields = ["measure__code", "measure__title", "label"]
    autocomplete_fields = ["measure", "population"]


@admin.register(Target)
class TargetAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "measure__organisation"
    list_display = ["measure", "label", "value", "amber_tolerance"]
    list_select_related = ["measure"]
    search_fields = ["measure__code", "label"]
    autocomplete_fields = ["measure"]


@admin.register(Comparator)
class ComparatorAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "measure__organisation"
    list_display = ["measure", "kind", "label", "value"]
    list_filter = ["kind"]
    list_select_related = ["measure"]
    search_fields = ["measure__code", "label"]
    autocomplete_fields = ["measure"]


@admin.register(PopulationEstimate)
class PopulationEstimateAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """Published population estimates. An administrator sees their organisations' own, those
    their organisations' measure values use, and those of no organisation that no value uses yet
    (shared reference data)."""

    list_display = ["area", "organisation", "year", "age_band", "count", "source", "illustrative"]
    list_filter = ["organisation", "year", "illustrative"]
    list_select_related = ["organisation"]
    search_fields = ["area", "source", "organisation__name"]

    def scope_to(self, queryset, ids):
        used = MeasureValue.objects.filter(population__isnull=False)
        theirs = used.filter(measure__organisation_id__in=ids).values("population_id")
        shared = Q(organisation__isnull=True) & ~Q(pk__in=used.values("population_id"))
        return queryset.filter(Q(organisation_id__in=ids) | Q(pk__in=theirs) | shared)


@admin.register(UnpublishedFigure)
class UnpublishedFigureAdmin(OrganisationScopedAdmin, SimpleHistoryAdmin):
    organisation_path = "measure__organisation"
    list_display = ["measure", "series", "label", "symbol", "note"]
    list_filter = ["series", "symbol"]
    list_select_related = ["measure"]
    search_fields = ["measure__code", "measure__title", "label"]
    autocomplete_fields = ["measure"]


@admin.register(StatisticalNeighbour)
class StatisticalNeighbourAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """The Department's list of each council's ten statistical neighbours: national reference
    data, readable by every administrator, changed here only by a superuser (councils replace it
    through the measures import, which is audited)."""

    organisation_path = None  # national reference data, the same for every council
    list_display = ["council_name", "council_code", "rank", "neighbour_name", "source"]
    search_fields = ["council_name", "council_code", "neighbour_name"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
