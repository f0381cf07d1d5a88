"""Forms for entering and correcting a measure's values. They parse input; the services in
``measures.services`` validate the figures and save."""

import calendar
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from core.formatting import day_text, month_text
from core.text import clean_text  # hidden characters are refused, with their names
from measures.models import Measure, MeasureValue, PopulationEstimate
from measures.services import population_estimates_for

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d %m %Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
QUARTERS = {4: 1, 7: 2, 10: 3, 1: 4}  # UK financial-year quarters by starting month


def _is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def period_label(start: date, end: date) -> str:
    """A label for a period as councils write it: "2023/24", "2023/24 Q2", "March 2024",
    "2023/24 academic year", "As at 28 February 2018", else "1 April 2023 to 15 May 2023"."""
    if start == end:
        return f"As at {day_text(end)}"
    fy = start.year if start.month >= 4 else start.year - 1
    if start.day == 1 and _is_month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 12 and start.month == 4:
            return f"{fy}/{str(fy + 1)[2:]}"
        if months == 12 and start.month == 9:
            return f"{start.year}/{str(start.year + 1)[2:]} academic year"
        if months == 3 and start.month in QUARTERS:
            return f"{fy}/{str(fy + 1)[2:]} Q{QUARTERS[start.month]}"
        if months == 1:
            return month_text(start)
    return f"{day_text(start)} to {day_text(end)}"


class DateField(forms.DateField):
    input_formats = DATE_FORMATS
    default_error_messages = {
        "invalid": "Enter a real date, for example 31/3/2024.",
        "required": "Enter a date.",
    }


def decimal_field(label, *, required=False, help_text="", **kw):
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=14,
        decimal_places=4,
        localize=False,
        error_messages={
            "invalid": f"{label} must be a number, for example 141.1.",
            "max_digits": f"{label} is too long.",
            "max_decimal_places": f"{label} can have at most 4 decimal places.",
            "max_whole_digits": f"{label} is too large.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        **kw,
    )


class PopulationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        text = f"{obj.area}, {obj.age_band}, {obj.year}: {obj.count:,}"
        return f"{text} ({obj.source})" if obj.source else text


RATE_ENTRY_CHOICES = [
    ("rate", "The rate per 10,000, as published"),
    ("count", "A count of children (the rate is worked out from the population estimate)"),
]


class ValueFieldsMixin:
    """Shows only the fields that make sense for the measure's unit. A rate per 10,000 is
    entered as published, or as a count with the population estimate of the measure's own
    area (by default the one for the period's year)."""

    def _shape_for(self, measure: Measure):
        unit = measure.unit
        if unit == Measure.Unit.RATE_PER_10000:
            self._shape_for_rate(measure)
            return
        self.fields.pop("entry", None)
        self.fields.pop("population", None)
        if unit == Measure.Unit.PERCENTAGE:
            self.fields[
                "value"
            ].help_text = "Leave blank to compute it from the numerator and denominator."
        else:
            self.fields.pop("numerator", None)
            self.fields.pop("denominator", None)
            self.fields["value"].required = True
            self.fields["value"].error_messages["required"] = "Enter the value."

    def _shape_for_rate(self, measure: Measure):
        self.fields.pop("denominator", None)
        self.fields["value"].label = "Rate per 10,000 children"
        self.fields["value"].help_text = "As published, for example 141.1."
        self.fields["value"].error_messages["invalid"] = (
            "The rate must be a number, for example 141.1."
        )
        numerator = self.fields["numerator"]
        numerator.label = "Count of children"
        numerator.error_messages["invalid"] = "Count of children must be a number, for example 454."
        numerator.help_text = "For example 454."
        area = measure.organisation or "the measure's area"
        population = self.fields["population"]
        population.queryset = population_estimates_for(measure)
        population.empty_label = f"{area}: the estimate for the year the period starts in"
        population.help_text = f"Only estimates of {area} are offered."

    def clean_rate_entry(self, cleaned: dict) -> None:
        """A rate chosen as published drops any count; a count drops any rate typed before
        switching. Without a choice (the API), what was sent is kept as it is."""
        if "entry" not in self.fields:
            return
        entry = cleaned.get("entry")
        if entry == "rate":
            cleaned["numerator"], cleaned["population"] = None, None
            if cleaned.get("value") is None and "value" not in self.errors:
                self.add_error("value", "Enter the rate per 10,000 as published.")
        elif entry == "count":
            cleaned["value"] = None
            if cleaned.get("numerator") is None and "numerator" not in self.errors:
                self.add_error("numerator", "Enter the count of children.")


def _entry_field():
    return forms.ChoiceField(
        label="How do you want to give the figure?",
        choices=RATE_ENTRY_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )


