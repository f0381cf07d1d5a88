"""Working days as the inspection regulations count them.

The Education and Inspections Act 2006 (Inspection of Local Authorities) Regulations 2007
(SI 2007/462), regulation 1(2): a working day is any day other than a Saturday, a Sunday,
Christmas Day, Good Friday or a bank holiday in England and Wales under the Banking and Financial
Dealings Act 1971. Bank holidays come from the ``holidays`` package (United Kingdom, subdivision
England), which works offline and includes one-off holidays (the 2022 Platinum Jubilee, the 2022
state funeral, the 2023 coronation) and substitute days ("observed": Boxing Day on a Saturday
is kept on the Monday after). Christmas Day and Good Friday are common-law holidays rather than
bank holidays in England; they are excluded here by rule as well, so a gap in the data cannot make
them working days. A holiday proclaimed after the package was released can be added with the
setting ``INSPECTIONS_EXTRA_NON_WORKING_DAYS`` (ISO dates).

"Within N working days of receiving the report": the day of receipt is day 0 and the deadline is
the Nth working day after it (``add_working_days``). 1 April 2022 + 70 working days is
15 July 2022.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import easter
from django.conf import settings

SUBDIVISION = "ENG"  # England (England and Wales share their bank holidays)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> dict[date, str]:
    days = dict(holidays.country_holidays("GB", subdiv=SUBDIVISION, years=[year]).items())
    days.setdefault(date(year, 12, 25), "Christmas Day")
    days.setdefault(easter(year) - timedelta(days=2), "Good Friday")
    return days


def _extra_days() -> dict[date, str]:
    extra = getattr(settings, "INSPECTIONS_EXTRA_NON_WORKING_DAYS", ()) or ()
    return {date.fromisoformat(str(day)): "Additional bank holiday" for day in extra}


def holiday_name(day: date) -> str | None:
    """The name of the bank holiday (or Christmas Day, Good Friday) on a day, or None."""
    return _bank_holidays(day.year).get(day) or _extra_days().get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def add_working_days(start: date, days: int) -> date:
    """The ``days``th working day after ``start`` (``start`` itself is day 0, whatever it is).
    With ``days`` = 0, ``start`` itself."""
    if days < 0:
        raise ValueError("Count working days forwards only.")
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative (the working days
    after ``end`` up to and including ``start``) when ``end`` is before ``start``. So the working
    days left until a deadline, counted from today: 0 on the day itself."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def non_working_days_between(start: date, end: date) -> list[tuple[date, str]]:
    """The bank holidays (and Christmas Day, Good Friday) on weekdays after ``start`` up to and
    including ``end``: what made a deadline later than counting weekdays alone would."""
    out = []
    day = start
    while day < end:
        day += timedelta(days=1)
        name = holiday_name(day)
        if name and day.weekday() < 5:
            out.append((day, name))
    return out
