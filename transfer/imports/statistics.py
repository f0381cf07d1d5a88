"""Read published statistics tables into figures for measures: wide tables (periods as columns),
long tables with an area column, and the tidy CSV the Department for Education publishes
(``time_period``, ``time_identifier``, ``geographic_level``, ``la_name``, ``new_la_code`` /
``old_la_code``, one column per indicator).

``read_statistics`` recognises the layout and returns a ``StatisticsReading``: one
``Observation`` per figure (a number, or a symbol such as "c" or ".." that stands where a
figure is not published), each saying which measure, whose figure (ours, England's, the
region's, the statistical neighbours', or another council's) and which period, and the account
of the cells read, used and ignored. It returns ``None`` for a table in the importer's own layout
(Measure code, Period, Value, ...), which ``measure_rows`` reads itself. Nothing is written here.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from openpyxl.utils import get_column_letter

from actions.timescales import TimescaleKind, parse_timescale
from measures.models import SUPPRESSION_SYMBOLS
from transfer.imports.headers import MEASURE_FIELDS, normalise_header
from transfer.imports.reading import Table, cell_text

PLACES = Decimal("0.0001")
OWN, ENGLAND, REGION, NEIGHBOURS, COUNCIL = (
    "value",
    "england",
    "region",
    "statistical_neighbours",
    "council",
)
TARGET = "target"  # our target for the period, from a Target column beside our figures
SERIES_WORDS = {
    OWN: "our value",
    TARGET: "our target",
    ENGLAND: "England",
    REGION: "region",
    NEIGHBOURS: "statistical neighbours",
    COUNCIL: "another council",
}
ENGLAND_NAMES = {"england", "england average", "national", "national average", "e92000001"}
NEIGHBOUR_NAMES = {
    "statistical neighbours",
    "statistical neighbour",
    "statistical neighbour average",
    "statistical neighbours average",
    "stat neighbours",
    "sn",
    "sn average",
    "sns",
}
REGIONS = {
    "north east": "E12000001",
    "north west": "E12000002",
    "yorkshire and the humber": "E12000003",
    "east midlands": "E12000004",
    "west midlands": "E12000005",
    "east of england": "E12000006",
    "east": "E12000006",
    "london": "E12000007",
    "inner london": "E13000001",
    "outer london": "E13000002",
    "south east": "E12000008",
    "south west": "E12000009",
}
REGION_CODES = {code.lower(): name for name, code in REGIONS.items()}
TIDY_META = {
    "time period",
    "time identifier",
    "geographic level",
    "country code",
    "country name",
    "region code",
    "region name",
    "new la code",
    "old la code",
    "la name",
    "la code",
    "lad code",
    "lad name",
    "opportunity area code",
    "opportunity area name",
    "pcon code",
    "pcon name",
}
MEASURE_WORDS = ("measure", "indicator", "kpi", "description", "metric", "title")
AREA_WORDS = ("area", "local authority", "la name", "council", "geography", "comparator", "name")
CODE_WORDS = ("la code", "area code", "new la code", "old la code", "code", "ons code")
PERIOD_WORDS = ("period", "year", "time period", "date", "as at", "reporting period")
VALUE_WORDS = ("value", "figure", "rate", "percentage", "result", "actual", "number")
TARGET_WORDS = ("target", "targets", "our target", "local target", "target value")


class NotAFigure(ValueError):
    pass


def read_figure(value) -> tuple[Decimal | None, str]:
    """(number, "") for a figure, (None, symbol) for a suppression symbol, (None, "") blank;
    ``NotAFigure`` for anything else."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None, ""
        raise NotAFigure("TRUE or FALSE is not a figure")
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        text = " ".join(str(value).split())
        if not text:
            return None, ""
        symbol = text.lower().strip("[]")
        if symbol in SUPPRESSION_SYMBOLS:
            return None, symbol
        try:
            number = Decimal(text.replace(",", "").rstrip("%").strip())
        except InvalidOperation as exc:
            raise NotAFigure(f'"{text[:30]}" is neither a number nor a known symbol') from exc
    if not number.is_finite() or abs(number) >= Decimal(10) ** 10:
        raise NotAFigure("the figure is not a number this app can keep")
    return number.quantize(PLACES, rounding=ROUND_HALF_UP), ""


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    how: str = ""  # how an ambiguous period was read, said in the preview


