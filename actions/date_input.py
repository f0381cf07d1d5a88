"""The GOV.UK date input (day, month and year boxes) as a Django form field.

The three boxes post ``<name>-day``, ``<name>-month`` and ``<name>-year``; the day box has the
field's own id, so labels and error summaries link to it. A single ``<name>`` value such as
"31/03/2027" (a script, an older form, the API of a test) is read too, split into its parts.
The page renders the boxes from ``templates/actions/date_input.html`` with ``field.parts``.
"""

import re
from datetime import date

from django import forms
from django.forms.boundfield import BoundField

PARTS = ("day", "month", "year")


class GovukDateWidget(forms.Widget):
    """Reads the three boxes; rendered by the page's own template, not by this widget."""

    def id_for_label(self, id_):
        return id_

    def value_from_datadict(self, data, files, name):
        parts = [str(data.get(f"{name}-{part}", "")).strip() for part in PARTS]
        if not any(parts) and data.get(name):
            pieces = re.split(r"[/\-. ]+", str(data.get(name)).strip())
            parts = (pieces + ["", "", ""])[:3]
        return parts

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}-{part}" in data for part in PARTS)


class DateBoundField(BoundField):
    @property
    def parts(self) -> dict[str, str]:
        """What each box shows: what was typed, or the initial date's day, month and year."""
        value = self.value()
        if isinstance(value, date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        if isinstance(value, list | tuple):
            return dict(zip(PARTS, (str(v) for v in value), strict=False))
        return {part: "" for part in PARTS}


class GovukDateField(forms.Field):
    widget = GovukDateWidget
    default_error_messages = {
        "incomplete": "%(label)s must include a day, month and year",
        "invalid": "%(label)s must be a real date, for example 31 3 2027",
    }

    def __init__(self, *, error_label: str = "The date", **kwargs):
        self.error_label = error_label
        super().__init__(**kwargs)

    def get_bound_field(self, form, field_name):
        return DateBoundField(form, self, field_name)

    def to_python(self, value):
        if isinstance(value, date) or value in (None, ""):
            return value or None
        parts = [str(v).strip() for v in value]
        if not any(parts):
            return None
        params = {"label": self.error_label}
        if not all(parts):
            raise forms.ValidationError(
                self.error_messages["incomplete"], code="incomplete", params=params
            )
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params=params
            )
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params=params
            ) from None
