"""Outcome measures and their values as a spreadsheet, in the layout the measure-values import
reads (one row per measure per period, with the England, region and statistical-neighbour
comparators of the same period), plus a sheet of the measures' definitions."""

from __future__ import annotations

from openpyxl import Workbook

from core.spreadsheets import (
    HEADING,
    TITLE,
    WRAP,
    CellStyle,
    csv_bytes,
    set_widths,
    sheet_number,
    workbook_bytes,
    write_cell,
    write_row,
)
from measures.models import Comparator, Measure, MeasureValue

VALUE_COLUMNS = [
    ("Measure code", 14),
    ("Measure title", 40),
    ("Period", 22),
    ("Period start", 12),
    ("Period end", 12),
    ("Value", 12),
    ("Numerator", 12),
    ("Denominator", 12),
    ("England", 11),
    ("Region", 11),
    ("Statistical neighbours", 14),
    ("Note", 40),
]
DEFINITION_COLUMNS = [
    ("Measure code", 14),
    ("Measure title", 40),
    ("Unit", 18),
    ("Polarity", 22),
    ("Frequency", 14),
    ("Annual measure only", 10),
    ("Source", 30),
    ("Definition", 60),
]
COMPARATOR_KINDS = [
    Comparator.Kind.ENGLAND,
    Comparator.Kind.REGION,
    Comparator.Kind.STATISTICAL_NEIGHBOURS,
]


def measure_rows(measures=None) -> tuple[list, list]:
    """(value rows, definition rows) for the measures (all when None), in three queries."""
    measures = list(measures if measures is not None else Measure.objects.order_by("code"))
    ids = [m.pk for m in measures]
    values = list(
        MeasureValue.objects.filter(measure_id__in=ids).order_by("measure__code", "period_start")
    )
    comparators = {}
    for c in Comparator.objects.filter(measure_id__in=ids, kind__in=COMPARATOR_KINDS):
        comparators[(c.measure_id, c.period_start, c.kind)] = c.value
    by_id = {m.pk: m for m in measures}
    value_rows = []
    for v in values:
        m = by_id[v.measure_id]
        value_rows.append(
            [
                m.code,
                m.title,
                v.label,
                v.period_start,
                v.period_end,
                sheet_number(v.value),
                sheet_number(v.numerator),
                sheet_number(v.denominator),
                *[
                    sheet_number(comparators.get((m.pk, v.period_start, kind)))
                    for kind in COMPARATOR_KINDS
                ],
                v.note,
            ]
        )
    definition_rows = [
        [
            m.code,
            m.title,
            m.get_unit_display(),
            m.get_polarity_display(),
            m.get_frequency_display(),
            "Yes" if m.annual_only else "No",
            m.source,
            m.definition,
        ]
        for m in measures
    ]
    return value_rows, definition_rows


def write_table(ws, columns, rows, *, title: str) -> int:
    write_cell(ws, 1, 1, title, CellStyle(font=TITLE))
    header = 3
    write_row(ws, header, [heading for heading, _ in columns], style=HEADING)
    set_widths(ws, [w for _, w in columns])
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    ws.print_title_rows = f"{header}:{header}"
    row = header
    for values in rows:
        row += 1
        for cell in write_row(ws, row, values, skip_blank=True):
            if isinstance(cell.value, str):  # text wraps; figures and dates keep to their line
                cell.alignment = WRAP
    return row


def write_measures_sheet(ws, measures=None) -> int:
    """Measure values (one row per measure and period) onto a worksheet; reusable by the board
    pack. Returns the last row used."""
    value_rows, _ = measure_rows(measures)
    return write_table(ws, VALUE_COLUMNS, value_rows, title="Outcome measures: values")


def measures_workbook(measures=None) -> Workbook:
    value_rows, definition_rows = measure_rows(measures)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Values"
    write_table(sheet, VALUE_COLUMNS, value_rows, title="Outcome measures: values")
    write_table(
        workbook.create_sheet("Measures"),
        DEFINITION_COLUMNS,
        definition_rows,
        title="Outcome measures: definitions",
    )
    return workbook


def measures_xlsx_bytes(measures=None) -> bytes:
    return workbook_bytes(measures_workbook(measures))


def measures_csv_bytes(measures=None) -> bytes:
    value_rows, _ = measure_rows(measures)
    return csv_bytes([[name for name, _ in VALUE_COLUMNS], *value_rows])