def _year_span(first: int, identifier: str) -> Period:
    label = f"{first}/{str(first + 1)[-2:]}"
    if "academic" in identifier:
        return Period(label, date(first, 9, 1), date(first + 1, 8, 31), "academic year")
    return Period(label, date(first, 4, 1), date(first + 1, 3, 31), "financial year")


def read_period(value, identifier: str = "", *, heading: bool = False) -> Period | None:
    """A period from a column heading or a cell: "2017/18", "2017-18", "2018", "Q1 2018/19",
    "31 March 2018", "Mar-18", an Excel date, or a DfE ``time_period`` ("201718") read with its
    ``time_identifier``. None when it is not a period. In a column ``heading`` an Excel date on
    the 1st of a month is that month (Excel shows "Mar-18" so)."""
    identifier = identifier.lower()
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if heading and value.day == 1:  # "Mar-18" in Excel is 1 March 2018 shown as a month
            last = date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])
            return Period(f"{value:%B %Y}", value, last, "month (a date on the 1st)")
        return Period(f"{value.day} {value:%B %Y}", value, value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(cell_text(value).split())
    if re.fullmatch(r"(19|20)\d{4}", text) and int(text[4:]) == (int(text[2:4]) + 1) % 100:
        return _year_span(int(text[:4]), identifier)
    if re.fullmatch(r"(19|20)\d\d", text):
        year = int(text)
        if "reporting" in identifier or "financial" in identifier:
            return Period(text, date(year - 1, 4, 1), date(year, 3, 31), "year to 31 March")
        if "academic" in identifier:
            return Period(text, date(year - 1, 9, 1), date(year, 8, 31), "academic year")
        return Period(text, date(year, 1, 1), date(year, 12, 31), "calendar year")
    text = re.sub(r"^(as at|at)\s+", "", text, flags=re.IGNORECASE)
    if not text or len(text) > 40 or not re.search(r"\d", text):
        return None
    parsed = parse_timescale(text)
    if parsed.kind in (
        TimescaleKind.DATE,
        TimescaleKind.MONTH,
        TimescaleKind.QUARTER,
        TimescaleKind.FINANCIAL_YEAR,
    ):
        if parsed.start is None or parsed.end is None:  # these kinds always have both
            return None
        return Period(text, parsed.start, parsed.end)
    return None


def area_kind(name: str, code: str = "") -> str:
    """england, region, statistical_neighbours, or "" for a council or anything else."""
    words = normalise_header(name)
    code = code.strip().lower()
    if words in ENGLAND_NAMES or code == "e92000001":
        return ENGLAND
    if words in NEIGHBOUR_NAMES or words.startswith("statistical neighbour"):
        return NEIGHBOURS
    if words in REGIONS or code in REGION_CODES:
        return REGION
    return ""


def same_area(name: str, code: str, wanted: str) -> bool:
    wanted_words = normalise_header(wanted)
    return bool(wanted_words) and wanted_words in (normalise_header(name), code.strip().lower())


@dataclass
class Observation:
    row: int
    column: int
    measure: str  # as written: a code or a name
    series: str  # OWN, ENGLAND, REGION, NEIGHBOURS or COUNCIL
    area: str
    area_code: str
    period: Period
    number: Decimal | None
    symbol: str = ""

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.column + 1)}{self.row}"


@dataclass
class StatisticsReading:
    layout: str
    observations: list[Observation] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    used: set[tuple[int, int]] = field(default_factory=set)
    ignored: dict[tuple[int, int], str] = field(default_factory=dict)
    own_area: str = ""
    region: str = ""
    regions: list[str] = field(default_factory=list)  # every region with figures in the file
    periods_read_as: dict[str, str] = field(default_factory=dict)
    measure_hints: dict[str, str] = field(default_factory=dict)  # measure -> its title row


