"""Writes through the API: measure values pushed by other systems.

Each value goes through the browser's own form (``measures.forms``) and service
(``measures.services``), so the API checks and records exactly what the measure page does: a
new period is recorded with ``measure_value_record``; a period that already has a value is
corrected with ``measure_value_correct``, which needs a reason and keeps the earlier figure in the
history (board packs then list it as revised); a value sent again unchanged changes nothing. The
change histories name the key's own account ("API key: <name>").

A request is all or nothing: if any value is refused, none is saved, and every refusal is
reported with the index of the value it concerns."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import update_change_reason

from api.models import ApiKey
from api.scope import Scope
from measures.forms import MeasureValueCorrectionForm, MeasureValueForm
from measures.models import Measure, MeasureValue
from measures.services import measure_value_correct, measure_value_record

MAX_VALUES = 500
FIGURES = ("value", "numerator", "denominator", "population")
DERIVED = (Measure.Unit.RATE_PER_10000, Measure.Unit.PERCENTAGE)


@dataclass
class PushResult:
    results: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out = {"created": 0, "corrected": 0, "unchanged": 0}
        for r in self.results:
            out[r["outcome"]] += 1
        return out


def _text(value) -> str:
    return "" if value is None else str(value)


def _same_number(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except InvalidOperation:
        return False


def _form_errors(form) -> list[tuple[str, str]]:
    return [
        (name if name != "__all__" else "", message)
        for name, messages in form.errors.items()
        for message in messages
    ]


def _unexpected_fields(item: dict, form) -> list[tuple[str, str]]:
    """Figures the measure's unit does not take (the browser does not show those fields)."""
    return [
        (name, f"This measure does not take a {name}: leave it out.")
        for name in FIGURES
        if item.get(name) is not None and name not in form.fields
    ]


def _new_value(measure: Measure, item: dict, key: ApiKey):
    data = {
        "period_start": _text(item.get("period_start")),
        "period_end": _text(item.get("period_end")),
        "label": _text(item.get("label")),
        "note": _text(item.get("note")),
        **{name: _text(item.get(name)) for name in FIGURES},
    }
    form = MeasureValueForm(data, measure=measure)
    problems = _unexpected_fields(item, form)
    if not form.is_valid() or problems:
        return None, problems + _form_errors(form)
    try:
        record = measure_value_record(
            measure=measure, recorded_by=key.actor, **form.service_kwargs()
        )
    except ValidationError as error:
        return None, [(f, m) for f, messages in error.message_dict.items() for m in messages]
    update_change_reason(record, f"Recorded through the API with key {key.prefix}")
    return record, []


def _is_unchanged(existing: MeasureValue, item: dict) -> bool:
    for name in ("value", "numerator", "denominator"):
        if name in item and not _same_number(item[name], getattr(existing, name)):
            return False
    if "population" in item and item["population"] != existing.population_id:
        return False
    for name in ("label", "note"):
        if name in item and (item[name] or "") != getattr(existing, name):
            return False
    return not ("period_end" in item and _text(item["period_end"]) != str(existing.period_end))


def _correction(existing: MeasureValue, measure: Measure, item: dict, key: ApiKey):
    """Correct a value: fields the item leaves out keep their recorded figure, except that a
    rate or percentage sent with new counts and no value is computed again."""
    data = {
        "period_end": _text(item.get("period_end", existing.period_end)),
        "label": _text(item.get("label") or existing.label),
        "note": _text(item.get("note", existing.note)),
        "reason": _text(item.get("reason")),
        "numerator": _text(item.get("numerator", existing.numerator)),
        "denominator": _text(item.get("denominator", existing.denominator)),
        "population": _text(item.get("population", existing.population_id)),
    }
    counts_sent = any(name in item for name in ("numerator", "denominator", "population"))
    if "value" in item:
        data["value"] = _text(item["value"])
    elif measure.unit in DERIVED and counts_sent:
        data["value"] = ""
    else:
        data["value"] = _text(existing.value)
    form = MeasureValueCorrectionForm(data, measure=measure, instance=existing)
    problems = _unexpected_fields(item, form)
    if not form.is_valid() or problems:
        return None, problems + _form_errors(form)
    kwargs = form.service_kwargs()
    kwargs["reason"] = f"{kwargs['reason']} (through the API, key {key.prefix})"
    try:
        record = measure_value_correct(value=existing, corrected_by=key.actor, **kwargs)
    except ValidationError as error:
        return None, [(f, m) for f, messages in error.message_dict.items() for m in messages]
    return record, []


@transaction.atomic
def measure_values_push(*, key: ApiKey, items: list[dict]) -> PushResult:
    """Record or correct each value, all or nothing (see the module's rules)."""
    result = PushResult()
    codes = {str(item.get("measure", "")) for item in items}
    measures = {
        m.code: m
        for m in Scope(key=key).measures().filter(code__in=codes).select_related("organisation")
    }
    seen = set()
    for index, item in enumerate(items):
        code = str(item.get("measure", ""))
        measure = measures.get(code)

        def refuse(problems, code=code, index=index):
            for field_name, message in problems:
                result.errors.append(
                    {"index": index, "measure": code, "field": field_name, "message": message}
                )

        if measure is None:
            refuse([("measure", f"No measure with the code {code!r} that this key may write.")])
            continue
        start = _text(item.get("period_start"))
        if (code, start) in seen:
            refuse([("period_start", "This period is given twice in the request.")])
            continue
        seen.add((code, start))
        existing = (
            MeasureValue.objects.select_related("population")
            .filter(measure=measure, period_start=item.get("period_start"))
            .first()
            if item.get("period_start")
            else None
        )
        if existing is not None and _is_unchanged(existing, item):
            record, problems, outcome = existing, [], "unchanged"
        elif existing is not None:
            if not _text(item.get("reason")).strip():
                refuse(
                    [
                        (
                            "reason",
                            f"There is already a value for this period ({existing.label}). "
                            "Send a reason to correct it.",
                        )
                    ]
                )
                continue
            record, problems = _correction(existing, measure, item, key)
            outcome = "corrected"
        else:
            record, problems = _new_value(measure, item, key)
            outcome = "created"
        if problems:
            refuse(problems)
            continue
        result.results.append(
            {
                "index": index,
                "outcome": outcome,
                "id": record.pk,
                "measure": measure.code,
                "period_start": record.period_start.isoformat(),
                "period_end": record.period_end.isoformat(),
                "label": record.label,
                "value": record.value,
                "numerator": record.numerator,
                "denominator": record.denominator,
                "population": record.population_id,
            }
        )
    if result.errors:
        transaction.set_rollback(True)
        result.results = []
    return result
