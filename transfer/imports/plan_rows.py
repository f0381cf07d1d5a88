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

from actions.timescales import TimescaleKind, parse_timescale
from core.rag import Rating
from transfer.imports.headers import HeaderMatch
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
BLANK_MARKERS = {"-", "\u2013", "\u2014", "n/a", "none", "nil"}
RAG_WORDS = {
    "red": Rating.RED,
    "amber": Rating.AMBER,
    "green": Rating.GREEN,
    "blue": Rating.COMPLETE,
    "complete": Rating.COMPLETE,
    "completed": Rating.COMPLETE,
    "not started": Rating.NOT_STARTED,
    "not yet started": Rating.NOT_STARTED,
}
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


def rating_from(word: str, extra: dict[str, str] | None = None) -> str | None:
    key = squash(word).lower()
    if extra and key in extra:
        return extra[key]
    return RAG_WORDS.get(key)


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

    def as_dict(self):
        return {"row": self.row, "message": self.message}


@dataclass
class PPriority:
    number: str
    title: str
    row: int
    statement: str = ""
    label: str = ""


@dataclass
class POutcome:
    priority: str
    number: str
    title: str
    row: int


@dataclass
class PObjective:
    priority: str
    outcome: str | None
    number: str
    title: str
    row: int


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


class PlanRowReader:
    """Reads the rows under a header into a ``ParsedPlan``."""

    def __init__(
        self,
        header: HeaderMatch,
        *,
        numbering: str = "hierarchical",
        rating_words: dict[str, str] | None = None,
        tag_pattern: str = DEFAULT_TAG_PATTERN,
    ):
        self.header = header
        self.cols = header.by_field
        self.numbering = numbering
        self.rating_words = rating_words or {}
        self.tag_rx = re.compile(rf"\b(?:{tag_pattern})\b", re.IGNORECASE)
        self.out = ParsedPlan(fields=set(self.cols))
        self.priority: PPriority | None = None
        self.outcome: POutcome | None = None
        self.objective: PObjective | None = None
        self.last_lead = ""
        self.last_action: PAction | None = None
        self.statement_for: PPriority | None = None
        self.priorities: dict[str, PPriority] = {}
        self.outcomes: dict[tuple[str, str], POutcome] = {}
        self.objectives: dict[tuple[str, str], PObjective] = {}

    # -- helpers ---------------------------------------------------------------------------
    def error(self, row, message):
        self.out.errors.append(Issue(row, message))

    def warn(self, row, message):
        self.out.warnings.append(Issue(row, message))

    def text(self, cells, key) -> str:
        index = self.cols.get(key)
        if index is None or index >= len(cells):
            return ""
        return tidy(cell_text(cells[index]))

    def too_long(self, row, what, value, key) -> bool:
        if len(value) > LIMITS[key]:
            self.error(row, f"The {what} is {len(value)} characters long; at most {LIMITS[key]}.")
            return True
        return False

    # -- reading ---------------------------------------------------------------------------
    def read(self, rows: list[tuple[int, list]]) -> ParsedPlan:
        for number, cells in rows:
            if self.header.is_repeat(cells):
                self.out.repeated_headers += 1
                continue
            self.out.data_rows += 1
            self.read_row(number, cells)
        self.number_actions()
        self.warn_empty_levels()
        return self.out

    def warn_empty_levels(self) -> None:
        """An outcome or objective with no actions is kept, but may be a stray note."""
        used_outcomes = {(a.priority, a.outcome) for a in self.out.actions}
        used_objectives = {(a.priority, a.objective) for a in self.out.actions}
        parents = {(o.priority, o.outcome) for o in self.out.objectives}
        for o in self.out.outcomes:
            key = (o.priority, o.number)
            if key not in used_outcomes and key not in parents:
                self.warn(
                    o.row,
                    f'Outcome {o.number} ("{o.title[:60]}") has no actions. It will be kept; '
                    "check it is not a note.",
                )
        for o in self.out.objectives:
            if (o.priority, o.number) not in used_objectives:
                self.warn(
                    o.row,
                    f'Objective {o.number} ("{o.title[:60]}") has no actions. It will be kept; '
                    "check it is not a note.",
                )

    def read_row(self, row: int, cells: list) -> None:
        filled = [(i, cell_text(c)) for i, c in enumerate(cells) if cell_text(c).strip()]
        lone = filled[0] if len(filled) == 1 else None
        action_cols = {self.cols.get("action"), self.cols.get("number")}
        if lone and "priority" not in self.cols:
            index, text = lone
            in_action_column = index in action_cols
            section = section_match(text.strip())
            # In the action column, "Phase 2: train staff" is an action, not a section.
            if section and (not in_action_column or is_priority_word(section[0])):
                self.open_section(row, *section)
                return
            first_column = min(self.cols.values(), default=0)  # where the table starts
            if self.statement_for is not None and index == first_column and not in_action_column:
                self.statement_for.statement = tidy(
                    "\n".join(filter(None, [self.statement_for.statement, tidy(text)]))
                )
                return
        self.statement_for = None

        if "priority" in self.cols:
            self.priority_from_column(row, cells)
        self.level_cells(row, cells)

        description = self.text(cells, "action")
        number = squash(self.text(cells, "number"))
        if not description:
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
            return
        if BULLET_RX.match(description.split("\n", 1)[0]) and not number:
            self.sub_row(row, cells, description)
            return
        self.action_row(row, cells, description, number)

    def open_section(self, row, label, number, title, statement):
        if self.too_long(row, "priority number", number, "priority_number") or self.too_long(
            row, "priority title", title, "priority_title"
        ):
            return
        if not self.out.priority_label and label:
            self.out.priority_label = label[0].upper() + label[1:].lower()
        priority = self.priorities.get(number)
        if priority is None:
            priority = PPriority(number, title, row, statement=statement, label=label)
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
            self.last_lead = ""

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
            priority = PPriority(number, title or f"Priority {number}", row, statement=statement)
            self.priorities[number] = priority
            self.out.priorities.append(priority)
        self.set_priority(priority)

    def ensure_priority(self, row):
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
            outcome = POutcome(priority.number, number, title, row)
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
            objective = PObjective(priority.number, outcome, number, title, row)
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

    def rating(self, row, cells, *, sub=False):
        word = squash(self.text(cells, "rag"))
        if not word:
            return None
        rating = rating_from(word, self.rating_words)
        if rating is None:
            self.error(
                row,
                f'The RAG rating "{word[:40]}" is not one of Red, Amber, Green, Blue (complete) '
                "or Not started.",
            )
        return rating

    def action_row(self, row, cells, text, number):
        priority = self.ensure_priority(row)
        text, tags_in_text = self.take_tags(text)
        description, items = self.split_bullets(text)
        if not description:
            self.error(row, "This row has no action text, only tags.")
            return
        tags, links = self.parts(row, cells)
        lead_cell = squash(self.text(cells, "lead"))
        if lead_cell.lower() in BLANK_MARKERS:
            lead = ""
        elif lead_cell:
            lead = lead_cell
        else:
            lead = self.last_lead  # a blank lead cell is "same as above" (a merged cell)
        self.last_lead = lead
        if lead:
            self.too_long(row, "lead officer", lead, "lead")
        if number:
            self.too_long(row, "action number", number, "number")
        timescale_cell = self.text(cells, "timescale")
        timescale, sub_timescales = self.timescales(row, timescale_cell, len(items))
        subs = [
            PSub(row, item, timescale=sub_timescales[i] if sub_timescales else "")
            for i, item in enumerate(items)
        ]
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
            rating=self.rating(row, cells),
            commentary=self.text(cells, "commentary"),
            tags=list(dict.fromkeys(tags_in_text + tags)),
            links=links,
            subs=subs,
            supporting=self.names(row, cells, "supporting", "supporting officer's name"),
            partners=self.names(row, cells, "partners", "partner's name"),
        )
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
        rating = self.rating(row, cells, sub=True)
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
