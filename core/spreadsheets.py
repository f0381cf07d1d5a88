"""Spreadsheet safety shared by every export: no cell a user typed may run as a formula."""

from typing import Any

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
