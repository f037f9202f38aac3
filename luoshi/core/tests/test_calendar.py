"""Working days: the packaged calendar, administrators' entries, and years nobody entered yet."""

import datetime as dt

import pytest
from django.urls import reverse

from luoshi.core.calendar import calendar_days_set, work_calendar
from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.core.workdays import WorkCalendar, add_working_days, assumed_years, working_days_between

D = dt.date


def test_five_working_days_from_2026_09_29_is_2026_10_12(db):
    assert add_working_days(D(2026, 9, 29), 5, work_calendar()) == D(2026, 10, 12)


def test_an_adjusted_saturday_counts_as_a_working_day(db):
    calendar = work_calendar()
    assert calendar.is_workday(D(2026, 10, 10)) and not calendar.is_workday(D(2026, 10, 5))


def test_a_year_beyond_the_known_calendar_never_crashes(db):
    calendar = work_calendar()
    assert add_working_days(D(2027, 12, 30), 3, calendar) == D(2028, 1, 4)
    assert assumed_years(D(2026, 12, 1), D(2027, 1, 5), calendar) == [2027]


def test_an_administrator_enters_next_years_holidays(tree):
    admin = tree.user("province", "admin")
    calendar_days_set(actor=admin, start=D(2027, 1, 1), end=D(2027, 1, 3), kind="holiday", name="元旦")
    calendar_days_set(actor=admin, start=D(2027, 1, 9), end=D(2027, 1, 9), kind="workday", name="元旦调休")
    calendar = work_calendar()
    assert 2027 in calendar.known_years
    assert not calendar.is_workday(D(2027, 1, 1)) and calendar.is_workday(D(2027, 1, 9))
    # From Thursday 2026-12-31: 01-01..03 off, Saturday 01-09 worked.
    assert add_working_days(D(2026, 12, 31), 5, calendar) == D(2027, 1, 8)
    assert add_working_days(D(2026, 12, 31), 6, calendar) == D(2027, 1, 9)


def test_only_administrators_enter_calendar_days(tree):
    with pytest.raises(Forbidden):
        calendar_days_set(
            actor=tree.user("province", "supervisor"), start=D(2027, 1, 1), end=D(2027, 1, 1), kind="holiday"
        )


def test_bad_ranges_are_refused(tree):
    admin = tree.user("province", "admin")
    with pytest.raises(DomainError):
        calendar_days_set(actor=admin, start=D(2027, 1, 5), end=D(2027, 1, 1), kind="holiday")
    with pytest.raises(DomainError):
        calendar_days_set(actor=admin, start=D(2027, 1, 1), end=D(2027, 3, 1), kind="holiday")


def test_working_days_between_counts_both_ways():
    calendar = WorkCalendar()
    assert working_days_between(D(2026, 11, 20), D(2026, 11, 27), calendar) == 5
    assert working_days_between(D(2026, 11, 27), D(2026, 11, 20), calendar) == -5


def test_the_calendar_page_for_administrators_only(tree, login):
    admin = login(tree.user("province", "admin"))
    page = admin.get(reverse("calendar"))
    assert page.status_code == 200 and "工作日历" in page.content.decode()
    admin.post(
        reverse("calendar"), {"start": "2027-02-06", "end": "2027-02-12", "kind": "holiday", "name": "春节"}
    )
    assert not work_calendar().is_workday(D(2027, 2, 8))
    assert login(tree.user("province", "supervisor")).get(reverse("calendar")).status_code == 403
