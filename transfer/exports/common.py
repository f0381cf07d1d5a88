"""Shared pieces of the spreadsheet exports: safe cell writing, styles, CSV, the audit log."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.models import AuditEvent
from core.spreadsheets import rag_style, safe_cell, safe_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "dd/mm/yyyy"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
SECTION = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_FILL = PatternFill(fill_type="solid", start_color="F3F2F1", end_color="F3F2F1")
SECTION_FILL = PatternFill(fill_type="solid", start_color="DEE0E2", end_color="DEE0E2")
THIN = Side(style="thin", color="B1B4B6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


rag_fill = rag_style  # the fill and font of a RAG cell (core.spreadsheets)


def write_cell(ws, row: int, column: int, value, *, style=None):
    """Write one value with ``safe_cell`` (text can never become a formula); dates get a UK
    format."""
    cell = ws.cell(row=row, column=column)
    safe_cell(cell, value)
    if isinstance(value, (date, datetime)):
        cell.number_format = DATE_FORMAT
    if style:
        for key, val in style.items():
            setattr(cell, key, val)
    return cell


def set_widths(ws, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return safe_text(value) if isinstance(value, str) else str(value)


def csv_bytes(rows) -> bytes:
    """Rows as CSV in UTF-8 with a BOM (so Excel reads the accents); every text field goes
    through ``safe_text``, because the csv module neutralises nothing."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def log_export(*, user, summary: str, detail: dict, request=None, username: str = "") -> AuditEvent:
    """Record who exported what, and when (an ``AuditEvent`` of kind EXPORT, written through
    ``plans.audit.record`` like every other audit event)."""
    from core import audit

    extra = {"username": username} if username else {}
    return audit.record(
        AuditEvent.Kind.EXPORT,
        request=request,
        user=user if user is not None and user.is_authenticated else None,
        summary=summary,
        **extra,
        **detail,
    )
