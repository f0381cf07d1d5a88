from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from measures.models import Comparator, Measure, MeasureValue, PopulationEstimate, Target


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
    fields = ["kind", "period_start", "period_end", "label", "value", "illustrative"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "unit", "polarity", "frequency", "annual_only", "owner"]
    list_filter = ["unit", "polarity", "frequency", "annual_only", "plans"]
    list_select_related = ["owner", "organisation"]
    search_fields = ["code", "title", "definition"]
    autocomplete_fields = ["organisation", "owner", "plans", "priorities"]
    inlines = [MeasureValueInline, TargetInline, ComparatorInline]


@admin.register(MeasureValue)
class MeasureValueAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "label", "value", "numerator", "denominator", "illustrative"]
    list_filter = ["measure", "illustrative"]
    list_select_related = ["measure"]
    search_fields = ["measure__code", "measure__title", "label"]
    autocomplete_fields = ["measure", "population"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "label", "value", "amber_tolerance"]
    list_select_related = ["measure"]
    search_fields = ["measure__code", "label"]
    autocomplete_fields = ["measure"]


@admin.register(Comparator)
class ComparatorAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "kind", "label", "value"]
    list_filter = ["kind"]
    list_select_related = ["measure"]
    search_fields = ["measure__code", "label"]
    autocomplete_fields = ["measure"]


@admin.register(PopulationEstimate)
class PopulationEstimateAdmin(admin.ModelAdmin):
    list_display = ["area", "organisation", "year", "age_band", "count", "source", "illustrative"]
    list_filter = ["organisation", "year", "illustrative"]
    list_select_related = ["organisation"]
    search_fields = ["area", "source", "organisation__name"]
