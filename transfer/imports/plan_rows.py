"""Read the rows of a plan spreadsheet into priorities, outcomes, objectives and actions.

Pure: no database. The quirks of real council tables are handled here:

- section rows ("Improvement Area One : Our People") open a new priority; a lone text row straight
  after one is that priority's statement;
- blank priority, outcome, objective and lead cells mean "same as above" (merged cells in the
  original); a dash ("–") means "none" where a blank would be read as "same as above";
- the header row repeated on every printed page is skipped;
- bullet lists inside an action cell become sub-actions, and a row whose action starts with a
  bullet is a sub-item of the action above, with its own timescale, lead and links; a timescale
  cell with one line per bullet gives each sub-action its own timescale;
- tags written in the text ("Ofsted Improvement Action 3") are taken out of it into tags;
- several leads in one cell are kept as written (the lead is matched later);
- actions without a number are numbered as the app would number them (continuously, or within
  their outcome or priority), from the file alone, so the same file always gives the same numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from actions.timescales import TimescaleKind, parse_timescale
from core.rag import Rating, worst
from transfer.imports.colours import rating_from_colour
from transfer.imports.headers import EXTRA, IGNORE, PRIORITY_EXTRA, HeaderMatch
from transfer.imports.reading import cell_text

NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ],
        start=1,
    )
}
_NUMBER = (
    r"\d+(?:\.\d+)*[A-Za-z]?|[A-Za-z]{1,4}\d+[A-Za-z]?|"
    + "|".join(NUMBER_WORDS)
    + r"|[IVXivx]{1,5}|[A-Z]"
)
SECTION_RX = re.compile(
    rf"^(?P<label>[A-Za-z][A-Za-z'\u2019\- ]{{0,40}}?)\s+(?P<number>{_NUMBER})"
    r"\s*[:\-\u2013\u2014.]\s*(?P<title>\S.*)$",
    re.IGNORECASE,
)
BARE_SECTION_RX = re.compile(
    r"^(?P<number>[A-Z]{1,4}\d+[a-z]?)\s*[:\-\u2013\u2014.]\s*(?P<title>\S.*)$"
)
NUMBER_PREFIX_RX = re.compile(r"^(?P<number>\d+(?:\.\d+)*[a-z]?)\.?\s+(?P<title>\S.*)$", re.S)
BULLET_RX = re.compile(
    r"^(?:[\u2022\u25e6\u25aa\u25ab\u2023\u25cf\u25cb\u25a0\u25a1\u27a2\u27a4\u25ba\u00b7*]\s*"
    r"|[\-\u2013\u2014]\s+|o\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)(?P<text>\S.*)$"
)
DEFAULT_TAG_PATTERN = r"Ofsted\s+Improvement\s+Action\s+\d+"
BLANK_MARKERS = {"-", "\u2013", "\u2014", "n/a", "na", "none", "nil"}
# written where a lead is not known yet: never a person
NO_LEAD_MARKERS = BLANK_MARKERS | {"tbc", "tba", "tbd", "to be confirmed", "to be agreed", "?"}
RAG_WORDS = {
    "red": Rating.RED,
    "r": Rating.RED,
    "off track": Rating.RED,
    "off-track": Rating.RED,
    "not on track": Rating.RED,
    "behind": Rating.RED,
    "amber": Rating.AMBER,
    "a": Rating.AMBER,
    "at risk": Rating.AMBER,
    "some risk": Rating.AMBER,
    "slipping": Rating.AMBER,
    "delayed": Rating.AMBER,
    "green": Rating.GREEN,
    "g": Rating.GREEN,
    "on track": Rating.GREEN,
    "on-track": Rating.GREEN,
    "on target": Rating.GREEN,
    "in progress": Rating.GREEN,
    "ongoing": Rating.GREEN,
    "blue": Rating.COMPLETE,
    "b": Rating.COMPLETE,
    "complete": Rating.COMPLETE,
    "completed": Rating.COMPLETE,
    "done": Rating.COMPLETE,
    "achieved": Rating.COMPLETE,
    "delivered": Rating.COMPLETE,
    "closed": Rating.COMPLETE,
    "not started": Rating.NOT_STARTED,
    "not yet started": Rating.NOT_STARTED,
    "not begun": Rating.NOT_STARTED,
    "planned": Rating.NOT_STARTED,
    "ns": Rating.NOT_STARTED,
    "not due": Rating.NOT_STARTED,
    "not yet due": Rating.NOT_STARTED,
    "not due to start": Rating.NOT_STARTED,
    "not due to start yet": Rating.NOT_STARTED,
    "yet to start": Rating.NOT_STARTED,
    "future": Rating.NOT_STARTED,
    "c": Rating.COMPLETE,
    "finished": Rating.COMPLETE,
    "met": Rating.COMPLETE,
    "significant concern": Rating.RED,
    "significantly off track": Rating.RED,
    "off target": Rating.RED,
    "minor concern": Rating.AMBER,
    "some concern": Rating.AMBER,
    "some slippage": Rating.AMBER,
    "partially on track": Rating.AMBER,
    "no concern": Rating.GREEN,
    "no concerns": Rating.GREEN,
}
# written in a RAG cell where there is no rating to give: read like a blank cell
RATING_BLANKS = BLANK_MARKERS | {"tbc", "tba", "tbd", "not applicable", "not rated", "no rating"}
_COLOUR_LETTERS = {"r": "red", "a": "amber", "g": "green", "b": "blue"}
_LEADING_COLOUR_RX = re.compile(r"^(red|amber|green|blue)\b\s*[-:\u2013\u2014,]?\s*\S")
# words whose reading is a choice the preview must show ("in progress" says nothing of risk)
RAG_NOTES = {
    "in progress": "read as Green: in progress, with no concern written",
    "ongoing": "read as Green: in progress, with no concern written",
}
# a line of a lead cell that continues the one above rather than naming another lead
CONTINUATION_RX = re.compile(r"^(?i:and|&|\+|with|plus|including)(?=\s|$)|^[a-z]")
# section rows and notes: what a lone cell's words and numbering say it is
SECTION_WORDS = {
    "outcome": "outcome",
    "objective": "objective",
    "aim": "objective",
    "goal": "outcome",
}
WORDED_RX = re.compile(
    r"^(?P<label>[A-Za-z][A-Za-z'\u2019\- ]{0,30}?)(?:\s+(?P<number>\d+(?:\.\d+)*[a-z]?|[A-Z]))?"
    r"\s*[:\-\u2013\u2014.]\s*(?P<title>\S.*)$"
)
NUMBERED_RX = re.compile(
    r"^(?P<number>\d{1,3}(?:\.\d{1,3})*[a-z]?|[A-Z]{1,4}\d{1,3}[a-z]?|[A-Z]|[IVX]{1,5})"
    r"(?:[.):]|\s*[\-\u2013\u2014])?\s+(?P<title>\S.*)$"
)
NOTE_RX = re.compile(
    r"^(?:(?:sources?|notes?|nb|n\.b\.|key|legend|data as at|produced by)(?=[\s:.\-\u2013]|$)"
    r"|\*|(?:red|amber|green|blue|r|a|g|b)\s*(?:=|:|-|\u2013)\s)",
    re.IGNORECASE,
)
SECTION_CHOICES = [
    ("priority", "A priority (top level)"),
    ("outcome", "An outcome (under the priority above it)"),
    ("objective", "An objective (under the outcome above it)"),
    ("text", "Text to keep with the level above (its statement)"),
    ("ignore", "Ignore these rows"),
]
LIMITS = {  # model field lengths, checked here so an over-long cell is a row error, not a crash
    "number": 30,
    "timescale": 200,
    "lead": 300,
    "tag": 100,
    "link": 250,
    "priority_number": 20,
    "priority_title": 300,
    "level_number": 20,
    "person": 200,
}
DEFAULT_PRIORITY_TITLE = "Actions"


def squash(text: str) -> str:
    return " ".join((text or "").split())


def tidy(text: str) -> str:
    """Multi-line text with each line trimmed and the ends stripped."""
    return "\n".join(line.strip() for line in (text or "").split("\n")).strip()


def section_match(text: str):
    """(label, number, title, statement) for a section row such as "Improvement Area One : Our
    People", or None."""
    first, _, rest = text.partition("\n")
    first = squash(first)
    m = SECTION_RX.match(first)
    if m:
        label, number = m["label"].strip(), m["number"]
        lowered = label.lower()
        if any(word in lowered for word in ("outcome", "objective", "action")):
            return None
        if number.lower() in NUMBER_WORDS:
            number = NUMBER_WORDS[number.lower()]
        elif number.isalpha() and not number.isupper():
            return None  # "mix" is not a roman numeral
        return label, number, m["title"].strip(), tidy(rest)
    m = BARE_SECTION_RX.match(first)
    if m:
        return "", m["number"], m["title"].strip(), tidy(rest)
    return None


