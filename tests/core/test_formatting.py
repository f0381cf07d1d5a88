"""Dates, numbers and rates as every page, pack and export words them (core.formatting)."""

import inspect
import locale
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core import formatting
from core.formatting import (
    day_text,
    london_day,
    london_time,
    moment_text,
    month_text,
    number_text,
    numeric_day_text,
    numeric_moment_text,
    percent_text,
    rate_text,
    short_day_text,
    time_text,
)

# --- London time --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Clocks go forward at 01:00 UTC on 31 March 2024: 00:30 UTC is 00:30 GMT...
        (datetime(2024, 3, 31, 0, 30, tzinfo=UTC), "00:30 on 31 March 2024"),
        # ...and 01:30 UTC is 02:30 BST.
        (datetime(2024, 3, 31, 1, 30, tzinfo=UTC), "02:30 on 31 March 2024"),
        # Clocks go back at 01:00 UTC on 27 October 2024: 00:30 UTC is 01:30 BST...
        (datetime(2024, 10, 27, 0, 30, tzinfo=UTC), "01:30 on 27 October 2024"),
        # ...and 01:30 UTC is 01:30 GMT.
        (datetime(2024, 10, 27, 1, 30, tzinfo=UTC), "01:30 on 27 October 2024"),
        # Late on a summer evening in UTC is already the next day in London.
        (datetime(2024, 6, 30, 23, 30, tzinfo=UTC), "00:30 on 1 July 2024"),
        # In winter London is on UTC.
        (datetime(2024, 12, 31, 23, 30, tzinfo=UTC), "23:30 on 31 December 2024"),
    ],
)
def test_moments_are_written_in_london_time_across_the_clock_changes(moment, expected):
    assert moment_text(moment) == expected


def test_the_day_of_a_moment_is_its_day_in_london():
    before_midnight_utc = datetime(2024, 3, 30, 23, 30, tzinfo=UTC)  # GMT: still the 30th
    after_change = datetime(2024, 3, 31, 23, 30, tzinfo=UTC)  # BST: already 1 April
    assert london_day(before_midnight_utc) == date(2024, 3, 30)
    assert london_day(after_change) == date(2024, 4, 1)
    assert day_text(after_change) == "1 April 2024"
    assert short_day_text(after_change) == "1 Apr 2024"
    assert numeric_day_text(after_change) == "01/04/2024"
    assert numeric_moment_text(after_change) == "01/04/2024 00:30"
    assert month_text(datetime(2024, 8, 31, 23, 30, tzinfo=UTC)) == "September 2024"
    assert london_time(after_change).utcoffset().total_seconds() == 3600


def test_days_in_long_short_padded_and_numeric_forms():
    day = date(2024, 9, 3)
    assert day_text(day) == "3 September 2024"
    assert short_day_text(day) == "3 Sep 2024"
    assert day_text(day, padded=True) == "03 September 2024"
    assert day_text(day, short=True, padded=True) == "03 Sep 2024"
    assert month_text(day) == "September 2024"
    assert month_text(day, short=True) == "Sep 2024"
    assert numeric_day_text(day) == "03/09/2024"
    assert time_text(datetime(2024, 1, 5, 9, 5, tzinfo=UTC)) == "09:05"


# --- locale independence ------------------------------------------------------------------------


@contextmanager
def time_locale(name):
    """LC_TIME set to ``name`` inside (False when that locale is not installed)."""
    saved = locale.setlocale(locale.LC_TIME)
    try:
        locale.setlocale(locale.LC_TIME, name)
    except locale.Error:
        yield False
        return
    try:
        yield True
    finally:
        locale.setlocale(locale.LC_TIME, saved)


def test_month_names_are_english_whatever_the_locale():
    tried = 0
    for name in ["de_DE.UTF-8", "fr_FR.UTF-8", "cy_GB.UTF-8", "C.UTF-8", "C"]:
        with time_locale(name) as installed:
            if not installed:
                continue
            tried += 1
            assert [month_text(date(2024, m, 1)) for m in (1, 5, 12)] == [
                "January 2024",
                "May 2024",
                "December 2024",
            ]
            assert short_day_text(date(2021, 3, 9)) == "9 Mar 2021"
            assert day_text(date(2021, 12, 25)) == "25 December 2021"
    assert tried  # "C" is always there


def test_every_month_is_named_from_the_module_not_from_strftime():
    assert [month_text(date(2023, m, 1), short=True)[:3] for m in range(1, 13)] == [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    ]  # fmt: skip
    source = inspect.getsource(formatting)
    assert ":%B" not in source and ":%b" not in source and ".strftime(" not in source


# --- numbers and rates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("141.1000"), "141.1"),
        (Decimal("51.00"), "51"),
        (32180, "32,180"),
        (Decimal("1234567.5"), "1,234,567.5"),
        (141.10000001, "141.1"),
        (0.1 + 0.2, "0.3"),
        (Decimal("-0.0"), "0"),
        (Decimal("-12.50"), "-12.5"),
        (0, "0"),
    ],
)
def test_numbers_lose_float_noise_and_trailing_zeros(value, expected):
    assert number_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected", "percent"),
    [
        (Decimal("51"), "51.0", "51.0%"),
        (Decimal("47.25"), "47.25", "47.25%"),
        (Decimal("12500"), "12,500.0", "12,500.0%"),
        (Decimal("0.00"), "0.0", "0.0%"),
    ],
)
def test_rates_and_percentages_keep_one_decimal_place(value, expected, percent):
    assert rate_text(value) == expected
    assert percent_text(value) == percent
    assert rate_text(value, " per 10,000") == expected + " per 10,000"


def test_none_and_blank_are_written_as_nothing():
    assert day_text(None) == short_day_text("") == month_text(None) == ""
    assert time_text(None) == moment_text(None) == ""
    assert numeric_day_text(None) == numeric_moment_text(None) == ""
    assert number_text(None) == rate_text(None) == percent_text(None) == ""


def test_a_naive_moment_is_taken_as_on_the_london_clock_already():
    cell = datetime(2024, 7, 1, 0, 30)  # as openpyxl reads a spreadsheet cell
    assert numeric_moment_text(cell) == "01/07/2024 00:30"
    assert day_text(cell) == "1 July 2024"
