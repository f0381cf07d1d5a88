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
from measures.models import Comparator, Measure, MeasureValue, Target, UnpublishedFigure

VALUE_COLUMNS = [
    ("Measure code", 14),
    ("Measure title", 40),
    ("Period", 22),
    ("Period start", 12),
    ("Period end", 12),
    ("Value", 12),
    ("Numerator", 12),
    ("Denominator", 12),
    ("Target", 11),
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
    """(value rows, definition rows) for the measures (all when None), in five queries. A period
    has a row when it has a value, a target, a comparator or a figure not published; a figure
    not published is written as its symbol ("c", ".."), as the import reads it back."""
    measures = list(measures if measures is not None else Measure.objects.order_by("code"))
    ids = [m.pk for m in measures]
    periods: dict[tuple[int, object], dict] = {}

    def period(measure_id, item) -> dict:
        return periods.setdefault(
            (measure_id, item.period_start),
            {"label": item.label, "end": item.period_end, "value": None, "cells": {}},
        )

    for v in MeasureValue.objects.filter(measure_id__in=ids):
        period(v.measure_id, v)["value"] = v
    for t in Target.objects.filter(measure_id__in=ids):
        period(t.measure_id, t)["target"] = sheet_number(t.value)
    for c in Comparator.objects.filter(measure_id__in=ids, kind__in=COMPARATOR_KINDS):
        period(c.measure_id, c)["cells"][c.kind] = sheet_number(c.value)
    for u in UnpublishedFigure.objects.filter(measure_id__in=ids):
        entry = period(u.measure_id, u)
        entry["cells"].setdefault(u.series, u.symbol)
    by_id = {m.pk: m for m in measures}
    value_rows = []
    for (measure_id, start), entry in sorted(
        periods.items(), key=lambda item: (by_id[item[0][0]].code, item[0][1])
    ):
        m, v = by_id[measure_id], entry["value"]
        value_rows.append(
            [
                m.code,
                m.title,
                v.label if v else entry["label"],
                start,
                v.period_end if v else entry["end"],
                sheet_number(v.value) if v else entry["cells"].get(UnpublishedFigure.VALUE),
                sheet_number(v.numerator) if v else None,
                sheet_number(v.denominator) if v else None,
                entry.get("target"),
                *[entry["cells"].get(kind) for kind in COMPARATOR_KINDS],
                v.note if v else "",
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
