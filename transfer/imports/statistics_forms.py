"""Forms of the statistics import: the measures a table names that do not exist yet, with the
code, name, unit, polarity and frequency proposed for each, to change before they are created
(or to leave out)."""

from __future__ import annotations

from django import forms

from core.text import clean_text
from measures.models import Measure
from transfer.imports import new_measures


class NewMeasuresForm(forms.Form):
    """One group of fields per new measure, numbered in the order of the preview."""

    FIELDS = ("code", "title", "unit", "polarity", "frequency", "skip")

    def __init__(self, *args, proposals: list[dict], existing_codes: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = proposals
        self.existing_codes = existing_codes
        for n, proposal in enumerate(proposals):
            name = proposal["name"]
            self.fields[f"m{n}_code"] = forms.CharField(
                label=f'Code for "{name}"',
                max_length=30,
                initial=proposal.get("code"),
                error_messages={"required": f'Enter a code for "{name[:60]}"'},
            )
            self.fields[f"m{n}_title"] = forms.CharField(
                label="Name",
                max_length=300,
                initial=proposal.get("title"),
                error_messages={"required": f'Enter a name for "{name[:60]}"'},
            )
            for key, choices in (
                ("unit", Measure.Unit.choices),
                ("polarity", Measure.Polarity.choices),
                ("frequency", Measure.Frequency.choices),
            ):
                self.fields[f"m{n}_{key}"] = forms.ChoiceField(
                    label=key.capitalize(), choices=choices, initial=proposal.get(key)
                )
            self.fields[f"m{n}_skip"] = forms.BooleanField(
                label="Do not import this measure", required=False, initial=proposal.get("skip")
            )

    def groups(self):
        """The fields of each new measure together, for the template."""
        return [
            (p["name"], [self[f"m{n}_{key}"] for key in self.FIELDS])
            for n, p in enumerate(self.proposals)
        ]

    def clean(self):
        data = super().clean() or {}
        others: set[str] = set()
        for n in range(len(self.proposals)):
            if data.get(f"m{n}_skip") or f"m{n}_code" in self.errors:
                continue
            data[f"m{n}_title"] = clean_text(data.get(f"m{n}_title", ""))
            proposal = {key: data.get(f"m{n}_{key}") for key in self.FIELDS}
            problems = new_measures.check(
                proposal, existing_codes=self.existing_codes, others=others
            )
            for problem in problems:
                field = "title" if "name" in problem else "code"
                self.add_error(f"m{n}_{field}", problem)
            others.add(str(proposal["code"]).upper())
        return data

    def choices(self) -> dict[str, dict]:
        """What to keep in the upload's options, keyed by the measure's name in the file."""
        return {
            p["name"]: {key: self.cleaned_data[f"m{n}_{key}"] for key in self.FIELDS}
            for n, p in enumerate(self.proposals)
        }
