"""Working days as SI 2007/462 counts them: no weekends, Christmas Day, Good Friday or bank
holidays in England and Wales (with substitute days and one-off holidays)."""

from datetime import date

import pytest
from django.test import override_settings

from inspections.working_days import (
    add_working_days,
    holiday_name,
    is_working_day,
    non_working_days_between,
    working_days_between,
)


def test_seventy_working_days_from_1_april_2022_is_15_july_because_of_the_bank_holidays():
    assert add_working_days(date(2022, 4, 1), 70) == date(2022, 7, 15)
    # Counting weekdays alone gives 8 July: five weekday holidays fall in between, two of them
    # the Platinum Jubilee's (Spring bank holiday moved to Thursday 2 June, and Friday 3 June).
    skipped = non_working_days_between(date(2022, 4, 1), date(2022, 7, 15))
    assert [d for d, _ in skipped] == [
        date(2022, 4, 15),  # Good Friday
        date(2022, 4, 18),  # Easter Monday
        date(2022, 5, 2),  # Early May bank holiday
        date(2022, 6, 2),  # Spring bank holiday (moved for the Jubilee)
        date(2022, 6, 3),  # Platinum Jubilee bank holiday
    ]


@pytest.mark.parametrize(
    "start,days,due",
    [
        # Easter 2023: Good Friday 7 April and Easter Monday 10 April are not working days.
        (date(2023, 4, 6), 1, date(2023, 4, 11)),
        (date(2023, 4, 6), 2, date(2023, 4, 12)),
        # Easter 2024 straddles March and April.
        (date(2024, 3, 28), 1, date(2024, 4, 2)),
        # Christmas 2023: Monday 25 and Tuesday 26 December.
        (date(2023, 12, 22), 1, date(2023, 12, 27)),
        (date(2023, 12, 22), 20, date(2024, 1, 24)),  # and New Year's Day
        # Christmas 2022: Christmas Day a Sunday, so Tuesday 27 December is its substitute day.
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        # Christmas 2021: both days at a weekend, substitutes on Monday 27 and Tuesday 28.
        (date(2021, 12, 24), 1, date(2021, 12, 29)),
        # New Year's Day 2022 a Saturday: substitute Monday 3 January.
        (date(2021, 12, 31), 1, date(2022, 1, 4)),
        # The state funeral of Queen Elizabeth II, Monday 19 September 2022.
        (date(2022, 9, 16), 1, date(2022, 9, 20)),
        # Counting from a Saturday: the Monday after is day 1.
        (date(2024, 6, 1), 1, date(2024, 6, 3)),
        (date(2024, 6, 3), 0, date(2024, 6, 3)),
        (date(2024, 6, 3), 30, date(2024, 7, 15)),
    ],
)
def test_add_working_days(start, days, due):
    assert add_working_days(start, days) == due


def test_substitute_days_christmas_and_good_friday_are_not_working_days():
    assert holiday_name(date(2022, 12, 27)) is not None  # Christmas Day (substitute day)
    assert not is_working_day(date(2022, 12, 27))
    assert not is_working_day(date(2021, 12, 28))  # Boxing Day (substitute day)
    assert not is_working_day(date(2030, 12, 25))
    assert not is_working_day(date(2030, 4, 19))  # Good Friday 2030
    assert is_working_day(date(2030, 4, 23))
    assert not is_working_day(date(2022, 6, 4))  # a Saturday


def test_working_days_left_counts_to_the_due_date_and_goes_negative_after_it():
    due = date(2022, 7, 15)
    assert working_days_between(date(2022, 4, 1), due) == 70
    assert working_days_between(due, due) == 0
    assert working_days_between(date(2022, 7, 14), due) == 1
    assert working_days_between(date(2022, 7, 18), due) == -1
    assert working_days_between(date(2022, 6, 1), date(2022, 6, 6)) == 1  # over the Jubilee


def test_a_holiday_proclaimed_after_the_package_can_be_added_in_settings():
    assert is_working_day(date(2031, 6, 4))
    with override_settings(INSPECTIONS_EXTRA_NON_WORKING_DAYS=["2031-06-04"]):
        assert not is_working_day(date(2031, 6, 4))
        assert add_working_days(date(2031, 6, 3), 1) == date(2031, 6, 5)


def test_counting_backwards_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2024, 1, 1), -1)
