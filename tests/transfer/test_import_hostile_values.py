"""Numbers outside a field's range in a measure import are row errors, never a crash (issue 18:
``1e40`` and a 29-digit number raised ``decimal.InvalidOperation``)."""

import pytest

from measures.models import Measure
from tests import factories
from tests.factories.transfer import csv_bytes, xlsx_bytes
from transfer.imports.measure_rows import CellError, MeasureValuesImporter, to_decimal
from transfer.imports.reading import read_table

pytestmark = pytest.mark.django_db

HEADER = ["Measure code", "Period", "Value", "Numerator", "Denominator", "England"]


@pytest.mark.parametrize(
    "text",
    ["1e40", "1" * 29, "-1e40", "9" * 400, "1e999999999", "1E+5000", "NaN", "sNaN", "-Infinity"],
)
def test_out_of_range_text_is_a_cell_error(text):
    with pytest.raises(CellError):
        to_decimal(text, "value")


@pytest.mark.parametrize("number", [1e40, -1e300, float("inf"), float("nan"), 10**40, -(10**29)])
def test_out_of_range_numbers_from_a_workbook_are_a_cell_error(number):
    with pytest.raises(CellError):
        to_decimal(number, "value")


def test_tiny_numbers_round_to_zero():
    assert to_decimal("1e-40", "value") == 0
    assert to_decimal("-1e-999999", "value") == 0


@pytest.mark.parametrize("filename", ["values.csv", "values.xlsx"])
@pytest.mark.parametrize("column", ["Value", "Numerator", "Denominator", "England"])
@pytest.mark.parametrize("bad", ["1e40", "1" * 29])
def test_a_file_with_huge_numbers_previews_with_row_errors(filename, column, bad):
    factories.measure(code="M-BIG", unit=Measure.Unit.COUNT)
    row = ["M-BIG", "2023/24 Q2", "5", "", "", ""]
    row[HEADER.index(column)] = bad if filename.endswith(".csv") else float(bad)
    content = (csv_bytes if filename.endswith(".csv") else xlsx_bytes)([HEADER, row])
    importer = MeasureValuesImporter(
        table=read_table(filename=filename, content=content), options={}
    )
    result = importer.prepare()
    assert not result["can_commit"]
    assert any("too large" in e["message"] for e in result["errors"]), result["errors"]
