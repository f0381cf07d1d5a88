"""Reads for the measures pages: everything a page shows, in a fixed number of queries.

Display rules kept here so the list, the measure page and exports agree:

- **Small counts** (``SMALL_COUNT`` 1 to 5) are shown as "c" in a publication view of a measure
  marked ``for_publication``: a count of 1 to 5, and for a rate or percentage whose count
  (numerator) is 1 to 5 the count *and* the rate (which, with the published denominator, would
  give the count away). Zero is not suppressed.
- **Volatility warning** for a rate or percentage computed from a small number: a count
  (numerator) under ``VOLATILE_COUNT`` (10) or a denominator under ``VOLATILE_DENOMINATOR``
  (100). One child more or fewer then moves the figure a lot from period to period.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from core.formatting import number_text, rate_text
from core.presentation import measure_travel
from measures.charts import COMPARATOR_STYLES, line_charts, sparkline
from measures.models import (
    Comparator,
    Measure,
    MeasureValue,
    PopulationEstimate,
    UnpublishedFigure,
)
from measures.status import (
    PREVIOUS_PERIOD,
    SAME_PERIOD_LAST_YEAR,
    MeasureStatus,
    direction_of_travel,
    measure_status,
    measure_statuses,
    movement,
    target_for,
)
from plans.models import Plan

SMALL_COUNT = range(1, 6)  # 1 to 5
SUPPRESSED = "c"
VOLATILE_COUNT = 10
VOLATILE_DENOMINATOR = 100
CHART_COMPARATORS = (
    Comparator.Kind.ENGLAND,
    Comparator.Kind.REGION,
    Comparator.Kind.STATISTICAL_NEIGHBOURS,
)
UNIT_SUFFIX = {Measure.Unit.PERCENTAGE: "%", Measure.Unit.DAYS: " days"}
DERIVED_UNITS = (Measure.Unit.RATE_PER_10000, Measure.Unit.PERCENTAGE)


# Formatting ------------------------------------------------------------------------------------


def with_unit(value, unit: str) -> str:
    """The figure as shown with its unit: rates and percentages keep one decimal place at least
    ("51.0", "47.0%"), other figures drop trailing zeros ("454")."""
    if value is None:
        return ""
    suffix = UNIT_SUFFIX.get(unit, "")
    if unit in DERIVED_UNITS:
        return rate_text(value, suffix)
    return number_text(value) + suffix


def is_small(count) -> bool:
    return count is not None and Decimal(count) == int(count) and int(count) in SMALL_COUNT


def suppressed(value: MeasureValue, measure: Measure, publication: bool) -> bool:
    """Whether a value is shown as "c" (see the module's rules)."""
    if not (publication and measure.for_publication):
        return False
    if measure.unit == Measure.Unit.COUNT and is_small(value.value):
        return True
    return measure.unit in DERIVED_UNITS and is_small(value.numerator)


def volatility_warning(value: MeasureValue | None, measure: Measure) -> str:
    """A sentence warning that a rate or percentage rests on small numbers, or ""."""
    if value is None or measure.unit not in DERIVED_UNITS:
        return ""
    reasons = []
    if value.numerator is not None and value.numerator < VOLATILE_COUNT:
        reasons.append(f"a count under {VOLATILE_COUNT}")
    if value.denominator is not None and value.denominator < VOLATILE_DENOMINATOR:
        reasons.append(f"a denominator under {VOLATILE_DENOMINATOR}")
    if not reasons:
        return ""
    return (
        f"Treat with caution: {value.label} is based on {' and '.join(reasons)}, so a change of "
        "one child moves it a lot from one period to the next."
    )


@dataclass
class Figure:
    """A value as shown: the text ("141.1", "75%", "c") and whether it was suppressed."""

    text: str
    suppressed: bool = False
    raw: Decimal | None = None
    unpublished: bool = False  # the published table gave a symbol, not a figure


def not_published(u: UnpublishedFigure) -> str:
    """How a figure a published table withheld is shown: never as 0, never as an error."""
    shown = f"Not published ({u.symbol}: {u.meaning})"
    return f"{shown}, illustrative" if u.illustrative else shown


def _unpublished_at(unpublished: list[UnpublishedFigure], series: str, start, end):
    for u in unpublished:
        if u.series == series and u.period_start <= end and start <= u.period_end:
            return u
    return None


def figure(value: MeasureValue | None, measure: Measure, publication: bool) -> Figure:
    if value is None:
        return Figure("")
    if suppressed(value, measure, publication):
        return Figure(SUPPRESSED, True, None)
    return Figure(with_unit(value.value, measure.unit), False, value.value)


def count_text(value: MeasureValue, measure: Measure, publication: bool) -> str:
    if value.numerator is None:
        return ""
    if publication and measure.for_publication and is_small(value.numerator):
        return SUPPRESSED
    return number_text(value.numerator)


# Filters ---------------------------------------------------------------------------------------


def measures_for_listing(*, plan: Plan | None = None, frequency: str = "") -> QuerySet:
    qs = Measure.objects.order_by("code")  # the list shows neither owner nor organisation
    if plan is not None:
        qs = qs.filter(plans=plan)
    if frequency:
        qs = qs.filter(frequency=frequency)
    return qs


def plans_with_measures(visible_plans) -> list[Plan]:
    return list(
        Plan.objects.filter(pk__in=visible_plans.values("pk"), measures__isnull=False)
        .distinct()
        .order_by("title")
    )


# The list --------------------------------------------------------------------------------------


def _spark_title(status: MeasureStatus, figures: list[Figure]) -> str:
    shown = [(v.label, f.text) for v, f in zip(status.values, figures, strict=True)]
    if not shown:
        return f"{status.measure.title}: no values yet"
    first, last = shown[0], shown[-1]
    if len(shown) == 1:
        return f"{status.measure.title}: {last[1]} ({last[0]})"
    return (
        f"Trend of {status.measure.title}: {first[1]} ({first[0]}) to {last[1]} ({last[0]}), "
        f"{len(shown)} values"
    )


def list_rows(statuses: list[MeasureStatus], *, publication: bool = False) -> list[dict]:
    rows = []
    for s in statuses:
        m = s.measure
        figures = [figure(v, m, publication) for v in s.values]
        rows.append(
            {
                "status": s,
                "measure": m,
                "latest": figures[-1] if figures else None,
                "target": with_unit(s.target.value, m.unit) if s.target else "",
                "comparators": [
                    (
                        kind,
                        s.comparators.get(kind),
                        with_unit(getattr(s.comparators.get(kind), "value", None), m.unit),
                    )
                    for kind in CHART_COMPARATORS
                ],
                "volatility": volatility_warning(s.latest, m),
                "hide_direction": bool(
                    s.latest
                    and (
                        suppressed(s.latest, m, publication)
                        or (s.reference is not None and suppressed(s.reference, m, publication))
                    )
                ),
                "sparkline": sparkline(
                    [f.raw for f in figures],
                    title=_spark_title(s, figures),
                    id_prefix=f"spark-{m.pk}",
                )
                if figures
                else "",
            }
        )
    return rows


# The measure page ------------------------------------------------------------------------------


def _comparator_at(comparators: list[Comparator], kind: str, value: MeasureValue):
    """The comparator of a kind whose period contains the end of the value's period."""
    for c in comparators:
        if c.kind == kind and c.period_start <= value.period_end <= c.period_end:
            return c
    return None


def _trend_periods(status: MeasureStatus, unpublished: list[UnpublishedFigure], kinds) -> list:
    """The periods of the trend: each value, each period whose value was not published, and
    each period with comparators but no value of ours, oldest first."""
    periods: list = list(status.values)
    taken = {v.period_start for v in status.values}
    for u in unpublished:
        if u.series == UnpublishedFigure.VALUE and u.period_start not in taken:
            periods.append(u)
            taken.add(u.period_start)
    for c in status.all_comparators:
        if c.kind in kinds and c.period_start not in taken:
            periods.append(c)
            taken.add(c.period_start)
    periods.sort(key=lambda p: p.period_start)
    return periods


def _trend_row(v, status: MeasureStatus, kinds, unpublished, publication: bool) -> dict:
    m = status.measure
    if isinstance(v, MeasureValue):
        shown, t = figure(v, m, publication), target_for(v, status.targets)
    elif isinstance(v, UnpublishedFigure):
        shown, t = Figure(not_published(v), unpublished=True), None
    else:
        shown, t = Figure("No value"), None
    comparators = [_comparator_at(status.all_comparators, k, v) for k in kinds]
    return {
        "value": v,
        "figure": shown,
        "target": t,
        "target_text": with_unit(t.value, m.unit) if t else "",
        "comparators": [
            with_unit(c.value, m.unit) if c else _comparator_gap(unpublished, k, v)
            for k, c in zip(kinds, comparators, strict=True)
        ],
        "comparator_values": [c.value if c else None for c in comparators],
    }


def trend(
    status: MeasureStatus,
    *,
    publication: bool = False,
    unpublished: list[UnpublishedFigure] | None = None,
) -> dict:
    """The trend chart and the table of the same figures: one row per value period with its
    value, the target that applied and the comparators for that period. Periods whose figure
    was not published are rows too, shown as not published and left as a gap in the chart."""
    m = status.measure
    unpublished = unpublished or []
    kinds = [k for k in CHART_COMPARATORS if any(c.kind == k for c in status.all_comparators)]
    periods = _trend_periods(status, unpublished, kinds)
    rows = [_trend_row(v, status, kinds, unpublished, publication) for v in periods]
    labels = [r["value"].label for r in rows]
    series = [{"name": m.title, "values": [r["figure"].raw for r in rows]}]
    for i, kind in enumerate(kinds):
        colour, dash = COMPARATOR_STYLES[i % len(COMPARATOR_STYLES)]
        series.append(
            {
                "name": Comparator.Kind(kind).label,
                "values": [r["comparator_values"][i] for r in rows],
                "colour": colour,
                "dash": dash,
                "markers": False,
            }
        )
    target_values = [r["target"].value if r["target"] else None for r in rows]
    charts = {"wide": "", "narrow": ""}
    if rows:
        charts = line_charts(
            series,
            title=f"{m.title}: values by period"
            + (", with the target" if any(target_values) else "")
            + (" and comparators" if kinds else ""),
            id_prefix=f"trend-{m.pk}",
            x_labels=labels,
            y_label=m.get_unit_display(),
            target={"name": "Target", "values": target_values} if any(target_values) else None,
            y_min=0,
        )
    return {
        "chart": charts["wide"],  # for PDFs; pages show chart_narrow too (responsive.css)
        "chart_narrow": charts["narrow"],
        "rows": rows,
        "comparator_headings": [Comparator.Kind(k).label for k in kinds],
        "has_targets": any(target_values),
    }


def _comparator_gap(unpublished: list[UnpublishedFigure], kind: str, period) -> str:
    u = _unpublished_at(unpublished, kind, period.period_end, period.period_end)
    return not_published(u) if u else ""


def rate_working(value: MeasureValue | None, measure: Measure) -> dict | None:
    """For a rate per 10,000: the population estimate used and the sum ("454 of 32,180 =
    141.1 per 10,000")."""
    if value is None or measure.unit != Measure.Unit.RATE_PER_10000 or value.numerator is None:
        return None
    base = value.population.count if value.population else value.denominator
    if not base:
        return None
    return {
        "population": value.population,
        "population_count": number_text(base),
        "sum": (
            f"{number_text(value.numerator)} of {number_text(base)} = "
            f"{number_text(value.value)} per 10,000"
        ),
    }


def comparator_table(
    status: MeasureStatus, unpublished: list[UnpublishedFigure] | None = None
) -> list[dict]:
    """Every comparator kind, for the latest value's period, with how the latest value stands
    against it and, for one computed from published figures, how; "not known" kinds are kept so
    the table always has the same rows, and one the table withheld says "not published"."""
    m, latest = status.measure, status.latest
    rows = []
    for kind in Comparator.Kind:
        c = status.comparators.get(kind.value)
        withheld = ""
        if c is None and latest is not None:
            u = _unpublished_at(unpublished or [], kind.value, latest.period_end, latest.period_end)
            withheld = not_published(u) if u else ""
        ours = ""
        if c is not None and latest is not None and m.polarity != Measure.Polarity.MONITOR:
            travel = direction_of_travel(latest.value, c.value, m.polarity)
            ours = {"improving": "Better", "worsening": "Worse", "no_change": "The same"}[travel]
        rows.append(
            {
                "kind": kind,
                "comparator": c,
                "text": with_unit(c.value, m.unit) if c else withheld,
                "withheld": bool(withheld),
                "ours": ours,
                "method": c.method if c else "",
            }
        )
    return rows


def corrections(measure: Measure) -> list[dict]:
    """Changes made to recorded values (corrections), newest first, with who and why. One
    query."""
    history = list(
        MeasureValue.history.filter(measure_id=measure.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    result = []
    previous = {}
    for record in history:
        before = previous.get(record.id)
        previous[record.id] = record
        if before is None or record.history_type != "~":
            continue
        if before.value == record.value and not record.history_change_reason:
            continue
        result.append(
            {
                "label": record.label,
                "before": with_unit(before.value, measure.unit),
                "after": with_unit(record.value, measure.unit),
                "at": record.history_date,
                "by": record.history_user,
                "reason": record.history_change_reason or "",
            }
        )
    result.sort(key=lambda r: r["at"], reverse=True)
    return result


def measure_page(
    measure: Measure, *, publication: bool = False, compare_with: str = PREVIOUS_PERIOD
) -> dict:
    status = measure_status(measure, compare_with=compare_with)
    other = SAME_PERIOD_LAST_YEAR if compare_with == PREVIOUS_PERIOD else PREVIOUS_PERIOD
    latest = status.latest
    unpublished = list(UnpublishedFigure.objects.filter(measure=measure).order_by("period_start"))
    withheld = [u for u in unpublished if u.series == UnpublishedFigure.VALUE]
    return {
        "status": status,
        "latest": figure(latest, measure, publication) if latest else None,
        "latest_count": count_text(latest, measure, publication) if latest else "",
        "target_text": with_unit(status.target.value, measure.unit) if status.target else "",
        "tolerance_text": with_unit(status.target.amber_tolerance, measure.unit)
        if status.target
        else "",
        "direction_previous": _direction(status, PREVIOUS_PERIOD, publication),
        "direction_last_year": _direction(status, SAME_PERIOD_LAST_YEAR, publication),
        "other_comparison": other,
        "trend": trend(status, publication=publication, unpublished=unpublished),
        "latest_withheld": [
            u for u in withheld if latest is None or u.period_start > latest.period_start
        ],
        "rate": None
        if publication and latest and suppressed(latest, measure, True)
        else rate_working(latest, measure),
        "volatility": volatility_warning(latest, measure),
        "comparator_rows": comparator_table(status, unpublished),
        "corrections": corrections(measure),
        "value_rows": _value_rows(status, withheld, publication),
        "publication": publication and measure.for_publication,
    }


def _value_rows(status: MeasureStatus, withheld: list[UnpublishedFigure], publication: bool):
    """Every value recorded, and every period the published table withheld, newest first."""
    measure = status.measure
    rows = [
        {
            "value": v,
            "figure": figure(v, measure, publication),
            "count": count_text(v, measure, publication),
            "denominator": number_text(v.denominator),
            "volatility": bool(volatility_warning(v, measure)),
        }
        for v in status.values
    ]
    taken = {v.period_start for v in status.values}
    rows += [
        {"value": u, "withheld": not_published(u)} for u in withheld if u.period_start not in taken
    ]
    rows.sort(key=lambda r: r["value"].period_start, reverse=True)
    return rows


def travel(direction: str, moved: str) -> dict:
    """A direction of travel as shown (``core.presentation.measure_travel``): ``travel`` (the
    arrow and word, for the ``travel`` tag), and its key, word and arrow."""
    shown = measure_travel(direction, moved)
    return {"travel": shown, "key": shown.key, "word": shown.word, "arrow": shown.arrow}


def _direction(status: MeasureStatus, compare_with: str, publication: bool = False) -> dict:
    ref = status.previous if compare_with == PREVIOUS_PERIOD else status.same_period_last_year
    if status.latest is None or ref is None:
        return travel("", "")
    m = status.measure
    if suppressed(status.latest, m, publication) or suppressed(ref, m, publication):
        return travel("", "")  # the direction would hint at the suppressed figure
    return {
        **travel(
            direction_of_travel(status.latest.value, ref.value, m.polarity),
            movement(status.latest.value, ref.value),
        ),
        "reference": ref,
        "reference_text": with_unit(ref.value, m.unit),
    }


def measures_for_page() -> QuerySet:
    return Measure.objects.select_related("owner", "organisation").prefetch_related(
        Prefetch("plans", queryset=Plan.objects.order_by("title"))
    )


def populations() -> QuerySet:
    return PopulationEstimate.objects.order_by("area", "-year", "age_band")


__all__ = [
    "measure_statuses",
    "measures_for_listing",
    "list_rows",
    "measure_page",
]
