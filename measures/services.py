"""Writes to measure values. Views and importers call these; they validate, so bad input is a
``ValidationError`` with a message per field, never an ``IntegrityError``.

- ``measure_value_record`` adds the value for a period (one value per period; a rate per 10,000
  is entered as published, or computed from its count and the population estimate of the
  measure's own area for the period's year; a percentage may be computed from its numerator and
  denominator, and a value given with them must agree with them).
- ``measure_value_correct`` changes an existing value and records why in the value's history
  (simple-history's change reason and user), so that board packs can flag it as revised.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.formatting import day_text
from measures.models import Measure, MeasureValue, PopulationEstimate, rate_per_10000

ONE_PLACE = Decimal("0.1")


def percentage(numerator, denominator) -> Decimal:
    return (Decimal(numerator) / Decimal(denominator) * 100).quantize(
        ONE_PLACE, rounding=ROUND_HALF_UP
    )


def _period_taken_error(measure: Measure, period_start: date) -> ValidationError:
    existing = MeasureValue.objects.filter(measure=measure, period_start=period_start).first()
    starting = day_text(period_start, padded=True)
    label = existing.label if existing else starting
    return ValidationError(
        {
            "period_start": (
                f"There is already a value for the period starting {starting} "
                f"({label}). Correct that value instead of adding another."
            )
        }
    )


def population_estimates_for(measure: Measure):
    """The population estimates a measure's rates may use: those of its own organisation's area
    (every estimate when the measure has no organisation), newest first."""
    estimates = PopulationEstimate.objects.order_by("-year", "age_band", "area")
    if measure.organisation_id:
        estimates = estimates.filter(organisation_id=measure.organisation_id)
    return estimates


def population_for(measure: Measure, period_start: date) -> PopulationEstimate | None:
    """The estimate of the measure's area for the period's year: the latest (0-17 first) from
    the year the period starts in or before it. None when the area has none that early."""
    estimates = [e for e in population_estimates_for(measure) if e.year <= period_start.year]
    estimates.sort(key=lambda e: (e.year, e.age_band == "0-17"), reverse=True)
    return estimates[0] if estimates else None


def _no_population_error(measure: Measure, period_start: date | None) -> ValidationError:
    area = measure.organisation or "this measure's area"
    year = f" for {period_start.year} or earlier" if period_start else ""
    return ValidationError(
        {
            "population": f"There is no population estimate of {area}{year}. Enter the rate "
            "as published, or ask an administrator to add the estimate (Population estimates)."
        }
    )


def _prepare(
    *,
    measure: Measure,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    population: PopulationEstimate | None,
    period_start: date | None = None,
) -> tuple[Decimal | None, Decimal | None, Decimal | None, PopulationEstimate | None]:
    """Check the figures agree with the measure's unit; return (value, numerator, denominator,
    population) with a rate or percentage computed where it can be."""
    unit = measure.unit
    if unit == Measure.Unit.RATE_PER_10000:
        return _prepare_rate(measure, period_start, value, numerator, denominator, population)
    errors: dict[str, str] = {}
    if numerator is not None and numerator < 0:
        errors["numerator"] = "The count cannot be negative."
    if denominator is not None and denominator <= 0:
        errors["denominator"] = "The denominator must be greater than zero."
    if population is not None:
        errors["population"] = "Only a rate per 10,000 uses a population estimate."
    if (numerator is None) != (denominator is None):
        missing = "denominator" if denominator is None else "numerator"
        errors[missing] = f"Enter the {missing} as well, or neither."
    if errors:
        raise ValidationError(errors)
    if unit == Measure.Unit.PERCENTAGE and numerator is not None:
        if numerator > denominator:
            raise ValidationError(
                {"numerator": "The numerator cannot be more than the denominator."}
            )
        computed = percentage(numerator, denominator)
        if value is None:
            return computed, numerator, denominator, None
        if abs(Decimal(value) - computed) > ONE_PLACE:
            raise ValidationError(
                {
                    "value": f"{numerator:,f} of {denominator:,f} is {computed}%, not {value}%. "
                    "Leave the value blank to have it computed."
                }
            )
    if value is None:
        raise ValidationError({"value": "Enter the value."})
    if unit == Measure.Unit.PERCENTAGE and not (0 <= Decimal(value) <= 100):
        raise ValidationError({"value": "A percentage must be between 0 and 100."})
    return value, numerator, denominator, None


def _prepare_rate(
    measure: Measure,
    period_start: date | None,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    population: PopulationEstimate | None,
) -> tuple[Decimal | None, Decimal | None, Decimal | None, PopulationEstimate | None]:
    """A rate per 10,000: either the rate as published (no count), or computed from the count
    and a population (the estimate of the measure's area for the period's year unless one is
    chosen, or a denominator given instead); a value given with a count must agree with it."""
    errors: dict[str, str] = {}
    if numerator is not None and numerator < 0:
        errors["numerator"] = "The count cannot be negative."
    if denominator is not None and denominator <= 0:
        errors["denominator"] = "The denominator must be greater than zero."
    if (
        population is not None
        and measure.organisation_id
        and (population.organisation_id != measure.organisation_id)
    ):
        errors["population"] = (
            f"Choose a population estimate of {measure.organisation}: "
            f"{population.area} is not this measure's area."
        )
    if numerator is None:
        if value is None:
            errors["value"] = "Enter the rate per 10,000, or the count of children."
        elif population is not None or denominator is not None:
            errors["numerator"] = "Enter the count of children as well, or only the rate."
        elif value < 0:
            errors["value"] = "The rate cannot be negative."
        if errors:
            raise ValidationError(errors)
        return value, None, None, None
    if errors:
        raise ValidationError(errors)
    if population is None and denominator is None:
        population = population_for(measure, period_start) if period_start else None
        if population is None:
            raise _no_population_error(measure, period_start)
    base = Decimal(population.count) if population is not None else denominator
    if population is not None and denominator is not None and denominator != base:
        raise ValidationError(
            {"denominator": "Leave the denominator blank: it is the population estimate."}
        )
    computed = rate_per_10000(numerator, base)
    if value is not None and abs(Decimal(value) - computed) > ONE_PLACE:
        raise ValidationError(
            {
                "value": f"{numerator:,f} of {base:,f} is {computed} per 10,000, "
                f"not {value}. Leave the value blank to have it computed."
            }
        )
    return computed, numerator, base, population


def _check_period(period_start: date, period_end: date, label: str) -> None:
    errors = {}
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = "The end of the period must be on or after its start."
    if not (label or "").strip():
        errors["label"] = 'Enter how the period is written, for example "2023/24 Q2".'
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def measure_value_record(
    *,
    measure: Measure,
    period_start: date,
    period_end: date,
    label: str,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    population: PopulationEstimate | None = None,
    note: str = "",
    recorded_by=None,
    illustrative: bool = False,
) -> MeasureValue:
    """Add a measure's value for a period. Raises ValidationError (per field) when the period
    already has a value or the figures do not agree with the measure's unit."""
    _check_period(period_start, period_end, label)
    if MeasureValue.objects.filter(measure=measure, period_start=period_start).exists():
        raise _period_taken_error(measure, period_start)
    value, numerator, denominator, population = _prepare(
        measure=measure,
        value=value,
        numerator=numerator,
        denominator=denominator,
        population=population,
        period_start=period_start,
    )
    record = MeasureValue(
        measure=measure,
        period_start=period_start,
        period_end=period_end,
        label=label.strip(),
        value=value,
        numerator=numerator,
        denominator=denominator,
        population=population,
        note=note,
        recorded_by=recorded_by,
        illustrative=illustrative,
    )
    record.full_clean(exclude=["measure", "population", "recorded_by"], validate_unique=False)
    if recorded_by is not None:
        record._history_user = recorded_by
    try:
        with transaction.atomic():  # a savepoint: someone else may add the period at once
            record.save()
    except IntegrityError as exc:
        raise _period_taken_error(measure, period_start) from exc
    return record


