"""Find the header row and match its column names to fields.

Names are compared after normalising case, spacing and punctuation ("Lead Officer(s)" is "lead
officer"), against each field's synonyms. A column the importer does not recognise is listed for
the administrator to map to a field or to ignore (``mapping``, keyed by column letter) before the
import can go ahead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from transfer.imports.reading import cell_text

IGNORE = "ignore"
EXTRA = "extra"  # kept as extra text on the action (plans only)
PRIORITY_EXTRA = "priority_extra"  # kept as extra text on the action's priority (plans only)
KEEPS = (EXTRA, PRIORITY_EXTRA)  # column choices that keep text without a field of its own


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    synonyms: tuple[str, ...]
    prefixes: tuple[str, ...] = ()
    help: str = ""


def normalise_header(text) -> str:
    text = cell_text(text).lower().replace("&", " and ")
    text = re.sub(r"\(s\)", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


_MONTHS = {
    m
    for name in [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
    for m in (name, name[:3], name[:4])
}
# Words that date a heading rather than name its column: "Update March 2025", "Q3 RAG",
# "RAG as at 31 03 25", "Progress this quarter".
_PERIOD_WORDS = _MONTHS | {
    "q1", "q2", "q3", "q4", "quarter", "qtr", "month", "monthly", "year", "end", "this", "last",
    "latest", "current", "as", "at", "of", "on", "for", "in", "to", "date", "fy",
}  # fmt: skip


def without_period(name: str) -> str:
    """A normalised heading without the period words at its start and end."""
    words = name.split()

    def dated(word: str) -> bool:
        return (
            word.isdigit() or word in _PERIOD_WORDS or bool(re.fullmatch(r"\d+(st|nd|rd|th)", word))
        )

    while words and dated(words[-1]):
        words.pop()
    while words and dated(words[0]):
        words.pop(0)
    return " ".join(words)


@dataclass(frozen=True)
class Layout:
    """A file another tool writes, known by its column names: what each of them holds."""

    name: str
    fields: dict[str, str]  # column name (normalised) -> a field key, IGNORE or EXTRA
    signature: frozenset[str]  # the names that together say it is this tool's file


@dataclass
class Column:
    index: int
    heading: str  # as written
    field: str | None  # a Field key, IGNORE, or None when not recognised

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class HeaderMatch:
    row_number: int
    columns: list[Column]
    by_field: dict[str, int] = field(default_factory=dict)
    unknown: list[Column] = field(default_factory=list)
    unlabelled: list[Column] = field(default_factory=list)
    duplicates: list[tuple[str, list[Column]]] = field(default_factory=list)
    normalised: list[str] = field(default_factory=list)
    position: int = 0  # index of the header row in the table's rows
    layout: str = ""  # the known export read ("Microsoft Planner export"), if any
    top: int | None = None  # index of the first header row when the names take two rows
    name_cells: int = 0  # cells of column names read (both rows of a two-row header)
    guessed: list[Column] = field(default_factory=list)  # read by a layout or from their words

    @property
    def first(self) -> int:
        """Index of the first row of column names (rows above it are titles and notes)."""
        return self.position if self.top is None else self.top

    def is_repeat(self, cells: list) -> bool:
        """A later row that repeats the header (printed on every page of the original)."""
        wanted = [(i, n) for i, n in enumerate(self.normalised) if n]
        longest = max((len(n) for _, n in wanted), default=0) * 2 + 10
        same = sum(
            1
            for i, n in wanted
            if i < len(cells)
            and not (isinstance(cells[i], str) and len(cells[i]) > longest)  # an action's text
            and normalise_header(cells[i]) == n
        )
        return same >= max(2, (len(wanted) + 1) // 2)


class FieldSet:
    """The fields of one kind of import and the names councils give them."""

    def __init__(
        self,
        fields: list[Field],
        required: tuple[str, ...],
        ignored: tuple[str, ...],
        *,
        keeps_extra: bool = False,
        guess: Callable[[list[str]], str | None] | None = None,
        layouts: tuple[Layout, ...] = (),
    ):
        self.fields = fields
        self.layouts = layouts
        self.guess = guess  # a field from a heading's words, when no name matches (plans)
        self.keeps_extra = keeps_extra  # unknown columns are kept as extra text, not refused
        self.required = required
        self.ignored = tuple(normalise_header(name) for name in ignored)
        self._lookup = {}
        for f in fields:
            self._lookup[normalise_header(f.label)] = f.key
            for name in f.synonyms:
                self._lookup[normalise_header(name)] = f.key

    def label(self, key: str) -> str:
        if key == IGNORE:
            return "Ignore this column"
        if key == EXTRA:
            return "Keep as extra text on the action"
        if key == PRIORITY_EXTRA:
            return "Keep as extra text on the priority"
        return next((f.label for f in self.fields if f.key == key), key)

    def choices(self) -> list[tuple[str, str]]:
        keep = [(key, self.label(key)) for key in KEEPS] if self.keeps_extra else []
        return [("", "Choose…"), *keep, (IGNORE, "Ignore this column")] + [
            (f.key, f.label) for f in self.fields
        ]

    def recognise(self, heading) -> str | None:
        name = normalise_header(heading)
        if not name:
            return None
        known = self._by_name(name)
        if known or self.guess is None:
            return known
        return self._loosely(cell_text(heading))

    def _by_name(self, name: str) -> str | None:
        if name in self._lookup:
            return self._lookup[name]
        if name in self.ignored:
            return IGNORE
        for f in self.fields:
            if any(name.startswith(normalise_header(p)) for p in f.prefixes):
                return f.key
        return None

    def _loosely(self, text: str) -> str | None:
        """A heading no name matches, read the way a person would: without the date or period
        it carries ("Progress update (March 2025)", "RAG Q3"), then each of the names it joins
        with "/" ("Area for improvement / Action": the column holds the action), then by its
        words ("What will success look like?"). Only short headings without a colon are read
        by their words, so a title or a note above the table is not taken for a header."""
        written = normalise_header(re.sub(r"\([^)]*\)", " ", text))
        found = self._read_loosely(text, written)
        # "Date of last update" holds dates: only a timescale may be read from a date's name
        if found and found not in ("timescale", IGNORE) and "date" in written.split():
            return None
        return found

    def _read_loosely(self, text: str, written: str) -> str | None:
        whole = without_period(written)
        if not whole:
            return None
        found = self._by_name(whole)
        if found:
            return found
        parts = [without_period(normalise_header(p)) for p in re.split(r"/|\||\bor\b", text)]
        named = [self._by_name(p) for p in parts if p]
        named = [key for key in named if key and key != IGNORE]
        if len(set(named)) == 1 or (named and len(parts) > 1):
            return self.required[0] if self.required[0] in named else named[-1]
        if ":" in text or len(text) > 60 or len(whole.split()) > 6:
            return None
        return self.guess(whole.split()) if self.guess else None

    def find_header(
        self, rows: list[tuple[int, list]], mapping: dict[str, str] | None = None, scan: int = 30
    ) -> HeaderMatch | None:
        """The first row (of the first ``scan``) naming at least two known fields."""
        mapping = mapping or {}
        unused = {None, IGNORE, *KEEPS}
        for position, (number, cells) in enumerate(rows[:scan]):
            named = {self._by_name(normalise_header(c)) for c in cells} - unused
            known = {self.recognise(c) for c in cells} - unused
            # Headings read only from their words need company: one named column, or three
            # read that way, so that a title ("... Action Plan 2026-27") is never a header.
            if (len(known) >= 2 and named) or len(known) >= 3:
                return self.two_rows(rows, position, mapping) or self.match(
                    number, cells, mapping, position
                )
            if len(cells) == 1 and self.required[0] in named:  # a one-column table
                return self.match(number, cells, mapping, position)
        return None

    def two_rows(self, rows: list[tuple[int, list]], position: int, mapping: dict[str, str]):
        """Column names over two rows: a name merged across columns above the names of its
        parts ("Timescale" over "Start" and "End", "Progress" over "Update" and "RAG"). Each
        part is named by its own words, else with its parent's ("Timescale End"). None when the
        row below is not a second row of names."""
        if self.guess is None or position + 1 >= len(rows):
            return None
        number, top = rows[position]
        below = rows[position + 1][1]
        texts = [cell_text(c) for c in top]
        parts = [cell_text(c) for c in below]
        # a second row of names: short words only, at least one under a blank (merged) name,
        # and nothing under the Action column
        filled = [i for i, t in enumerate(parts) if t]
        under_blank = [i for i in filled if i >= len(texts) or not texts[i]]
        action = next(
            (i for i, t in enumerate(texts) if self.recognise(t) == self.required[0]), None
        )
        if (
            not under_blank
            or any(len(parts[i]) > 40 or not isinstance(below[i], str) for i in filled)
            or (action is not None and action < len(parts) and parts[action])
        ):
            return None
        names, parent = [], ""
        for i in range(max(len(texts), len(parts))):
            name = texts[i] if i < len(texts) else ""
            part = parts[i] if i < len(parts) else ""
            parent = name or parent
            if not part:
                names.append(name)
            elif self._by_name(normalise_header(part)) not in (None, IGNORE):
                names.append(part)
            else:
                names.append(f"{parent} {part}".strip())
        header = self.match(rows[position + 1][0], names, mapping, position + 1)
        header.row_number, header.top = number, position
        header.name_cells = sum(1 for t in [*texts, *parts] if t)
        return header

    def match(self, number: int, cells: list, mapping: dict[str, str], position: int = 0):
        columns = []
        read_loosely: set[int] = set()  # columns whose field was read from their words
        normalised = [normalise_header(c) for c in cells]
        layout = next((k for k in self.layouts if k.signature <= set(normalised)), None)
        for index, heading in enumerate(cells):
            text = cell_text(heading)
            letter = get_column_letter(index + 1)
            chosen = mapping.get(letter)
            if not chosen and layout is not None:
                chosen = layout.fields.get(normalised[index])
                if chosen:
                    read_loosely.add(index)
            if not chosen:
                chosen = self._by_name(normalise_header(text)) if text else None
                if chosen is None and text and self.guess is not None:
                    chosen = self._loosely(text)
                    read_loosely.add(index)
            columns.append(Column(index, text, chosen))
        self._one_column_per_guess(columns, read_loosely)
        header = HeaderMatch(
            number,
            columns,
            normalised=normalised,
            position=position,
            layout=layout.name if layout else "",
            name_cells=sum(1 for c in normalised if c),
        )
        header.guessed = [c for c in columns if c.index in read_loosely and c.field is not None]
        seen: dict[str, list[Column]] = {}
        for column in columns:
            if column.field is None:
                if column.heading:
                    header.unknown.append(column)
                    if self.keeps_extra:
                        column.field = EXTRA  # kept until the administrator says otherwise
                else:
                    header.unlabelled.append(column)
            elif column.field not in (IGNORE, *KEEPS):
                seen.setdefault(column.field, []).append(column)
        for key, cols in seen.items():
            if len(cols) > 1:
                header.duplicates.append((key, cols))
            header.by_field[key] = cols[0].index
        return header

    @staticmethod
    def _one_column_per_guess(columns: list[Column], read_loosely: set[int]) -> None:
        """A field read from a heading's words gives way to a column named for it ("Status"
        beside "RAG (March)"); of several read that way ("RAG Q1", "RAG Q2", "RAG Q3") the
        rightmost, the latest, is taken. The others are kept as extra text, as before."""
        by_field: dict[str, list[Column]] = {}
        for column in columns:
            if column.field and column.field not in (IGNORE, *KEEPS):
                by_field.setdefault(column.field, []).append(column)
        for cols in by_field.values():
            guessed = [c for c in cols if c.index in read_loosely]
            if len(cols) < 2 or not guessed:
                continue
            keep = cols[-1] if len(guessed) == len(cols) else None
            for column in guessed:
                if column is not keep:
                    column.field = None


# -- plans --------------------------------------------------------------------------------------
# Microsoft Planner's "Export plan to Excel": a task per row, its bucket the theme, its progress
# (Not started, In progress, Completed) the rating; "Priority" there is urgency, not the plan's
# priority, and "Description" is the task's detail. IDs, who made it and when are left out.
PLANNER = Layout(
    "Microsoft Planner export",
    {
        "task id": IGNORE,
        "task name": "action",
        "bucket name": "priority",
        "progress": "rag",
        "priority": EXTRA,
        "assigned to": "lead",
        "created by": IGNORE,
        "created date": IGNORE,
        "start date": EXTRA,
        "due date": "timescale",
        "late": IGNORE,
        "completed date": EXTRA,
        "completed by": IGNORE,
        "description": EXTRA,
        "completed checklist items": IGNORE,
        "checklist items": EXTRA,
        "labels": "tags",
    },
    frozenset({"task name", "bucket name", "progress", "assigned to"}),
)

PLAN_FIELDS = FieldSet(
    [
        Field(
            "priority",
            "Priority / improvement area",
            (
                "Priority",
                "Priorities",
                "Improvement area",
                "Improvement areas",
                "Area",
                "Priority area",
                "Theme",
                "Improvement theme",
                "Strategic priority",
                "Principle",
            ),
            help='A priority per row, e.g. "1 Our People"; blank means the same as above.',
        ),
        Field("priority_number", "Priority number", ("Priority no", "Area no", "Priority ref")),
        Field(
            "outcome",
            "Outcome",
            ("Outcomes", "Outcome area", "Strategic outcome", "Outcome statement"),
        ),
        Field("outcome_number", "Outcome number", ("Outcome no", "Outcome ref")),
        Field("objective", "Objective", ("Objectives", "Aim", "Aims")),
        Field("objective_number", "Objective number", ("Objective no", "Objective ref")),
        Field(
            "number",
            "Action number",
            ("No", "Action no", "Number", "Ref", "Reference", "Ref no", "Action ref", "Action id"),
        ),
        Field(
            "action",
            "Action",
            (
                "Actions",
                "Action description",
                "Description",
                "Key action",
                "Key actions",
                "What we will do",
                "Activity",
                "Task",
            ),
        ),
        Field(
            "success_criteria",
            "Success criteria",
            (
                "Success criterion",
                "Success measures",
                "Measures of success",
                "Success measure",
                "Success indicators",
                "What success looks like",
                "Evidence of success",
                "Impact",
                "Impact measurable outcomes",
                "Measurable outcomes",
                "Measurable outcome",
                "Intended impact",
                "How will we know",
                "How we will know",
            ),
        ),
        Field(
            "lead",
            "Lead officer",
            (
                "Lead",
                "Leads",
                "Lead officers",
                "Responsible officer",
                "Responsible officers",
                "Responsible",
                "Responsibility",
                "Owner",
                "Action owner",
                "Accountable officer",
                "Lead person",
                "Who",
            ),
        ),
        Field(
            "timescale",
            "Timescale",
            (
                "Timescales",
                "Due",
                "Due date",
                "Due by",
                "Deadline",
                "Target date",
                "By when",
                "When",
                "Completion date",
                "Date due",
                "End date",
                "Finish date",
                "Target end date",
                "Target completion date",
                "Expected completion date",
                "Planned completion date",
            ),
        ),
        Field(
            "rag",
            "RAG rating",
            (
                "RAG",
                "RAG status",
                "BRAG",
                "BRAG rating",
                "Rating",
                "Status",
                "Current RAG",
                "Current rating",
                "RAG rating current",
                "RAG status R A G",
                "BRAG status",
                "Progress RAG",
                "Delivery confidence",
            ),
        ),
        Field(
            "commentary",
            "Latest commentary",
            (
                "Commentary",
                "Progress update",
                "Latest update",
                "Update",
                "Progress commentary",
                "Comments",
                "Progress",
                "Progress to date",
                "Update on progress",
            ),
            help="Kept with the initial RAG rating.",
        ),
        Field(
            "links",
            "Links",
            ("Link", "Links to strategy", "Related plans", "Related documents", "Strategy links"),
            prefixes=("Links to",),
        ),
        Field("tags", "Tags", ("Tag", "Labels", "Categories")),
        Field(
            "notes",
            "Action notes",
            ("Other text", "Other text from the plan", "Notes on the action"),
            help="Text the action keeps with no field of its own (written by the export).",
        ),
        Field(
            "priority_notes",
            "Priority notes",
            ("Notes on the priority", "Other text on the priority"),
            help="Text the priority keeps (the same on every action row of the priority).",
        ),
        Field(
            "supporting",
            "Supporting officers",
            ("Supporting officer", "Supported by", "Support officers", "Other officers"),
        ),
        Field(
            "partners",
            "Partners",
            ("Partner", "Partner agencies", "Partner organisations", "Key partners"),
        ),
    ],
    required=("action",),
    ignored=("Updated", "Last updated", "Update date", "Date of update", "Overdue"),
    keeps_extra=True,
    guess=lambda words: guess_plan_field(words),
    layouts=(PLANNER,),
)

# -- measure values -----------------------------------------------------------------------------
MEASURE_FIELDS = FieldSet(
    [
        Field("code", "Measure code", ("Code", "Measure", "Measure ref", "Indicator code", "KPI")),
        Field("label", "Period", ("Period label", "Period name", "Label", "Reporting period")),
        Field("period_start", "Period start", ("Start", "From", "Start date", "Period from")),
        Field("period_end", "Period end", ("End", "To", "End date", "Period to", "As at")),
        Field("value", "Value", ("Figure", "Result", "Actual", "Rate", "Percentage")),
        Field(
            "target",
            "Target",
            ("Targets", "Target value", "Our target", "Local target", "Target figure", "Aim"),
        ),
        Field("numerator", "Numerator", ("Count", "Number")),
        Field("denominator", "Denominator", ("Population", "Base", "Out of")),
        Field("england", "England", ("England average", "National", "National average")),
        Field("region", "Region", ("Regional", "Regional average", "North East")),
        Field(
            "statistical_neighbours",
            "Statistical neighbours",
            ("Statistical neighbour average", "Statistical neighbours average", "SN", "Stat nbrs"),
        ),
        Field("note", "Note", ("Notes", "Comment", "Comments")),
    ],
    required=("code", "value"),
    ignored=("Measure title", "Title", "Unit", "Polarity", "Frequency"),
)


# -- plans: headings no name matches, by their words --------------------------------------------
# In order: the first rule whose words a heading has gives its field ("Progress RAG" is a rating,
# "Action lead" a lead officer, "Actions to be taken" the action).
_PLAN_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("rag", frozenset({"rag", "brag", "ragb", "rating"})),
    ("success_criteria", frozenset({"success", "impact", "kpi", "kpis", "measures", "measure"})),
    ("lead", frozenset({"lead", "leads", "responsible", "responsibility", "owner", "owners",
                        "accountable", "officer", "officers"})),
    ("timescale", frozenset({"timescale", "timescales", "timeframe", "timeframes", "timeline",
                             "deadline", "deadlines", "due", "when", "completion"})),
    ("commentary", frozenset({"update", "updates", "commentary", "comments", "comment",
                              "progress", "narrative", "position"})),
    ("partners", frozenset({"partner", "partners", "agencies"})),
    ("action", frozenset({"action", "actions", "activity", "activities", "task", "tasks",
                          "milestone", "milestones", "intervention", "interventions",
                          "deliverable", "deliverables", "steps", "do"})),
    ("priority", frozenset({"priority", "priorities", "theme", "themes", "workstream",
                            "workstreams", "strand", "improvement"})),
)  # fmt: skip
_NUMBER_WORDS = frozenset({"ref", "reference", "no", "number", "id", "item"})
# Someone else's words about the plan ("Comments from the board", "Scrutiny challenge"),
# ratings that are not the action's progress ("Risk rating") and a plan's or council's name
# ("Northtown SEND Action Plan"): kept as extra text for the administrator to place, never
# taken for the officer's own.
_OTHERS_WORDS = frozenset(
    {"board", "panel", "scrutiny", "ofsted", "inspector", "inspectors", "challenge", "question",
     "questions", "auditor", "auditors", "member", "members", "councillor", "councillors",
     "risk", "risks", "likelihood", "severity",
     "plan", "plans", "strategy", "council", "borough", "county", "city", "district"}
)  # fmt: skip


def guess_plan_field(words: list[str]) -> str | None:
    """A plan column's field from the words of a short heading, or None."""
    present = set(words)
    if present & _OTHERS_WORDS:
        return None
    if present & _NUMBER_WORDS and present <= _NUMBER_WORDS | {"action", "priority", "area"}:
        if present & {"priority", "area"}:
            return "priority_number"
        return "number"
    if {"target", "date"} <= present or {"by", "date"} <= present:
        return "timescale"
    for key, signs in _PLAN_WORDS:
        if present & signs:
            return key
    return None
