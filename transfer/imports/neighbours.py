"""Read the Department for Education's statistical-neighbour list: each council's ten nearest
neighbours, one row per council with the neighbours in columns ("SN1" ... "SN10", or
"Neighbour 1" ...), or one row per council and neighbour ("LA code", "LA name", "Rank",
"Neighbour"). Importing it replaces the whole list kept (``StatisticalNeighbour``), all or
nothing; the computed comparators of an all-councils statistics table are worked out from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from measures.models import StatisticalNeighbour
from transfer.imports.headers import normalise_header
from transfer.imports.plan_rows import Issue
from transfer.imports.reading import Table, cell_text

NEIGHBOUR_COLUMN = re.compile(r"^(sn|statistical neighbour|neighbour|stat neighbour) ?(\d{1,2})$")


@dataclass(frozen=True)
class Entry:
    row: int
    council_code: str
    council_name: str
    rank: int
    neighbour_name: str
    neighbour_code: str = ""


def find_layout(table: Table) -> tuple[int, dict[str, int], dict[int, int]] | None:
    """(header position, council columns, {column: rank}) for a list of neighbours, else None."""
    for position, (_, cells) in enumerate(table.rows[:30]):
        headings = [normalise_header(c) for c in cells]
        ranks = {}
        for index, heading in enumerate(headings):
            match = NEIGHBOUR_COLUMN.match(heading)
            if match:
                ranks[index] = int(match.group(2))
        if len(ranks) < 2:
            continue
        council: dict[str, int] = {}
        for index, heading in enumerate(headings):
            if heading in ("la code", "code", "old la code", "new la code", "council code"):
                council.setdefault("code", index)
            elif heading in ("la name", "local authority", "council", "name", "la", "area"):
                council.setdefault("name", index)
        if "name" in council:
            return position, council, ranks
    return None


class NeighbourListImporter:
    def __init__(self, *, table: Table, layout):
        self.table = table
        self.position, self.council, self.ranks = layout
        self.entries: list[Entry] = []
        self.errors: list[Issue] = []
        self.result: dict = {}

    def prepare(self) -> dict:
        seen: dict[str, int] = {}
        for number, cells in self.table.rows[self.position + 1 :]:
            name = (
                cell_text(cells[self.council["name"]]).strip()
                if self.council["name"] < len(cells)
                else ""
            )
            code_index = self.council.get("code")
            code = (
                cell_text(cells[code_index]).strip()
                if code_index is not None and code_index < len(cells)
                else ""
            )
            if not name:
                self.errors.append(Issue(number, "This row has no council name."))
                continue
            key = (code or name).lower()
            if key in seen:
                self.errors.append(
                    Issue(number, f"{name} is listed twice: rows {seen[key]} and {number}.")
                )
                continue
            seen[key] = number
            for index, rank in sorted(self.ranks.items(), key=lambda item: item[1]):
                neighbour = cell_text(cells[index]).strip() if index < len(cells) else ""
                if neighbour:
                    self.entries.append(Entry(number, code or name, name, rank, neighbour))
        if not self.entries and not self.errors:
            self.errors.append(Issue(None, "No neighbours were found under the header row."))
        return self.build_result()

    def build_result(self) -> dict:
        councils = {e.council_name for e in self.entries}
        before = StatisticalNeighbour.objects.count()
        self.result = {
            "kind": "neighbours",
            "file": {
                "name": self.table.filename,
                "read_as": self.table.describe(),
                "rows": len(self.table.rows),
                "header_row": self.table.rows[self.position][0],
            },
            "columns": [],
            "unknown": [],
            "needs_mapping": False,
            "errors": [i.as_dict() for i in self.errors],
            "warnings": [],
            "counts": {},
            "values": [],
            "neighbours": {
                "councils": len(councils),
                "entries": len(self.entries),
                "replaces": before,
                "sample": [
                    {
                        "council": name,
                        "neighbours": [
                            e.neighbour_name for e in self.entries if e.council_name == name
                        ],
                    }
                    for name in sorted(councils)[:5]
                ],
            },
            "statistics": None,
            "can_commit": not self.errors and bool(self.entries),
        }
        return self.result

    def commit(self, *, user=None) -> dict:
        from transfer.imports.plan_changes import ImportBlocked

        with transaction.atomic():
            self.entries, self.errors = [], []
            self.prepare()
            if self.errors:
                raise ImportBlocked(self.errors)
            removed, _ = StatisticalNeighbour.objects.all().delete()
            StatisticalNeighbour.objects.bulk_create(
                StatisticalNeighbour(
                    council_code=e.council_code[:20],
                    council_name=e.council_name[:200],
                    rank=e.rank,
                    neighbour_name=e.neighbour_name[:200],
                    source=f"Imported from {self.table.filename}"[:300],
                )
                for e in self.entries
            )
            written = {"neighbours": len(self.entries), "replaced": removed}
            self.result["committed"] = written
            return written