_UNSET = object()


@transaction.atomic
def measure_value_correct(
    *,
    value: MeasureValue,
    reason: str,
    corrected_by=None,
    new_value=_UNSET,
    numerator=_UNSET,
    denominator=_UNSET,
    population=_UNSET,
    label=_UNSET,
    period_end=_UNSET,
    note=_UNSET,
) -> MeasureValue:
    """Correct a recorded value (the period start stays: it identifies the value). The reason is
    kept as the history record's change reason, with who corrected it; the earlier figure stays
    in the history, so packs issued before can show what changed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the value is being corrected."})
    record = MeasureValue.objects.select_for_update().select_related("measure").get(pk=value.pk)
    changes = {
        "numerator": numerator,
        "denominator": denominator,
        "population": population,
        "label": label,
        "period_end": period_end,
        "note": note,
    }
    for name, new in changes.items():
        if new is not _UNSET:
            setattr(record, name, new)
    unit = record.measure.unit
    if unit == Measure.Unit.RATE_PER_10000 and (record.population_id or record.numerator is None):
        record.denominator = None  # the estimate's count, or none for a rate as published
    if new_value is not _UNSET:
        given_value = new_value
    elif unit in (Measure.Unit.RATE_PER_10000, Measure.Unit.PERCENTAGE) and (
        record.numerator is not None
    ):
        given_value = None  # recomputed from the corrected figures
    else:
        given_value = record.value
    computed, num, den, chosen = _prepare(
        measure=record.measure,
        value=given_value,
        numerator=record.numerator,
        denominator=record.denominator,
        population=record.population,
        period_start=record.period_start,
    )
    _check_period(record.period_start, record.period_end, record.label)
    record.value, record.numerator, record.denominator = computed, num, den
    if unit == Measure.Unit.RATE_PER_10000:
        record.population = chosen
    record.full_clean(exclude=["measure", "population", "recorded_by"], validate_unique=False)
    record._change_reason = reason
    if corrected_by is not None:
        record._history_user = corrected_by
    record.save()
    return record
