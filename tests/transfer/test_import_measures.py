"""Importing measure values: codes, periods (dates or labels), values, numerators and
denominators, comparators; row errors; all or nothing; importing twice changes nothing; and the
measures download imports back unchanged."""

from decimal import Decimal

import pytest

from measures.models import Comparator, Measure, MeasureValue
from tests import factories
from tests.factories.transfer import csv_bytes, table_counts, xlsx_bytes
from transfer.exports import measures_xlsx_bytes
from transfer.imports.measure_rows import MeasureValuesImporter
from transfer.imports.plan_changes import ImportBlocked
from transfer.imports.reading import read_table

pytestmark = pytest.mark.django_db

HEADER = [
    "Measure code",
    "Period",
    "Period start",
    "Period end",
    "Value",
    "Numerator",
    "Denominator",
    "England",
    "Region",
    "Statistical neighbours",
]


def importer(rows, *, filename="values.csv"):
    content = csv_bytes(rows) if filename.endswith(".csv") else xlsx_bytes(rows)
    i = MeasureValuesImporter(table=read_table(filename=filename, content=content), options={})
    i.prepare()
    return i


@pytest.fixture
def measures():
    return {
        "rate": factories.measure(code="LAC", unit=Measure.Unit.RATE_PER_10000),
        "pct": factories.measure(code="CP-REPEAT", unit=Measure.Unit.PERCENTAGE),
    }


def test_values_and_comparators_are_imported(measures):
    rows = [
        HEADER,
        ["LAC", "As at 28 February 2018", "28/02/2018", "28/02/2018", "", "454", "32180", "62",
         "", "80.5"],
        ["cp-repeat", "2023/24 Q2", "", "", "21.5%", "", "", "", "22", ""],
    ]  # fmt: skip
    i = importer(rows)
    assert i.result["errors"] == []
    assert i.result["counts"]["values"] == {"create": 2, "change": 0, "same": 0}
    i.commit()
    lac = MeasureValue.objects.get(measure=measures["rate"])
    assert lac.value == Decimal("141.1")  # computed from the count and the population
    assert lac.label == "As at 28 February 2018"
    repeat = MeasureValue.objects.get(measure=measures["pct"])
    assert (str(repeat.period_start), str(repeat.period_end)) == ("2023-07-01", "2023-09-30")
    assert repeat.value == Decimal("21.5")
    kinds = dict(Comparator.objects.values_list("kind", "value"))
    assert kinds == {
        "england": Decimal("62"),
        "statistical_neighbours": Decimal("80.5"),
        "region": Decimal("22"),
    }


def test_importing_the_same_values_again_changes_nothing(measures):
    rows = [HEADER, ["LAC", "March 2024", "", "", "140", "", "", "60", "", ""]]
    importer(rows).commit()
    before = table_counts()
    again = importer(rows)
    assert again.result["counts"]["values"] == {"create": 0, "change": 0, "same": 1}
    again.commit()
    assert table_counts() == before


def test_a_changed_value_updates_the_one_for_that_period(measures):
    importer([HEADER, ["LAC", "March 2024", "", "", "140", "", "", "", "", ""]]).commit()
    i = importer([HEADER, ["LAC", "March 2024", "", "", "142.5", "", "", "", "", ""]])
    assert i.result["values"][0]["status"] == "change"
    assert i.result["values"][0]["changes"] == ["value"]
    i.commit()
    value = MeasureValue.objects.get()
    assert value.value == Decimal("142.5") and value.history.count() == 2


@pytest.mark.parametrize(
    "row,message",
    [
        (["NOPE", "March 2024", "", "", "1"], 'No measure has the code "NOPE".'),
        (["", "March 2024", "", "", "1"], "This row has no measure code."),
        (["LAC", "March 2024", "", "", "lots"], 'The value "lots" is not a number.'),
        (["LAC", "Sometime", "", "", "1"], 'The period "Sometime" could not be read'),
        (["LAC", "", "", "", "1"], "This row has no period"),
        (["LAC", "", "31/03/2024", "01/03/2024", "1"], "The period ends before it starts."),
        (["LAC", "", "2024-13-45", "", "1"], 'The period start "2024-13-45" is not a date'),
        (["LAC", "March 2024", "", "", ""], "Enter a value (or a count and a population)."),
    ],
)
def test_bad_rows_are_row_errors(measures, row, message):
    errors = importer([HEADER[:5], row]).result["errors"]
    assert errors[0]["row"] == 2
    assert errors[0]["message"].startswith(message)