@dataclass
class Shape:
    """What a section row looks like: ``key`` names its kind for the preview's choices."""

    key: str
    number: str
    title: str
    statement: str = ""
    label: str = ""  # the plan's word for the level ("Improvement area"), when written


SHAPE_LABELS = {
    "word:priority": 'Rows named as a priority, area or theme ("Priority 1: ...")',
    "word:outcome": 'Rows named as an outcome ("Outcome 1.1 - ...")',
    "word:objective": 'Rows named as an objective or aim ("Objective: ...")',
    "num:1": 'Rows numbered like "1." or "A."',
    "num:1.1": 'Rows numbered like "1.1"',
    "num:1.1.1": 'Rows numbered like "1.1.1" or "1.1a"',
    "code": 'Rows numbered with a code like "SP1"',
    "plain": "Rows of text alone, without a number",
}
SHAPE_DEFAULTS = {
    "word:priority": "priority",
    "word:outcome": "outcome",
    "word:objective": "objective",
    "num:1": "priority",
    "num:1.1": "outcome",
    "num:1.1.1": "objective",
    "code": "priority",
    "plain": "text",
}


def section_shape(text: str) -> Shape:
    """The kind of a section row from its words and its numbering: "Outcome 1.1 - ..." is an
    outcome, "1.1 ..." is numbered at the second level, "SP1. ..." has a code."""
    first, _, rest = text.partition("\n")
    first, rest = squash(first), tidy(rest)
    section = section_match(text)
    if section is not None:  # "Improvement Area One : Our People", "SP1: ..."
        label, number, title, statement = section
        key = "word:priority" if label else "code"
        return Shape(key, number, title, statement, label)
    m = WORDED_RX.match(first)
    if m:
        label = m["label"].strip()
        lowered = label.lower().rstrip("s")
        kind = SECTION_WORDS.get(lowered)
        if kind is None and is_priority_word(lowered) and len(label.split()) <= 3:
            kind = "priority"
        if kind is not None:
            return Shape(f"word:{kind}", m["number"] or "", m["title"].strip(), rest, label)
    m = NUMBERED_RX.match(first)
    if m:
        number = m["number"]
        if re.fullmatch(r"[A-Z]{2,4}\d+[a-z]?", number):
            key = "code"
        elif re.fullmatch(r"\d+(?:\.\d+)*[a-z]?", number):
            depth = number.count(".") + (1 if number[-1].isalpha() else 0)
            key = ("num:1", "num:1.1", "num:1.1.1")[min(depth, 2)]
        else:
            key = "num:1"
        return Shape(key, number, m["title"].strip(), rest)
    return Shape("plain", "", first, rest)


def is_note(text: str) -> bool:
    """ "Source: ...", "Key", "Notes", "R = off track": notes and legends, not the plan."""
    first = squash(text.partition("\n")[0])
    return bool(NOTE_RX.match(first)) or first.lower() in ("key", "legend", "notes")


PRIORITY_WORDS = ("priorit", "area", "theme", "principle", "ambition", "pillar", "workstream")


def is_priority_word(label: str) -> bool:
    lowered = label.lower()
    return any(word in lowered for word in PRIORITY_WORDS)


