"""Tests for actions.timescales: reading human-written action timescales (no database)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actions.timescales import (
    ParsedTimescale,
    is_overdue,
    parse_timescale,
)
from actions.timescales import (
    TimescaleKind as K,
)

D = date

# (text, kind, start, end)
CASES = [
    # seed strings
    ("May 23", K.MONTH, D(2023, 5, 1), D(2023, 5, 31)),
    ("Sep 23", K.MONTH, D(2023, 9, 1), D(2023, 9, 30)),
    ("Jun 23", K.MONTH, D(2023, 6, 1), D(2023, 6, 30)),
    ("Ongoing", K.ONGOING, None, None),
    ("Jul 23", K.MONTH, D(2023, 7, 1), D(2023, 7, 31)),
    ("Nov 23", K.MONTH, D(2023, 11, 1), D(2023, 11, 30)),
    ("Every Q", K.RECURRING, None, None),
    ("July 23", K.MONTH, D(2023, 7, 1), D(2023, 7, 31)),
    ("Aug 23", K.MONTH, D(2023, 8, 1), D(2023, 8, 31)),
    ("Oct 23", K.MONTH, D(2023, 10, 1), D(2023, 10, 31)),
    ("Short (January - April 2018)", K.PHASE, D(2018, 1, 1), D(2018, 4, 30)),
    ("Medium (May - Sept 2018)", K.PHASE, D(2018, 5, 1), D(2018, 9, 30)),
    ("Long-term (Oct 18 - Aug 2019)", K.PHASE, D(2018, 10, 1), D(2019, 8, 31)),
    # months
    ("May 2023", K.MONTH, D(2023, 5, 1), D(2023, 5, 31)),
    ("Sept 2018", K.MONTH, D(2018, 9, 1), D(2018, 9, 30)),
    ("Sep-23", K.MONTH, D(2023, 9, 1), D(2023, 9, 30)),
    ("May '23", K.MONTH, D(2023, 5, 1), D(2023, 5, 31)),
    ("by May 23", K.MONTH, D(2023, 5, 1), D(2023, 5, 31)),
    ("End of June 2023", K.MONTH, D(2023, 6, 1), D(2023, 6, 30)),
    ("end May 2023", K.MONTH, D(2023, 5, 1), D(2023, 5, 31)),
    ("FEBRUARY 24", K.MONTH, D(2024, 2, 1), D(2024, 2, 29)),
    ("dec 2023", K.MONTH, D(2023, 12, 1), D(2023, 12, 31)),
    # dates (day-first)
    ("31/05/2023", K.DATE, D(2023, 5, 31), D(2023, 5, 31)),
    ("31-05-2023", K.DATE, D(2023, 5, 31), D(2023, 5, 31)),
    ("31.05.23", K.DATE, D(2023, 5, 31), D(2023, 5, 31)),
    ("2023-05-31", K.DATE, D(2023, 5, 31), D(2023, 5, 31)),
    ("31 May 2023", K.DATE, D(2023, 5, 31), D(2023, 5, 31)),
    ("31st May 2023", K.DATE, D(2023, 5, 31), D(2023, 5, 31)),
    ("by 31 May 2023", K.DATE, D(2023, 5, 31), D(2023, 5, 31)),
    ("01/02/2023", K.DATE, D(2023, 2, 1), D(2023, 2, 1)),  # 1 Feb, never 2 Jan
    # financial quarters
    ("Q3 2023/24", K.QUARTER, D(2023, 10, 1), D(2023, 12, 31)),
    ("2023/24 Q2", K.QUARTER, D(2023, 7, 1), D(2023, 9, 30)),
    ("Q3 23/24", K.QUARTER, D(2023, 10, 1), D(2023, 12, 31)),
    ("Quarter 3 2023/24", K.QUARTER, D(2023, 10, 1), D(2023, 12, 31)),
    ("2023-24 Q1", K.QUARTER, D(2023, 4, 1), D(2023, 6, 30)),
    ("by end of Q3 2023/24", K.QUARTER, D(2023, 10, 1), D(2023, 12, 31)),
    ("Q4 2023/24", K.QUARTER, D(2024, 1, 1), D(2024, 3, 31)),
    # financial years
    ("2023/24", K.FINANCIAL_YEAR, D(2023, 4, 1), D(2024, 3, 31)),
    ("2023-24", K.FINANCIAL_YEAR, D(2023, 4, 1), D(2024, 3, 31)),
    ("FY 2023/24", K.FINANCIAL_YEAR, D(2023, 4, 1), D(2024, 3, 31)),
    ("2023/2024", K.FINANCIAL_YEAR, D(2023, 4, 1), D(2024, 3, 31)),
    ("2017/18", K.FINANCIAL_YEAR, D(2017, 4, 1), D(2018, 3, 31)),
    # phases
    ("Short term: Jan-Apr 2018", K.PHASE, D(2018, 1, 1), D(2018, 4, 30)),
    ("Medium: May - Sept 2018", K.PHASE, D(2018, 5, 1), D(2018, 9, 30)),
    ("Short (Nov - Feb 2019)", K.PHASE, D(2018, 11, 1), D(2019, 2, 28)),
    # unnamed ranges
    ("April 2017 - March 2020", K.RANGE, D(2017, 4, 1), D(2020, 3, 31)),
    ("April 2017 to March 2020", K.RANGE, D(2017, 4, 1), D(2020, 3, 31)),
    ("Jan-Apr 2018", K.RANGE, D(2018, 1, 1), D(2018, 4, 30)),
    # ongoing / recurring
    ("On-going", K.ONGOING, None, None),
    ("ongoing.", K.ONGOING, None, None),
    ("Every quarter", K.RECURRING, None, None),
    ("Quarterly", K.RECURRING, None, None),
    ("Monthly", K.RECURRING, None, None),
    ("Every month", K.RECURRING, None, None),
    ("Annually", K.RECURRING, None, None),
    ("Every year", K.RECURRING, None, None),
    ("Each quarter", K.RECURRING, None, None),
    ("Weekly", K.RECURRING, None, None),
    ("Every fortnight", K.RECURRING, None, None),
    # seasons (meteorological) and school terms, as councils plan to them
    ("Summer 2026", K.PHASE, date(2026, 6, 1), date(2026, 8, 31)),
    ("By Spring 2026", K.PHASE, date(2026, 3, 1), date(2026, 5, 31)),
    ("autumn 25", K.PHASE, date(2025, 9, 1), date(2025, 11, 30)),
    ("Spring term 2026", K.PHASE, date(2026, 1, 1), date(2026, 3, 31)),
    ("Summer Term 2026", K.PHASE, date(2026, 4, 1), date(2026, 7, 31)),
    ("End of the autumn term 2025", K.PHASE, date(2025, 9, 1), date(2025, 12, 31)),
    ("Winter 2025/26", K.PHASE, date(2025, 12, 1), date(2026, 2, 28)),
    # a calendar year, a week, two months
    ("2026", K.RANGE, date(2026, 1, 1), date(2026, 12, 31)),
    ("By end of 2026", K.RANGE, date(2026, 1, 1), date(2026, 12, 31)),
    ("w/c 12 Jan 2026", K.RANGE, date(2026, 1, 12), date(2026, 1, 18)),
    ("W/C 12/01/2026", K.RANGE, date(2026, 1, 12), date(2026, 1, 18)),
    ("Week commencing 5th May 2026", K.RANGE, date(2026, 5, 5), date(2026, 5, 11)),
    ("March/April 2026", K.RANGE, date(2026, 3, 1), date(2026, 4, 30)),
    # blank
    ("", K.BLANK, None, None),
    ("   ", K.BLANK, None, None),
    ("-", K.BLANK, None, None),
    ("n/a", K.BLANK, None, None),
    ("N/A", K.BLANK, None, None),
]

UNPARSED = [
    "31/02/2023",  # no such date
    "05/31/2023",  # US month-first: never read that way
    "Q3 2026",  # calendar or financial quarter? ambiguous
    "Q3",  # no year
    "2023/25",  # second year must follow the first
    "2023/2025",
    "TBC",
    "TBA",
    "May 1850",  # year out of range
    "July 2101",
    "April 2020 - March 2017",  # ends before it starts
    "As soon as possible",
    "Short (whenever)",
    "23/24",  # bare two-digit financial year is not read
    "\u0663/05/2023",  # Arabic-Indic digit
    "May \U0001f600",
    "Summer",  # no year
    "Winter 2026",  # which winter? December 2026, or January and February?
    "Winter 2025/27",
    "1989",  # year out of range
    "w/c January 2026",  # a week starts on a day
    "w/c 31/02/2026",
]


@pytest.mark.parametrize("text, kind, start, end", CASES)
def test_parse_table(text, kind, start, end):
    parsed = parse_timescale(text)
    assert (parsed.kind, parsed.start, parsed.end) == (kind, start, end)
    assert parsed.text == " ".join(text.split())
    assert parsed.is_understood


def test_none_is_blank():
    parsed = parse_timescale(None)
    assert parsed == ParsedTimescale("", K.BLANK, None, None)
    assert parsed.describe() == "not given"


@pytest.mark.parametrize("text", UNPARSED)
def test_unparsed_kept_and_never_overdue(text):
    parsed = parse_timescale(text)
    assert parsed.kind == K.UNPARSED
    assert not parsed.is_understood
    assert parsed.text == text
    assert parsed.start is None and parsed.end is None and parsed.due_date is None
    assert parsed.describe() == "not understood: kept as written"
    assert not is_overdue(parsed, today=date(2200, 1, 1), complete=False)


def test_whitespace_normalised_not_otherwise_altered():
    parsed = parse_timescale("  Short   (January -  April 2018) ")
    assert parsed.text == "Short (January - April 2018)"


@pytest.mark.parametrize(
    "text, label",
    [
        ("Short (January - April 2018)", "Short"),
        ("Medium (May - Sept 2018)", "Medium"),
        ("Long-term (Oct 18 - Aug 2019)", "Long-term"),
        ("Short term: Jan-Apr 2018", "Short term"),
        ("Summer 2026", "Summer"),
        ("Autumn term 2025", "Autumn term"),
        ("Winter 2025/26", "Winter"),
    ],
)
def test_phase_label_as_written(text, label):
    assert parse_timescale(text).label == label


@pytest.mark.parametrize(
    "text, recurrence",
    [
        ("Every Q", "quarterly"),
        ("Each quarter", "quarterly"),
        ("Monthly", "monthly"),
        ("Every year", "annually"),
        ("Annually", "annually"),
        ("Weekly", "weekly"),
        ("Every fortnight", "fortnightly"),
    ],
)
def test_recurrence(text, recurrence):
    parsed = parse_timescale(text)
    assert parsed.recurrence == recurrence
    assert parsed.label == parsed.describe()
    assert parsed.due_date is None


@pytest.mark.parametrize(
    "text, description",
    [
        ("31/05/2023", "by 31 May 2023"),
        ("May 23", "May 2023 (by 31 May 2023)"),
        ("Q3 2023/24", "Q3 2023/24 (1 October 2023 to 31 December 2023)"),
        ("Q4 2023/24", "Q4 2023/24 (1 January 2024 to 31 March 2024)"),
        ("2023/24", "2023/24 (1 April 2023 to 31 March 2024)"),
        ("Short (January - April 2018)", "Short: 1 January 2018 to 30 April 2018"),
        ("April 2017 - March 2020", "1 April 2017 to 31 March 2020"),
        ("Ongoing", "ongoing, never overdue"),
        ("Every Q", "every quarter"),
        ("TBC", "not understood: kept as written"),
    ],
)
def test_describe(text, description):
    assert parse_timescale(text).describe() == description


TODAY = date(2023, 6, 15)


@pytest.mark.parametrize(
    "text, complete, expected",
    [
        ("14/06/2023", False, True),  # due yesterday, not complete
        ("14/06/2023", True, False),  # complete
        ("15/06/2023", False, False),  # due today
        ("16/06/2023", False, False),  # due tomorrow
        ("May 23", False, True),  # month ended 31 May
        ("Jun 23", False, False),  # month ends 30 June
        ("Ongoing", False, False),
        ("Every Q", False, False),
        ("TBC", False, False),
        ("", False, False),
    ],
)
def test_is_overdue(text, complete, expected):
    assert is_overdue(parse_timescale(text), today=TODAY, complete=complete) is expected


def test_due_date_is_end_of_window():
    assert parse_timescale("Q3 2023/24").due_date == date(2023, 12, 31)
    assert parse_timescale("Ongoing").due_date is None


# --- property-based --------------------------------------------------------------------
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@given(st.text())
def test_never_raises_and_keeps_text(text):
    parsed = parse_timescale(text)
    assert parsed.text == " ".join(text.split())
    assert parsed.kind in K.values
    if parsed.start is not None and parsed.end is not None:
        assert parsed.start <= parsed.end
    if parsed.kind == K.UNPARSED:
        assert parsed.start is None and parsed.end is None
    parsed.describe()


@given(st.text(alphabet=st.sampled_from(list("0123456789/-.Qq JanMyFY'()\u0663")), max_size=30))
def test_never_raises_on_near_misses(text):
    parsed = parse_timescale(text)
    assert parsed.text == " ".join(text.split())
    if parsed.start is not None and parsed.end is not None:
        assert parsed.start <= parsed.end


def test_huge_input():
    text = "May 23 " * 100_000
    parsed = parse_timescale(text)
    assert parsed.kind == K.UNPARSED and parsed.text == text.strip()


@given(dates)
def test_round_trip_day_first_date(d):
    parsed = parse_timescale(d.strftime("%d/%m/%Y"))
    assert (parsed.kind, parsed.start, parsed.end) == (K.DATE, d, d)


@given(st.integers(2000, 2099), st.integers(1, 12))
def test_round_trip_month(year, month):
    parsed = parse_timescale(f"{MONTH_ABBR[month - 1]} {year % 100:02d}")
    first = date(year, month, 1)
    next_first = date(year + month // 12, month % 12 + 1, 1)
    last = next_first - timedelta(days=1)
    assert (parsed.kind, parsed.start, parsed.end) == (K.MONTH, first, last)


@given(st.integers(1990, 2099), st.integers(1, 4), st.booleans())
def test_round_trip_quarter(year, quarter, quarter_first):
    fy = f"{year}/{(year + 1) % 100:02d}"
    parsed = parse_timescale(f"Q{quarter} {fy}" if quarter_first else f"{fy} Q{quarter}")
    first_month = 4 + 3 * (quarter - 1)  # 4, 7, 10, 13 (= January next year)
    start = date(year + (first_month - 1) // 12, (first_month - 1) % 12 + 1, 1)
    after = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    assert (parsed.kind, parsed.start, parsed.end) == (K.QUARTER, start, after - timedelta(days=1))
    assert date(year, 4, 1) <= parsed.start <= parsed.end <= date(year + 1, 3, 31)


@given(st.integers(1990, 2099))
def test_round_trip_financial_year(year):
    parsed = parse_timescale(f"{year}/{(year + 1) % 100:02d}")
    assert (parsed.kind, parsed.start, parsed.end) == (
        K.FINANCIAL_YEAR,
        date(year, 4, 1),
        date(year + 1, 3, 31),
    )