class Reader:
    """Shared parts of the three layouts."""

    def __init__(self, table: Table, options: dict, layout: str):
        self.table = table
        self.area_wanted = str(options.get("area") or "").strip()
        self.region_wanted = str(options.get("region") or "").strip()  # chosen in the preview
        self.out = StatisticsReading(layout=layout)
        # row -> (column, target cell, where, periods): a Target beside a row's figures
        self.targets: dict[int, tuple[int, object, dict, dict[int, Period]]] = {}

    def use(self, row: int, column: int) -> None:
        self.out.used.add((row, column))

    def ignore(self, row: int, column: int, reason: str) -> None:
        self.out.ignored.setdefault((row, column), reason)

    def error(self, row, message: str) -> None:
        self.out.errors.append((row, message))

    def role(self, name: str, code: str, level: str = "") -> str:
        """Whose figure a row holds."""
        kind = area_kind(name, code)
        if kind:
            return kind
        if level and level not in ("local authority", "la"):
            return ""
        if self.area_wanted and same_area(name, code, self.area_wanted):
            return OWN
        return COUNCIL if name or code else ""

    def figure(self, number: int, column: int, value, **where) -> None:
        try:
            figure, symbol = read_figure(value)
        except NotAFigure as exc:
            self.error(number, f"{get_column_letter(column + 1)}{number}: {exc}.")
            return
        if figure is None and not symbol:
            return
        self.use(number, column)
        self.out.observations.append(
            Observation(row=number, column=column, number=figure, symbol=symbol, **where)
        )

    def finish(self) -> StatisticsReading:
        """Settle which council is ours when the file says so itself, and check it is known."""
        self.drop_rows_without_figures()
        councils = {
            (o.area, o.area_code) for o in self.out.observations if o.series in (OWN, COUNCIL)
        }
        ours = {(o.area, o.area_code) for o in self.out.observations if o.series == OWN}
        if not ours and len(councils) == 1 and not self.area_wanted:
            for o in self.out.observations:
                if o.series == COUNCIL:
                    o.series = OWN
            ours = councils
        if self.area_wanted and not ours and councils:
            self.error(
                None,
                f'No rows for "{self.area_wanted}" were found among the {len(councils)} '
                "councils in the file: check the council's name or code.",
            )
        elif len(councils) > 1 and not ours:
            self.error(
                None,
                f"The file has figures for {len(councils)} councils: say which council is "
                "yours (its name or its code as in the file).",
            )
        if ours:
            self.out.own_area = sorted(ours)[0][0] or sorted(ours)[0][1]
        self._keep_own_region()
        self._our_targets()
        return self.out

    def _our_targets(self) -> None:
        """Once our council's rows are known, the Target beside our figures is our target for
        the row's periods (each period of a wide table); another council's is not ours."""
        ours = {o.row for o in self.out.observations if o.series == OWN}
        for number, (column, value, where, periods) in sorted(self.targets.items()):
            if number not in ours:
                self.ignore(number, column, "another council's target")
                continue
            for period in periods.values():
                self.figure(number, column, value, series=TARGET, period=period, **where)

    def drop_rows_without_figures(self) -> None:
        """A row below the header that gave no figure (a note, a source, a key) is ignored
        with a warning, unless it names the measure of the rows under it."""
        header = getattr(self, "header_number", 0)
        with_figures = {o.row for o in self.out.observations}
        measures = {o.measure for o in self.out.observations}
        texts = {number: cells for number, cells in self.table.rows}
        warned = set()
        for row, column in sorted(self.out.used):
            if row <= header or row in with_figures:
                continue
            cells = texts.get(row, [])
            text = " ".join(cell_text(cells[column]).split()) if column < len(cells) else ""
            if text in measures:
                continue
            self.out.used.discard((row, column))
            self.ignore(row, column, "no figures in this row (a note, a key or a heading)")
            if row not in warned:
                warned.add(row)
                self.out.warnings.append(
                    (row, f'This row has no figures and was not imported: "{text[:80]}".')
                )

    def _keep_own_region(self) -> None:
        """Keep the figures of the council's region only: the one chosen (by its name or code
        as in the file), else the one the file gives for the council, else the only one."""
        found = {(o.area, o.area_code) for o in self.out.observations if o.series == REGION}
        regions = {name for name, _ in found}
        self.out.regions = sorted(regions)
        mine = normalise_header(self.out.region)
        if self.region_wanted:
            chosen = {
                name for name, code in found if same_area(name, code, self.region_wanted)
            } or {name for name, code in found if same_area(code, "", self.region_wanted)}
            if not chosen:
                self.error(
                    None,
                    f'No rows for the region "{self.region_wanted}" were found; the regions in '
                    f"the file are: {', '.join(sorted(regions)) or 'none'}.",
                )
            else:
                self.out.region = sorted(chosen)[0]
                mine = normalise_header(self.out.region)
        if len(regions) > 1 or (self.region_wanted and regions):
            keep = {r for r in regions if normalise_header(r) == mine}
            dropped = {}
            for o in self.out.observations:
                if o.series == REGION and o.area not in keep:
                    o.series = ""
                    dropped[o.row] = f"{o.area} is not the council's region"
            for row, column in sorted(self.out.used):
                if row in dropped:  # the row's figures and its labels alike
                    self.out.used.discard((row, column))
                    self.ignore(row, column, dropped[row])
            if not keep:
                self.out.warnings.append(
                    (
                        None,
                        "Several regions are in the file and the council's region is not "
                        "known, so no regional comparator was taken: choose the region in the "
                        "preview's choices (or give --region).",
                    )
                )
            regions = keep
        if regions and not self.out.region:
            self.out.region = sorted(regions)[0]
        self.out.observations = [o for o in self.out.observations if o.series]


