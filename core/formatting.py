"""Dates, numbers and rates as people read them: the one home for their wording.

Dates are days on the wall clock in London (Europe/London, whatever the server's time zone and
across the clock changes), and English whatever the process's locale: month names come from
this module, never from ``strftime``'s ``%B`` and ``%b``, which follow ``LC_TIME``. Numbers lose
float noise and trailing zeros and group thousands with commas; rates and percentages keep one
decimal place at least. ``None`` (and a blank) is always written as "".

Pages, board packs and exports print the same few hundred dates thousands of times, so the
wording of a day is cached.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")

MONTHS = (
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
)
SHORT_MONTHS = tuple(name[:3] for name in MONTHS)  # "Sep", as Django's "M"

Number = int | float | Decimal


# --- moments and days -------------------------------------------------------------------------


def london_time(moment: datetime) -> datetime:
    """A moment on the wall clock in London (BST in summer, GMT in winter). A naive moment (a
    spreadsheet cell's) is taken to be on that clock already."""
    if timezone.is_naive(moment):
        return moment
    return timezone.localtime(moment, LONDON)


@lru_cache(maxsize=4096)
def london_day(moment: datetime) -> date:
    """The day a moment falls on in London (23:30 UTC on 30 June is 1 July in summer)."""
    return london_time(moment).date()


def _day(value: date) -> date:
    """A date as it is, a moment as its day in London."""
    return london_day(value) if isinstance(value, datetime) else value


# --- dates as words -------------------------------------------------------------------------


def day_text(value: date | None, *, short: bool = False, padded: bool = False) -> str:
    """'18 May 2023' for a date, or for a moment on its day in London. ``short`` abbreviates the
    month ('3 Sep 2024', Django's 'j M Y'); ``padded`` writes the day in two digits ('03 Sep
    2024'). "" for None."""
    if not value:
        return ""
    return _day_text(_day(value), short, padded)


def short_day_text(value: date | None) -> str:
    """'3 Sep 2024': ``day_text`` with the month abbreviated."""
    return day_text(value, short=True)


@lru_cache(maxsize=4096)
def _day_text(day: date, short: bool, padded: bool) -> str:
    number = f"{day.day:02d}" if padded else str(day.day)
    return f"{number} {_month(day, short)} {day.year}"


def _month(day: date, short: bool) -> str:
    return (SHORT_MONTHS if short else MONTHS)[day.month - 1]


def month_text(value: date | None, *, short: bool = False) -> str:
    """'May 2023' ('Sep 2024' when ``short``) for a date, or for a moment's day in London."""
    if not value:
        return ""
    day = _day(value)
    return f"{_month(day, short)} {day.year}"


def time_text(moment: datetime | None) -> str:
    """'14:05': the time of a moment on the 24-hour clock in London."""
    if moment is None:
        return ""
    local = london_time(moment)
    return f"{local.hour:02d}:{local.minute:02d}"


def moment_text(moment: datetime | None) -> str:
    """'14:05 on 20 June 2023': a moment in London, as board packs say when something was."""
    if moment is None:
        return ""
    return f"{time_text(moment)} on {day_text(moment)}"


# --- dates as figures -----------------------------------------------------------------------


def numeric_day_text(value: date | None) -> str:
    """'03/09/2024' (day, month, year), as UK spreadsheets write a date; a moment's day in
    London."""
    if not value:
        return ""
    day = _day(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def numeric_moment_text(moment: datetime | None) -> str:
    """'03/09/2024 14:05': a moment in London as UK spreadsheets write it."""
    if moment is None:
        return ""
    return f"{numeric_day_text(moment)} {time_text(moment)}"


# --- numbers and rates ----------------------------------------------------------------------


def number_text(value: Number | None, places: int = 6) -> str:
    """A number without float noise or trailing zeros, thousands grouped with commas:
    141.10000001 -> '141.1', 32180 -> '32,180', Decimal('51.00') -> '51'. Floats are rounded to
    ``places`` decimal places; integers and decimals are written exactly. "" for None."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, int)):
        exact = Decimal(value)
    else:
        exact = Decimal(str(round(float(value), places)))
    text = f"{exact:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def rate_text(value: Number | None, suffix: str = "") -> str:
    """A rate or a percentage: ``number_text`` keeping one decimal place at least, then the
    ``suffix`` ('51.0', '47.5%' with ``suffix="%"``). "" for None."""
    if value is None:
        return ""
    text = number_text(value)
    if "." not in text:
        text += ".0"
    return text + suffix


def percent_text(value: Number | None) -> str:
    """'47.0%': a percentage with one decimal place at least. "" for None."""
    return rate_text(value, "%")


def illustrative_words(item: dict) -> str:
    """ " (illustrative)" after something the demo made up (a snapshot taken before the flag
    existed has no such key)."""
    return " (illustrative)" if item.get("illustrative") else ""
