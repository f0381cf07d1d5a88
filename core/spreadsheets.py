"""Spreadsheet cells shared by every export: no cell a user typed may run as a formula, and a
rating is its word on its colour (``core.presentation``'s palette)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.presentation import xlsx_colours

if TYPE_CHECKING:
    from openpyxl.styles import Font, PatternFill

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Neutralise text that a spreadsheet would read as a formula by prefixing an apostrophe.
    Non-text values (numbers, dates, None) pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_cell(cell: Any, value: Any) -> Any:
    """Write a value to an openpyxl cell; text is neutralised and always stored as text."""
    value = safe_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def rag_style(rating: str) -> tuple[PatternFill, Font]:
    """The fill and font of a cell showing a rating: the rating's colour, bold text in the
    colour that contrasts with it. Write the rating's word in the cell too."""
    from openpyxl.styles import Font, PatternFill

    fill, text = xlsx_colours(rating)
    return (
        PatternFill(fill_type="solid", start_color=fill, end_color=fill),
        Font(bold=True, color=text),
    )


def style_rag_cell(cell: Any, rating: str) -> Any:
    """Colour a cell (holding the rating's word) with the rating's fill and font."""
    cell.fill, cell.font = rag_style(rating)
    return cell