def _headings(cells) -> list[str]:
    return [normalise_header(c) for c in cells]


def _exact(headings: list[str], words, exclude=()) -> int | None:
    """The first heading that is one of ``words`` exactly ("Target", not "Target date")."""
    return next((i for i, h in enumerate(headings) if h in words and i not in exclude), None)


def _find(headings: list[str], words, exclude=()) -> int | None:
    for word in words:
        for index, heading in enumerate(headings):
            if heading == word and index not in exclude:
                return index
    for word in words:
        for index, heading in enumerate(headings):
            if heading and word in heading and index not in exclude:
                return index
    return None


# -- the Department for Education's tidy CSV ----------------------------------------------------
class TidyReader(Reader):
    def __init__(self, table: Table, options: dict, position: int):
        super().__init__(
            table,
            options,
            "the Department for Education's tidy data (one row per "
            "time period and area, one column per indicator)",
        )
        self.position = position
        number, cells = table.rows[position]
        self.header_number = number
        self.headings = _headings(cells)
        self.raw = [cell_text(c) for c in cells]

    def col(self, *names: str) -> int | None:
        for name in names:
            if name in self.headings:
                return self.headings.index(name)
        return None

    def read(self) -> StatisticsReading:
        rows = self.table.rows[self.position + 1 :]
        meta = [i for i, h in enumerate(self.headings) if h in TIDY_META]
        indicators, filters = self.split_columns(rows, meta)
        for index in range(len(self.headings)):
            if index in meta or index in indicators or index in filters:
                self.use(self.header_number, index)
        self.find_own_region(rows)
        for number, cells in rows:
            self.read_row(number, cells, indicators, filters)
        return self.finish()

    def split_columns(self, rows, meta) -> tuple[list[int], list[int]]:
        """Indicator columns hold figures or symbols; any other column is a filter (its values
        are added to the measure's name when they vary)."""
        indicators, filters = [], []
        for index, heading in enumerate(self.headings):
            if index in meta or not heading:
                continue
            values = [cells[index] for _, cells in rows if index < len(cells)]
            try:
                for value in values:
                    read_figure(value)
            except NotAFigure:
                filters.append(index)
                continue
            indicators.append(index)
        return indicators, filters

    def find_own_region(self, rows) -> None:
        name_col, region_col = self.col("la name"), self.col("region name")
        codes = [self.col("new la code"), self.col("old la code"), self.col("la code")]
        if name_col is None or region_col is None or not self.area_wanted:
            return
        for _, cells in rows:
            code_texts = [cell_text(cells[c]) for c in codes if c is not None and c < len(cells)]
            name = cell_text(cells[name_col]) if name_col < len(cells) else ""
            if same_area(name, "", self.area_wanted) or any(
                same_area("", code, self.area_wanted) for code in code_texts
            ):
                self.out.region = cell_text(cells[region_col]) if region_col < len(cells) else ""
                return

    def text(self, cells, *names) -> str:
        index = self.col(*names)
        return cell_text(cells[index]).strip() if index is not None and index < len(cells) else ""

    def read_row(self, number, cells, indicators, filters) -> None:
        level = normalise_header(self.text(cells, "geographic level"))
        identifier = self.text(cells, "time identifier")
        period = read_period(self.text(cells, "time period"), identifier)
        if period is None:
            self.error(
                number, f'The time period "{self.text(cells, "time period")}" could not be read.'
            )
            return
        if period.how:
            self.out.periods_read_as[period.label] = f"{identifier or period.how}"
        if level == "national":
            name, code, series = "England", "E92000001", ENGLAND
        elif level == "regional":
            name, code = self.text(cells, "region name"), self.text(cells, "region code")
            series = REGION
        elif level == "local authority":
            name = self.text(cells, "la name")
            code = self.text(cells, "new la code") or self.text(cells, "old la code")
            old = self.text(cells, "old la code")
            series = self.role(name, code, level)
            if series == COUNCIL and same_area("", old, self.area_wanted):
                series = OWN
        else:
            for index, value in enumerate(cells):
                if value not in (None, ""):
                    self.ignore(number, index, f"{level or 'unknown'} level rows are not used")
            return
        for index, value in enumerate(cells):
            if self.headings[index] in TIDY_META and value not in (None, ""):
                self.use(number, index)
        suffix = [self.text(cells, self.headings[i]) for i in filters]
        for index in indicators:
            if index >= len(cells):
                continue
            measure = self.raw[index] + (
                f" ({', '.join(s for s in suffix if s)})" if any(suffix) else ""
            )
            self.figure(
                number,
                index,
                cells[index],
                measure=measure,
                series=series,
                area=name,
                area_code=code,
                period=period,
            )
        for index in filters:
            if index < len(cells) and cells[index] not in (None, ""):
                self.use(number, index)


