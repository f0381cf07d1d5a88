"""Recording and correcting measure values: one value per period, figures consistent with the
unit, rates computed from a population estimate, corrections kept in the history with a reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from measures.models import Measure, MeasureValue, PopulationEstimate
from measures.services import measure_value_correct, measure_value_record
from tests import factories

pytestmark = pytest.mark.django_db

PERIOD = {"period_start": date(2018, 2, 28), "period_end": date(2018, 2, 28)}


@pytest.fixture
def population():
    return PopulationEstimate.objects.create(
        organisation=factories.default_organisation(),
        area="Middlesbrough",
        year=2016,
        age_band="0-17",
        count=32180,
        source="ONS mid-2016",
    )


@pytest.fixture
def rate_measure():
    return factories.measure(unit=Measure.Unit.RATE_PER_10000, polarity=Measure.Polarity.LOWER)


def test_rate_is_computed_from_the_count_and_the_chosen_population(rate_measure, population):
    officer = factories.officer()
    v = measure_value_record(
        measure=rate_measure,
        label="As at 28 February 2018",
        numerator=Decimal(454),
        population=population,
        recorded_by=officer,
        **PERIOD,
    )
    v.refresh_from_db()
    assert v.value == Decimal("141.1")
    assert v.denominator == Decimal(32180) and v.population == population
    assert v.recorded_by == officer
    assert v.history.first().history_user == officer


def test_a_rate_is_recorded_as_published_without_a_count(rate_measure):
    v = measure_value_record(
        measure=rate_measure, label="Feb 2018", value=Decimal("141.1"), **PERIOD
    )
    v.refresh_from_db()
    assert v.value == Decimal("141.1")
    assert v.numerator is None and v.denominator is None and v.population is None


def test_a_rate_needs_the_rate_or_a_count(rate_measure, population):
    with pytest.raises(ValidationError) as err:
        measure_value_record(measure=rate_measure, label="Feb 2018", **PERIOD)
    assert "Enter the rate per 10,000, or the count" in err.value.message_dict["value"][0]
    with pytest.raises(ValidationError) as err:  # a population with no count
        measure_value_record(
            measure=rate_measure,
            label="Feb 2018",
            value=Decimal(1),
            population=population,
            **PERIOD,
        )
    assert "numerator" in err.value.message_dict
    assert not MeasureValue.objects.exists()


@pytest.fixture
def two_councils():
    """Stockton and Middlesbrough, each with its own estimates (Stockton's for two years)."""
    stockton = factories.organisation(name="Stockton-on-Tees Borough Council")
    middlesbrough = factories.organisation(name="Middlesbrough Council")
    estimates = {
        "stockton-2016": PopulationEstimate.objects.create(
            organisation=stockton, area="Stockton-on-Tees", year=2016, count=44000
        ),
        "stockton-2017": PopulationEstimate.objects.create(
            organisation=stockton, area="Stockton-on-Tees", year=2017, count=44500
        ),
        "middlesbrough-2016": PopulationEstimate.objects.create(
            organisation=middlesbrough, area="Middlesbrough", year=2016, count=32180
        ),
    }
    measure = factories.measure(
        unit=Measure.Unit.RATE_PER_10000, polarity=Measure.Polarity.LOWER, organisation=stockton
    )
    return measure, estimates


def test_a_count_takes_the_estimate_of_the_measures_own_area_for_the_periods_year(two_councils):
    measure, estimates = two_councils
    v = measure_value_record(measure=measure, label="Feb 2018", numerator=Decimal(445), **PERIOD)
    assert v.population == estimates["stockton-2017"]  # the latest from 2018 or before
    assert v.value == Decimal("100.0") and v.denominator == Decimal(44500)
    early = measure_value_record(
        measure=measure,
        label="2016/17",
        numerator=Decimal(440),
        period_start=date(2016, 4, 1),
        period_end=date(2017, 3, 31),
    )
    assert early.population == estimates["stockton-2016"]


def test_a_count_with_no_estimate_of_the_area_that_early_is_a_clear_error(two_councils):
    measure, _ = two_councils
    with pytest.raises(ValidationError) as err:
        measure_value_record(
            measure=measure,
            label="2014/15",
            numerator=Decimal(440),
            period_start=date(2014, 4, 1),
            period_end=date(2015, 3, 31),
        )
    message = err.value.message_dict["population"][0]
    assert "no population estimate of Stockton-on-Tees Borough Council for 2014" in message
    assert not MeasureValue.objects.exists()


def test_another_areas_estimate_is_refused(two_councils):
    measure, estimates = two_councils
    with pytest.raises(ValidationError) as err:
        measure_value_record(
            measure=measure,
            label="Feb 2018",
            numerator=Decimal(454),
            population=estimates["middlesbrough-2016"],
            **PERIOD,
        )
    assert "Middlesbrough is not this measure's area" in err.value.message_dict["population"][0]


def test_a_rate_recorded_from_a_count_is_corrected_to_the_rate_as_published(two_councils):
    measure, _ = two_councils
    v = measure_value_record(measure=measure, label="Feb 2018", numerator=Decimal(445), **PERIOD)
    corrected = measure_value_correct(
        value=v,
        reason="Published figure",
        new_value=Decimal("99.8"),
        numerator=None,
        population=None,
    )
    assert corrected.value == Decimal("99.8")
    assert corrected.numerator is None and corrected.population is None


def test_rate_typed_by_hand_must_agree_with_its_count(rate_measure, population):
    with pytest.raises(ValidationError) as err:
        measure_value_record(
            measure=rate_measure,
            label="Feb 2018",
            value=Decimal("150"),
            numerator=Decimal(454),
            population=population,
            **PERIOD,
        )
    assert "141.1 per 10,000" in err.value.message_dict["value"][0]


def test_second_value_for_a_period_is_a_clear_error_not_an_integrity_error(
    rate_measure, population
):
    measure_value_record(
        measure=rate_measure,
        label="As at 28 February 2018",
        numerator=Decimal(454),
        population=population,
        **PERIOD,
    )
    with pytest.raises(ValidationError) as err:
        measure_value_record(
            measure=rate_measure,
            label="Again",
            numerator=Decimal(460),
            population=population,
            **PERIOD,
        )
    message = err.value.message_dict["period_start"][0]
    assert "already a value" in message and "As at 28 February 2018" in message
    assert MeasureValue.objects.count() == 1


def test_percentage_is_computed_from_numerator_and_denominator():
    m = factories.measure(unit=Measure.Unit.PERCENTAGE)
    v = measure_value_record(
        measure=m, label="Q1", numerator=Decimal(45), denominator=Decimal(60), **PERIOD
    )
    assert v.value == Decimal("75.0")


@pytest.mark.parametrize(
    "fields,field_in_error",
    [
        ({"value": Decimal(80), "numerator": Decimal(45), "denominator": Decimal(60)}, "value"),
        ({"value": Decimal(75), "numerator": Decimal(45)}, "denominator"),
        ({"value": Decimal(75), "denominator": Decimal(60)}, "numerator"),
        ({"numerator": Decimal(70), "denominator": Decimal(60)}, "numerator"),
        ({"numerator": Decimal(1), "denominator": Decimal(0)}, "denominator"),
        ({"value": Decimal(120)}, "value"),
        ({}, "value"),
    ],
)
def test_inconsistent_percentage_is_refused(fields, field_in_error):
    m = factories.measure(unit=Measure.Unit.PERCENTAGE)
    with pytest.raises(ValidationError) as err:
        measure_value_record(measure=m, label="Q1", **PERIOD, **fields)
    assert field_in_error in err.value.message_dict
    assert not MeasureValue.objects.exists()


def test_population_is_only_for_rates(population):
    m = factories.measure(unit=Measure.Unit.COUNT)
    with pytest.raises(ValidationError) as err:
        measure_value_record(
            measure=m, label="Q1", value=Decimal(3), population=population, **PERIOD
        )
    assert "population" in err.value.message_dict


def test_period_must_end_after_it_starts_and_have_a_label():
    m = factories.measure()
    with pytest.raises(ValidationError) as err:
        measure_value_record(
            measure=m,
            label=" ",
            value=Decimal(3),
            period_start=date(2023, 4, 1),
            period_end=date(2023, 3, 1),
        )
    assert {"period_end", "label"} <= set(err.value.message_dict)


def test_correction_needs_a_reason_and_is_kept_in_the_history(rate_measure, population):
    officer, corrector = factories.officer(), factories.officer()
    v = measure_value_record(
        measure=rate_measure,
        label="As at 28 February 2018",
        numerator=Decimal(450),
        population=population,
        recorded_by=officer,
        **PERIOD,
    )
    with pytest.raises(ValidationError) as err:
        measure_value_correct(value=v, numerator=Decimal(454), reason="  ")
    assert "reason" in err.value.message_dict

    corrected = measure_value_correct(
        value=v, numerator=Decimal(454), reason="Late notifications added", corrected_by=corrector
    )
    assert corrected.value == Decimal("141.1")
    history = list(v.history.order_by("history_date"))
    assert [h.value for h in history] == [Decimal("139.8"), Decimal("141.1")]
    assert history[-1].history_change_reason == "Late notifications added"
    assert history[-1].history_user == corrector
    corrected.refresh_from_db()
    assert corrected.recorded_by == officer  # who first recorded it is not overwritten


def test_correction_of_a_count_keeps_other_figures():
    m = factories.measure(unit=Measure.Unit.COUNT)
    v = measure_value_record(measure=m, label="Q1", value=Decimal(3), note="first", **PERIOD)
    corrected = measure_value_correct(value=v, new_value=Decimal(4), reason="Typo")
    assert corrected.value == Decimal(4) and corrected.note == "first"
    corrected = measure_value_correct(value=v, note="checked", reason="Note")
    assert corrected.value == Decimal(4) and corrected.note == "checked"


def test_correction_that_breaks_consistency_is_refused_and_changes_nothing():
    m = factories.measure(unit=Measure.Unit.PERCENTAGE)
    v = measure_value_record(
        measure=m, label="Q1", numerator=Decimal(45), denominator=Decimal(60), **PERIOD
    )
    with pytest.raises(ValidationError):
        measure_value_correct(value=v, new_value=Decimal(90), reason="Wrong")
    v.refresh_from_db()
    assert v.value == Decimal("75.0") and v.history.count() == 1