def split_number(text: str) -> tuple[str, str]:
    """("1.1", "A skilled workforce") from "1.1 A skilled workforce"; ("", text) otherwise."""
    m = NUMBER_PREFIX_RX.match(text)
    if m:
        return m["number"], m["title"].strip()
    return "", text


NO_RATING = "none"  # a word the administrator says is not a rating


def rating_from(word: str, extra: dict[str, str] | None = None) -> str | None:
    """The rating a word means: the organisation's own words and the administrator's choices
    first, then the usual words; "G/A" (between two) is the worse of the two."""
    key = squash(word).lower().rstrip(".")
    if extra and key in extra:
        return extra[key]
    known = _usual_rating(key)
    if known:
        return known
    # "Complete (Blue)", "Green (on track)": the words outside the brackets and inside agree
    inside = [squash(x) for x in re.findall(r"\(([^()]*)\)", key)]
    outside = squash(re.sub(r"\([^()]*\)", " ", key))
    readings = {_usual_rating(x) for x in [outside, *inside] if x} - {None}
    if inside and readings:
        return readings.pop() if len(readings) == 1 else None  # "On track (Amber)": ask
    # "Amber - some slippage", "Green: on track as planned": the colour named first
    if m := _LEADING_COLOUR_RX.match(key):
        return RAG_WORDS[m[1]]
    return None


def _usual_rating(key: str) -> str | None:
    """A rating from the usual words, or between two of them ("G/A", "Amber-Green", "AG"):
    the worse of the two."""
    if key in RAG_WORDS:
        return RAG_WORDS[key]
    parts = [p.strip() for p in re.split(r"\s*[/\\]\s*|\s+(?:to|-)\s+", key) if p.strip()]
    if len(parts) != 2:  # "amber-green", "amber green"
        colours = re.split(r"[\s\-\u2013]+", key)
        parts = colours if all(c in _COLOUR_LETTERS.values() for c in colours) else parts
    if len(parts) != 2 and re.fullmatch(r"[rag]{2}", key) and key[0] != key[1]:  # "AG", "RA"
        parts = [_COLOUR_LETTERS[c] for c in key]
    if len(parts) == 2 and all(p in RAG_WORDS for p in parts):
        return worst(RAG_WORDS[p] for p in parts)
    return None


def short_text(text: str, n: int = 80) -> str:
    text = squash(text)
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def ignored_cell(sheet: str, row: int, index: int, text: str, why: str) -> dict:
    return {
        "sheet": sheet,
        "row": row,
        "column": get_column_letter(index + 1),
        "text": short_text(text, 100),
        "why": why,
    }


def letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


@dataclass
class Issue:
    row: int | None
    message: str
    sheet: str = ""  # set when a file has several sheets or tables read

    def as_dict(self):
        if not self.sheet:
            return {"row": self.row, "message": self.message}
        where = f"{self.sheet}, row {self.row}" if self.row else self.sheet
        return {"row": self.row, "message": self.message, "sheet": self.sheet, "where": where}


@dataclass
class PPriority:
    number: str
    title: str
    row: int
    statement: str = ""
    label: str = ""
    sheet: str = ""
    notes_parts: list[str] = field(default_factory=list)  # each distinct text, in file order

    @property
    def notes(self) -> str:
        """Text the priority keeps with no field of its own: its "Priority notes" column as
        written, and columns kept as extra text on the priority ("Heading: text")."""
        return "\n\n".join(self.notes_parts)

    def keep(self, text: str) -> None:
        if text and text not in self.notes_parts:
            self.notes_parts.append(text)


@dataclass
class POutcome:
    priority: str
    number: str
    title: str
    row: int
    sheet: str = ""


@dataclass
class PObjective:
    priority: str
    outcome: str | None
    number: str
    title: str
    row: int
    sheet: str = ""


@dataclass
class PSub:
    row: int
    description: str
    timescale: str = ""
    lead_text: str = ""
    links: list[str] = field(default_factory=list)
    complete: bool = False


@dataclass
class PAction:
    row: int
    number: str
    numbered_in_file: bool
    priority: str
    outcome: str | None
    objective: str | None
    description: str
    success_criteria: str = ""
    lead: str = ""  # the lead cell as written (whitespace normalised)
    timescale: str = ""
    rating: str | None = None
    commentary: str = ""
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    subs: list[PSub] = field(default_factory=list)
    sequence: int = 0
    supporting: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    sheet: str = ""
    key: int = 0  # unique in the file (row numbers repeat across sheets)
    lead_parts: list[str] = field(default_factory=list)  # the lead cell split on lines, ; and /
    rating_source: str = ""  # where the rating came from, for the preview
    timescale_note: str = ""  # how a date cell was read (a month, or a day)
    extra: list[tuple[str, str]] = field(default_factory=list)  # (column heading, text)
    notes_text: str = ""  # an "Action notes" column, as written (the export's own)

    @property
    def notes(self) -> str:
        """Text the action keeps that has no field of its own: its "Action notes" column as
        written, commentary given without a rating (a rating's commentary goes with its
        update), and other columns ("Heading: text")."""
        parts = [f"{heading}: {text}" for heading, text in self.extra]
        if self.commentary and not self.rating:
            parts.insert(0, f"Commentary: {self.commentary}")
        if self.notes_text:
            parts.insert(0, self.notes_text)
        return "\n\n".join(parts)


@dataclass
class ParsedPlan:
    priorities: list[PPriority] = field(default_factory=list)
    outcomes: list[POutcome] = field(default_factory=list)
    objectives: list[PObjective] = field(default_factory=list)
    actions: list[PAction] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    repeated_headers: int = 0
    data_rows: int = 0
    priority_label: str = ""
    fields: set[str] = field(default_factory=set)
    shapes: dict[str, dict] = field(default_factory=dict)  # section row kinds seen
    unknown_ratings: dict[str, list[int]] = field(default_factory=dict)
    ignored: list[dict] = field(default_factory=list)  # cells not taken, with why
    used: int = 0  # cells taken into the plan