class MeasureValueForm(ValueFieldsMixin, forms.Form):
    period_start = DateField(label="Period start", help_text="For example, 1/4/2023.")
    period_end = DateField(
        label="Period end", help_text="The same as the start for a figure as at a date."
    )
    label = forms.CharField(
        label="Period as written",
        max_length=100,
        required=False,
        help_text='For example "2023/24 Q2". Leave blank to have it written from the dates.',
    )
    entry = _entry_field()
    value = decimal_field("Value")
    numerator = decimal_field("Numerator", help_text="The count the figure is computed from.")
    denominator = decimal_field("Denominator")
    population = PopulationChoiceField(
        label="Population estimate", queryset=PopulationEstimate.objects.none(), required=False
    )
    note = forms.CharField(label="Note", max_length=500, required=False, widget=forms.Textarea)

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self._shape_for(measure)
        self.fields["note"].widget.attrs["rows"] = 2

    def clean_label(self):
        return clean_text(self.cleaned_data.get("label", ""))

    def clean_note(self):
        return clean_text(self.cleaned_data.get("note", ""))

    def clean(self):
        cleaned = super().clean()
        self.clean_rate_entry(cleaned)
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            if end < start:
                self.add_error("period_end", "The end of the period must be on or after its start.")
            elif not cleaned.get("label"):
                cleaned["label"] = period_label(start, end)
        return cleaned

    def service_kwargs(self) -> dict:
        c = self.cleaned_data
        return {
            "period_start": c["period_start"],
            "period_end": c["period_end"],
            "label": c["label"],
            "value": c.get("value"),
            "numerator": c.get("numerator"),
            "denominator": c.get("denominator"),
            "population": c.get("population"),
            "note": c.get("note", ""),
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names (others at the top)."""
        for field, messages in error.message_dict.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)


class MeasureValueCorrectionForm(ValueFieldsMixin, forms.Form):
    period_end = DateField(label="Period end")
    label = forms.CharField(label="Period as written", max_length=100)
    entry = _entry_field()
    value = decimal_field("Value")
    numerator = decimal_field("Numerator", help_text="The count the figure is computed from.")
    denominator = decimal_field("Denominator")
    population = PopulationChoiceField(
        label="Population estimate", queryset=PopulationEstimate.objects.none(), required=False
    )
    note = forms.CharField(label="Note", max_length=500, required=False, widget=forms.Textarea)
    reason = forms.CharField(
        label="Why is it being corrected?",
        max_length=100,
        help_text="Kept in the value's history and shown to the board as the reason it changed.",
        error_messages={"required": "Say why the value is being corrected."},
    )

    def __init__(self, *args, measure: Measure, instance: MeasureValue, **kwargs):
        initial = {
            "period_end": instance.period_end,
            "label": instance.label,
            "value": instance.value,
            "numerator": instance.numerator,
            "denominator": instance.denominator,
            "population": instance.population_id,
            "note": instance.note,
            "entry": "rate" if instance.numerator is None else "count",
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.instance = instance
        self._shape_for(measure)
        if measure.unit == Measure.Unit.PERCENTAGE:
            self.fields[
                "value"
            ].help_text = "Clear it to compute it from the numerator and denominator."
        self.fields["note"].widget.attrs["rows"] = 2

    def clean_label(self):
        label = clean_text(self.cleaned_data.get("label", ""))
        if not label:
            raise ValidationError('Enter how the period is written, for example "2023/24 Q2".')
        return label

    def clean_note(self):
        return clean_text(self.cleaned_data.get("note", ""))

    def clean_reason(self):
        reason = clean_text(self.cleaned_data.get("reason", ""))
        if not reason:
            raise ValidationError("Say why the value is being corrected.")
        return reason

    def clean(self):
        cleaned = super().clean()
        self.clean_rate_entry(cleaned)
        end = cleaned.get("period_end")
        if end and end < self.instance.period_start:
            self.add_error("period_end", "The end of the period must be on or after its start.")
        return cleaned

    def service_kwargs(self) -> dict:
        c = self.cleaned_data
        kwargs = {
            "reason": c["reason"],
            "label": c["label"],
            "period_end": c["period_end"],
            "note": c.get("note", ""),
        }
        if "value" in self.fields:
            kwargs["new_value"] = c.get("value")
        for name in ("numerator", "denominator", "population"):
            if name in self.fields:
                kwargs[name] = c.get(name)
        return kwargs

    add_service_errors = MeasureValueForm.add_service_errors


class MeasureFilterForm(forms.Form):
    """The filters of the measures list (GET)."""

    plan = forms.ModelChoiceField(
        label="Plan", queryset=None, required=False, empty_label="All plans"
    )
    frequency = forms.ChoiceField(
        label="Frequency",
        required=False,
        choices=[("", "Any frequency"), *Measure.Frequency.choices],
    )
    compare = forms.ChoiceField(
        label="Direction of travel against",
        required=False,
        choices=[("previous", "The previous period"), ("last_year", "The same period last year")],
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["plan"].error_messages["invalid_choice"] = "Choose a plan from the list."
        self.fields["frequency"].error_messages["invalid_choice"] = (
            "Choose a frequency from the list."
        )
        self.fields["compare"].error_messages["invalid_choice"] = "Choose what to compare with."
