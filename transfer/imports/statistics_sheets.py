"""Which sheet of a workbook a measure or statistics import reads: every sheet is looked at and
described (a statistics table and its layout, the importer's own layout, a statistical-neighbour
list, notes or a cover, empty), the one chosen in the preview (or with ``--sheet``) is read,
else the first that holds figures, so a notes or cover sheet in front of the table is passed
over rather than read as the table.
"""

from __future__ import annotations

from transfer.imports import neighbours
from transfer.imports.grid import Source
from transfer.imports.headers import MEASURE_FIELDS
from transfer.imports.reading import ImportFileError, Table, table_from
from transfer.imports.statistics import _headings, _long_header, _wide_header

TIDY, LONG, WIDE, OWN_LAYOUT, NEIGHBOURS, OTHER, EMPTY = (
    "tidy",
    "long",
    "wide",
    "own",
    "neighbours",
    "other",
    "empty",
)
LABELS = {
    TIDY: "Statistics: the Department for Education's tidy layout",
    LONG: "Statistics: a long table (a row per measure, area and period)",
    WIDE: "Statistics: a wide table (periods as columns)",
    OWN_LAYOUT: "Measure values in the import's own layout",
    NEIGHBOURS: "Statistical-neighbour list",
    OTHER: "Notes, a cover or another table: no figures to read",
    EMPTY: "Empty",
}
FIGURES = (TIDY, LONG, WIDE, OWN_LAYOUT, NEIGHBOURS)


def sheet_kind(table: Table) -> str:
    if not table.rows:
        return EMPTY
    if neighbours.find_layout(table) is not None:
        return NEIGHBOURS
    for _, cells in table.rows[:30]:
        if {"time period", "geographic level"} <= set(_headings(cells)):
            return TIDY
    if _long_header(table) is not None:
        return LONG
    own = MEASURE_FIELDS.find_header(table.rows)
    if own is not None and "code" in own.by_field:
        return OWN_LAYOUT
    if _wide_header(table) is not None:
        return WIDE
    return OTHER


def statistics_table(source: Source, sheet: str = "") -> Table:
    """The table to read: the sheet named (``ImportFileError`` if there is none of that name),
    else the first holding figures, else the first with anything in it. Its ``sheets`` lists
    every sheet with what it looks like."""
    tables = [table_from(source, grid) for grid in source.grids]
    described = []
    for table in tables:
        kind = sheet_kind(table)
        described.append(
            {"name": table.sheet, "kind": kind, "label": LABELS[kind], "rows": len(table.rows)}
        )
    if sheet:
        chosen = next((t for t in tables if t.sheet == sheet), None)
        if chosen is None:
            names = ", ".join(f'"{t.sheet}"' for t in tables)
            raise ImportFileError(f'The file has no sheet called "{sheet}"; its sheets: {names}.')
    else:
        with_figures = [t for t, d in zip(tables, described, strict=True) if d["kind"] in FIGURES]
        chosen = next(iter(with_figures), None) or next((t for t in tables if t.rows), None)
    if chosen is None:
        raise ImportFileError(
            "The CSV file has no data in it."
            if source.kind == "csv"
            else "Every sheet of the workbook is empty."
        )
    for entry in described:
        entry["read"] = entry["name"] == chosen.sheet
    chosen.sheets = described
    return chosen