# -- wide tables: periods as columns --------------------------------------------------------------
class WideReader(Reader):
    def __init__(self, table: Table, options: dict, position: int, periods: dict[int, Period]):
        super().__init__(table, options, "a wide table (periods as columns)")
        self.position = position
        self.header_number, cells = table.rows[position]
        self.periods = periods
        first = min(periods)
        self.labels = _headings(cells[:first])
        self.measure_col = _find(self.labels, MEASURE_WORDS)
        self.code_col = _find(self.labels, CODE_WORDS, exclude={self.measure_col})
        self.area_col = _find(self.labels, AREA_WORDS, exclude={self.measure_col, self.code_col})
        self.target_col = _exact(
            self.labels, TARGET_WORDS, exclude={self.measure_col, self.code_col, self.area_col}
        )
        self.title = self.title_above(options)

    def title_above(self, options) -> str:
        """The measure a one-measure table is about: the option, else the text above the header,
        else the sheet's name."""
        if options.get("measure"):
            return str(options["measure"])
        for number, cells in self.table.rows[: self.position]:
            texts = [cell_text(c) for c in cells if cell_text(c)]
            if len(texts) == 1:
                self.title_cell = (number, [cell_text(c) for c in cells].index(texts[0]))
                return texts[0]
        return self.table.sheet if self.table.kind == "xlsx" else ""

    def read(self) -> StatisticsReading:
        named = (self.measure_col, self.code_col, self.area_col, self.target_col)
        for index in range(len(self.table.rows[self.position][1])):
            if index in self.periods or index in named:
                self.use(self.header_number, index)
        if self.measure_col is None and self.area_col is None and self.code_col is None:
            self.measure_col = 0 if self.labels else None
            self.use(self.header_number, 0)
        if self.measure_col is None and not self.title:
            self.error(
                self.header_number,
                "Say which measure this table holds: it has no "
                "measure column and no title above its header.",
            )
            return self.out
        for period in self.periods.values():
            if period.how:
                self.out.periods_read_as[period.label] = period.how
        current = ""
        for number, cells in self.table.rows[self.position + 1 :]:
            current = self.read_row(number, cells, current)
        title_cell = getattr(self, "title_cell", None)
        if title_cell and any(o.measure == self.title for o in self.out.observations):
            self.use(*title_cell)
        elif title_cell:
            self.ignore(title_cell[0], title_cell[1], "the table's title")
        return self.finish()

    def cell(self, cells, index) -> str:
        if index is None or index >= len(cells):
            return ""
        return " ".join(cell_text(cells[index]).split())

    def read_row(self, number, cells, current: str) -> str:
        label = self.cell(cells, self.measure_col)
        area, code = self.cell(cells, self.area_col), self.cell(cells, self.code_col)
        if self.area_col is None and self.code_col is None:
            series = area_kind(label)  # one label column: measures with comparator rows under
            if series:
                area, measure = label, current
            else:
                series, measure, current = OWN, label, label
        else:
            measure = label or current or self.title
            current = measure if label else current
            series = self.role(area, code)
        for index in (self.measure_col, self.area_col, self.code_col):
            if index is not None and self.cell(cells, index):
                self.use(number, index)
        if not measure or not series:
            reason = "no measure above it" if not measure else f'"{area}" is not an area used'
            for index, value in enumerate(cells):
                if value not in (None, "") and (number, index) not in self.out.used:
                    self.ignore(number, index, reason)
            return current
        for index, period in self.periods.items():
            if index < len(cells):
                self.figure(
                    number,
                    index,
                    cells[index],
                    measure=measure,
                    series=series,
                    area=area,
                    area_code=code,
                    period=period,
                )
        if self.target_col is not None and self.cell(cells, self.target_col):
            where = {"measure": measure, "area": area, "area_code": code}
            self.targets[number] = (self.target_col, cells[self.target_col], where, self.periods)
        return current


