"""Spreadsheets as every download writes them: the one writer of .xlsx workbooks and .csv files
(the plan and measures exports, the actions explorer and the board pack).

- No cell a user typed may run as a formula: text goes through ``safe_cell`` (or ``safe_text``
  for a CSV field), whose apostrophe makes a spreadsheet read it as text.
- A RAG rating is written as its word on a fill of its colour (``rag_cell``), never as a colour
  alone, and a workbook with ratings carries what each one means (``write_legend_rows``).
- Dates are real dates in UK order (``dd/mm/yyyy``); in a CSV, "03/09/2024" (or ISO 8601).
- A CSV is UTF-8 with a byte order mark, so that Excel reads the accents.
- A download is an attachment (``download_response``), never cached.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.formatting import numeric_day_text, numeric_moment_text
from core.presentation import xlsx_colours
from core.rag import Rating

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "dd/mm/yyyy"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
SECTION = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_FILL = PatternFill(fill_type="solid", start_color="F3F2F1", end_color="F3F2F1")
SECTION_FILL = PatternFill(fill_type="solid", start_color="DEE0E2", end_color="DEE0E2")
THIN = Side(style="thin", color="B1B4B6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

T = TypeVar("T")


@dataclass(frozen=True)
class CellStyle:
    """What a cell looks like besides its value; ``None`` leaves that part as it is."""

    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None

    def apply(self, cell: Cell) -> Cell:
        for part in ("font", "fill", "border", "alignment"):
            value = getattr(self, part)
            if value is not None:
                setattr(cell, part, value)
        return cell


STRONG = CellStyle(font=BOLD)
HEADING = CellStyle(font=BOLD, fill=HEADER_FILL, border=BOX)  # a table's header row
WRAPPED = CellStyle(alignment=WRAP)

#: A legend's line: (rating, the organisation's word for it, what it means).
LegendRow = tuple[str, str, str]


# --- cells ----------------------------------------------------------------------------------


def safe_text(value: T) -> T | str:
    """Neutralise text that a spreadsheet would read as a formula by prefixing an apostrophe.
    Non-text values (numbers, dates, None) pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_cell(cell: Cell, value: object) -> Cell:
    """Write a value to an openpyxl cell; text is neutralised and always stored as text."""
    value = safe_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write_cell(
    ws: Worksheet, row: int, column: int, value: object, style: CellStyle | None = None
) -> Cell:
    """Write one value with ``safe_cell`` (text can never become a formula); a date gets the UK
    format; ``style`` dresses the cell."""
    cell = safe_cell(ws.cell(row=row, column=column), value)
    if isinstance(value, (date, datetime)):
        cell.number_format = DATE_FORMAT
    if style is not None:
        style.apply(cell)
    return cell


def write_row(
    ws: Worksheet,
    row: int,
    values: Iterable[object],
    *,
    column: int = 1,
    style: CellStyle | None = None,
    skip_blank: bool = False,
) -> list[Cell]:
    """Write values across a row from ``column`` (``write_cell`` each); ``skip_blank`` leaves
    the cells of "" and None untouched. Returns the cells written."""
    cells = []
    for offset, value in enumerate(values):
        if skip_blank and value in ("", None):
            continue
        cells.append(write_cell(ws, row, column + offset, value, style))
    return cells


def rag_style(rating: str) -> tuple[PatternFill, Font]:
    """The fill and font of a RAG cell: the rating's colour, and text that contrasts with it."""
    fill, text = xlsx_colours(rating)
    return (
        PatternFill(fill_type="solid", start_color=fill, end_color=fill),
        Font(bold=True, color=text),
    )


def rag_cell(cell: Cell, rating: str | None, label: str) -> Cell:
    """A RAG rating as its word on its colour; a value outside the scale gets the word alone."""
    safe_cell(cell, label)
    if rating in Rating.values:
        cell.fill, cell.font = rag_style(rating)
    return cell


def write_legend_rows(
    ws: Worksheet,
    row: int,
    entries: Iterable[LegendRow],
    *,
    lead: Sequence[object] = (),
    meaning_style: CellStyle | None = None,
) -> int:
    """What each rating means, a rating a row from ``row``: the ``lead`` values (such as the
    organisation whose words they are), the rating's word on its colour, then its meaning.
    Returns the row after the last."""
    column = len(lead) + 1
    for rating, label, meaning in entries:
        write_row(ws, row, lead)
        rag_cell(ws.cell(row=row, column=column), rating, label)
        write_cell(ws, row, column + 1, meaning, meaning_style)
        row += 1
    return row


def sheet_number(value: Decimal | int | float | None) -> int | float | None:
    """A figure as a spreadsheet number: a whole number as an int, else a float (no trailing
    zeros); None stays None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# --- sheets and workbooks ---------------------------------------------------------------------


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """The widths of the columns from A, in characters."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_TITLE = 31


def unique_sheet_title(title: str, taken: set[str], *, default: str = "Sheet") -> str:
    """A worksheet title Excel accepts (at most 31 characters, none of []:*?/\\) that is not
    yet ``taken`` (compared without case: "Plan (2)" after "Plan"); added to ``taken``."""
    base = _NOT_IN_SHEET_TITLES.sub(" ", title).strip()[:MAX_SHEET_TITLE] or default
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- CSV ------------------------------------------------------------------------------------


def csv_text(value: object, *, iso_dates: bool = False) -> str:
    """One CSV field: "" for None, a date as "03/09/2024" (a moment "03/09/2024 14:05", in
    London) or, with ``iso_dates``, in ISO 8601; text through ``safe_text``."""
    if value is None:
        return ""
    if isinstance(value, date):
        if iso_dates:
            return value.isoformat()
        if isinstance(value, datetime):
            return numeric_moment_text(value)
        return numeric_day_text(value)
    if isinstance(value, str):
        return safe_text(value)
    return str(value)


def csv_bytes(rows: Iterable[Iterable[object]], *, iso_dates: bool = False) -> bytes:
    """Rows as CSV in UTF-8 with a BOM (so Excel reads the accents), lines ending CRLF; every
    text field goes through ``safe_text``, because the csv module neutralises nothing."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_text(value, iso_dates=iso_dates) for value in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


# --- downloads ------------------------------------------------------------------------------


def download_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A file to save (an attachment named ``filename``), never cached nor sniffed."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return download_response(content, filename=filename, content_type=XLSX_CONTENT_TYPE)


def csv_response(content: bytes, filename: str) -> HttpResponse:
    return download_response(content, filename=filename, content_type=CSV_CONTENT_TYPE)
