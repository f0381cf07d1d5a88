"""The one structure every reader produces: a file as grids of cells.

A workbook gives a grid per sheet, a CSV file one grid, a Word document a grid per table. Each
cell keeps what the importers need to understand it without going back to the file:

- its value (text, number, date) and where it came from (grid name, row and column as the user
  sees them: row 5, column C);
- for dates, whether the cell was *formatted* as a month ("May-23", stored as 1 May 2023) or as a
  day, so a month is never taken for its first day;
- its fill colour as "RRGGBB" (theme colours and tints resolved), so a rating given only as a
  colour is not lost;
- whether it is bold, and its merge span (rows, columns), so a heading merged across the row
  reads as a section row.

Everything after the reader (sheet classification, headers, section rows, the account of cells)
works on this structure alone, for plans and for measures alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl.utils import get_column_letter


@dataclass(slots=True)
class Cell:
    value: object
    row: int
    column: int  # 1-based
    fill: str = ""  # "RRGGBB", "" when none
    number_format: str = ""
    bold: bool = False
    span: tuple[int, int] = (1, 1)  # (rows, columns) of a merged cell
    date_kind: str = ""  # "month" or "day" for dates, else ""

    @property
    def letter(self) -> str:
        return get_column_letter(self.column)

    @property
    def blank(self) -> bool:
        return self.value is None or self.value == ""


@dataclass
class Grid:
    """One sheet or table: its non-blank rows, each a list of cells (None where empty)."""

    name: str
    kind: str  # "sheet", "csv" or "table"
    index: int = 0
    rows: list[tuple[int, list[Cell | None]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader noticed (tracked changes)
    hidden: bool = False

    def values(self) -> list[tuple[int, list]]:
        """The rows as plain values (what the header and row readers work on)."""
        return [(n, [None if c is None else c.value for c in cells]) for n, cells in self.rows]

    def cell_count(self) -> int:
        return sum(1 for _, cells in self.rows for c in cells if c is not None and not c.blank)


@dataclass
class Source:
    """A whole file as read: its grids, and how it was read."""

    filename: str
    kind: str  # "xlsx", "csv" or "docx"
    grids: list[Grid] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""

    def grid(self, name: str) -> Grid | None:
        return next((g for g in self.grids if g.name == name), None)


MONTH_ONLY_CODES = ("d", "h", "s")  # a format with none of these shows no day


def date_kind(value, number_format: str) -> str:
    """ "month" when a date cell is formatted to show only a month and year ("mmm-yy"), "day"
    for other dates, "" for anything that is not a date."""
    if not isinstance(value, (date, datetime)):
        return ""
    fmt = (number_format or "").lower()
    # drop quoted literals and bracketed codes ("[$-809]") before looking at the codes
    cleaned, quoted, bracket = [], False, False
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        elif ch == "[":
            bracket = True
        elif ch == "]":
            bracket = False
        elif not quoted and not bracket:
            cleaned.append(ch)
    codes = "".join(cleaned)
    if "m" in codes and "y" in codes and not any(c in codes for c in MONTH_ONLY_CODES):
        return "month"
    return "day"