class PlanRowReader:
    """Reads the rows under a header into a ``ParsedPlan``; several sheets may be read in turn
    (``read_sheet`` for each, then ``finish``)."""

    def __init__(
        self,
        header: HeaderMatch,
        *,
        numbering: str = "hierarchical",
        rating_words: dict[str, str] | None = None,
        tag_pattern: str = DEFAULT_TAG_PATTERN,
        sections: dict[str, str] | None = None,
    ):
        self.header = header
        self.cols = header.by_field
        self.numbering = numbering
        self.rating_words = rating_words or {}
        self.sections = sections or {}
        self.tag_rx = re.compile(rf"\b(?:{tag_pattern})\b", re.IGNORECASE)
        self.out = ParsedPlan(fields=set(self.cols))
        self.priority: PPriority | None = None
        self.outcome: POutcome | None = None
        self.objective: PObjective | None = None
        self.last_lead = ""
        self.last_lead_parts: list[str] = []
        self.last_action: PAction | None = None
        self.statement_for: PPriority | None = None
        self.priorities: dict[str, PPriority] = {}
        self.outcomes: dict[tuple[str, str], POutcome] = {}
        self.objectives: dict[tuple[str, str], PObjective] = {}
        self.sheet = ""
        self.grid_name = ""
        self.sheet_priority: tuple[str, str] | None = None
        self.parents: set[int] = set()  # rows that head the numbered rows under them
        self.cells: dict[int, list] = {}  # row number -> the grid's cells (fills, date formats)

    # -- helpers ---------------------------------------------------------------------------
    def error(self, row, message):
        self.out.errors.append(Issue(row, message, self.sheet))

    def warn(self, row, message):
        self.out.warnings.append(Issue(row, message, self.sheet))

    def text(self, cells, key) -> str:
        index = self.cols.get(key)
        if index is None or index >= len(cells):
            return ""
        return tidy(cell_text(cells[index]))

    def grid_cell(self, row: int, index: int | None):
        cells = self.cells.get(row)
        if index is None or cells is None or index >= len(cells):
            return None
        return cells[index]

    def too_long(self, row, what, value, key) -> bool:
        if len(value) > LIMITS[key]:
            self.error(row, f"The {what} is {len(value)} characters long; at most {LIMITS[key]}.")
            return True
        return False

    # -- reading ---------------------------------------------------------------------------
    def read(self, rows: list[tuple[int, list]]) -> ParsedPlan:
        """One table's rows under its header, numbered and checked."""
        self.read_sheet(rows)
        return self.finish()

    def read_sheet(
        self,
        rows: list[tuple[int, list]],
        *,
        header: HeaderMatch | None = None,
        sheet: str = "",
        grid_rows: list[tuple[int, list]] | None = None,
        sheet_priority: tuple[str, str] | None = None,
        grid_name: str = "",
    ) -> None:
        """The rows under the header of one sheet. ``sheet_priority`` (number, title) is the
        priority of a one-sheet-per-priority workbook, used until a section row says otherwise."""
        if header is not None:
            self.header, self.cols = header, header.by_field
            self.out.fields |= set(self.cols)
        self.sheet = sheet
        self.grid_name = grid_name or sheet
        self.cells = dict(grid_rows or [])
        self.sheet_priority = sheet_priority
        if sheet_priority is not None or sheet:
            self.priority = self.outcome = self.objective = None
            self.last_action, self.statement_for, self.last_lead = None, None, ""
        self.parents = self.parent_rows(rows)
        for number, cells in rows:
            if self.header.is_repeat(cells):
                self.out.repeated_headers += 1
                self.account(number, cells, None)
                continue
            self.out.data_rows += 1
            self.account(number, cells, self.read_row(number, cells))

    def parent_rows(self, rows: list[tuple[int, list]]) -> set[int]:
        """Rows holding only a number and a title whose number the next numbered row extends
        ("1 | Early help" above "1a", "2.1 | ..." above "2.1.1"): headings of the rows under
        them, read as section rows (their kind is a choice in the preview, as for any)."""
        if "number" not in self.cols or "action" not in self.cols:
            return set()
        heading_columns = {self.cols["number"], self.cols["action"]}
        numbered = [
            (row, squash(self.text(cells, "number")), cells)
            for row, cells in rows
            if squash(self.text(cells, "number"))
        ]
        parents = set()
        for (row, number, cells), (_, following, _) in zip(numbered, numbered[1:], strict=False):
            filled = {i for i, c in enumerate(cells) if cell_text(c).strip()}
            rest = following[len(number) :] if following.startswith(number) else ""
            if filled == heading_columns and re.fullmatch(r"(?i:[a-z]{1,2}|[.\-]\s*\w{1,3})", rest):
                parents.add(row)
        return parents

    def finish(self) -> ParsedPlan:
        self.sheet = ""
        self.number_actions()
        self.warn_empty_levels()
        return self.out

    def account(self, row: int, cells: list, reason: str | None) -> None:
        """Count the row's cells as used, or list them as not taken (with why)."""
        columns = self.header.columns
        for index, value in enumerate(cells):
            text = cell_text(value).strip()
            if not text:
                continue
            why = reason
            if why is None:
                column = columns[index] if index < len(columns) else None
                if column is None or (column.field is None and not column.heading):
                    why = "column with no heading"
                elif column.field == IGNORE:
                    why = "column ignored"
            if why is None:
                self.out.used += 1
            else:
                self.out.ignored.append(ignored_cell(self.grid_name, row, index, text, why))

    def warn_empty_levels(self) -> None:
        """An outcome or objective with no actions is kept, but may be a stray note."""
        used_outcomes = {(a.priority, a.outcome) for a in self.out.actions}
        used_objectives = {(a.priority, a.objective) for a in self.out.actions}
        parents = {(o.priority, o.outcome) for o in self.out.objectives}
        for o in self.out.outcomes:
            key = (o.priority, o.number)
            if key not in used_outcomes and key not in parents:
                self.out.warnings.append(
                    Issue(
                        o.row,
                        f'Outcome {o.number} ("{o.title[:60]}") has no actions. It will be kept; '
                        "check it is not a note.",
                        o.sheet,
                    )
                )
        for o in self.out.objectives:
            if (o.priority, o.number) not in used_objectives:
                self.out.warnings.append(
                    Issue(
                        o.row,
                        f'Objective {o.number} ("{o.title[:60]}") has no actions. It will be kept; '
                        "check it is not a note.",
                        o.sheet,
                    )
                )

    def read_row(self, row: int, cells: list) -> str | None:
        """Read one row; returns why its cells are not taken, or None when they are."""
        filled = [(i, cell_text(c)) for i, c in enumerate(cells) if cell_text(c).strip()]
        lone = filled[0] if len(filled) == 1 else None
        if lone:
            taken = self.lone_row(row, *lone)
            if taken is not False:
                return taken
        self.statement_for = None
        if row in self.parents:
            heading = f"{squash(self.text(cells, 'number'))} {self.text(cells, 'action')}"
            return self.section_row(row, section_shape(heading))

        if "priority" in self.cols:
            self.priority_from_column(row, cells)
        self.level_cells(row, cells)

        description = self.text(cells, "action")
        number = squash(self.text(cells, "number"))
        if not description:
            self.row_without_action(row, cells, number)
            return None
        if BULLET_RX.match(description.split("\n", 1)[0]) and not number:
            self.sub_row(row, cells, description)
            return None
        self.action_row(row, cells, description, number)
        return None

    def lone_row(self, row: int, index: int, text: str):
        """A row with one filled cell: a section row, a note, a statement, or (returns False)
        an ordinary row. Returns why the cell is not taken, None when it is taken."""
        text = text.strip()
        column = self.header.columns[index] if index < len(self.header.columns) else None
        field_key = column.field if column is not None else None
        if field_key == "priority_notes":
            return self.priority_notes_row(row, text)
        if is_note(text) and field_key not in ("action",):
            self.warn(
                row,
                f'"{short_text(text)}" reads as a note or a key, not part of the plan, so it is '
                "not imported.",
            )
            return "note or key"
        if field_key in ("action", "number"):
            shape = section_shape(text)
            if self.section_in_action_column(row, index, shape, field_key, text):
                return self.section_row(row, shape)
            section = section_match(text)
            # In the action column, "Phase 2: train staff" is an action, not a section.
            if section and is_priority_word(section[0]) and "priority" not in self.cols:
                self.open_section(row, *section)
                return None
            return False
        if field_key in ("priority", "outcome", "objective") and "priority" in self.cols:
            return False
        first_column = min(self.cols.values(), default=0)  # where the table starts
        cell = self.grid_cell(row, index)
        across = cell is not None and cell.span[1] > 1
        if index > first_column and not across and field_key not in (None, EXTRA, PRIORITY_EXTRA):
            return False  # text in one data column: an action row missing its action
        shape = section_shape(text)
        if shape.key == "plain" and self.statement_for is not None and index == first_column:
            return self.keep_text(row, shape)  # the purpose written under a section row
        if field_key in ("outcome", "objective") and shape.key in ("plain", "num:1.1", "num:1.1.1"):
            return False  # an outcome or objective on a row of its own, read from its column
        return self.section_row(row, shape)

    def priority_notes_row(self, row: int, text: str):
        """A row with only the "Priority notes" column filled (as the export writes it under
        each section row): the current priority's other text."""
        if self.priority is None:
            self.warn(
                row,
                f'"{short_text(text)}" is priority notes before any priority; it is not imported.',
            )
            return "priority notes before any priority"
        self.priority.keep(tidy(text))
        return None

    def section_in_action_column(self, row, index, shape: Shape, field_key, text) -> bool:
        """A heading in the action or number column is a section row when it is merged across
        the table, when it is bold and numbered or named like one ("A. Resilience"), or when
        the number column holds words ("Outcome 1.1 - ...")."""
        if field_key == "number" and (len(text) > LIMITS["number"] or len(text.split()) > 2):
            return True
        cell = self.grid_cell(row, index)
        if cell is None or index != min(self.cols.values(), default=0):
            return False
        if cell.span[1] > 1 and cell.span[1] >= len(self.cols) // 2:
            return True
        return cell.bold and shape.key != "plain" and "\n" not in text

    def section_row(self, row: int, shape: Shape):
        kind = self.sections.get(shape.key) or SHAPE_DEFAULTS[shape.key]
        seen = self.out.shapes.setdefault(
            shape.key, {"key": shape.key, "rows": [], "example": shape.title[:80]}
        )
        seen["rows"].append(row)
        if kind == "ignore":
            return "section row ignored (your choice)"
        if kind == "text":
            return self.keep_text(row, shape)
        title = shape.title
        self.statement_for = None
        if kind == "priority":
            number = shape.number or self.next_priority_number()
            self.open_section(row, shape.label, number, title, shape.statement)
        elif kind == "outcome":
            priority = self.ensure_priority(row)
            outcome = self.find_or_add_outcome(row, priority, shape.number, title)
            if outcome is not None:
                self.outcome, self.objective = outcome, None
        else:
            priority = self.ensure_priority(row)
            objective = self.find_or_add_objective(row, priority, shape.number, title)
            if objective is not None:
                self.objective = objective
        return None

    def keep_text(self, row: int, shape: Shape):
        text = tidy("\n".join(filter(None, [shape.title, shape.statement])))
        under_section = self.statement_for is not None
        target = self.statement_for or self.priority
        if target is None:
            self.warn(
                row,
                f'"{short_text(text)}" is a row of text on its own before any priority; it is '
                "not imported (say what such rows are in the choices above to keep it).",
            )
            return "text before any priority"
        target.statement = tidy("\n".join(filter(None, [target.statement, text])))
        if not under_section:
            self.warn(
                row,
                f'"{short_text(text)}" is kept in the statement of {target.number} '
                f'("{short_text(target.title, 40)}").',
            )
        return None

    def next_priority_number(self) -> str:
        n = len(self.out.priorities) + 1
        while str(n) in self.priorities:
            n += 1
        return str(n)

    def row_without_action(self, row, cells, number) -> None:
        content = [
            key
            for key in (
                "number",
                "success_criteria",
                "lead",
                "timescale",
                "rag",
                "links",
                "tags",
                "commentary",
            )
            if self.text(cells, key)
        ]
        if content:
            names = ", ".join(k.replace("_", " ") for k in content)
            if number:
                self.error(row, f"Action {number} has no action text.")
            else:
                self.error(
                    row,
                    f"This row has no action text (it has: {names}). Put the action in the "
                    "Action column, or move the text into the row above.",
                )

    def open_section(self, row, label, number, title, statement):
        if self.too_long(row, "priority number", number, "priority_number") or self.too_long(
            row, "priority title", title, "priority_title"
        ):
            return
        if not self.out.priority_label and label:
            self.out.priority_label = label[0].upper() + label[1:].lower()
        priority = self.priorities.get(number)
        if priority is None:
            priority = PPriority(
                number, title, row, statement=statement, label=label, sheet=self.sheet
            )
            self.priorities[number] = priority
            self.out.priorities.append(priority)
        elif priority.title != title:
            self.error(
                row,
                f'Priority {number} is named "{title}" here but "{priority.title}" in row '
                f"{priority.row}.",
            )
        self.set_priority(priority)
        self.statement_for = priority

    def set_priority(self, priority):
        if priority is not self.priority:
            self.priority = priority
            self.outcome = None
            self.objective = None
            self.last_lead, self.last_lead_parts = "", []

    def priority_from_column(self, row, cells):
        text = squash(self.text(cells, "priority"))
        given = squash(self.text(cells, "priority_number"))
        if not text and not given:
            return
        section = section_match(text) if text else None
        if section:
            label, number, title, statement = section
            if label and not self.out.priority_label:
                self.out.priority_label = label[0].upper() + label[1:].lower()
        else:
            number, title = split_number(text)
            statement = ""
        number = given or number
        if not number:
            match = next((p for p in self.out.priorities if p.title == title), None)
            if match:
                number = match.number
            else:
                n = len(self.out.priorities) + 1
                while str(n) in self.priorities:
                    n += 1
                number = str(n)
        if self.too_long(row, "priority number", number, "priority_number") or self.too_long(
            row, "priority title", title, "priority_title"
        ):
            return
        priority = self.priorities.get(number)
        if priority is None:
            priority = PPriority(
                number, title or f"Priority {number}", row, statement=statement, sheet=self.sheet
            )
            self.priorities[number] = priority
            self.out.priorities.append(priority)
        self.set_priority(priority)

    def ensure_priority(self, row):
        if self.priority is None and self.sheet_priority is not None:
            number, title = self.sheet_priority
            number = number or self.next_priority_number()
            priority = self.priorities.get(number)
            if priority is None:
                priority = PPriority(number, title, row, sheet=self.sheet)
                self.priorities[number] = priority
                self.out.priorities.append(priority)
            self.set_priority(priority)
        if self.priority is None:
            number = "1"
            while number in self.priorities:
                number = str(int(number) + 1)
            priority = PPriority(number, DEFAULT_PRIORITY_TITLE, row)
            self.priorities[number] = priority
            self.out.priorities.append(priority)
            self.set_priority(priority)
            self.warn(
                row,
                "No improvement area or priority was found above this row, so the actions are "
                f'put under a priority called "{DEFAULT_PRIORITY_TITLE}".',
            )
        return self.priority

    def level_cells(self, row, cells):
        """The outcome and objective cells: blank is "same as above", a dash is "none"."""
        outcome_text = self.text(cells, "outcome")
        outcome_number = squash(self.text(cells, "outcome_number"))
        if outcome_text.lower() in BLANK_MARKERS:
            self.outcome, self.objective = None, None
        elif outcome_text or outcome_number:
            priority = self.ensure_priority(row)
            outcome = self.find_or_add_outcome(row, priority, outcome_number, outcome_text)
            if outcome is not None and outcome is not self.outcome:
                self.outcome, self.objective = outcome, None
        objective_text = self.text(cells, "objective")
        objective_number = squash(self.text(cells, "objective_number"))
        if objective_text.lower() in BLANK_MARKERS:
            self.objective = None
        elif objective_text or objective_number:
            priority = self.ensure_priority(row)
            objective = self.find_or_add_objective(row, priority, objective_number, objective_text)
            if objective is not None:
                self.objective = objective

    def find_or_add_outcome(self, row, priority, given, text):
        number, title = (given, text) if given else split_number(text)
        title = tidy(title)
        if not number:
            same = [o for o in self.out.outcomes if o.priority == priority.number]
            match = next((o for o in same if o.title == title), None)
            if match:
                return match
            n = len(same) + 1
            while (priority.number, f"{priority.number}.{n}") in self.outcomes:
                n += 1
            number = f"{priority.number}.{n}"
        if self.too_long(row, "outcome number", number, "level_number"):
            return None
        outcome = self.outcomes.get((priority.number, number))
        if outcome is None:
            if not title:
                self.error(row, f"Outcome {number} has no title.")
                return None
            outcome = POutcome(priority.number, number, title, row, sheet=self.sheet)
            self.outcomes[(priority.number, number)] = outcome
            self.out.outcomes.append(outcome)
        elif title and outcome.title != title:
            self.error(
                row,
                f'Outcome {number} is named "{title[:80]}" here but "{outcome.title[:80]}" in row '
                f"{outcome.row}.",
            )
        return outcome

    def find_or_add_objective(self, row, priority, given, text):
        number, title = (given, text) if given else split_number(text)
        title = tidy(title)
        outcome = self.outcome.number if self.outcome else None
        if not number:
            same = [
                o
                for o in self.out.objectives
                if o.priority == priority.number and o.outcome == outcome
            ]
            match = next((o for o in same if o.title == title), None)
            if match:
                return match
            parent = outcome or priority.number
            n = len(same) + 1
            while (priority.number, f"{parent}{letters(n)}") in self.objectives:
                n += 1
            number = f"{parent}{letters(n)}"
        if self.too_long(row, "objective number", number, "level_number"):
            return None
        objective = self.objectives.get((priority.number, number))
        if objective is None:
            if not title:
                self.error(row, f"Objective {number} has no title.")
                return None
            objective = PObjective(priority.number, outcome, number, title, row, sheet=self.sheet)
            self.objectives[(priority.number, number)] = objective
            self.out.objectives.append(objective)
        elif title and objective.title != title:
            self.error(
                row,
                f'Objective {number} is named "{title[:80]}" here but "{objective.title[:80]}" '
                f"in row {objective.row}.",
            )
        return objective

    # -- actions ---------------------------------------------------------------------------
    def take_tags(self, text: str) -> tuple[str, list[str]]:
        tags = [squash(m.group(0)) for m in self.tag_rx.finditer(text)]
        if not tags:
            return text, []
        cleaned = self.tag_rx.sub("", text)
        lines = [line.strip(" \t") for line in cleaned.split("\n")]
        cleaned = "\n".join(line for line in lines if line.strip(" .;,-"))
        return tidy(cleaned), tags

    def split_bullets(self, text: str) -> tuple[str, list[str]]:
        """("Refresh the strategy", ["strategy and approach", ...]) for a cell with a bullet
        list under its first line(s); sub-items need some text above them."""
        lines = [line for line in text.split("\n") if line.strip()]
        description, items = [], []
        for line in lines:
            m = BULLET_RX.match(line.strip())
            if m and description:
                items.append(m["text"].strip())
            elif items:
                description.append(line.strip())  # text after the list belongs to the action
            else:
                description.append(line.strip())
        if not items:
            return tidy(text), []
        return "\n".join(description), items

    def parts(self, row, cells):
        tags_cell = self.text(cells, "tags")
        tags = [squash(t) for t in re.split(r"[\n;]", tags_cell) if squash(t)]
        links = [squash(line) for line in self.text(cells, "links").split("\n") if squash(line)]
        for tag in tags:
            self.too_long(row, f'tag "{tag[:40]}"', tag, "tag")
        for link in links:
            self.too_long(row, f'link "{link[:40]}"', link, "link")
        return tags, links

    def names(self, row, cells, key, what) -> list[str]:
        """A list cell (one name a line, or separated by semicolons), blank markers dropped."""
        names = [
            squash(n)
            for n in re.split(r"[\n;]", self.text(cells, key))
            if squash(n) and squash(n).lower() not in BLANK_MARKERS
        ]
        for name in names:
            self.too_long(row, what, name, "person")
        return list(dict.fromkeys(names))

    def rating(self, row, cells, *, sub=False) -> tuple[str | None, str]:
        """The rating and where it came from: the word in the RAG cell (synonyms and the
        organisation's own words understood), or else the cell's fill colour."""
        word = squash(self.text(cells, "rag"))
        if word.lower() in RATING_BLANKS and word.lower() not in self.rating_words:
            word = ""  # "N/A", "TBC": no rating given, as if blank (a fill colour still counts)
        if word:
            rating = rating_from(word, self.rating_words)
            if rating == NO_RATING:
                return None, f'"{word[:40]}" (no rating, as you chose)'
            if rating is None:
                self.out.unknown_ratings.setdefault(word[:40], []).append(row)
                self.error(
                    row,
                    f'The RAG rating "{word[:40]}" is not a word the import knows: say what it '
                    "means in the choices above.",
                )
                return None, ""
            note = RAG_NOTES.get(word.lower())
            source = f'written "{word[:40]}"' + (f" ({note})" if note else "")
            return rating, source
        cell = self.grid_cell(row, self.cols.get("rag"))
        if cell is not None and cell.fill:
            rating = rating_from_colour(cell.fill)
            if rating is not None:
                return rating, f"fill colour #{cell.fill} (nearest {Rating(rating).label})"
        return None, ""

    def lead_cell(self, row, cells) -> tuple[str, list[str]]:
        """The lead as written (whitespace normalised) and its parts: several leads are split
        only on line breaks, ";" and "/" ("Head of Service and partners" is one lead)."""
        raw = self.text(cells, "lead")
        written = squash(raw)
        if written.lower() in NO_LEAD_MARKERS:
            return "", []
        if not written:
            return self.last_lead, list(self.last_lead_parts)  # blank: "same as above"
        parts: list[str] = []
        raw = re.sub(r"\b[Nn]/[Aa]\b", "\n", raw)  # "N/A" is no one, not "N" and "A"
        for line in (squash(p) for p in re.split(r"\s*(?:\n|;|/)\s*", raw)):
            if parts and CONTINUATION_RX.match(line):
                parts[-1] = f"{parts[-1]} {line}"  # "DCS and key partner agencies / And ..."
            elif line and line.lower() not in NO_LEAD_MARKERS:
                parts.append(line)
        return written, list(dict.fromkeys(parts))

    def timescale_cell(self, row, cells) -> tuple[str, str]:
        """The timescale text, and how a date cell was read: a cell formatted as a month
        ("May-23") means that month, a cell formatted as a day means that day."""
        index = self.cols.get("timescale")
        cell = self.grid_cell(row, index)
        if cell is not None and cell.date_kind == "month":
            value = cell.value
            return f"{value:%B %Y}", f"a date cell shown as a month: read as {value:%B %Y}"
        if cell is not None and cell.date_kind == "day":
            text = self.text(cells, "timescale")
            return text, f"a date cell shown as a day: read as {text}"
        return self.text(cells, "timescale"), ""

    def extra_text(self, cells, keep: str = EXTRA) -> list[tuple[str, str]]:
        """Columns kept as extra text on the action (or with ``keep=PRIORITY_EXTRA`` on its
        priority): (heading, text) for each filled one."""
        out = []
        for column in self.header.columns:
            if column.field == keep and column.index < len(cells):
                text = tidy(cell_text(cells[column.index]))
                if text:
                    out.append((column.heading or f"Column {column.letter}", text))
        return out

    def action_row(self, row, cells, text, number):
        priority = self.ensure_priority(row)
        text, tags_in_text = self.take_tags(text)
        description, items = self.split_bullets(text)
        if not description:
            self.error(row, "This row has no action text, only tags.")
            return
        tags, links = self.parts(row, cells)
        lead, lead_parts = self.lead_cell(row, cells)
        self.last_lead, self.last_lead_parts = lead, lead_parts
        if lead:
            self.too_long(row, "lead officer", lead, "lead")
        if number:
            self.too_long(row, "action number", number, "number")
        timescale_cell, timescale_note = self.timescale_cell(row, cells)
        timescale, sub_timescales = self.timescales(row, timescale_cell, len(items))
        subs = [
            PSub(row, item, timescale=sub_timescales[i] if sub_timescales else "")
            for i, item in enumerate(items)
        ]
        rating, rating_source = self.rating(row, cells)
        action = PAction(
            row=row,
            number=number,
            numbered_in_file=bool(number),
            priority=priority.number,
            outcome=self.outcome.number if self.outcome else None,
            objective=self.objective.number if self.objective else None,
            description=description,
            success_criteria=self.text(cells, "success_criteria"),
            lead=lead,
            timescale=timescale,
            rating=rating,
            commentary=self.text(cells, "commentary"),
            tags=list(dict.fromkeys(tags_in_text + tags)),
            links=links,
            subs=subs,
            supporting=self.names(row, cells, "supporting", "supporting officer's name"),
            partners=self.names(row, cells, "partners", "partner's name"),
            sheet=self.sheet,
            key=len(self.out.actions),
            lead_parts=lead_parts,
            rating_source=rating_source,
            timescale_note=timescale_note,
            extra=self.extra_text(cells),
            notes_text=self.text(cells, "notes"),
        )
        priority.keep(self.text(cells, "priority_notes"))
        for heading, extra in self.extra_text(cells, PRIORITY_EXTRA):
            priority.keep(f"{heading}: {extra}")
        self.check_timescale(row, action.timescale)
        for sub in subs:
            self.check_timescale(row, sub.timescale, sub=True)
        self.out.actions.append(action)
        self.last_action = action

    def timescales(self, row, cell, n_items) -> tuple[str, list[str]]:
        lines = [squash(line) for line in cell.split("\n") if squash(line)]
        if n_items and len(lines) > 1:
            if len(lines) == n_items:
                return "", lines
            if len(lines) == n_items + 1:
                return lines[0], lines[1:]
        value = squash(cell)
        self.too_long(row, "timescale", value, "timescale")
        return value, []

    def check_timescale(self, row, text, sub=False):
        if text and parse_timescale(text).kind == TimescaleKind.UNPARSED:
            what = "sub-item timescale" if sub else "timescale"
            self.warn(
                row,
                f'The {what} "{text[:60]}" could not be read as a date or period: it will be kept '
                "as written, and cannot show as overdue.",
            )

    def sub_row(self, row, cells, text):
        action = self.last_action
        if action is None or action.priority != (self.priority.number if self.priority else None):
            self.error(
                row, "This row is a sub-item (it starts with a bullet) with no action above it."
            )
            return
        text, tags = self.take_tags(text)
        items = [
            m["text"].strip() if (m := BULLET_RX.match(line.strip())) else line.strip()
            for line in text.split("\n")
            if line.strip()
        ]
        lead_cell = squash(self.text(cells, "lead"))
        lead_text = "" if lead_cell.lower() in BLANK_MARKERS else lead_cell
        if lead_text:
            self.too_long(row, "sub-item lead", lead_text, "lead")
        tags_cell, links = self.parts(row, cells)
        cell = self.text(cells, "timescale")
        lines = [squash(line) for line in cell.split("\n") if squash(line)]
        if len(items) > 1 and len(lines) == len(items):
            per_item = lines
        else:
            per_item = [squash(cell)] * len(items)
            self.too_long(row, "timescale", squash(cell), "timescale")
        rating, _ = self.rating(row, cells, sub=True)
        if rating not in (None, Rating.COMPLETE, Rating.NOT_STARTED):
            self.warn(
                row,
                "Sub-items are either complete or not: only a Complete (Blue) rating is kept "
                "for a sub-item.",
            )
        for i, item in enumerate(items):
            sub = PSub(
                row,
                item,
                timescale=per_item[i],
                lead_text=lead_text,
                links=links if i == 0 else [],
                complete=rating == Rating.COMPLETE,
            )
            self.check_timescale(row, sub.timescale, sub=True)
            action.subs.append(sub)
        for tag in tags + tags_cell:
            if tag not in action.tags:
                action.tags.append(tag)

    # -- numbering -------------------------------------------------------------------------
    def number_actions(self) -> None:
        """Give unnumbered actions the number the app would give them (never one written
        elsewhere in the file), then refuse numbers used twice."""
        explicit: dict[str, PAction] = {}
        for action in self.out.actions:
            if not action.numbered_in_file:
                continue
            if action.number in explicit:
                first = explicit[action.number]
                self.error(
                    action.row,
                    f"Action number {action.number} is used twice: in row {first.row} and in "
                    f"row {action.row}. Each action needs its own number.",
                )
            else:
                explicit[action.number] = action
        top = 0  # highest plain number (continuous numbering)
        highest: dict[str, int] = {}  # highest number after each "prefix." (hierarchical)
        for number in explicit:
            if re.fullmatch(r"[0-9]{1,6}", number):
                top = max(top, int(number))
            prefix, dot, last = number.rpartition(".")
            if dot and re.fullmatch(r"[0-9]{1,6}", last):
                highest[prefix + "."] = max(highest.get(prefix + ".", 0), int(last))
        sequences: dict[str, int] = {}
        for action in self.out.actions:
            sequences[action.priority] = sequences.get(action.priority, 0) + 1
            action.sequence = sequences[action.priority]
            if action.numbered_in_file:
                continue
            if self.numbering == "continuous":
                top += 1
                action.number = str(top)
            else:
                prefix = f"{action.outcome or action.priority}."
                highest[prefix] = highest.get(prefix, 0) + 1
                action.number = f"{prefix}{highest[prefix]}"
