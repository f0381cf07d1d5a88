"""Where each outcome measure stands: latest value, RAG against target, direction of travel and
comparators, for any number of measures in a fixed number of queries.

Rules
-----
- **RAG against target** (``rag_against_target``): on the right side of the target, or on it, is
  green; on the wrong side by no more than the target's ``amber_tolerance`` is amber; further away
  is red. "Right side" follows the measure's polarity (higher or lower is better). A measure that
  is only monitored, or has no target or no value, has no RAG (``None``).
- **Direction of travel** (``direction_of_travel``) compares the latest value with a reference
  value: the previous period's (default) or the same period last year's. A change in the better
  direction (by polarity) is "improving", in the worse direction "worsening", no change is
  "no_change"; without a reference value, or for a monitored measure, it is "".
- **Which target** applies to the latest value: the target whose period contains the end of the
  value's period; failing that the most recent target that started by then.
- **Comparators** for the latest value: per kind, the most recent comparator whose period started
  by the end of the value's period (published comparators usually lag a year behind; the
  comparator's own label says which period it is).
- **As at**: with ``as_at``, values are read from the history table as they stood at that moment
  (later corrections and deletions are ignored, values recorded later do not exist yet). Targets
  and comparators are the current ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import RowNumber

from core.presentation import (
    AMBER,
    DOWN,
    GREEN,
    IMPROVING,
    MEASURE_DIRECTION_WORDS,
    MOVEMENT_ARROWS,
    MOVEMENT_WORDS,
    NO_CHANGE,
    RED,
    SAME,
    UP,
    WORSENING,
    MeasureState,
    Travel,
    measure_direction,
    measure_state,
    measure_travel,
)
from measures.models import Comparator, Measure, MeasureValue, PopulationEstimate, Target

PREVIOUS_PERIOD, SAME_PERIOD_LAST_YEAR = "previous", "last_year"
COMPARE_WITH = (PREVIOUS_PERIOD, SAME_PERIOD_LAST_YEAR)

# The words and arrows are core.presentation's (one vocabulary for every output).
DIRECTION_WORDS = MEASURE_DIRECTION_WORDS


@dataclass
class MeasureStatus:
    measure: Measure
    latest: MeasureValue | None
    previous: MeasureValue | None
    same_period_last_year: MeasureValue | None
    target: Target | None
    rag: str | None  # "green" | "amber" | "red" | None when no target
    direction: str  # "improving" | "worsening" | "no_change" | "" (polarity-aware)
    comparators: dict[str, Comparator]  # kind -> comparator for the latest value's period
    # Extras for charts and tables (all ordered by period):
    values: list[MeasureValue] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    all_comparators: list[Comparator] = field(default_factory=list)
    compare_with: str = PREVIOUS_PERIOD
    movement: str = ""  # "up" | "down" | "same" | "" whatever the polarity (for monitored)

    @property
    def reference(self) -> MeasureValue | None:
        """The value the direction of travel was read against."""
        if self.compare_with == SAME_PERIOD_LAST_YEAR:
            return self.same_period_last_year
        return self.previous

    @property
    def travel(self) -> Travel:
        """The direction of travel as shown: the arrow of the movement (up, down, level) and the
        word (improving/worsening by polarity, or up/down for a monitored measure)."""
        return measure_travel(self.direction, self.movement)

    @property
    def direction_word(self) -> str:
        return DIRECTION_WORDS.get(self.direction, "")

    @property
    def direction_arrow(self) -> str:
        """↑ when the value rose, ↓ when it fell (the word says whether that is better)."""
        return self.travel.arrow

    @property
    def direction_text(self) -> str:
        """The word to show: improving/worsening, or up/down for a monitored measure."""
        return self.travel.word

    @property
    def state(self) -> MeasureState:
        """Where the latest value stands against the target, in words (``core.presentation``)."""
        return measure_state(
            self.rag,
            has_value=self.latest is not None,
            monitored=self.measure.polarity == Measure.Polarity.MONITOR,
        )

    @property
    def rag_word(self) -> str:
        return self.state.label if self.rag else ""


def rag_against_target(value, target_value, tolerance, polarity: str) -> str | None:
    """Green on the right side of the target (by polarity), amber within the tolerance on the
    wrong side, red beyond it; None for a monitored measure or a missing value or target."""
    if value is None or target_value is None or polarity == Measure.Polarity.MONITOR:
        return None
    value, target_value = Decimal(value), Decimal(target_value)
    tolerance = Decimal(tolerance or 0)
    lower_is_better = polarity == Measure.Polarity.LOWER
    shortfall = value - target_value if lower_is_better else target_value - value
    if shortfall <= 0:
        return GREEN
    if shortfall <= tolerance:
        return AMBER
    return RED


def movement(value, reference) -> str:
    """ "up", "down" or "same" between a reference value and a value; "" without both."""
    if value is None or reference is None:
        return ""
    value, reference = Decimal(value), Decimal(reference)
    if value > reference:
        return UP
    if value < reference:
        return DOWN
    return SAME


def direction_of_travel(value, reference, polarity: str) -> str:
    """Improving, worsening or no change from the reference value, by polarity (a fall in
    children looked after is an improvement when lower is better)."""
    higher_is_better: dict[str, bool] = {
        Measure.Polarity.HIGHER: True,
        Measure.Polarity.LOWER: False,
    }
    return measure_direction(movement(value, reference), higher_is_better.get(polarity))


def _one_year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def same_period_last_year(latest: MeasureValue, values: list[MeasureValue]):
    """The value for the period a year before the latest one: same start (or same end) a year
    earlier, or failing that a period ending within a fortnight of a year earlier."""
    start, end = _one_year_earlier(latest.period_start), _one_year_earlier(latest.period_end)
    for v in values:
        if v.period_start == start or v.period_end == end:
            return v
    close = [v for v in values if abs((v.period_end - end).days) <= 14 and v is not latest]
    return min(close, key=lambda v: abs((v.period_end - end).days)) if close else None


def target_for(latest: MeasureValue, targets: list[Target]) -> Target | None:
    day = latest.period_end
    containing = [t for t in targets if t.period_start <= day <= t.period_end]
    if containing:
        return max(containing, key=lambda t: t.period_start)
    started = [t for t in targets if t.period_start <= day]
    return max(started, key=lambda t: t.period_start) if started else None


def comparators_for(latest: MeasureValue, comparators: list[Comparator]) -> dict[str, Comparator]:
    chosen: dict[str, Comparator] = {}
    for c in comparators:  # ordered by period_start, so the latest wins
        if c.period_start <= latest.period_end:
            chosen[c.kind] = c
    return {kind: chosen[kind] for kind in Comparator.Kind.values if kind in chosen}


def values_as_at(measure_ids, as_at: datetime, *, recent: int | None = None) -> list[MeasureValue]:
    """Measure values as recorded by ``as_at``: for each value, its latest historical version
    known at that moment, unless that version is a deletion. Three queries at most. With
    ``recent``, only the newest ``recent`` values of each measure (by period) are returned.

    When was a version known? An edit or deletion from its ``history_date``; the first version
    from the earlier of its ``history_date`` and the value's ``created_at`` (in the live table or
    the history: an importer that brings in figures recorded long ago may backdate
    ``created_at`` with an update). Values with no history at all (a bulk insert) are read from
    the live table by ``created_at``."""
    fields = [f.attname for f in MeasureValue._meta.concrete_fields]
    backdated = MeasureValue.objects.filter(
        measure_id__in=measure_ids, created_at__lte=as_at
    ).values("pk")
    records = (
        MeasureValue.history.filter(measure_id__in=measure_ids)
        .filter(
            Q(history_date__lte=as_at)
            | Q(history_type="+", created_at__lte=as_at)
            | Q(history_type="+", id__in=backdated)
        )
        .order_by("id", "-history_date", "-history_id")
        .values_list("history_type", *fields)  # rows, not historical model instances: faster
    )
    id_at, measure_at, start_at = (fields.index(n) for n in ("id", "measure_id", "period_start"))
    seen: set[int] = set()
    chosen = []  # (measure id, period start, the row's fields or a live value)
    for history_type, *row in records:
        if row[id_at] in seen:
            continue
        seen.add(row[id_at])
        if history_type == "-":
            continue
        chosen.append((row[measure_at], row[start_at], row))
    without_history = MeasureValue.objects.filter(
        measure_id__in=measure_ids, created_at__lte=as_at
    ).exclude(Exists(MeasureValue.history.filter(id=OuterRef("pk"))))
    chosen.extend((v.measure_id, v.period_start, v) for v in without_history)
    chosen.sort(key=lambda c: (c[0], c[1]))
    if recent:
        per_measure: dict[int, int] = defaultdict(int)
        for measure_id, _, _ in chosen:
            per_measure[measure_id] += 1
        seen_of: dict[int, int] = defaultdict(int)
        kept = []
        for item in chosen:  # oldest first: skip all but each measure's newest ``recent``
            seen_of[item[0]] += 1
            if seen_of[item[0]] > per_measure[item[0]] - recent:
                kept.append(item)
        chosen = kept
    # Model instances only for the values returned (positional: the concrete fields in order).
    values = [v if isinstance(v, MeasureValue) else MeasureValue(*v) for _, _, v in chosen]
    population_ids = {v.population_id for v in values if v.population_id}
    populations = PopulationEstimate.objects.in_bulk(population_ids) if population_ids else {}
    cache_population = MeasureValue.population.field.set_cached_value
    for v in values:
        cache_population(v, populations.get(v.population_id) if v.population_id else None)
    return values


@dataclass
class Revision:
    """A change to a recorded value: what it was, what it became, who changed it and why."""

    value_id: int
    measure_id: int
    label: str
    before: Decimal | None
    after: Decimal | None
    at: datetime
    by: object  # the user, or None
    reason: str
    deleted: bool = False


def revisions_between(measure_ids, after: datetime | None, until: datetime) -> list[Revision]:
    """Corrections and deletions of values made after ``after`` (exclusive; None for since the
    beginning) up to ``until`` (inclusive), oldest first, with the figure before each. For board
    packs: "revised since the last meeting", with who and why. One query."""
    records = (
        MeasureValue.history.filter(measure_id__in=measure_ids, history_date__lte=until)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    previous: dict[int, object] = {}
    revisions = []
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if before is None or record.history_type == "+":
            continue
        if after is not None and record.history_date <= after:
            continue
        if (
            record.history_type == "~"
            and before.value == record.value
            and (before.numerator == record.numerator and before.denominator == record.denominator)
        ):
            continue  # a change of note or label only: not a revised figure
        revisions.append(
            Revision(
                value_id=record.id,
                measure_id=record.measure_id,
                label=record.label,
                before=before.value,
                after=None if record.history_type == "-" else record.value,
                at=record.history_date,
                by=record.history_user,
                reason=record.history_change_reason or "",
                deleted=record.history_type == "-",
            )
        )
    revisions.sort(key=lambda r: (r.at, r.value_id))
    return revisions


RECENT_VALUES = 13  # a year of monthly values and the same month last year


def _recent(queryset, order, limit: int, partition=("measure_id",)):
    """The first ``limit`` rows per measure (or per ``partition``) in ``order``: a window
    function, one query."""
    return queryset.annotate(
        recent_rank=Window(
            RowNumber(), partition_by=[F(name) for name in partition], order_by=order
        )
    ).filter(recent_rank__lte=limit)


def _latest_period_end():
    """The end of the period of the latest value (by period start) of the row's measure: a
    correlated subquery on the (measure, period_start) index."""
    return Subquery(
        MeasureValue.objects.filter(measure_id=OuterRef("measure_id"))
        .order_by("-period_start")
        .values("period_end")[:1]
    )


def _targets_for_latest(ids):
    """Per measure, the one target ``target_for`` would choose for the latest value: among the
    targets started by the end of the latest value's period, one containing that day first,
    then the latest started. One query."""
    containing_first = Case(When(period_end__gte=F("latest_end"), then=Value(0)), default=Value(1))
    return _recent(
        Target.objects.filter(measure_id__in=ids)
        .alias(latest_end=_latest_period_end())
        .filter(period_start__lte=F("latest_end")),
        [containing_first.asc(), F("period_start").desc()],
        1,
    ).order_by("period_start")


def _comparators_for_latest(ids):
    """Per measure and kind, the latest comparator started by the end of the latest value's
    period (what ``comparators_for`` chooses). One query."""
    return _recent(
        Comparator.objects.filter(measure_id__in=ids)
        .alias(latest_end=_latest_period_end())
        .filter(period_start__lte=F("latest_end")),
        [F("period_start").desc()],
        1,
        partition=("measure_id", "kind"),
    ).order_by("period_start", "kind")


def measure_statuses(
    measures,
    *,
    as_at: datetime | None = None,
    compare_with: str = PREVIOUS_PERIOD,
    recent: int | None = None,
    with_comparators: bool = True,
) -> list[MeasureStatus]:
    """The status of each measure (in the order given), in at most five queries whatever the
    number of measures and values. ``compare_with`` is "previous" (the previous period) or
    "last_year" (the same period last year) for the direction of travel.

    Lists pass ``recent`` (e.g. ``RECENT_VALUES`` for a sparkline, 1 for the RAG alone) so that
    only what a list shows is read, however long each measure's history: the ``recent`` latest
    values (without their population estimates), and only the target and the comparators that
    apply to the latest value (``targets`` and ``all_comparators`` hold just those). The
    latest value, its target, RAG, comparators and (given enough values) the direction of
    travel are the same as without ``recent``. A caller that needs only the RAG (the portfolio's
    count of measures off target) passes ``recent=1, with_comparators=False``: two queries,
    and statuses without comparators."""
    if compare_with not in COMPARE_WITH:
        raise ValueError(f"compare_with must be one of {COMPARE_WITH}")
    measures = list(measures)
    ids = [m.pk for m in measures]
    if not ids:
        return []
    values_by, targets_by, comparators_by = _history_by_measure(
        ids, as_at=as_at, recent=recent, with_comparators=with_comparators
    )
    cache_measure = MeasureValue.measure.field.set_cached_value
    statuses = []
    for m in measures:
        values = values_by[m.pk]
        for v in values:
            cache_measure(v, m)  # no query for v.measure later
        statuses.append(_status_of(m, values, targets_by[m.pk], comparators_by[m.pk], compare_with))
    return statuses


def _history_by_measure(ids, *, as_at, recent, with_comparators):
    """Values, targets and comparators of the measures, by measure id (at most five queries)."""
    targets = Target.objects.filter(measure_id__in=ids).order_by("period_start")
    comparators = Comparator.objects.filter(measure_id__in=ids).order_by("period_start", "kind")
    if as_at is not None:
        all_values = values_as_at(ids, as_at, recent=recent)
    elif recent:
        values_qs = _recent(
            MeasureValue.objects.filter(measure_id__in=ids), [F("period_start").desc()], recent
        )
        all_values = list(values_qs.order_by("measure_id", "period_start"))
        targets, comparators = _targets_for_latest(ids), _comparators_for_latest(ids)
    else:
        values_qs = MeasureValue.objects.filter(measure_id__in=ids).select_related("population")
        all_values = list(values_qs.order_by("measure_id", "period_start"))
    if not with_comparators:
        comparators = []
    values_by, targets_by, comparators_by = defaultdict(list), defaultdict(list), defaultdict(list)
    for v in all_values:
        values_by[v.measure_id].append(v)
    for t in targets:
        targets_by[t.measure_id].append(t)
    for c in comparators:
        comparators_by[c.measure_id].append(c)
    return values_by, targets_by, comparators_by


def _status_of(m: Measure, values, targets, comparators, compare_with: str) -> MeasureStatus:
    """One measure's status from its values (oldest first), targets and comparators."""
    latest = values[-1] if values else None
    previous = values[-2] if len(values) > 1 else None
    last_year = same_period_last_year(latest, values) if latest else None
    target = target_for(latest, targets) if latest else None
    reference = last_year if compare_with == SAME_PERIOD_LAST_YEAR else previous
    latest_value = latest.value if latest else None
    reference_value = reference.value if reference else None
    return MeasureStatus(
        measure=m,
        latest=latest,
        previous=previous,
        same_period_last_year=last_year,
        target=target,
        rag=rag_against_target(
            latest_value,
            target.value if target else None,
            target.amber_tolerance if target else 0,
            m.polarity,
        ),
        direction=direction_of_travel(latest_value, reference_value, m.polarity),
        comparators=comparators_for(latest, comparators) if latest else {},
        values=values,
        targets=targets,
        all_comparators=comparators,
        compare_with=compare_with,
        movement=movement(latest_value, reference_value),
    )


def measure_status(measure: Measure, **kwargs) -> MeasureStatus:
    """The status of one measure (see ``measure_statuses``)."""
    return measure_statuses([measure], **kwargs)[0]


__all__ = [
    # The vocabulary, from core.presentation (re-exported for the measures app's callers).
    "GREEN",
    "AMBER",
    "RED",
    "IMPROVING",
    "WORSENING",
    "NO_CHANGE",
    "DIRECTION_WORDS",
    "MOVEMENT_ARROWS",
    "MOVEMENT_WORDS",
    "MeasureStatus",
    "measure_status",
    "measure_statuses",
    "rag_against_target",
    "direction_of_travel",
    "values_as_at",
    "revisions_between",
    "Revision",
]
