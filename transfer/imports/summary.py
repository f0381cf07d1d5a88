"""A summary sheet of a plan workbook ("Principle | Actions | Green | Amber | Red"): figures
derived from the plan, not more of it. Rather than listing its cells as not taken, each figure
is checked against the plan as read: a priority's row is matched by its title or number, and
its count of actions and of each rating compared with what the import found. A figure that
agrees is accounted for as used (checked); one that differs is listed, with the plan's own
figure, and warned about, since the file disagrees with itself.

Pure: works on the grid and the ``ParsedPlan``; no database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from transfer.imports.grid import Grid
from transfer.imports.headers import normalise_header
from transfer.imports.plan_rows import Issue, ParsedPlan, ignored_cell, split_number, squash
from transfer.imports.reading import cell_text
from transfer.imports.sheets import LEGEND_WORDS

TOTAL_WORDS = {
    "actions",
    "action",
    "number of actions",
    "no of actions",
    "total",
    "total actions",
    "count",
}
NAME = "name"
TOTAL = "total"


@dataclass
class SummaryCheck:
    used: int
    ignored: list[dict]
    warnings: list[Issue]


def column_kinds(cells: list) -> dict[int, str]:
    """{column index: NAME, TOTAL or a rating} for the summary's header cells."""
    kinds: dict[int, str] = {}
    for index, cell in enumerate(cells):
        word = normalise_header(cell.value if cell is not None else "")
        if not word:
            continue
        if not kinds:
            kinds[index] = NAME  # the first heading names the priorities
        elif word in TOTAL_WORDS:
            kinds[index] = TOTAL
        elif word in LEGEND_WORDS and len(word) > 1:
            kinds[index] = LEGEND_WORDS[word]
    return kinds


def as_count(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value).strip()
    return int(text) if text.isdigit() else None


def priority_figures(parsed: ParsedPlan) -> dict[str, dict]:
    """{priority number: {"title", TOTAL: n, rating: n...}} as the import read them."""
    figures: dict[str, dict] = {}
    counts: dict[str, Counter] = {}
    for action in parsed.actions:
        counts.setdefault(action.priority, Counter())[TOTAL] += 1
        if action.rating:
            counts[action.priority][action.rating] += 1
    for p in parsed.priorities:
        figures[p.number] = {"title": squash(p.title).lower(), **counts.get(p.number, Counter())}
    return figures


def match_priority(text: str, figures: dict[str, dict]) -> str | None:
    text = squash(text)
    lowered = text.lower()
    number, title = split_number(text)
    for key, figure in figures.items():
        if figure["title"] and figure["title"] in (lowered, title.lower()):
            return key
    if number and number in figures:
        return number
    return lowered if lowered in figures else None


def check_summary(grid: Grid, header_row: int | None, parsed: ParsedPlan) -> SummaryCheck:
    """Check a summary sheet's figures against the plan read (see the module's docstring)."""
    check = SummaryCheck(0, [], [])
    figures = priority_figures(parsed)
    rows = grid.rows
    position = next((n for n, (number, _) in enumerate(rows) if number == header_row), None)
    if position is None:
        position = next((n for n, (_, cells) in enumerate(rows) if column_kinds(cells)), 0)
    kinds = column_kinds(rows[position][1]) if rows else {}

    def listed(number: int, cell, why: str) -> None:
        text = cell_text(cell.value)
        check.ignored.append(ignored_cell(grid.name, number, cell.column - 1, text, why))

    for n, (number, cells) in enumerate(rows):
        filled = [c for c in cells if c is not None and not c.blank]
        if n < position:
            for cell in filled:
                listed(number, cell, "above the summary table")
            continue
        if n == position:
            for cell in filled:
                if (cell.column - 1) in kinds:
                    check.used += 1
                else:
                    listed(number, cell, "summary column not checked")
            continue
        name_cell = next(
            (c for c in filled if kinds.get(c.column - 1) == NAME), filled[0] if filled else None
        )
        key = match_priority(cell_text(name_cell.value), figures) if name_cell else None
        for cell in filled:
            kind = kinds.get(cell.column - 1)
            if key is None:
                listed(number, cell, "summary row that matches no priority")
            elif cell is name_cell:
                check.used += 1
            elif kind is None or kind == NAME:
                listed(number, cell, "summary column not checked")
            else:
                found = figures[key].get(kind, 0)
                if as_count(cell.value) == found:
                    check.used += 1  # checked against the plan, and it agrees
                else:
                    listed(number, cell, f"summary figure differs (the plan read has {found})")
                    check.warnings.append(
                        Issue(
                            number,
                            f"Cell {cell.letter}{number} of the summary says "
                            f'"{cell_text(cell.value)}" but the plan read has {found} for '
                            f"priority {key}: check the file.",
                            grid.name,
                        )
                    )
    return check