def test_one_value_per_measure_per_period(measures):
    rows = [
        HEADER[:5],
        ["LAC", "March 2024", "", "", "1"],
        ["LAC", "", "01/03/2024", "31/03/2024", "2"],
    ]
    errors = importer(rows).result["errors"]
    assert errors == [
        {
            "row": 3,
            "message": "LAC has two values for the period starting 1 March 2024: rows 2 and 3. "
            "Keep one.",
        }
    ]


def test_one_bad_row_means_nothing_is_written(measures):
    rows = [HEADER[:5], ["LAC", "March 2024", "", "", "1"], ["NOPE", "March 2024", "", "", "1"]]
    before = table_counts()
    with pytest.raises(ImportBlocked):
        importer(rows).commit()
    assert table_counts() == before


def test_a_value_that_contradicts_its_numerator_and_denominator_is_refused(measures):
    rows = [HEADER[:7], ["LAC", "March 2024", "", "", "200", "454", "32180"]]
    assert "The value should be 141.1" in importer(rows).result["errors"][0]["message"]


def test_the_measures_download_imports_back_unchanged(measures):
    rows = [HEADER, ["LAC", "2023/24", "", "", "141.1", "454", "32180", "62", "70", ""]]
    importer(rows).commit()
    before = table_counts()
    again = MeasureValuesImporter(
        table=read_table(filename="measures.xlsx", content=measures_xlsx_bytes()), options={}
    )
    result = again.prepare()
    assert result["errors"] == []
    assert result["counts"]["values"] == {"create": 0, "change": 0, "same": 1}
    again.commit()
    assert table_counts() == before


def test_targets_are_imported_with_the_values_and_on_their_own(measures):
    """A KPI sheet's Target column: each period's target is written beside its value (a period
    with a target and no value yet is imported too); the same file again changes nothing, and a
    new target is a change; the measures download writes the targets back out."""
    from measures.models import Target

    header = ["Measure code", "Period", "Value", "Target"]
    rows = [
        header,
        ["LAC", "Q1 2026/27", "71.5", "75"],
        ["LAC", "Q2 2026/27", "73", "75"],
        ["LAC", "Q3 2026/27", "", "78"],  # the target is set before the figure is known
    ]
    i = importer(rows)
    assert i.result["errors"] == []
    assert [v["target"] for v in i.result["values"]] == ["75", "75", "78"]
    assert i.result["counts"]["values"] == {"create": 3, "change": 0, "same": 0}
    written = i.commit()
    assert written["targets"] == 3 and written["created"] == 2
    targets = {t.label: t.value for t in Target.objects.filter(measure=measures["rate"])}
    assert targets == {
        "Q1 2026/27": Decimal("75"),
        "Q2 2026/27": Decimal("75"),
        "Q3 2026/27": Decimal("78"),
    }
    assert importer(rows).result["counts"]["values"] == {"create": 0, "change": 0, "same": 3}
    rows[3][3] = "80"
    again = importer(rows)
    assert again.result["counts"]["values"] == {"create": 0, "change": 1, "same": 2}
    assert again.result["values"][2]["changes"] == ["target"]
    again.commit()
    assert Target.objects.get(measure=measures["rate"], label="Q3 2026/27").value == Decimal("80")
    # the download carries the targets, and imports back unchanged
    back = MeasureValuesImporter(
        table=read_table(filename="measures.xlsx", content=measures_xlsx_bytes()), options={}
    )
    back.prepare()
    assert back.result["errors"] == []
    assert back.result["counts"]["values"]["create"] == 0
    assert back.result["counts"]["values"]["change"] == 0
