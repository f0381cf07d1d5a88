"""Turn the figures read from a statistics table (``statistics.StatisticsReading``) into the
importer's rows: one per measure and period, holding our value (or the symbol standing for it),
the comparators given in the file and those computed from every council's figures. Measures the
file names that do not exist yet are proposed here (``new_measures``), and the account of the
cells read, used and ignored is kept for the preview."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q
from django.db.models.functions import Lower, Upper

from measures import benchmarks
from measures.models import Measure, StatisticalNeighbour
from transfer.imports import new_measures
from transfer.imports.plan_rows import Issue
from transfer.imports.statistics import (
    COUNCIL,
    OWN,
    SERIES_WORDS,
    TARGET,
    Observation,
    StatisticsReading,
    same_area,
)

MAX_LISTED = 200  # ignored cells listed one by one in the preview


def frequency_of(start: date, end: date) -> str:
    days = (end - start).days
    if days == 0:
        return Measure.Frequency.AS_AT_DATE
    if days < 40:
        return Measure.Frequency.MONTHLY
    if days < 100:
        return Measure.Frequency.QUARTERLY
    if start.month == 9:
        return Measure.Frequency.ACADEMIC_YEAR
    return Measure.Frequency.ANNUAL


class StatisticsRows:
    def __init__(self, importer, reading: StatisticsReading):
        self.importer = importer
        self.reading = reading
        self.options = importer.options
        self.proposals: dict[str, dict] = {}
        self.skipped: set[str] = set()
        self.computed = 0

    def error(self, row, message: str) -> None:
        self.importer.errors.append(Issue(row, message))

    def build(self) -> None:
        from transfer.imports.measure_rows import ValueRow

        for number, message in self.reading.errors:
            self.error(number, message)
        for number, message in self.reading.warnings:
            self.importer.warnings.append(Issue(number, message))
        if self.reading.errors:
            return
        measures = self.resolve_measures()
        kept = [o for o in self.reading.observations if o.measure in measures]
        rows: dict[tuple[str, date], ValueRow] = {}
        given: dict[tuple[str, date, str], Observation] = {}
        for o in kept:
            if o.series == COUNCIL:
                continue
            key = (o.measure, o.period.start)
            if (*key, o.series) in given:
                first = given[(*key, o.series)]
                self.error(
                    o.row,
                    f"Two figures for {SERIES_WORDS[o.series]}, {o.measure}, "
                    f"{o.period.label}: cells {first.cell} and {o.cell}. Keep one.",
                )
                continue
            given[(*key, o.series)] = o
            row = rows.get(key) or rows.setdefault(key, self.new_row(o, measures[o.measure]))
            row.row = min(row.row, o.row)
            self.place(row, o)
        self.add_benchmarks(kept, rows, measures)
        self.importer.rows = sorted(rows.values(), key=lambda r: (r.measure.code, r.start))
        if not self.importer.rows and not self.importer.errors:
            self.error(
                None,
                "No figures for the council, England, the region or the statistical "
                "neighbours were found in the file.",
            )

    def new_row(self, o: Observation, measure: Measure):
        from transfer.imports.measure_rows import ValueRow

        return ValueRow(
            row=o.row,
            measure=measure,
            label=o.period.label,
            start=o.period.start,
            end=o.period.end,
            value=None,
            numerator=None,
            denominator=None,
            note="",
        )

    def place(self, row, o: Observation) -> None:
        if o.series == TARGET:
            row.target = o.number  # a target not published ("c") is no target
        elif o.series == OWN:
            row.value, row.symbol = o.number, o.symbol
        elif o.number is not None:
            row.comparators[o.series] = o.number
        else:
            row.comparator_symbols[o.series] = o.symbol

    # -- measures ------------------------------------------------------------------------------
    def resolve_measures(self) -> dict[str, Measure]:
        """Each measure named in the file: an existing one (by code, else by title), or a new
        one as proposed or as the administrator changed it. Skipped ones are left out."""
        names = sorted({o.measure for o in self.reading.observations if o.series != COUNCIL})
        names += sorted({o.measure for o in self.reading.observations} - set(names))
        found = Measure.objects.annotate(code_upper=Upper("code"), title_lower=Lower("title"))
        found = found.filter(
            Q(code_upper__in=[n.upper() for n in names])
            | Q(title_lower__in=[n.lower() for n in names])
        )
        organisations = self.options.get("organisations")
        if organisations is not None:
            # An administrator's upload reaches only their organisations' measures (ADR 0012).
            found = found.filter(organisation_id__in=organisations)
        by_code: dict[str, Measure] = {m.code_upper: m for m in found}
        by_title: dict[str, Measure] = {m.title_lower: m for m in found}
        taken = set(Measure.objects.annotate(u=Upper("code")).values_list("u", flat=True))
        chosen = self.options.get("new_measures") or {}
        result: dict[str, Measure] = {}
        others: set[str] = set()
        for name in names:
            measure = by_code.get(name.upper()) or by_title.get(name.lower())
            if measure is not None:
                result[name] = measure
                continue
            first = next(o for o in self.reading.observations if o.measure == name)
            proposal = {
                **new_measures.propose(
                    name, taken | others, frequency_of(first.period.start, first.period.end)
                ),
                **chosen.get(name, {}),
            }
            if proposal.get("skip"):
                self.skipped.add(name)
                self.proposals[name] = proposal
                continue
            for problem in new_measures.check(proposal, existing_codes=taken, others=others):
                self.error(first.row, f'New measure "{name[:60]}": {problem}')
            others.add(str(proposal.get("code", "")).upper())
            self.proposals[name] = proposal
            result[name] = Measure(
                **{k: proposal[k] for k in ("code", "title", "unit", "polarity", "frequency")}
            )
            result[name].source = f"Imported from {self.importer.table.filename}"[:300]
            if organisations is not None and len(organisations) == 1:
                result[name].organisation_id = organisations[0]
        return result

    # -- comparators computed from every council's figures -----------------------------------
    def neighbours(self) -> list[tuple[str, str]]:
        """The council's statistical neighbours as (code, name), from the imported list."""
        own = [o for o in self.reading.observations if o.series == OWN]
        if not own:
            return []
        name, code = own[0].area, own[0].area_code
        wanted = self.options.get("area") or ""
        for council_code, council_name in StatisticalNeighbour.objects.values_list(
            "council_code", "council_name"
        ).distinct():
            if (
                same_area(name, code, council_name)
                or same_area(name, code, council_code)
                or (wanted and same_area(council_name, council_code, wanted))
            ):
                return list(
                    StatisticalNeighbour.objects.filter(council_code=council_code)
                    .order_by("rank")
                    .values_list("neighbour_code", "neighbour_name")
                )
        return []

    def add_benchmarks(self, kept, rows, measures) -> None:
        councils = [o for o in kept if o.series in (OWN, COUNCIL)]
        if not any(o.series == COUNCIL for o in councils):
            return
        neighbours = self.neighbours()
        grouped: dict[tuple[str, date], list[Observation]] = defaultdict(list)
        for o in councils:
            grouped[(o.measure, o.period.start)].append(o)
        for (name, start), observations in grouped.items():
            row = rows.get((name, start)) or rows.setdefault(
                (name, start), self.new_row(observations[0], measures[name])
            )
            self.benchmark_row(row, observations, neighbours, measures[name])

    def benchmark_row(self, row, observations, neighbours, measure: Measure) -> None:
        figures = {o.area or o.area_code: o.number for o in observations if o.number is not None}
        unpublished = {o.area or o.area_code: o.symbol for o in observations if o.symbol}
        found: list[benchmarks.Benchmark] = []
        if neighbours:
            names = []
            for code, name in neighbours:
                match = next(
                    (
                        o.area or o.area_code
                        for o in observations
                        if same_area(o.area, o.area_code, code) or same_area(o.area, "", name)
                    ),
                    name,
                )
                names.append(match)
            found += benchmarks.neighbour_benchmarks(
                neighbours=names,
                figures=figures,
                unpublished=unpublished,
                polarity=measure.polarity,
                period=row.label,
            )
        quartile = benchmarks.top_quartile(
            figures=figures, unpublished=unpublished, polarity=measure.polarity, period=row.label
        )
        found += [quartile] if quartile else []
        for b in found:
            if b.kind in row.comparators or b.kind in row.comparator_symbols:
                continue  # a published figure in the file wins over one computed here
            row.comparators[b.kind] = b.value
            row.methods[b.kind] = b.method
            self.computed += 1

    # -- the preview's account -------------------------------------------------------------------
    def account(self) -> dict:
        read = {
            (number, index)
            for number, cells in self.importer.table.rows
            for index, value in enumerate(cells)
            if value not in (None, "")
        }
        used = self.reading.used & read
        skipped_cells = {
            (o.row, o.column): f'measure "{o.measure}" is not imported'
            for o in self.reading.observations
            if o.measure in self.skipped
        }
        if not self.computed:  # other councils' rows served nothing
            council_rows = {o.row for o in self.reading.observations if o.series == COUNCIL} - {
                o.row for o in self.reading.observations if o.series != COUNCIL
            }
            for row, column in used:
                if row in council_rows:
                    skipped_cells.setdefault(
                        (row, column),
                        "another council's figure: no comparator was computed from it (give "
                        "the measure a polarity, or import the statistical-neighbour list)",
                    )
        ignored = []
        for cell in sorted(read - used | set(skipped_cells)):
            reason = skipped_cells.get(cell) or self.reading.ignored.get(cell, "not in the table")
            ignored.append({"cell": _cell_name(cell), "reason": reason})
        return {
            "read": len(read),
            "used": len(read) - len(ignored),
            "ignored": len(ignored),
            "ignored_cells": ignored[:MAX_LISTED],
        }

    def result(self) -> dict:
        return {
            "statistics": {
                "layout": self.reading.layout,
                "own_area": self.reading.own_area,
                "region": self.reading.region,
                "regions": self.reading.regions,
                "periods_read_as": self.reading.periods_read_as,
                "computed_comparators": self.computed,
                "neighbours": bool(self.computed and self.neighbours()),
            },
            "account": self.account(),
            "new_measures": [
                {"name": name, **proposal} for name, proposal in sorted(self.proposals.items())
            ],
        }


def _cell_name(cell: tuple[int, int]) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(cell[1] + 1)}{cell[0]}"
