"""What each sheet (or Word table) of a file looks like, so the preview can list them and the
import reads the right ones: an actions table, a cover, a legend (key), a summary, or empty.

Generic: it takes a ``FieldSet`` (the plan's or the measures' column names), so measure imports
can classify their sheets the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.rag import Rating
from transfer.imports.colours import rating_from_colour
from transfer.imports.grid import Grid
from transfer.imports.headers import FieldSet
from transfer.imports.reading import cell_text

ACTIONS, COVER, LEGEND, SUMMARY, EMPTY, OTHER = (
    "actions",
    "cover",
    "legend",
    "summary",
    "empty",
    "other",
)
KIND_LABELS = {
    ACTIONS: "Actions table",
    COVER: "Cover or title page",
    LEGEND: "Legend (key to the ratings)",
    SUMMARY: "Summary or chart data",
    EMPTY: "Empty",
    OTHER: "Not a table the import can read",
}
LEGEND_NAMES = re.compile(
    r"^(key|legend|rag key|rag legend|ratings?|guidance|definitions?)\b", re.I
)
# the words a legend uses for each rating, written alone in its first cell
LEGEND_WORDS = {
    "r": Rating.RED,
    "red": Rating.RED,
    "a": Rating.AMBER,
    "amber": Rating.AMBER,
    "g": Rating.GREEN,
    "green": Rating.GREEN,
    "b": Rating.COMPLETE,
    "blue": Rating.COMPLETE,
    "complete": Rating.COMPLETE,
    "completed": Rating.COMPLETE,
    "not started": Rating.NOT_STARTED,
}


@dataclass
class LegendEntry:
    rating: str
    label: str
    meaning: str
    row: int


@dataclass
class SheetInfo:
    name: str
    index: int
    kind: str
    rows: int
    cells: int
    header_row: int | None = None
    title: str = ""
    legend: list[LegendEntry] = field(default_factory=list)
    hidden: bool = False

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "index": self.index,
            "kind": self.kind,
            "label": self.label,
            "rows": self.rows,
            "cells": self.cells,
            "header_row": self.header_row,
            "title": self.title,
            "legend": [e.__dict__ for e in self.legend],
            "hidden": self.hidden,
        }


def legend_entries(grid: Grid) -> list[LegendEntry]:
    """Rows that give a rating's word or colour in one cell and its meaning in the next."""
    entries: dict[str, LegendEntry] = {}
    for number, cells in grid.rows:
        filled = [c for c in cells if c is not None]
        if len(filled) < 2:
            continue
        first, rest = filled[0], filled[1:]
        word = " ".join(cell_text(first.value).split()).lower()
        rating: str | None = LEGEND_WORDS.get(word) or LEGEND_WORDS.get(
            word.split(" ")[0].strip(":-")
        )
        if rating is None and first.fill:
            rating = rating_from_colour(first.fill)
        meaning = " ".join(cell_text(c.value) for c in rest if not c.blank).strip()
        if rating and meaning and rating not in entries:
            label = cell_text(first.value) or Rating(rating).label
            entries[rating] = LegendEntry(rating, label[:40], meaning[:300], number)
    return list(entries.values())


def classify(grid: Grid, fields: FieldSet) -> SheetInfo:
    rows = grid.values()
    info = SheetInfo(grid.name, grid.index, EMPTY, len(rows), grid.cell_count(), hidden=grid.hidden)
    if not rows:
        return info
    header = fields.find_header(rows)
    if header is not None:
        info.header_row = header.row_number
        info.title = title_above(rows[: header.first])
        required = fields.required[0]
        below = rows[header.position + 1 :]
        values = [c for _, cells in below for c in cells if c not in (None, "")]
        numbers = sum(1 for c in values if isinstance(c, (int, float)) and not isinstance(c, bool))
        looks_numeric = bool(values) and numbers >= len(values) * 0.4  # counts, not actions
        table = required in header.by_field and below and not looks_numeric
        info.kind = ACTIONS if table else SUMMARY
        return info
    legend = legend_entries(grid)
    if len(legend) >= 2 or (legend and LEGEND_NAMES.match(grid.name.strip())):
        info.kind, info.legend = LEGEND, legend
        return info
    lone_rows = sum(1 for _, cells in rows if sum(1 for c in cells if c not in (None, "")) <= 2)
    numbers = sum(
        1
        for _, cells in rows
        for c in cells
        if isinstance(c, (int, float)) and not isinstance(c, bool)
    )
    if numbers > info.cells / 2:
        info.kind = SUMMARY
    elif lone_rows >= len(rows) * 0.6:
        info.kind = COVER
        info.title = title_above(rows)
    else:
        info.kind = OTHER
    return info


#: Labels a tool writes beside the plan's name above its table (Microsoft Planner writes "Plan
#: name", then the name, in the next cell).
TITLE_LABELS = {"plan name", "plan title", "name of plan", "title", "plan", "document title"}


def title_above(rows: list[tuple[int, list]]) -> str:
    """The first line of text in rows above a table: the title a council gives it, or the name
    beside a "Plan name" label."""
    for _, cells in rows:
        texts = [" ".join(cell_text(value).split()) for value in cells]
        texts = [t for t in texts if t]
        if len(texts) >= 2 and texts[0].lower().rstrip(":") in TITLE_LABELS:
            return texts[1][:250]
        for text in texts:
            if not re.fullmatch(r"[\d/.\-: ]+", text):
                return text[:250]
    return ""
