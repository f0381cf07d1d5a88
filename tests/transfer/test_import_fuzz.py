"""Imports never crash on what a cell holds (issue 18): generated cells (NUL and other control
characters, over-long text, huge and tiny numbers, dates out of range, formulas, SQL and template
fragments) in plan and measure-value files, as .csv and .xlsx, give a preview with row errors
or a clear refusal, and committing either imports or is blocked with reasons; nothing raises.
Derandomized, so every run tries the same files."""

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from measures.models import Measure
from tests import factories
from tests.factories.transfer import HEADER, csv_bytes, new_plan_options, xlsx_bytes
from transfer.imports.measure_rows import MeasureValuesImporter
from transfer.imports.plan_changes import ImportBlocked, PlanImporter
from transfer.imports.reading import ImportFileError, read_table

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
WORDS = [
    "", " ", "\x00", "a\x00b", "\x01\x02\x1b[31m", "\u202e", "\ufeff", "=1+2", "+cmd|' /C calc'!A0",
    "@SUM(A1)", "-1", "1e40", "-1e40", "1" * 29, "NaN", "inf", "0.00001", "1,000,000", "45%",
    "31/02/2024", "1/1/0001", "31/12/9999", "Q5 2023/24", "2023/24 Q2", "March 2024",
    "As at 28 February 2018", "' OR 1=1 --", "{{ 7*7 }}", "<script>x</script>", "日本語",
    "x" * 40_000, "\n\n\n", "Red", "Amber", "Green", "Blue", "Jane Smith", "1.1", "1.2.3.4.5",
]  # fmt: skip
CELL = st.one_of(
    st.sampled_from(WORDS),
    st.text(max_size=60),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
)
XLSX_CELL = st.one_of(
    CELL,
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
)


def sheet(strategy, columns: int):
    return st.lists(st.lists(strategy, min_size=1, max_size=columns), min_size=1, max_size=8)


def read(rows, filename):
    if filename.endswith(".csv"):
        text_rows = [["" if c is None else str(c) for c in row] for row in rows]
        content = csv_bytes(text_rows)
    else:
        # A workbook cannot hold control characters (openpyxl refuses to write them).
        content = xlsx_bytes(
            [
                [ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row]
                for row in rows
            ]  # fmt: skip
        )
    try:
        return read_table(filename=filename, content=content)
    except ImportFileError:
        return None


@pytest.mark.parametrize("filename", ["plan.csv", "plan.xlsx"])
def test_plan_files_with_any_cells_preview_and_commit_or_block(filename):
    organisation = factories.organisation()
    factories.person(name="Jane Smith", organisation=organisation)

    @FUZZ
    @given(rows=sheet(XLSX_CELL if filename.endswith("xlsx") else CELL, len(HEADER)))
    def check(rows):
        table = read([HEADER, *rows], filename)
        if table is None:
            return
        importer = PlanImporter(table=table, options=new_plan_options(organisation))
        result = importer.prepare()
        assert isinstance(result["errors"], list)
        if result["can_commit"]:
            try:
                importer.commit(user=None)
            except ImportBlocked as blocked:
                assert blocked.issues

    check()


@pytest.mark.parametrize("filename", ["values.csv", "values.xlsx"])
def test_measure_value_files_with_any_cells_preview_and_commit_or_block(filename):
    factories.measure(code="M-FUZZ", unit=Measure.Unit.RATE_PER_10000)
    factories.measure(code="M-PCT", unit=Measure.Unit.PERCENTAGE)
    header = ["Measure code", "Period", "Period start", "Period end", "Value", "Numerator",
              "Denominator", "England", "Note"]  # fmt: skip
    code = st.sampled_from(["M-FUZZ", "m-pct", "M-NONE", "", "\x00"])

    @FUZZ
    @given(
        rows=st.lists(
            st.tuples(
                code,
                st.lists(XLSX_CELL if filename.endswith("xlsx") else CELL, min_size=8, max_size=8),
            ),  # fmt: skip
            min_size=1,
            max_size=6,
        )
    )
    def check(rows):
        table = read([header, *[[c, *cells] for c, cells in rows]], filename)
        if table is None:
            return
        importer = MeasureValuesImporter(table=table, options={})
        result = importer.prepare()
        if result["can_commit"]:
            try:
                importer.commit(user=None)
            except ImportBlocked as blocked:
                assert blocked.issues

    check()
