"""Working-day arithmetic over the Chinese public-holiday calendar.

Pure functions over a ``WorkCalendar`` value: which dates are holidays, which weekend dates are
adjusted working days (调休上班), and which years the calendar knows. A date in a year the
calendar does not know falls back to Monday–Friday and is reported as assumed, never an error:
the State Council publishes each year's arrangement in the autumn before, and an administrator
enters it (``core.models.CalendarDay``) — see ``calendar_for_dates`` in ``core.calendar``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)
    known_years: frozenset[int] = field(default_factory=frozenset)

    def is_known(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def add_working_days(start: dt.date, n: int, calendar: WorkCalendar) -> dt.date:
    """The date ``n`` working days after ``start`` (``start`` itself does not count).

    "5个工作日内" from Tuesday 2026-09-29 is Monday 2026-10-12: 09-30, then the National Day
    holiday, then 10-08, 10-09, the adjusted working Saturday 10-10, and 10-12.
    ``n`` = 0 gives ``start`` itself.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    remaining = n
    while remaining:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, calendar: WorkCalendar) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start, calendar)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            count += 1
    return count


def assumed_years(start: dt.date, end: dt.date, calendar: WorkCalendar) -> list[int]:
    """Years in [start, end] the calendar does not know (their dates were assumed Mon–Fri)."""
    return [y for y in range(min(start, end).year, max(start, end).year + 1) if y not in calendar.known_years]
