"""Model rules and the invariants the database keeps."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.models import Action, StatusUpdate
from actions.services import StaleUpdateError, status_update_record
from core.rag import Confidence, Lifecycle, Rating, combine, split, worst
from measures.models import MeasureValue, PopulationEstimate, Target, rate_per_10000
from plans.models import Plan
from tests import factories

pytestmark = pytest.mark.django_db


def test_plan_period_must_start_before_it_ends():
    org = factories.organisation()
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            slug="x", title="X", organisation=org, start=date(2024, 4, 1), end=date(2023, 3, 31)
        )


def test_continuous_numbering_runs_across_priorities_and_is_stable():
    plan = factories.plan(numbering=Plan.Numbering.CONTINUOUS)
    p1, p2 = factories.priority(plan), factories.priority(plan)
    a1 = factories.action(p1)
    a2 = factories.action(p1)
    a3 = factories.action(p2)
    assert [a1.number, a2.number, a3.number] == ["1", "2", "3"]
    # Adding another action to the first priority does not renumber the others.
    a4 = factories.action(p1)
    a3.refresh_from_db()
    assert a4.number == "4" and a3.number == "3"


def test_hierarchical_numbering_is_within_outcome_or_priority():
    plan = factories.plan(numbering=Plan.Numbering.HIERARCHICAL)
    p1 = factories.priority(plan, number="1")
    oc = factories.outcome(p1, number="1.1")
    p2 = factories.priority(plan, number="2")
    first = factories.action(p1, outcome=oc)
    second = factories.action(p1, outcome=oc)
    direct = factories.action(p2)
    assert [first.number, second.number, direct.number] == ["1.1.1", "1.1.2", "2.1"]
    first.delete()
    # A gap stays a gap: numbers once given are never reused for a different action.
    assert factories.action(p1, outcome=oc).number == "1.1.3"


def test_action_number_is_unique_within_a_plan_but_not_across_plans():
    p = factories.priority()
    factories.action(p, number="7")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.action(p, number="7")
    other = factories.priority()
    assert factories.action(other, number="7").number == "7"


def test_action_must_sit_under_its_own_plans_priority():
    a = factories.action()
    a.priority = factories.priority()
    with pytest.raises(ValidationError) as err:
        a.full_clean()
    assert "priority" in err.value.message_dict


def test_timescale_is_kept_as_written_and_understood():
    a = factories.action(timescale_text="Q3 2023/24")
    assert a.timescale_text == "Q3 2023/24"
    assert a.timescale_kind == "quarter"
    assert (a.timescale_start, a.timescale_due) == (date(2023, 10, 1), date(2023, 12, 31))
    b = factories.action(timescale_text="when the new system arrives")
    assert b.timescale_kind == "unparsed" and b.timescale_due is None
    assert b.timescale_text == "when the new system arrives"


def test_overdue_uses_the_parsed_due_date_and_never_flags_ongoing_or_complete():
    today = timezone.localdate()
    past = (today - timedelta(days=40)).strftime("%d/%m/%Y")
    future = (today + timedelta(days=40)).strftime("%d/%m/%Y")
    p = factories.priority()
    late = factories.action(p, timescale_text=past)
    factories.action(p, timescale_text=future)
    factories.action(p, timescale_text="Ongoing")
    factories.action(p, timescale_text="Every Q")
    factories.action(p, timescale_text="sometime soon")
    done = factories.action(p, timescale_text=past)
    status_update_record(action=done, lifecycle=Lifecycle.COMPLETE, commentary="Done")
    assert list(Action.objects.overdue()) == [late]
    assert late.is_overdue and not done.is_overdue
    assert Action.objects.not_overdue().count() == 5


def test_due_within_days():
    today = timezone.localdate()
    p = factories.priority()
    soon = factories.action(p, timescale_text=(today + timedelta(days=5)).strftime("%d/%m/%Y"))
    factories.action(p, timescale_text=(today + timedelta(days=50)).strftime("%d/%m/%Y"))
    assert list(Action.objects.due_within(14)) == [soon]


def test_rag_layers_combine_into_brag():
    assert combine(Lifecycle.COMPLETE, None) == Rating.COMPLETE
    assert combine(Lifecycle.NOT_STARTED, None) == Rating.NOT_STARTED
    assert combine(Lifecycle.IN_PROGRESS, Confidence.AMBER) == Rating.AMBER
    with pytest.raises(ValueError):
        combine(Lifecycle.IN_PROGRESS, None)
    assert split(Rating.RED) == (Lifecycle.IN_PROGRESS, "red")
    assert split(Rating.COMPLETE) == (Lifecycle.COMPLETE, "")
    assert worst(["green", "complete", "red", "amber"]) == "red"
    assert worst([]) is None


def test_database_refuses_a_confidence_for_an_action_not_in_progress():
    a = factories.action()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.bulk_create(
            [StatusUpdate(action=a, lifecycle="complete", confidence="red", rating="complete")]
        )


def test_current_rating_is_the_latest_updates_and_history_is_kept():
    a = factories.action()
    status_update_record(action=a, lifecycle=Lifecycle.IN_PROGRESS, confidence="green")
    status_update_record(action=a, lifecycle=Lifecycle.IN_PROGRESS, confidence="red")
    a.refresh_from_db()
    assert a.rating == Rating.RED and a.version == 2
    assert [u.rating for u in a.updates.newest_first()] == ["red", "green"]


def test_one_update_per_action_per_period():
    a = factories.action()
    period = factories.period(a.plan)
    status_update_record(action=a, lifecycle=Lifecycle.NOT_STARTED, period=period)
    with pytest.raises(IntegrityError), transaction.atomic():
        status_update_record(action=a, lifecycle=Lifecycle.NOT_STARTED, period=period)


def test_stale_version_is_refused_and_names_the_newer_update():
    a = factories.action()
    opened_at = a.version
    newer = status_update_record(
        action=a, lifecycle="in_progress", confidence="green", expected_version=opened_at
    )
    with pytest.raises(StaleUpdateError) as err:
        status_update_record(
            action=a, lifecycle="in_progress", confidence="red", expected_version=opened_at
        )
    assert err.value.latest == newer
    assert StatusUpdate.objects.filter(action=a).count() == 1


def test_rate_per_10000():
    assert rate_per_10000(454, 32180) == Decimal("141.1")
    assert rate_per_10000(285, 32180) == Decimal("88.6")
    assert rate_per_10000(1391, 32180) == Decimal("432.3")  # 432.26; see the demo data note
    with pytest.raises(ValueError):
        rate_per_10000(1, 0)


def test_measure_value_rate_is_computed_from_the_population_estimate():
    m = factories.measure(unit="rate_per_10000", polarity="lower")
    pop = PopulationEstimate.objects.create(area="Test", year=2016, age_band="0-17", count=32180)
    v = MeasureValue(
        measure=m,
        period_start=date(2018, 2, 28),
        period_end=date(2018, 2, 28),
        label="Feb",
        numerator=454,
        population=pop,
    )
    v.full_clean()
    v.save()
    v.refresh_from_db()
    assert v.value == Decimal("141.1") and v.denominator == 32180


def test_numerator_and_denominator_must_agree_with_a_rate():
    m = factories.measure(unit="percentage")
    v = MeasureValue(
        measure=m,
        period_start=date(2020, 4, 1),
        period_end=date(2021, 3, 31),
        label="2020/21",
        value=Decimal("75"),
        numerator=10,
        denominator=40,
    )
    with pytest.raises(ValidationError) as err:
        v.full_clean()
    assert "25.0" in str(err.value)


def test_one_value_per_measure_per_period():
    m = factories.measure()
    kw = {
        "measure": m,
        "period_start": date(2020, 4, 1),
        "period_end": date(2021, 3, 31),
        "label": "2020/21",
        "value": 1,
    }
    MeasureValue.objects.create(**kw)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureValue.objects.create(**kw)


def test_target_tolerance_cannot_be_negative():
    m = factories.measure()
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            measure=m,
            period_start=date(2020, 4, 1),
            period_end=date(2021, 3, 31),
            label="x",
            value=1,
            amber_tolerance=-1,
        )


def test_changes_are_recorded_with_who_and_when():
    plan = factories.plan()
    plan.title = "Renamed"
    plan.save()
    assert [h.title for h in plan.history.all()] == ["Renamed", plan.history.earliest().title]
    assert plan.history.count() == 2
