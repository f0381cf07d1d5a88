"""Read the human-written "timescale" of an improvement-plan action.

Plans give each action a timescale in words ("May 23", "Q3 2023/24", "Ongoing",
"Short (January - April 2018)"). :func:`parse_timescale` turns those words into a
:class:`ParsedTimescale` that keeps the text exactly as written (whitespace-normalised)
next to what it means. Words it cannot read are kept and flagged as ``UNPARSED``;
they are never dropped and never guessed at.

Conventions:

* No fuzzy parsing: every accepted shape is one of the compiled regexes in ``_RULES``,
  tried in order against the whole text. Only ASCII digits are read (``re.ASCII``).
* UK dates are day-first; a form that only works month-first is not understood.
* Two-digit years mean 20YY. Years outside 1990-2100 are not understood.
* UK financial year: 1 April - 31 March. Q1 = Apr-Jun, Q2 = Jul-Sep, Q3 = Oct-Dec,
  Q4 = Jan-Mar of the following calendar year. A quarter must name a financial year
  ("Q3 2023/24"); "Q3 2026" could be a calendar quarter, so it is not understood.
* Seasons are meteorological ("Summer 2026": June-August); school terms are Spring
  (January-March), Summer (April-July) and Autumn (September-December); a winter names both
  years ("Winter 2025/26"). A year alone is the calendar year.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from actions.overdue import OVERDUE
from core.rag import Rating


class TimescaleKind(models.TextChoices):
    DATE = "date", "Date"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Financial quarter"
    FINANCIAL_YEAR = "financial_year", "Financial year"
    PHASE = "phase", "Phase"  # a named window: "Short (January - April 2018)"
    RANGE = "range", "Date range"  # an unnamed window: "April 2017 - March 2020"
    ONGOING = "ongoing", "Ongoing"
    RECURRING = "recurring", "Recurring"
    BLANK = "blank", "Not given"
    UNPARSED = "unparsed", "Not understood"


#: Kinds that carry no due date and so can never be overdue.
UNDATED_KINDS = frozenset(
    {TimescaleKind.ONGOING, TimescaleKind.RECURRING, TimescaleKind.BLANK, TimescaleKind.UNPARSED}
)

MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_LENGTH = 200  # longer text is never a timescale; don't spend regex time on it

_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS = {name.lower(): n for n, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS.update({name[:3].lower(): n for n, name in enumerate(_MONTH_NAMES, start=1)})
_MONTHS["sept"] = 9  # "June"/"July" are already there as full names


def _fmt(d: date) -> str:
    """'31 May 2023' (locale-independent)."""
    return f"{d.day} {_MONTH_NAMES[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class ParsedTimescale:
    text: str  # the words as written (whitespace-normalised, never altered otherwise)
    kind: str  # a TimescaleKind value
    start: date | None  # first day of the window
    end: date | None  # last day of the window = the due date
    label: str = ""  # phase name as written, or the recurrence description
    recurrence: str = ""  # "weekly", "fortnightly", "monthly", "quarterly", "annually"

    @property
    def due_date(self) -> date | None:
        return None if self.kind in UNDATED_KINDS else self.end

    @property
    def is_understood(self) -> bool:
        return self.kind != TimescaleKind.UNPARSED

    def describe(self) -> str:
        """What the timescale means, in words."""
        k, s, e = self.kind, self.start, self.end
        if k == TimescaleKind.DATE:
            return f"by {_fmt(e)}"
        if k == TimescaleKind.MONTH:
            return f"{_MONTH_NAMES[e.month - 1]} {e.year} (by {_fmt(e)})"
        if k == TimescaleKind.QUARTER:
            fy = s.year if s.month >= 4 else s.year - 1
            q = (s.month - 4) % 12 // 3 + 1
            return f"Q{q} {fy}/{(fy + 1) % 100:02d} ({_fmt(s)} to {_fmt(e)})"
        if k == TimescaleKind.FINANCIAL_YEAR:
            return f"{s.year}/{e.year % 100:02d} ({_fmt(s)} to {_fmt(e)})"
        if k == TimescaleKind.PHASE:
            return f"{self.label}: {_fmt(s)} to {_fmt(e)}"
        if k == TimescaleKind.RANGE:
            return f"{_fmt(s)} to {_fmt(e)}"
        if k == TimescaleKind.ONGOING:
            return "ongoing, never overdue"
        if k == TimescaleKind.RECURRING:
            return self.label
        if k == TimescaleKind.BLANK:
            return "not given"
        return "not understood: kept as written"


class _Invalid(ValueError):
    """The text has a known shape but impossible values (31/02/2023, 2023/25, year 1850)."""


def _year(s: str) -> int:
    year = 2000 + int(s) if len(s) == 2 else int(s)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Invalid(s)
    return year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# --- regex fragments -------------------------------------------------------------------
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
_PREFIX = r"(?:by\s+)?(?:the\s+)?(?:end\s+(?:of\s+)?(?:the\s+)?)?"
_MONTH_YEAR = rf"(?P<mon>{_MON})\.?[\s\-/']*(?P<year>[0-9]{{4}}|[0-9]{{2}})"
_FY = (
    r"(?:(?P<fy>fy|financial\s+year)\s*)?"
    r"(?P<y1>[0-9]{4}|[0-9]{2})\s*[/\-]\s*(?P<y2>[0-9]{4}|[0-9]{2})"
)
_QTR = r"q(?:uarter)?\s*(?P<q>[1-4])"
_RANGE = (
    rf"(?P<mon1>{_MON})\.?(?:[\s\-/']*(?P<year1>[0-9]{{4}}|[0-9]{{2}}))?"
    rf"(?:\s*[-\u2013\u2014/]\s*|\s+(?:to|until)\s+)"
    rf"(?P<mon2>{_MON})\.?[\s\-/']*(?P<year2>[0-9]{{4}}|[0-9]{{2}})"
)


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.ASCII)


# --- handlers: each gets (text, match) and returns a ParsedTimescale or raises _Invalid --
def _window(kind: str, text: str, start: date, end: date, label: str = "") -> ParsedTimescale:
    if end < start:
        raise _Invalid(text)
    return ParsedTimescale(text, kind, start, end, label)


def _date(text: str, d: date) -> ParsedTimescale:
    return _window(TimescaleKind.DATE, text, d, d)


def _numeric_date(text, m):
    return _date(text, date(_year(m["year"]), int(m["month"]), int(m["day"])))


def _named_date(text, m):
    return _date(text, date(_year(m["year"]), _MONTHS[m["mon"].lower()], int(m["day"])))


def _month(text, m):
    year, month = _year(m["year"]), _MONTHS[m["mon"].lower()]
    return _window(TimescaleKind.MONTH, text, date(year, month, 1), _month_end(year, month))


def _fy_start(m) -> int:
    """First calendar year of a financial year "2023/24"; checks the second year follows."""
    y1, y2 = m["y1"], m["y2"]
    if len(y1) == 2 and len(y2) == 4:
        raise _Invalid(y2)  # "12/2013" is not "2012/13"
    first = _year(y1)
    second = first + 1
    if int(y2) != (second if len(y2) == 4 else second % 100):
        raise _Invalid(y2)
    return first


def _financial_year(text, m):
    if len(m["y1"]) == 2 and not m["fy"]:
        raise _Invalid(text)  # bare "23/24" could be anything; only "FY 23/24" is read
    y = _fy_start(m)
    return _window(TimescaleKind.FINANCIAL_YEAR, text, date(y, 4, 1), date(y + 1, 3, 31))


def _quarter(text, m):
    y, q = _fy_start(m), int(m["q"])
    start = date(y, 4, 1) if q == 1 else date(y, 3 * q + 1, 1) if q < 4 else date(y + 1, 1, 1)
    end = _month_end(start.year, start.month + 2)
    return _window(TimescaleKind.QUARTER, text, start, end)


def _range_bounds(m) -> tuple[date, date]:
    mon1, mon2 = _MONTHS[m["mon1"].lower()], _MONTHS[m["mon2"].lower()]
    year2 = _year(m["year2"])
    if m["year1"]:
        year1 = _year(m["year1"])
    else:  # "Nov - Feb 2019" runs Nov 2018 to Feb 2019
        year1 = year2 if mon1 <= mon2 else year2 - 1
        if year1 < MIN_YEAR:
            raise _Invalid(str(year1))
    return date(year1, mon1, 1), _month_end(year2, mon2)


def _range(text, m):
    return _window(TimescaleKind.RANGE, text, *_range_bounds(m))


_WINDOW_RX = _rx(_RANGE)
_WINDOW_MONTH_RX = _rx(_MONTH_YEAR)


def _phase(text, m):
    window = m["window"].strip()
    if wm := _WINDOW_RX.fullmatch(window):
        start, end = _range_bounds(wm)
    elif wm := _WINDOW_MONTH_RX.fullmatch(window):
        month = _month(window, wm)
        start, end = month.start, month.end
    else:
        raise _Invalid(text)
    return _window(TimescaleKind.PHASE, text, start, end, label=m["name"].strip())


def _ongoing(text, m):
    return ParsedTimescale(text, TimescaleKind.ONGOING, None, None)


_RECURRENCES = {
    "week": "weekly",
    "weekly": "weekly",
    "fortnight": "fortnightly",
    "fortnightly": "fortnightly",
    "q": "quarterly",
    "quarter": "quarterly",
    "quarterly": "quarterly",
    "month": "monthly",
    "monthly": "monthly",
    "year": "annually",
    "yearly": "annually",
    "annually": "annually",
    "annual": "annually",
}
_RECURRENCE_LABELS = {
    "weekly": "every week",
    "fortnightly": "every fortnight",
    "quarterly": "every quarter",
    "monthly": "every month",
    "annually": "every year",
}


def _recurring(text, m):
    recurrence = _RECURRENCES[m["unit"].lower()]
    return ParsedTimescale(
        text,
        TimescaleKind.RECURRING,
        None,
        None,
        label=_RECURRENCE_LABELS[recurrence],
        recurrence=recurrence,
    )


#: Seasons as councils write them: "Summer 2026" (June to August), and the school terms
#: councils plan to ("Autumn term 2025": September to December).
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11)}
_TERMS = {"spring": (1, 3), "summer": (4, 7), "autumn": (9, 12)}


def _season(text, m):
    name, term = m["season"].lower(), bool(m["term"])
    first, last = (_TERMS if term else _SEASONS)[name]
    year = _year(m["year"])
    label = name.capitalize() + (" term" if term else "")
    return _window(
        TimescaleKind.PHASE, text, date(year, first, 1), _month_end(year, last), label=label
    )


def _winter(text, m):
    """ "Winter 2025/26": December to February, across the two years it names."""
    y = _fy_start(m)
    return _window(TimescaleKind.PHASE, text, date(y, 12, 1), _month_end(y + 1, 2), label="Winter")


def _calendar_year(text, m):
    year = _year(m["year"])
    return _window(TimescaleKind.RANGE, text, date(year, 1, 1), date(year, 12, 31))


_WEEK_OF = _rx(r"(?:w/?c|w/?b|week\s+(?:commencing|beginning|starting)(?:\s+on)?)\.?\s*(?P<day>.+)")


def _week(text, m):
    """ "w/c 12 Jan 2026": the week that starts on the day named."""
    day = parse_timescale(m["day"])
    if day.kind != TimescaleKind.DATE or day.start is None:
        raise _Invalid(text)
    return _window(TimescaleKind.RANGE, text, day.start, day.start + timedelta(days=6))


#: (regex, handler) tried in order; the first regex that matches the whole text decides.
_RULES = [
    (
        _rx(
            rf"{_PREFIX}(?P<day>[0-9]{{1,2}})(?P<sep>[/.\-])(?P<month>[0-9]{{1,2}})(?P=sep)"
            r"(?P<year>[0-9]{4}|[0-9]{2})"
        ),
        _numeric_date,
    ),
    (
        _rx(rf"{_PREFIX}(?P<year>[0-9]{{4}})-(?P<month>[0-9]{{2}})-(?P<day>[0-9]{{2}})"),
        _numeric_date,
    ),
    (
        _rx(
            rf"{_PREFIX}(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+(?P<mon>{_MON})\.?,?"
            r"[\s\-]+(?P<year>[0-9]{4}|[0-9]{2})"
        ),
        _named_date,
    ),
    (_rx(rf"{_PREFIX}{_QTR}\s*,?\s*{_FY}"), _quarter),
    (_rx(rf"{_PREFIX}{_FY}\s*,?\s*{_QTR}"), _quarter),
    (_rx(rf"{_PREFIX}{_FY}"), _financial_year),
    (_rx(r"(?P<name>[a-z][a-z\- ]{0,40}?)\s*\((?P<window>[^()]*)\)"), _phase),
    (_rx(r"(?P<name>[a-z][a-z\- ]{0,40}?)\s*:\s*(?P<window>.+)"), _phase),
    (_rx(rf"{_PREFIX}{_RANGE}"), _range),
    (_rx(rf"{_PREFIX}{_MONTH_YEAR}"), _month),
    (
        _rx(
            rf"{_PREFIX}(?P<season>spring|summer|autumn)(?P<term>\s+term)?\s*,?\s*"
            r"(?P<year>[0-9]{4}|[0-9]{2})"
        ),
        _season,
    ),
    (_rx(rf"{_PREFIX}winter\s*,?\s*{_FY}"), _winter),
    (_rx(rf"{_PREFIX}(?:calendar\s+year\s+)?(?P<year>[0-9]{{4}})"), _calendar_year),
    (_WEEK_OF, _week),
    (_rx(r"on[\s\-]?going"), _ongoing),
    (_rx(r"(?:every|each)\s+(?P<unit>week|fortnight|q|quarter|month|year)"), _recurring),
    (
        _rx(r"(?P<unit>weekly|fortnightly|quarterly|monthly|annually|annual|yearly)"),
        _recurring,
    ),
]

_BLANK_WORDS = {"", "-", "\u2013", "\u2014", "n/a"}


def normalise(text: str | None) -> str:
    """Collapse runs of whitespace to one space and trim the ends."""
    return " ".join((text or "").split())


def parse_timescale(text: str | None) -> ParsedTimescale:
    """Read a timescale as written. Never raises; unreadable words come back UNPARSED."""
    text = normalise(text)
    if text.lower() in _BLANK_WORDS:
        return ParsedTimescale(text, TimescaleKind.BLANK, None, None)
    unparsed = ParsedTimescale(text, TimescaleKind.UNPARSED, None, None)
    if len(text) > MAX_LENGTH:
        return unparsed
    core = text.rstrip(". ") or text  # "ongoing." / "May 2023." read like the bare words
    for rx, handler in _RULES:
        if m := rx.fullmatch(core):
            try:
                return handler(text, m)
            except (ValueError, OverflowError):  # _Invalid, or date() rejecting 31/02
                return unparsed
    return unparsed


def is_overdue(parsed: ParsedTimescale, *, today: date, complete: bool) -> bool:
    """Overdue = has a due date, the due date is before today, and the action is not complete
    (the one rule, ``actions.overdue.OVERDUE``, applied to a timescale as written).

    Ongoing, recurring, blank and unparsed timescales are never overdue.
    """
    rating = Rating.COMPLETE.value if complete else ""
    return OVERDUE.holds({"timescale_due": parsed.due_date, "rating": rating}, today)


__all__ = ["TimescaleKind", "ParsedTimescale", "parse_timescale", "is_overdue", "normalise"]
