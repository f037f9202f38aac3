"""When a reminder is due, as pure functions of dates and a working calendar.

A reminder "n working days before" a date D fires on the latest working day W on or before D
with at least n working days in (W, D]. n = 0 is "on the day": D itself when D is a working
day, else the last working day before it (a deadline on a Sunday is reminded on the Friday).
Reminders fire only on working days; the National Day holiday moves them, it never doubles them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from luoshi.core.workdays import WorkCalendar

# Far enough ahead for any lead of a few working days, even across the Spring Festival.
HORIZON_DAYS = 45


def reminder_day(date: dt.date, lead: int, calendar: WorkCalendar) -> dt.date:
    """The working day on which a reminder ``lead`` working days before ``date`` fires."""
    if lead < 0:
        raise ValueError("lead must not be negative")
    day = date
    counted = 0
    while True:
        if calendar.is_workday(day) and counted >= lead:
            return day
        if calendar.is_workday(day):
            counted += 1
        day -= dt.timedelta(days=1)


def dates_reminded_on(today: dt.date, leads: Iterable[int], calendar: WorkCalendar) -> set[dt.date]:
    """Dates D (deadlines, milestones) whose reminder for any of ``leads`` fires on ``today``.

    Empty when ``today`` is not a working day.
    """
    if not calendar.is_workday(today):
        return set()
    leads = sorted(set(leads))
    out = set()
    for offset in range(HORIZON_DAYS + 1):
        date = today + dt.timedelta(days=offset)
        if any(reminder_day(date, lead, calendar) == today for lead in leads):
            out.add(date)
    return out


def lead_for(today: dt.date, date: dt.date, leads: Iterable[int], calendar: WorkCalendar) -> int | None:
    """Which lead makes ``date`` due for a reminder on ``today`` (the smallest), or None."""
    for lead in sorted(set(leads)):
        if reminder_day(date, lead, calendar) == today:
            return lead
    return None


def backoff(attempts: int, base: float, cap: float = 6 * 3600) -> float:
    """Seconds to wait before the next try after ``attempts`` failed ones: base, 2·base, 4·base…"""
    return min(cap, base * (2 ** max(0, attempts - 1)))
