"""The working calendar in force: the chinesecalendar package plus administrators' entries."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .exceptions import DomainError
from .workdays import WorkCalendar


@lru_cache(maxsize=1)
def _packaged() -> tuple[frozenset[dt.date], frozenset[dt.date], frozenset[int]]:
    import chinese_calendar

    holidays = frozenset(chinese_calendar.holidays)
    workdays = frozenset(chinese_calendar.workdays)
    years = frozenset(range(min(holidays).year, max(holidays).year + 1))
    return holidays, workdays, years


def work_calendar() -> WorkCalendar:
    """The calendar now: packaged data overridden by CalendarDay rows (one small query)."""
    from .models import CalendarDay

    holidays, workdays, years = _packaged()
    holidays, workdays, years = set(holidays), set(workdays), set(years)
    for day in CalendarDay.objects.all().only("date", "kind"):
        years.add(day.date.year)
        if day.kind == CalendarDay.Kind.HOLIDAY:
            holidays.add(day.date)
            workdays.discard(day.date)
        else:
            workdays.add(day.date)
            holidays.discard(day.date)
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))


@transaction.atomic
def calendar_days_set(*, actor: Any, start: dt.date, end: dt.date, kind: str, name: str = "") -> int:
    """Enter a range of holidays or adjusted working days (replacing entries on those dates)."""
    from luoshi.accounts.models import Role
    from luoshi.audit.models import Action
    from luoshi.audit.services import record

    from .models import CalendarDay
    from .permissions import require_role

    if actor is not None:
        require_role(actor, Role.ADMIN)
    if kind not in CalendarDay.Kind.values:
        raise DomainError(_("Unknown calendar entry kind."), code="bad_kind")
    if end < start:
        raise DomainError(_("The end date is before the start date."), code="bad_range")
    if (end - start).days > 31:
        raise DomainError(_("Enter at most 31 days at once."), code="bad_range")
    day = start
    count = 0
    while day <= end:
        entry, _created = CalendarDay.objects.update_or_create(
            date=day, defaults={"kind": kind, "name": name[:40]}
        )
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=entry,
            after={"date": day.isoformat(), "kind": kind, "name": name},
        )
        day += dt.timedelta(days=1)
        count += 1
    return count


@transaction.atomic
def calendar_day_delete(*, actor: Any, day: Any) -> None:
    from luoshi.accounts.models import Role
    from luoshi.audit.models import Action
    from luoshi.audit.services import record

    from .permissions import require_role

    if actor is not None:
        require_role(actor, Role.ADMIN)
    record(
        actor=actor,
        action=Action.DELETE,
        obj=day,
        before={"date": day.date.isoformat(), "kind": day.kind, "name": day.name},
    )
    day.delete()