# -- long tables with an area column ---------------------------------------------------------------
class LongReader(Reader):
    def __init__(self, table: Table, options: dict, position: int, columns: dict[str, int]):
        super().__init__(table, options, "a long table (one row per measure, area and period)")
        self.position = position
        self.header_number, _ = table.rows[position]
        self.columns = columns
        self.title = str(options.get("measure") or "")

    def read(self) -> StatisticsReading:
        for index in self.columns.values():
            self.use(self.header_number, index)
        for number, cells in self.table.rows[self.position + 1 :]:
            self.read_row(number, cells)
        return self.finish()

    def text(self, cells, key) -> str:
        index = self.columns.get(key)
        return (
            " ".join(cell_text(cells[index]).split())
            if index is not None and index < len(cells)
            else ""
        )

    def read_row(self, number, cells) -> None:
        measure = self.text(cells, "measure") or self.title
        area, code = self.text(cells, "area"), self.text(cells, "code")
        series = self.role(area, code)
        raw_period = cells[self.columns["period"]] if self.columns["period"] < len(cells) else None
        period = read_period(raw_period)
        if period is None:
            self.error(number, f'The period "{cell_text(raw_period)[:40]}" could not be read.')
            return
        if period.how:
            self.out.periods_read_as[period.label] = period.how
        if not measure:
            self.error(number, "This row has no measure.")
            return
        if not series:
            for index, value in enumerate(cells):
                if value not in (None, ""):
                    self.ignore(number, index, f'"{area}" is not an area used')
            return
        for key in ("measure", "area", "code", "period"):
            if key in self.columns and self.text(cells, key):
                self.use(number, self.columns[key])
        index = self.columns["value"]
        if index < len(cells):
            self.figure(
                number,
                index,
                cells[index],
                measure=measure,
                series=series,
                area=area,
                area_code=code,
                period=period,
            )
        if "target" in self.columns and self.text(cells, "target"):
            column = self.columns["target"]
            where = {"measure": measure, "area": area, "area_code": code}
            self.targets[number] = (column, cells[column], where, {column: period})


# -- which layout --------------------------------------------------------------------------------
def _wide_header(table: Table) -> tuple[int, dict[int, Period]] | None:
    for position, (_, cells) in enumerate(table.rows[:30]):
        periods = {}
        for index, value in enumerate(cells):
            period = read_period(value, heading=True) if index > 0 else None
            if period is not None:
                periods[index] = period
        filled = [
            i for i, v in enumerate(cells) if v not in (None, "") and i >= min(periods, default=0)
        ]
        if len(periods) >= 2 and len(periods) * 2 >= len(filled):
            return position, periods
    return None


def _long_header(table: Table) -> tuple[int, dict[str, int]] | None:
    for position, (_, cells) in enumerate(table.rows[:30]):
        headings = _headings(cells)
        area = _find(headings, AREA_WORDS)
        if area is None:
            continue
        taken = {area}
        columns = {"area": area}
        for key, words in (
            ("period", PERIOD_WORDS),
            ("target", TARGET_WORDS),
            ("value", VALUE_WORDS),
            ("measure", MEASURE_WORDS),
            ("code", CODE_WORDS),
        ):
            find = _exact if key == "target" else _find
            index = find(headings, words, exclude=taken)
            if index is not None:
                columns[key] = index
                taken.add(index)
        if "period" in columns and "value" in columns:
            return position, columns
    return None


def read_statistics(table: Table, options: dict) -> StatisticsReading | None:
    """The figures of a statistics table, or None for the importer's own layout."""
    for position, (_, cells) in enumerate(table.rows[:30]):
        headings = set(_headings(cells))
        if {"time period", "geographic level"} <= headings:
            return TidyReader(table, options, position).read()
    long = _long_header(table)
    if long is not None:
        return LongReader(table, options, *long).read()
    own = MEASURE_FIELDS.find_header(table.rows, options.get("mapping"))
    if own is not None and "code" in own.by_field and not own.unknown:
        return None
    wide = _wide_header(table)
    if wide is not None:
        return WideReader(table, options, *wide).read()
    return None
