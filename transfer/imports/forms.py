"""Forms of the import pages: upload a plan or measure values, and map unrecognised columns."""

from __future__ import annotations

from datetime import date
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.formatting import numeric_day_text
from core.models import Organisation
from core.permissions import administered_organisation_ids
from core.rag import Rating
from core.text import clean_text
from plans.models import Plan
from transfer.imports.headers import IGNORE, FieldSet
from transfer.imports.plan_rows import NO_RATING, SECTION_CHOICES
from transfer.imports.reading import limit, megabytes

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
EXTENSIONS = (".xlsx", ".csv", ".docx")


def financial_year_start(today: date) -> date:
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


class SpreadsheetField(forms.FileField):
    """A .xlsx or .csv no bigger than ``IMPORT_MAX_UPLOAD_BYTES``, checked before it is read."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Spreadsheet")
        kwargs.setdefault(
            "help_text",
            f"An Excel workbook (.xlsx), a CSV file (.csv) or a Word document with the plan in "
            f"tables (.docx), up to {megabytes(limit('IMPORT_MAX_UPLOAD_BYTES'))} and "
            f"{limit('IMPORT_MAX_ROWS'):,} rows. Every sheet is looked at: the preview lets "
            "you choose which hold the plan.",
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Choose a spreadsheet to upload",
                "empty": "The file is empty",
                "invalid": "Choose a spreadsheet to upload",
            },
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None:
            return upload
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in EXTENSIONS:
            if suffix == ".xls":
                raise ValidationError(
                    "Old Excel .xls files cannot be read: save it as an Excel Workbook (.xlsx)"
                )
            raise ValidationError(
                f"The file must be an Excel workbook (.xlsx), a CSV file (.csv) or a Word "
                f"document (.docx), not {suffix or 'a file with no extension'}"
            )
        max_bytes = limit("IMPORT_MAX_UPLOAD_BYTES")
        if upload.size > max_bytes:
            raise ValidationError(
                f"The file is {megabytes(upload.size)}; the largest that can be imported is "
                f"{megabytes(max_bytes)}"
            )
        return upload


class PlanUploadForm(forms.Form):
    file = SpreadsheetField()
    mode = forms.ChoiceField(
        label="What should the import do?",
        choices=[
            ("new", "Create a new plan"),
            ("update", "Update an existing plan (actions are matched by their number)"),
        ],
        initial="new",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to create a new plan or update one"},
    )
    plan = forms.ModelChoiceField(
        label="Plan to update",
        queryset=Plan.objects.select_related("organisation").order_by("title"),
        required=False,
        empty_label="Choose a plan",
    )
    organisation = forms.ModelChoiceField(
        label="Organisation that owns the plan",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Choose an organisation",
    )
    title = forms.CharField(
        label="Title of the plan",
        max_length=250,
        required=False,
        help_text="Leave blank to take the title written above the table in the file.",
    )
    version_label = forms.CharField(
        label="Version (optional)",
        max_length=100,
        required=False,
        help_text='For example, "Draft April 2023".',
    )
    kind = forms.ChoiceField(
        label="Kind of plan", choices=Plan.Kind.choices, initial=Plan.Kind.IMPROVEMENT_PLAN
    )
    numbering = forms.ChoiceField(
        label="How the plan numbers its actions",
        choices=Plan.Numbering.choices,
        initial=Plan.Numbering.HIERARCHICAL,
        help_text="Rows without a number in the file are numbered this way.",
    )
    start = forms.DateField(
        label="Period start",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 1/4/2023.",
        error_messages={"invalid": "Enter the period start as a date, for example 1/4/2023"},
    )
    end = forms.DateField(
        label="Period end",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 31/3/2024.",
        error_messages={"invalid": "Enter the period end as a date, for example 31/3/2024"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the plans and organisations the administrator keeps (transfer.permissions).
        ids = administered_organisation_ids(user)
        if ids is not None:
            self.fields["plan"].queryset = self.fields["plan"].queryset.filter(
                organisation_id__in=ids
            )
            self.fields["organisation"].queryset = self.fields["organisation"].queryset.filter(
                pk__in=ids
            )
        start = financial_year_start(timezone.localdate())
        self.fields["start"].initial = numeric_day_text(start)
        self.fields["end"].initial = numeric_day_text(date(start.year + 1, 3, 31))

    def clean_title(self):
        return clean_text(self.cleaned_data["title"])  # hidden characters refused

    def clean_version_label(self):
        return clean_text(self.cleaned_data["version_label"])

    def clean(self):
        data = super().clean()
        if data.get("mode") == "update":
            if not data.get("plan"):
                self.add_error("plan", "Choose the plan to update")
        elif data.get("mode") == "new":
            if not data.get("organisation"):
                self.add_error("organisation", "Choose the organisation that owns the plan")
            for name, label in (("start", "period start"), ("end", "period end")):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, f"Enter the {label}")
            if data.get("start") and data.get("end") and data["start"] >= data["end"]:
                self.add_error("end", "The period end must be after its start")
        return data

    def options(self) -> dict:
        data = self.cleaned_data
        if data["mode"] == "update":
            return {"mode": "update", "plan": data["plan"].pk}
        return {
            "mode": "new",
            "organisation": data["organisation"].pk,
            "title": data["title"],
            "version_label": data["version_label"],
            "kind": data["kind"],
            "numbering": data["numbering"],
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat(),
        }


class MeasureUploadForm(forms.Form):
    file = SpreadsheetField(
        help_text=(
            "An Excel workbook (.xlsx) or a CSV file (.csv): the measures download's layout "
            "(Measure code, Period, Value, England, Region, Statistical neighbours...), a "
            "statistics table with periods as columns, a long table with an Area column, or the "
            "Department for Education's tidy CSV."
        )
    )
    area = forms.CharField(
        label="Your council, as the file names it (optional)",
        max_length=200,
        required=False,
        help_text='Its name or code, e.g. "Stockton-on-Tees", "808" or "E06000004". Needed when '
        "the file has figures for more than one council.",
    )
    measure = forms.CharField(
        label="The measure the table holds (optional)",
        max_length=300,
        required=False,
        help_text="Its code or name, when a table of one measure does not say which in a title "
        "row or a column.",
    )

    def clean_area(self):
        return clean_text(self.cleaned_data["area"])

    def clean_measure(self):
        return clean_text(self.cleaned_data["measure"])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_ids = administered_organisation_ids(user)

    def options(self) -> dict:
        """What the importer is told: the council whose figures these are and the measure a
        one-measure file gives (when typed), and the organisations whose measures the file may give
        values for (none named: every measure, for a superuser)."""
        options = {k: self.cleaned_data[k] for k in ("area", "measure") if self.cleaned_data.get(k)}
        if self.organisation_ids is not None:
            options["organisations"] = sorted(self.organisation_ids)
        return options


class MappingForm(forms.Form):
    """One choice per column the importer did not recognise."""

    def __init__(self, *args, unknown: list[dict], fields: FieldSet, **kwargs):
        super().__init__(*args, **kwargs)
        for column in unknown:
            self.fields[f"col_{column['letter']}"] = forms.ChoiceField(
                label=f'Column {column["letter"]}: "{column["heading"]}"',
                choices=fields.choices(),
                error_messages={"required": f"Choose what column {column['letter']} holds"},
            )

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): value or IGNORE for name, value in self.cleaned_data.items()
        }


class PlanChoicesForm(forms.Form):
    """The preview's choices: which sheets hold the plan, what each kind of section row is,
    what unknown rating words mean, and whether a legend sheet gives the RAG meanings."""

    def __init__(self, *args, result: dict, **kwargs):
        super().__init__(*args, **kwargs)
        sheets = [s for s in result.get("sheets", []) if s["cells"]]
        if len(sheets) > 1:
            self.fields["sheets"] = forms.MultipleChoiceField(
                label="Sheets that hold the plan",
                choices=[(s["name"], f"{s['name']} ({s['label'].lower()})") for s in sheets],
                initial=result.get("chosen_sheets", []),
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Choose at least one sheet that holds the plan"},
            )
        for kind in result.get("section_kinds", []):
            self.fields[f"section_{kind['key']}"] = forms.ChoiceField(
                label=f"{kind['label']}, e.g. \u201c{kind['example']}\u201d ({kind['count']})",
                choices=SECTION_CHOICES,
                initial=kind["choice"],
            )
        ratings = [(r.value, r.label) for r in Rating] + [(NO_RATING, "Not a rating")]
        for n, word in enumerate(result.get("unknown_ratings", [])):
            self.fields[f"rating_{n}"] = forms.ChoiceField(
                label=f"\u201c{word['word']}\u201d in the RAG column ({word['count']} rows)",
                choices=[("", "Choose…"), *ratings],
                error_messages={"required": f"Choose what \u201c{word['word']}\u201d means"},
            )
        self.words = [w["word"] for w in result.get("unknown_ratings", [])]
        if result.get("legend"):
            self.fields["use_legend"] = forms.BooleanField(
                label="Use the legend sheet as the organisation\u2019s RAG meanings",
                required=False,
                initial=result.get("use_legend", False),
            )

    def options(self) -> dict:
        data = self.cleaned_data
        out: dict = {}
        if "sheets" in data:
            out["sheets"] = list(data["sheets"])
        sections = {
            name.removeprefix("section_"): value
            for name, value in data.items()
            if name.startswith("section_")
        }
        if sections:
            out["sections"] = sections
        words = {
            self.words[int(name.removeprefix("rating_"))].lower(): value
            for name, value in data.items()
            if name.startswith("rating_")
        }
        if words:
            out["rating_words"] = words
        if "use_legend" in data:
            out["use_legend"] = bool(data["use_legend"])
        return out


class StatisticsChoicesForm(forms.Form):
    """The preview's choices for measure values and statistics: which sheet holds the table
    (every sheet is listed with what it looks like), and which rows are the council's region
    when the file has several regions (a table covering every council)."""

    def __init__(self, *args, result: dict, **kwargs):
        super().__init__(*args, **kwargs)
        sheets = [s for s in result.get("sheets", []) if s["rows"]]
        if len(sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                label="The sheet that holds the figures",
                choices=[
                    (s["name"], f"{s['name']} ({s['label'][:1].lower()}{s['label'][1:]})")
                    for s in sheets
                ],
                initial=result.get("chosen_sheet"),
            )
        regions = (result.get("statistics") or {}).get("regions") or []
        if len(regions) > 1 or result.get("region_chosen"):
            self.fields["region"] = forms.ChoiceField(
                label="The council's region",
                choices=[("", "As the file says (or none)"), *((r, r) for r in regions)],
                initial=result.get("region_chosen") or "",
                required=False,
                help_text="Its rows become the regional comparator; other regions' rows are "
                "listed as not used.",
            )

    def options(self) -> dict:
        data = self.cleaned_data
        out: dict = {}
        if "sheet" in data:
            out["sheet"] = data["sheet"]
        if "region" in data:
            out["region"] = data["region"]
        return out
