"""Rules of a measure's status: RAG against target by polarity and tolerance, direction of travel
(previous period or same period last year), which target and comparators apply, "as at"
reconstruction from the history, and a fixed number of queries."""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from measures.models import Comparator, Measure, MeasureValue, Target
from measures.services import measure_value_correct
from measures.status import (
    AMBER,
    GREEN,
    IMPROVING,
    NO_CHANGE,
    RED,
    WORSENING,
    direction_of_travel,
    measure_status,
    measure_statuses,
    rag_against_target,
    revisions_between,
)
from tests import factories

pytestmark = pytest.mark.django_db

HIGHER, LOWER, MONITOR = Measure.Polarity.HIGHER, Measure.Polarity.LOWER, Measure.Polarity.MONITOR


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@contextmanager
def recorded_at(moment: datetime):
    """Everything saved inside is recorded (in the history) at ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def value(measure, year, v, *, quarter=None, **kw):
    if quarter is None:
        start, end, label = date(year, 4, 1), date(year + 1, 3, 31), f"{year}/{year - 1999}"
    else:
        month = 4 + 3 * (quarter - 1)
        y = year if month <= 12 else year + 1
        month = month if month <= 12 else month - 12
        start = date(y, month, 1)
        end_month = month + 2
        end = date(y, end_month, {6: 30, 9: 30, 12: 31, 3: 31}[end_month])
        label = f"{year}/{year - 1999} Q{quarter}"
    return MeasureValue.objects.create(
        measure=measure, period_start=start, period_end=end, label=label, value=Decimal(v), **kw
    )


def target(measure, year, v, tolerance=0):
    return Target.objects.create(
        measure=measure,
        period_start=date(year, 4, 1),
        period_end=date(year + 1, 3, 31),
        label=f"{year}/{year - 1999}",
        value=Decimal(v),
        amber_tolerance=Decimal(tolerance),
    )


# RAG against target ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "polarity,val,expected",
    [
        (HIGHER, "80", GREEN),  # above a target where higher is better
        (HIGHER, "75", GREEN),  # exactly on target
        (HIGHER, "72", AMBER),  # below but within the tolerance of 5
        (HIGHER, "70", AMBER),  # exactly at the edge of the tolerance
        (HIGHER, "69.9", RED),  # beyond the tolerance
        (LOWER, "70", GREEN),  # below a target where lower is better
        (LOWER, "75", GREEN),
        (LOWER, "79", AMBER),
        (LOWER, "80", AMBER),
        (LOWER, "80.1", RED),
        (MONITOR, "10", None),  # monitored measures have no RAG
    ],
)
def test_rag_against_target_follows_polarity_and_tolerance(polarity, val, expected):
    assert rag_against_target(Decimal(val), Decimal("75"), Decimal("5"), polarity) == expected


def test_rag_with_zero_tolerance_is_never_amber():
    assert rag_against_target(Decimal("74.9"), Decimal("75"), Decimal("0"), HIGHER) == RED
    assert rag_against_target(Decimal("75"), Decimal("75"), Decimal("0"), HIGHER) == GREEN


def test_status_rag_uses_the_targets_tolerance_and_the_measures_polarity():
    lac = factories.measure(polarity=LOWER, unit=Measure.Unit.RATE_PER_10000)
    value(lac, 2022, "120")
    value(lac, 2023, "104")
    target(lac, 2023, "100", tolerance="5")
    status = measure_status(lac)
    assert status.target.value == Decimal("100")
    assert status.rag == AMBER
    assert status.rag_word == "Near target"


def test_status_without_a_target_or_values_has_no_rag():
    m = factories.measure()
    value(m, 2023, "10")
    assert measure_status(m).rag is None
    empty = measure_status(factories.measure())
    assert empty.latest is None and empty.rag is None and empty.direction == ""
    assert empty.comparators == {}


def test_monitored_measure_has_no_rag_even_with_a_target():
    m = factories.measure(polarity=MONITOR)
    value(m, 2023, "10")
    target(m, 2023, "5")
    assert measure_status(m).rag is None


# Direction of travel --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "polarity,before,after,expected",
    [
        (LOWER, "150", "141.1", IMPROVING),  # fewer children looked after is an improvement
        (LOWER, "141.1", "150", WORSENING),
        (HIGHER, "60", "65", IMPROVING),
        (HIGHER, "65", "60", WORSENING),
        (HIGHER, "60", "60", NO_CHANGE),
        (LOWER, "60", "60", NO_CHANGE),
        (MONITOR, "60", "65", ""),
    ],
)
def test_direction_of_travel_respects_polarity(polarity, before, after, expected):
    assert direction_of_travel(Decimal(after), Decimal(before), polarity) == expected


def test_fall_in_children_looked_after_is_improving_in_the_status():
    lac = factories.measure(polarity=LOWER)
    value(lac, 2022, "150")
    value(lac, 2023, "141.1")
    status = measure_status(lac)
    assert status.direction == IMPROVING
    assert status.direction_word == "Improving" and status.direction_arrow
    assert status.movement == "down"


def test_a_single_value_has_no_direction():
    m = factories.measure()
    value(m, 2023, "10")
    assert measure_status(m).direction == ""


def test_direction_can_be_read_against_the_same_period_last_year():
    m = factories.measure(polarity=HIGHER)
    value(m, 2022, "50", quarter=2)
    value(m, 2022, "70", quarter=3)
    value(m, 2022, "90", quarter=4)
    value(m, 2023, "60", quarter=1)
    value(m, 2023, "80", quarter=2)
    value(m, 2023, "75", quarter=3)  # down on Q2 (80) but up on last year's Q3 (70)
    previous = measure_status(m)
    assert previous.previous.label == "2023/24 Q2"
    assert previous.direction == WORSENING
    last_year = measure_status(m, compare_with="last_year")
    assert last_year.same_period_last_year.label == "2022/23 Q3"
    assert last_year.direction == IMPROVING

    value(m, 2023, "85", quarter=4)  # up on Q3 (75) but down on last year's Q4 (90)
    assert measure_status(m).direction == IMPROVING
    assert measure_status(m, compare_with="last_year").direction == WORSENING
    assert measure_status(m, compare_with="last_year").reference.label == "2022/23 Q4"


def test_same_period_last_year_is_empty_when_there_is_none():
    m = factories.measure()
    value(m, 2023, "60", quarter=1)
    value(m, 2023, "65", quarter=2)
    status = measure_status(m, compare_with="last_year")
    assert status.same_period_last_year is None and status.direction == ""


def test_unknown_comparison_is_refused():
    with pytest.raises(ValueError):
        measure_statuses([], compare_with="yesterday")


# Targets and comparators ----------------------------------------------------------------------


def test_target_is_the_one_for_the_latest_values_period():
    m = factories.measure()
    target(m, 2021, "10")
    target(m, 2022, "20")
    target(m, 2024, "40")  # a future target does not apply yet
    value(m, 2022, "25")
    assert measure_status(m).target.value == Decimal("20")
    value(m, 2023, "25")  # no target for 2023/24: the most recent one that has started applies
    assert measure_status(m).target.value == Decimal("20")


def test_comparators_are_the_latest_of_each_kind_for_the_latest_period():
    m = factories.measure()
    value(m, 2023, "25")
    for year, england in ((2021, "30"), (2022, "31"), (2024, "99")):
        Comparator.objects.create(
            measure=m,
            kind=Comparator.Kind.ENGLAND,
            period_start=date(year, 4, 1),
            period_end=date(year + 1, 3, 31),
            label=str(year),
            value=Decimal(england),
        )
    Comparator.objects.create(
        measure=m,
        kind=Comparator.Kind.STATISTICAL_NEIGHBOURS,
        period_start=date(2023, 4, 1),
        period_end=date(2024, 3, 31),
        label="2023",
        value=Decimal("27"),
    )
    comparators = measure_status(m).comparators
    assert list(comparators) == ["england", "statistical_neighbours"]
    assert comparators["england"].value == Decimal("31")  # the 2024 figure is not yet relevant
    assert comparators["statistical_neighbours"].value == Decimal("27")


# As at ----------------------------------------------------------------------------------------


def test_as_at_ignores_values_recorded_later_and_corrections_made_later():
    m = factories.measure(polarity=LOWER)
    target(m, 2023, "100", tolerance="5")
    with recorded_at(aware(2023, 5, 1, 9)):
        value(m, 2022, "120")
    with recorded_at(aware(2024, 5, 1, 9)):
        latest = value(m, 2023, "110")
    with recorded_at(aware(2024, 7, 1, 9)):
        measure_value_correct(value=latest, new_value=Decimal("104"), reason="Late returns")

    early = measure_status(m, as_at=aware(2024, 1, 1))
    assert [v.label for v in early.values] == ["2022/23"]
    assert early.latest.value == Decimal("120")
    assert early.target is None and early.rag is None  # the 2023/24 target is not for 2022/23

    before_fix = measure_status(m, as_at=aware(2024, 6, 1))
    assert before_fix.latest.value == Decimal("110") and before_fix.rag == RED
    assert before_fix.direction == IMPROVING

    after_fix = measure_status(m, as_at=aware(2024, 8, 1))
    assert after_fix.latest.value == Decimal("104") and after_fix.rag == AMBER
    assert measure_status(m).latest.value == Decimal("104")


def test_as_at_keeps_a_value_deleted_later_and_drops_one_deleted_before():
    m = factories.measure()
    with recorded_at(aware(2023, 1, 1)):
        v1 = value(m, 2021, "1")
        v2 = value(m, 2022, "2")
    with recorded_at(aware(2023, 2, 1)):
        v1.delete()
    with recorded_at(aware(2023, 6, 1)):
        v2.delete()
    assert [v.value for v in measure_status(m, as_at=aware(2023, 1, 15)).values] == [1, 2]
    assert [v.value for v in measure_status(m, as_at=aware(2023, 3, 1)).values] == [2]
    assert measure_status(m, as_at=aware(2023, 7, 1)).values == []


def test_as_at_counts_a_first_version_from_its_backdated_created_at():
    """Figures brought in later than they were recorded count from when they were recorded."""
    m = factories.measure()
    with recorded_at(aware(2024, 6, 1)):
        v = value(m, 2021, "5")
    MeasureValue.objects.filter(pk=v.pk).update(created_at=aware(2022, 5, 1))  # live row only
    with recorded_at(aware(2024, 7, 1)):
        measure_value_correct(value=v, new_value=Decimal("6"), reason="Revised return")
    assert measure_status(m, as_at=aware(2022, 4, 1)).latest is None
    assert measure_status(m, as_at=aware(2023, 1, 1)).latest.value == Decimal("5")
    assert measure_status(m, as_at=aware(2024, 8, 1)).latest.value == Decimal("6")


def test_as_at_reads_values_without_history_from_the_live_table():
    m = factories.measure()
    MeasureValue.objects.bulk_create(
        [
            MeasureValue(
                measure=m,
                period_start=date(2022, 4, 1),
                period_end=date(2023, 3, 31),
                label="2022/23",
                value=Decimal("7"),
                created_at=aware(2023, 5, 1),
            )
        ]
    )
    MeasureValue.objects.filter(measure=m).update(created_at=aware(2023, 5, 1))
    assert measure_status(m, as_at=aware(2023, 4, 1)).latest is None
    assert measure_status(m, as_at=aware(2023, 6, 1)).latest.value == Decimal("7")


def test_revisions_between_meetings_say_what_changed_who_changed_it_and_why():
    m = factories.measure()
    corrector = factories.officer()
    with recorded_at(aware(2024, 1, 10)):
        v = value(m, 2022, "50")
    with recorded_at(aware(2024, 2, 10)):
        measure_value_correct(value=v, new_value=Decimal("52"), reason="First fix")
    with recorded_at(aware(2024, 3, 10)):
        measure_value_correct(
            value=v, new_value=Decimal("53"), reason="Late returns", corrected_by=corrector
        )
    with recorded_at(aware(2024, 3, 12)):
        measure_value_correct(value=v, note="checked", reason="Note only")
    since_feb = revisions_between([m.pk], aware(2024, 2, 15), aware(2024, 3, 31))
    assert [(r.before, r.after, r.reason, r.by) for r in since_feb] == [
        (Decimal("52"), Decimal("53"), "Late returns", corrector)
    ]
    everything = revisions_between([m.pk], None, aware(2024, 3, 31))
    assert [r.after for r in everything] == [Decimal("52"), Decimal("53")]
    assert revisions_between([m.pk], aware(2024, 3, 11), aware(2024, 3, 31)) == []


def test_as_at_values_carry_their_population_estimate():
    from measures.models import PopulationEstimate

    pop = PopulationEstimate.objects.create(area="Middlesbrough", year=2016, count=32180)
    m = factories.measure(unit=Measure.Unit.RATE_PER_10000, polarity=LOWER)
    MeasureValue.objects.create(
        measure=m,
        period_start=date(2018, 2, 28),
        period_end=date(2018, 2, 28),
        label="As at 28 February 2018",
        numerator=454,
        population=pop,
    )
    status = measure_status(m, as_at=timezone.now())
    assert status.latest.value == Decimal("141.1")
    assert status.latest.population.count == 32180


# Speed ----------------------------------------------------------------------------------------


def build_measures(n: int, values_each: int) -> list[Measure]:
    measures = []
    for i in range(n):
        m = factories.measure(polarity=LOWER if i % 2 else HIGHER)
        for year in range(2024 - values_each, 2024):
            value(m, year, str(10 + year % 7))
        target(m, 2023, "12", tolerance="1")
        Comparator.objects.create(
            measure=m,
            kind=Comparator.Kind.REGION,
            period_start=date(2023, 4, 1),
            period_end=date(2024, 3, 31),
            label="2023/24",
            value=Decimal("11"),
        )
        measures.append(m)
    return measures


@pytest.mark.parametrize("n,values_each", [(2, 2), (40, 8)])
def test_statuses_take_a_fixed_number_of_queries(n, values_each, django_assert_num_queries):
    measures = build_measures(n, values_each)
    with django_assert_num_queries(3):
        statuses = measure_statuses(measures)
    assert [s.measure for s in statuses] == measures
    with CaptureQueriesContext(connection) as ctx:
        for s in statuses:  # nothing the pages read afterwards queries again
            assert all(v.measure.code == s.measure.code for v in s.values)
            assert s.target.value == Decimal("12")
    assert len(ctx.captured_queries) == 0
    # measures, history, values without history, targets, comparators (no populations here)
    with django_assert_num_queries(5):
        as_at = measure_statuses(
            Measure.objects.filter(pk__in=[m.pk for m in measures]), as_at=timezone.now()
        )
    assert len(as_at) == n and all(len(s.values) == values_each for s in as_at)


@pytest.mark.django_db
def test_reading_only_recent_values_gives_the_same_status_for_long_histories():
    from measures.status import RECENT_VALUES
    from tests import factories as f

    measures = [f.measure(unit="count", polarity=p) for p in ("higher", "lower")]
    for m in measures:
        for i in range(40):  # 40 months of values, comparators and targets
            start = date(2020 + i // 12, i % 12 + 1, 1)
            MeasureValue.objects.create(
                measure=m,
                period_start=start,
                period_end=start,
                label=f"{start:%b %Y}",
                value=Decimal(100 + (i * 7) % 13),
            )
            Comparator.objects.create(
                measure=m,
                kind="england",
                period_start=start,
                period_end=start,
                label="x",
                value=Decimal(105),
            )
            Target.objects.create(
                measure=m,
                period_start=start,
                period_end=start,
                label="t",
                value=Decimal(104),
                amber_tolerance=Decimal(2),
            )
    full = measure_statuses(measures, compare_with="last_year")
    recent = measure_statuses(measures, compare_with="last_year", recent=RECENT_VALUES)
    for a, b in zip(full, recent, strict=True):
        assert (a.latest, a.previous, a.same_period_last_year) == (
            b.latest,
            b.previous,
            b.same_period_last_year,
        )
        assert (a.rag, a.direction, a.target) == (b.rag, b.direction, b.target)
        assert a.comparators == b.comparators
        assert len(b.values) == RECENT_VALUES and len(a.values) == 40


def comparator(measure, kind, year, v):
    return Comparator.objects.create(
        measure=measure,
        kind=kind,
        period_start=date(year, 4, 1),
        period_end=date(year + 1, 3, 31),
        label=f"{year}/{year - 1999}",
        value=Decimal(v),
    )


def test_latest_value_only_gives_the_rag_against_the_target_for_its_period(
    django_assert_num_queries,
):
    """``recent=1`` (the portfolio's count of measures off target) reads one value per measure
    and still rates it against the target for its own period, not a later or earlier one."""
    ahead = factories.measure(polarity=HIGHER)  # targets set for the next two years already
    for year, v in ((2019, "30"), (2020, "35"), (2021, "40"), (2022, "44"), (2023, "47")):
        value(ahead, year, v)
    for year, t in ((2021, "40"), (2022, "45"), (2023, "50"), (2024, "60"), (2025, "70")):
        target(ahead, year, t, tolerance="5")
    ahead_past = factories.measure(polarity=LOWER)  # the latest target ended before the value
    value(ahead_past, 2022, "130")
    value(ahead_past, 2023, "104")
    target(ahead_past, 2021, "100", tolerance="5")
    Target.objects.create(  # a multi-year target containing the latest value's period ...
        measure=ahead_past,
        period_start=date(2022, 4, 1),
        period_end=date(2026, 3, 31),
        label="2022 to 2026",
        value=Decimal("110"),
        amber_tolerance=Decimal("0"),
    )
    Target.objects.create(  # ... beats a later but shorter one that is over by then
        measure=ahead_past,
        period_start=date(2023, 4, 1),
        period_end=date(2023, 6, 30),
        label="2023/24 Q1",
        value=Decimal("90"),
        amber_tolerance=Decimal("0"),
    )
    stale = factories.measure(polarity=HIGHER)  # no target for the latest period: last one
    value(stale, 2023, "7.5")
    target(stale, 2020, "10", tolerance="1")
    target(stale, 2021, "9", tolerance="1")
    not_yet = factories.measure(polarity=HIGHER)  # only future targets: no RAG
    value(not_yet, 2023, "8")
    target(not_yet, 2024, "10")
    monitored = factories.measure(polarity=MONITOR)
    value(monitored, 2023, "8")
    target(monitored, 2023, "10")
    empty = factories.measure()
    target(empty, 2023, "10")
    for m in (ahead, ahead_past, stale):
        comparator(m, Comparator.Kind.ENGLAND, 2022, "1")
        comparator(m, Comparator.Kind.ENGLAND, 2023, "2")
        comparator(m, Comparator.Kind.ENGLAND, 2024, "3")  # after the latest value: not used
        comparator(m, Comparator.Kind.REGION, 2021, "4")
    measures = [ahead, ahead_past, stale, not_yet, monitored, empty]

    with django_assert_num_queries(3):
        latest_only = measure_statuses(measures, recent=1)
    full = measure_statuses(measures)

    assert [(s.rag, s.target.label if s.target else None) for s in latest_only] == [
        (AMBER, "2023/24"),  # 47 against 50 (tolerance 5), not against 2024/25's 60
        (GREEN, "2022 to 2026"),  # 104 against 110, not against 2023/24 Q1's 90
        (RED, "2021/22"),  # 7.5 against 9 (tolerance 1): the most recent target started
        (None, None),
        (None, "2023/24"),
        (None, None),
    ]
    for short, long in zip(latest_only, full, strict=True):
        assert short.measure == long.measure
        assert (short.latest, short.target, short.rag) == (long.latest, long.target, long.rag)
        assert short.comparators == long.comparators
        assert short.values == long.values[-1:]
    assert {k: c.value for k, c in latest_only[0].comparators.items()} == {
        "england": Decimal("2"),
        "region": Decimal("4"),
    }
    # only what applies to the latest value is read: one target, one comparator per kind
    assert [len(s.targets) for s in latest_only] == [1, 1, 1, 0, 1, 0]
    assert [len(s.all_comparators) for s in latest_only] == [2, 2, 2, 0, 0, 0]

    with django_assert_num_queries(2):  # the RAG alone: no comparators
        rag_only = measure_statuses(measures, recent=1, with_comparators=False)
    assert [(s.rag, s.target) for s in rag_only] == [(s.rag, s.target) for s in full]
    assert all(s.comparators == {} and s.all_comparators == [] for s in rag_only)


def test_recent_statuses_match_full_ones_when_targets_are_set_years_ahead():
    """Lists read the latest values only; the target must still be the one for the latest
    value's period when later targets exist (councils often set two or three years ahead)."""
    m = factories.measure(polarity=HIGHER)
    for i, year in enumerate(range(2010, 2024)):
        value(m, year, str(60 + i))
        comparator(m, Comparator.Kind.STATISTICAL_NEIGHBOURS, year, str(50 + i))
    for year, t in ((2022, "70"), (2023, "80"), (2024, "90"), (2025, "95"), (2026, "99")):
        target(m, year, t, tolerance="10")
    full = measure_status(m)
    recent = measure_statuses([m], recent=13)[0]
    assert full.target.label == "2023/24" and full.rag == AMBER  # 73 against 80
    assert (recent.latest, recent.previous, recent.target, recent.rag, recent.direction) == (
        full.latest,
        full.previous,
        full.target,
        full.rag,
        full.direction,
    )
    assert recent.comparators == full.comparators
    assert len(recent.values) == 13


def test_as_at_with_recent_keeps_each_measures_newest_values_and_the_same_status():
    """Packs read only the newest values of each measure as at the meeting: the status is the
    same as from every value, values deleted or given later are still left out, and a value
    written without history (bulk insert) takes its place among the newest."""
    m, other = factories.measure(polarity=LOWER), factories.measure()
    target(m, 2030, "100", tolerance="5")
    with recorded_at(aware(2035, 1, 1)):
        for year in range(2015, 2031):
            value(m, year, str(200 - year % 100))
        value(other, 2020, "3")
        dropped = value(m, 2031, "50")
    with recorded_at(aware(2035, 2, 1)):
        dropped.delete()
    with recorded_at(aware(2036, 1, 1)):
        value(m, 2032, "1")  # given after the moment
    MeasureValue.objects.bulk_create(
        [
            MeasureValue(
                measure=m,
                period_start=date(2014, 4, 1),
                period_end=date(2015, 3, 31),
                label="2014/15",
                value=Decimal("9"),
                created_at=aware(2034, 1, 1),
            )
        ]
    )
    moment = aware(2035, 6, 1)
    full = {s.measure.pk: s for s in measure_statuses([m, other], as_at=moment)}
    short = {s.measure.pk: s for s in measure_statuses([m, other], as_at=moment, recent=3)}
    assert [v.label for v in short[m.pk].values] == ["2028/29", "2029/30", "2030/31"]
    assert [v.label for v in full[m.pk].values][:2] == ["2014/15", "2015/16"]
    assert len(full[m.pk].values) == 17
    for pk in (m.pk, other.pk):
        a, b = full[pk], short[pk]
        assert (a.latest.pk, a.previous and a.previous.pk, a.rag, a.direction) == (
            b.latest.pk,
            b.previous and b.previous.pk,
            b.rag,
            b.direction,
        )
    assert full[m.pk].rag == RED and [v.value for v in short[other.pk].values] == [3]
