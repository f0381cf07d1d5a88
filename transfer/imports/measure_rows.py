"""Import measure values (and England, region and statistical-neighbour comparators) from a
.csv or .xlsx: one row per measure per period, with the same preview and all-or-nothing commit as
plans.

Columns (matched by name, see ``headers.MEASURE_FIELDS``): measure code, period (label, start,
end), value, numerator, denominator, England, Region, Statistical neighbours, note. A period
may be given by its dates, or by a label the timescale reader understands ("2023/24 Q2",
"March 2024", "As at 28 February 2018"). A value for a measure and period that is already there
is updated when it differs and left alone when it does not, so importing a file twice changes
nothing.

Published statistics tables (wide, long with an area column, and the Department for Education's
tidy CSV) are read by ``statistics.read_statistics`` into figures first; their rows for England,
the region and the statistical neighbours become comparators, with or without a value of ours;
symbols such as "c" or ".." are kept as not published (``UnpublishedFigure``); measures the file
names that do not exist yet are proposed (``new_measures``) and created on commit; and, given
every council's figures and the statistical-neighbour list, the neighbours' average, the best
neighbour and the top-quartile threshold are computed (``measures.benchmarks``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper

from actions.timescales import TimescaleKind, parse_timescale
from measures.models import Comparator, Measure, MeasureValue, Target, UnpublishedFigure
from transfer.imports import neighbours, statistics_rows
from transfer.imports.headers import MEASURE_FIELDS
from transfer.imports.plan_rows import Issue, squash
from transfer.imports.reading import Table, cell_text
from transfer.imports.statistics import NotAFigure, read_figure, read_statistics

PLACES = Decimal("0.0001")
PLACES_DIGITS = 4
MAX_WHOLE_DIGITS = 10  # numeric(14, 4): ten digits before the point, four after
COMPARATOR_FIELDS = {
    "england": Comparator.Kind.ENGLAND,
    "region": Comparator.Kind.REGION,
    "statistical_neighbours": Comparator.Kind.STATISTICAL_NEIGHBOURS,
}
MONTHS = "January February March April May June July August September October November December"


def fmt_date(d: date) -> str:
    return f"{d.day} {MONTHS.split()[d.month - 1]} {d.year}"


class CellError(ValueError):
    pass


def to_decimal(value, what: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"The {what} must be a number.")
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        text = squash(str(value)).replace(",", "").rstrip("%").strip()
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise CellError(f'The {what} "{squash(str(value))[:30]}" is not a number.') from exc
    if not number.is_finite():
        raise CellError(f"The {what} must be a number.")
    # Checked before rounding: rounding 1e40 to 4 places needs 45 digits, more than the decimal
    # context's 28, and raised InvalidOperation (a 500). Values are numeric(14, 4) columns.
    if number and number.adjusted() >= MAX_WHOLE_DIGITS:
        raise CellError(f"The {what} is too large (the largest is 9,999,999,999.9999).")
    if number and number.adjusted() < -PLACES_DIGITS - 1:
        return Decimal(0).quantize(PLACES)
    number = number.quantize(PLACES, rounding=ROUND_HALF_UP)
    if abs(number) >= Decimal(10) ** MAX_WHOLE_DIGITS:
        raise CellError(f"The {what} is too large (the largest is 9,999,999,999.9999).")
    return number


def to_date(value, what: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = parse_timescale(cell_text(value))
    if parsed.kind == TimescaleKind.DATE:
        return parsed.start
    raise CellError(
        f'The {what} "{squash(cell_text(value))[:30]}" is not a date (write it as 31/03/2024).'
    )


def period_from_label(label: str) -> tuple[date, date] | None:
    text = re.sub(r"^\s*as\s+at\s+", "", label, flags=re.IGNORECASE)
    parsed = parse_timescale(text)
    if parsed.kind in (
        TimescaleKind.DATE,
        TimescaleKind.MONTH,
        TimescaleKind.QUARTER,
        TimescaleKind.FINANCIAL_YEAR,
        TimescaleKind.RANGE,
        TimescaleKind.PHASE,
    ):
        return parsed.start, parsed.end
    return None


@dataclass
class ValueRow:
    row: int
    measure: Measure
    label: str
    start: date
    end: date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    note: str
    comparators: dict[str, Decimal] = field(default_factory=dict)
    symbol: str = ""  # the value is not published: "c", "x", ".."
    comparator_symbols: dict[str, str] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)  # computed comparators: how
    target: Decimal | None = None  # the measure's target for the period, when the file gives one


class MeasureValuesImporter:
    def __init__(self, *, table: Table, options: dict):
        self.table = table
        self.options = options
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.header = None
        self.rows: list[ValueRow] = []
        self.result: dict = {}

    def error(self, row, message):
        self.errors.append(Issue(row, message))

    def prepare(self) -> dict:
        layout = neighbours.find_layout(self.table)
        if layout is not None:  # the statistical-neighbour list
            self.neighbours = neighbours.NeighbourListImporter(table=self.table, layout=layout)
            self.result = self.neighbours.prepare()
            return self.result
        reading = read_statistics(self.table, self.options)
        if reading is not None:
            self.statistics = statistics_rows.StatisticsRows(self, reading)
            self.statistics.build()
            if not self.errors:
                self.compare()
            return self.build_result()
        self.header = MEASURE_FIELDS.find_header(self.table.rows, self.options.get("mapping"))
        if self.header is None:
            self.error(
                None,
                "No header row was found in the first 30 rows. The sheet needs a row of column "
                "names such as Measure code, Period, Value.",
            )
            return self.build_result()
        header = self.header
        for key, columns in header.duplicates:
            self.error(
                header.row_number,
                f"Columns {' and '.join(c.letter for c in columns)} are both read as "
                f"{MEASURE_FIELDS.label(key)}: map one of them to something else, or ignore it.",
            )
        for column in header.unknown:
            self.error(
                header.row_number,
                f'Column {column.letter} ("{squash(column.heading)[:60]}") is not recognised: '
                "choose what it holds, or ignore it.",
            )
        if "code" not in header.by_field:
            self.error(header.row_number, "No Measure code column was found.")
        if not {"value", "numerator"} & set(header.by_field):
            self.error(header.row_number, "No Value column was found.")
        if not {"label", "period_start", "period_end"} & set(header.by_field):
            self.error(header.row_number, "No Period, Period start or Period end column was found.")
        if self.errors:
            return self.build_result()
        self.read_rows(self.table.rows[header.position + 1 :])
        self.compare()
        return self.build_result()

    def cell(self, cells, key):
        index = self.header.by_field.get(key)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def read_rows(self, rows):
        codes = {
            squash(cell_text(self.cell(cells, "code"))).upper()
            for _, cells in rows
            if not self.header.is_repeat(cells)
        }
        codes.discard("")
        measures = Measure.objects.annotate(code_upper=Upper("code")).filter(code_upper__in=codes)
        if "organisations" in self.options:
            # An administrator's upload: only their organisations' measures (transfer.permissions).
            measures = measures.filter(organisation_id__in=self.options["organisations"])
        self.measures = {m.code_upper: m for m in measures}
        seen: dict[tuple[int, date], int] = {}
        for number, cells in rows:
            if self.header.is_repeat(cells):
                continue
            code = squash(cell_text(self.cell(cells, "code")))
            if not code:
                self.error(number, "This row has no measure code.")
                continue
            measure = self.measures.get(code.upper())
            if measure is None:
                self.error(number, f'No measure has the code "{code[:30]}".')
                continue
            try:
                row = self.read_row(number, cells, measure)
            except CellError as exc:
                self.error(number, str(exc))
                continue
            key = (measure.pk, row.start)
            if key in seen:
                self.error(
                    number,
                    f"{measure.code} has two values for the period starting "
                    f"{fmt_date(row.start)}: rows {seen[key]} and {number}. Keep one.",
                )
                continue
            seen[key] = number
            self.rows.append(row)
        if not self.rows and not self.errors:
            self.error(None, "There are no values under the header row.")

    def read_row(self, number, cells, measure) -> ValueRow:
        label = squash(cell_text(self.cell(cells, "label")))
        start = to_date(self.cell(cells, "period_start"), "period start")
        end = to_date(self.cell(cells, "period_end"), "period end")
        if start is None and end is None:
            window = period_from_label(label) if label else None
            if window is None:
                raise CellError(
                    f'The period "{label[:40]}" could not be read: give its start and end dates.'
                    if label
                    else "This row has no period: give a period, or its start and end dates."
                )
            start, end = window
        start = start or end
        end = end or start
        if end < start:
            raise CellError("The period ends before it starts.")
        if not label:
            label = f"As at {fmt_date(start)}" if start == end else f"{start} to {end}"
        if len(label) > 100:
            raise CellError("The period label is longer than 100 characters.")
        value, symbol = self.figure_cell(cells, "value", "value")
        row = ValueRow(
            row=number,
            measure=measure,
            label=label,
            start=start,
            end=end,
            value=value,
            numerator=to_decimal(self.cell(cells, "numerator"), "numerator"),
            denominator=to_decimal(self.cell(cells, "denominator"), "denominator"),
            note=squash(cell_text(self.cell(cells, "note")))[:500],
            symbol=symbol,
            target=to_decimal(self.cell(cells, "target"), "target"),
        )
        for key in COMPARATOR_FIELDS:
            number_, symbol_ = self.figure_cell(cells, key, MEASURE_FIELDS.label(key))
            if number_ is not None:
                row.comparators[key] = number_
            elif symbol_:
                row.comparator_symbols[key] = symbol_
        if symbol or (
            row.value is None
            and row.numerator is None
            and (row.comparators or row.comparator_symbols or row.target is not None)
        ):
            return row  # not published, or comparators or a target without a value of ours
        return self.validated(row)

    def validated(self, row: ValueRow) -> ValueRow:
        """The row checked as the value it would become (a rate computed, figures agreeing)."""
        candidate = MeasureValue(
            measure=row.measure,
            period_start=row.start,
            period_end=row.end,
            label=row.label,
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
            note=row.note,
        )
        try:
            candidate.clean()
            candidate.clean_fields(exclude=["measure", "population", "recorded_by"])
        except ValidationError as exc:
            messages = [m for ms in exc.message_dict.values() for m in ms]
            raise CellError(" ".join(messages)) from exc
        row.value = Decimal(candidate.value).quantize(PLACES, rounding=ROUND_HALF_UP)
        return row

    def figure_cell(self, cells, key: str, what: str) -> tuple[Decimal | None, str]:
        """A number, or a symbol standing for a figure not published."""
        value = self.cell(cells, key)
        try:
            number, symbol = read_figure(value)
        except NotAFigure:
            return to_decimal(value, what), ""  # raises the importer's own message
        return (to_decimal(number, what) if number is not None else None), symbol

    def compare(self):
        ids = {r.measure.pk for r in self.rows if r.measure.pk}
        starts = {r.start for r in self.rows}
        self.existing = {
            (v.measure_id, v.period_start): v
            for v in MeasureValue.objects.filter(measure_id__in=ids, period_start__in=starts)
        }
        self.existing_comparators = {
            (c.measure_id, c.kind, c.period_start): c
            for c in Comparator.objects.filter(measure_id__in=ids, period_start__in=starts)
        }
        self.existing_unpublished = {
            (u.measure_id, u.series, u.period_start): u
            for u in UnpublishedFigure.objects.filter(measure_id__in=ids, period_start__in=starts)
        }
        self.existing_targets = {
            (t.measure_id, t.period_start): t
            for t in Target.objects.filter(measure_id__in=ids, period_start__in=starts)
        }
        self.plan = [self.compare_row(r) for r in self.rows]

    def target_changes(self, r: ValueRow) -> bool:
        """The file gives a target for the period that differs from the one recorded."""
        if r.target is None:
            return False
        t = self.existing_targets.get((r.measure.pk, r.start)) if r.measure.pk else None
        return t is None or (t.value, t.period_end, t.label) != (r.target, r.end, r.label)

    def compare_row(self, r: ValueRow):
        has_note = bool(self.header and "note" in self.header.by_field)
        new_target = self.target_changes(r)
        existing = self.existing.get((r.measure.pk, r.start)) if r.measure.pk else None
        changes = []
        if r.value is None and r.numerator is None:
            if r.symbol and existing is not None:
                self.warnings.append(
                    Issue(
                        r.row,
                        f"{r.measure.code} {r.label} is given as not published ({r.symbol}) but "
                        f"a value is recorded ({existing.value.normalize():f}); the recorded "
                        "value is kept.",
                    )
                )
            elif r.symbol:
                u = self.existing_unpublished.get((r.measure.pk, UnpublishedFigure.VALUE, r.start))
                if u is None or (u.symbol, u.period_end, u.label) != (r.symbol, r.end, r.label):
                    changes.append("not published")
            existing = existing if r.symbol else None
        elif existing is not None:
            for name, new in (
                ("period end", r.end != existing.period_end),
                ("period", r.label != existing.label),
                ("value", r.value != existing.value),
                ("numerator", r.numerator != existing.numerator),
                ("denominator", r.denominator != existing.denominator),
                ("note", has_note and r.note != existing.note),
            ):
                if new:
                    changes.append(name)
        comparator_changes = [
            Comparator.Kind(kind).label for kind in self.comparator_writes(r, dry_run=True)
        ]
        if existing is None and not changes and r.value is None and r.numerator is None:
            recorded = any(
                (r.measure.pk, kind, r.start) in self.existing_comparators
                or (r.measure.pk, kind, r.start) in self.existing_unpublished
                for kind in Comparator.Kind.values
            )
            recorded = recorded or (r.measure.pk, r.start) in self.existing_targets
            changed = comparator_changes or new_target
            status = ("change" if recorded else "create") if changed else "same"
        else:
            status = "create" if existing is None else ("change" if changes else "same")
        if new_target:
            comparator_changes.append("target")
        if status == "same" and comparator_changes:
            status = "change"
        return (r, existing, changes, comparator_changes, status)

    def comparator_writes(self, r: ValueRow, *, dry_run: bool) -> list[str]:
        """The comparators (numbers, or not published) that differ from what is recorded;
        written unless ``dry_run``."""
        changed = []
        reason = f"Imported from {self.table.filename}"[:100]
        for key, value in r.comparators.items():
            kind = COMPARATOR_FIELDS.get(key, key)
            c = self.existing_comparators.get((r.measure.pk, kind, r.start))
            method = r.methods.get(key, "")
            if c is not None and (c.value, c.period_end, c.label, c.method) == (
                value,
                r.end,
                r.label,
                method,
            ):
                continue
            changed.append(kind)
            if not dry_run:
                c = c or Comparator(measure=r.measure, kind=kind, period_start=r.start)
                c.value, c.period_end, c.label, c.method = value, r.end, r.label, method
                c._change_reason = reason
                c.save()
                UnpublishedFigure.objects.filter(
                    measure=r.measure, series=kind, period_start=r.start
                ).delete()
        for key, symbol in r.comparator_symbols.items():
            kind = COMPARATOR_FIELDS.get(key, key)
            if (r.measure.pk, kind, r.start) in self.existing_comparators:
                continue  # a published figure is not overwritten by a symbol
            u = self.existing_unpublished.get((r.measure.pk, kind, r.start))
            if u is not None and (u.symbol, u.period_end, u.label) == (symbol, r.end, r.label):
                continue
            changed.append(kind)
            if not dry_run:
                self.write_unpublished(r, kind, symbol, u)
        return changed

    def write_unpublished(self, r: ValueRow, series: str, symbol: str, u) -> None:
        u = u or UnpublishedFigure(measure=r.measure, series=series, period_start=r.start)
        u.period_end, u.label, u.symbol = r.end, r.label, symbol
        u.note = f"Given as {symbol} in {self.table.filename}"[:500]
        u._change_reason = f"Imported from {self.table.filename}"[:100]
        u.save()

    def value_row(self, r: ValueRow, changes, comparators, status) -> dict:
        return {
            "row": r.row,
            "code": r.measure.code,
            "new_measure": not r.measure.pk,
            "label": r.label,
            "start": r.start.isoformat(),
            "end": r.end.isoformat(),
            "value": f"{r.value.normalize():f}" if r.value is not None else "",
            "symbol": r.symbol,
            "target": f"{r.target.normalize():f}" if r.target is not None else "",
            "comparators": [
                {
                    "kind": Comparator.Kind(COMPARATOR_FIELDS.get(k, k)).label,
                    "value": f"{v.normalize():f}",
                    "method": r.methods.get(k, ""),
                }
                for k, v in r.comparators.items()
            ]
            + [
                {"kind": Comparator.Kind(COMPARATOR_FIELDS.get(k, k)).label, "symbol": sym}
                for k, sym in r.comparator_symbols.items()
            ],
            "status": status,
            "changes": changes + [c if c == "target" else f"{c} comparator" for c in comparators],
        }

    def build_result(self) -> dict:
        header = self.header
        rows = [
            self.value_row(r, changes, comparators, status)
            for r, _, changes, comparators, status in getattr(self, "plan", [])
        ]
        counts = {"create": 0, "change": 0, "same": 0}
        for row in rows:
            counts[row["status"]] += 1
        statistics = getattr(self, "statistics", None)
        self.result = {
            "kind": "measure_values",
            "file": {
                "name": self.table.filename,
                "read_as": self.table.describe(),
                "rows": len(self.table.rows),
                "header_row": header.row_number if header else None,
            },
            "columns": [
                {
                    "letter": c.letter,
                    "heading": c.heading,
                    "field": c.field or "",
                    "label": MEASURE_FIELDS.label(c.field) if c.field else "Not recognised",
                }
                for c in (header.columns if header else [])
                if c.heading or c.field
            ],
            "unknown": [
                {"letter": c.letter, "heading": c.heading}
                for c in (header.unknown if header else [])
            ],
            "needs_mapping": bool(
                header
                and (
                    header.unknown
                    or "code" not in header.by_field
                    or not {"value", "numerator"} & set(header.by_field)
                )
            ),
            "errors": [i.as_dict() for i in sorted(self.errors, key=lambda i: i.row or 0)],
            "warnings": [i.as_dict() for i in sorted(self.warnings, key=lambda i: i.row or 0)],
            "counts": {"values": counts},
            "sheets": self.table.sheets,
            "chosen_sheet": self.table.sheet,
            "region_chosen": str(self.options.get("region") or ""),
            "values": rows,
            "can_commit": not self.errors and bool(rows),
            **(statistics.result() if statistics else {"statistics": None}),
        }
        return self.result

    def commit(self, *, user=None) -> dict:
        """Write every measure, value and comparator in one transaction, or nothing."""
        from transfer.imports.plan_changes import ImportBlocked

        layout = neighbours.find_layout(self.table)
        if layout is not None:
            self.neighbours = neighbours.NeighbourListImporter(table=self.table, layout=layout)
            written = self.neighbours.commit(user=user)
            self.result = self.neighbours.result
            return written
        with transaction.atomic():
            self.errors, self.warnings, self.rows = [], [], []
            self.prepare()
            if self.errors:
                raise ImportBlocked(self.errors)
            reason = f"Imported from {self.table.filename}"[:100]
            written = {"created": 0, "changed": 0, "comparators": 0, "not_published": 0}
            written["measures"] = self.create_measures(reason)
            for r, existing, changes, _, _status in self.plan:
                if r.symbol and r.value is None and existing is None and changes:
                    u = self.existing_unpublished.get(
                        (r.measure.pk, UnpublishedFigure.VALUE, r.start)
                    )
                    self.write_unpublished(r, UnpublishedFigure.VALUE, r.symbol, u)
                    written["not_published"] += 1
                elif r.value is not None and (existing is None or changes):
                    self.write_value(r, existing, user, reason)
                    written["created" if existing is None else "changed"] += 1
                written["comparators"] += len(self.comparator_writes(r, dry_run=False))
                if self.target_changes(r):
                    self.write_target(r, reason)
                    written["targets"] = written.get("targets", 0) + 1
            self.result["committed"] = written
            return written

    def create_measures(self, reason: str) -> int:
        created = 0
        for r in self.rows:
            if r.measure.pk is None:
                r.measure.full_clean()
                r.measure._change_reason = reason
                r.measure.save()
                created += 1
        return created

    def write_target(self, r: ValueRow, reason: str) -> None:
        """The period's target as the file gives it (its amber tolerance, set on the measure's
        page, is kept)."""
        t = self.existing_targets.get((r.measure.pk, r.start)) or Target(
            measure=r.measure, period_start=r.start
        )
        t.value, t.period_end, t.label = r.target, r.end, r.label
        t._change_reason = reason
        t.save()

    def write_value(self, r: ValueRow, existing, user, reason: str) -> None:
        value = existing or MeasureValue(measure=r.measure, period_start=r.start)
        value.period_end = r.end
        value.label = r.label
        value.value = r.value
        value.numerator = r.numerator
        value.denominator = r.denominator
        if (self.header and "note" in self.header.by_field) or existing is None:
            value.note = r.note
        if existing is None:
            value.recorded_by = user
        value._change_reason = reason
        value.save()
        UnpublishedFigure.objects.filter(
            measure=r.measure, series=UnpublishedFigure.VALUE, period_start=r.start
        ).delete()
