"""Reminders and escalations with an injected clock across the 2026 Mid-Autumn and National Day
holidays (Sep 25 and Oct 1–7 off; Sep 20 and Oct 10 worked): they fire on the right working
days, never on a holiday, and never twice."""

import datetime as dt

import pytest

from luoshi.core.calendar import work_calendar
from luoshi.core.models import State
from luoshi.supervision import reminders, sweeps
from luoshi.supervision.models import Alert, AlertKind, Liaison
from luoshi.supervision.services import liaison_add
from luoshi.tasks import services as task_services

from .conftest import at


def days(start: dt.date, end: dt.date):
    d = start
    while d <= end:
        yield d
        d += dt.timedelta(days=1)


@pytest.fixture
def cal(db):
    return work_calendar()


def test_a_reminder_three_working_days_before_skips_the_national_day_holiday(cal):
    # Thu Oct 8: working days in (Sep 28, Oct 8] are Sep 29, Sep 30, Oct 8.
    assert reminders.reminder_day(dt.date(2026, 10, 8), 3, cal) == dt.date(2026, 9, 28)
    assert reminders.reminder_day(dt.date(2026, 10, 8), 0, cal) == dt.date(2026, 10, 8)


def test_a_deadline_on_a_holiday_is_reminded_on_the_last_working_day_before_it(cal):
    # Sun Oct 4 lies in the holiday: "on the day" is Wed Sep 30; three before skips Sep 25-27.
    assert reminders.reminder_day(dt.date(2026, 10, 4), 0, cal) == dt.date(2026, 9, 30)
    assert reminders.reminder_day(dt.date(2026, 10, 4), 3, cal) == dt.date(2026, 9, 24)


def test_no_reminder_is_due_on_a_holiday(cal):
    assert reminders.dates_reminded_on(dt.date(2026, 10, 3), [3, 0], cal) == set()
    assert dt.date(2026, 10, 8) in reminders.dates_reminded_on(dt.date(2026, 9, 28), [3, 0], cal)


def test_back_off_doubles_up_to_a_cap():
    assert [reminders.backoff(n, 60) for n in (1, 2, 3)] == [60, 120, 240]
    assert reminders.backoff(30, 60) == 6 * 3600


def test_reminders_fire_on_the_right_working_days_and_never_twice(tree, source, settings):
    settings.LUOSHI_REMINDER_LEADS = [3, 0]
    supervisor = tree.user("province", "supervisor")
    thursday = task_services.task_create(
        actor=supervisor, source=source, title="国庆后第一天交账", deadline=dt.date(2026, 10, 8)
    )
    sunday = task_services.task_create(
        actor=supervisor, source=source, title="假期中到期", deadline=dt.date(2026, 10, 4)
    )
    task_services.task_assign(actor=supervisor, task=thursday, units=[tree.city], today=dt.date(2026, 9, 14))
    task_services.task_assign(actor=supervisor, task=sunday, units=[tree.baoding], today=dt.date(2026, 9, 14))
    for day in days(dt.date(2026, 9, 20), dt.date(2026, 10, 12)):
        for hour in (9, 15):  # the worker runs the sweep more than once a day
            sweeps.reminders_sweep(at(day, hour))
    fired = sorted(
        (a.unit.name, a.key_date, a.created_at.date())
        for a in Alert.objects.filter(kind=AlertKind.DEADLINE).select_related("unit")
    )
    assert fired == [
        ("保定市", dt.date(2026, 9, 24), dt.date(2026, 9, 24)),
        ("保定市", dt.date(2026, 9, 30), dt.date(2026, 9, 30)),
        ("石家庄市", dt.date(2026, 9, 28), dt.date(2026, 9, 28)),
        ("石家庄市", dt.date(2026, 10, 8), dt.date(2026, 10, 8)),
    ]
    # A second worker, or one that lost its bookkeeping, tells no one again.
    State.objects.filter(key=sweeps.REMINDERS_KEY).delete()
    for day in (dt.date(2026, 9, 28), dt.date(2026, 10, 8)):
        sweeps.reminders_sweep(at(day))
    assert Alert.objects.filter(kind=AlertKind.DEADLINE).count() == 4


def test_a_day_the_worker_missed_is_caught_up_while_the_deadline_lies_ahead(tree, source, settings):
    settings.LUOSHI_REMINDER_LEADS = [3, 0]
    supervisor = tree.user("province", "supervisor")
    task = task_services.task_create(
        actor=supervisor, source=source, title="补发", deadline=dt.date(2026, 10, 8)
    )
    task_services.task_assign(actor=supervisor, task=task, units=[tree.city], today=dt.date(2026, 9, 14))
    sweeps.reminders_sweep(at(dt.date(2026, 9, 24)))
    sweeps.reminders_sweep(at(dt.date(2026, 9, 29)))  # the worker was down on Mon Sep 28
    (alert,) = Alert.objects.filter(kind=AlertKind.DEADLINE)
    assert alert.key_date == dt.date(2026, 9, 28) and alert.created_at.date() == dt.date(2026, 9, 29)


def test_a_finished_or_cancelled_assignment_gets_no_reminder(tree, source):
    supervisor = tree.user("province", "supervisor")
    task = task_services.task_create(
        actor=supervisor, source=source, title="已取消", deadline=dt.date(2026, 10, 8)
    )
    task_services.task_assign(actor=supervisor, task=task, units=[tree.city], today=dt.date(2026, 9, 14))
    task_services.task_cancel(actor=supervisor, task=task, reason="调整")
    sweeps.reminders_sweep(at(dt.date(2026, 9, 28)))
    assert not Alert.objects.exists()


def test_a_milestone_is_reminded_only_while_progress_is_short_of_it(tree, source, settings):
    settings.LUOSHI_REMINDER_LEADS = [0]
    supervisor = tree.user("province", "supervisor")
    task = task_services.task_create(
        actor=supervisor,
        source=source,
        title="有节点的任务",
        deadline=dt.date(2026, 12, 31),
        milestones=[(dt.date(2026, 10, 9), "完成过半", 50)],
    )
    task_services.task_assign(
        actor=supervisor, task=task, units=[tree.city, tree.baoding], today=dt.date(2026, 9, 14)
    )
    task.assignments.filter(unit=tree.baoding).update(progress=60)
    sweeps.reminders_sweep(at(dt.date(2026, 10, 9)))
    (alert,) = Alert.objects.filter(kind=AlertKind.MILESTONE)
    assert alert.unit == tree.city and "完成过半" in alert.title


def test_escalation_after_two_missed_cycles_reaches_the_parent_unit_and_the_liaison_leader(
    tree, source, settings
):
    settings.LUOSHI_ESCALATE_AFTER = 2
    province = tree.user("province", "supervisor")
    liaison_add(actor=tree.user("city", "admin"), leader=tree.user("city", "leader"), unit=tree.county)
    task = task_services.task_create(
        actor=province, source=source, title="每周报送", deadline=dt.date(2026, 12, 31), cadence="weekly"
    )
    (city_a,) = task_services.task_assign(
        actor=province, task=task, units=[tree.city], today=dt.date(2026, 9, 14)
    )
    sub = task_services.task_decompose(
        actor=tree.user("city", "supervisor"),
        assignment=city_a,
        title="长安区每周报送",
        units=[tree.county],
        deadline=dt.date(2026, 12, 31),
        cadence="weekly",
        today=dt.date(2026, 9, 14),
    )
    county_a = sub.assignments.get()
    for day in days(dt.date(2026, 9, 15), dt.date(2026, 10, 12)):
        sweeps.missed_sweep(at(day, 9))
        sweeps.missed_sweep(at(day, 16))
    missed = sorted(
        (a.key_date, a.created_at.date())
        for a in Alert.objects.filter(kind=AlertKind.MISSED, assignment=county_a)
    )
    # Fridays due; told on the next working day (Sun Sep 20 and Sat Oct 10 were worked).
    assert missed == [
        (dt.date(2026, 9, 18), dt.date(2026, 9, 20)),
        (dt.date(2026, 9, 25), dt.date(2026, 9, 28)),
        (dt.date(2026, 10, 2), dt.date(2026, 10, 8)),
        (dt.date(2026, 10, 9), dt.date(2026, 10, 10)),
    ]
    escalations = Alert.objects.filter(kind=AlertKind.ESCALATION, assignment=county_a, user__isnull=True)
    assert {a.unit for a in escalations} == {tree.city}
    assert sorted(a.key_date for a in escalations) == [
        dt.date(2026, 9, 25),
        dt.date(2026, 10, 2),
        dt.date(2026, 10, 9),
    ]
    assert not Alert.objects.filter(kind=AlertKind.ESCALATION, key_date=dt.date(2026, 9, 18)).exists()
    copies = Alert.objects.filter(kind=AlertKind.ESCALATION, user=tree.user("city", "leader"))
    assert copies.count() == 3
    assert Liaison.objects.count() == 1
    # Nothing is told on a holiday.
    assert not Alert.objects.filter(
        created_at__date__range=(dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    ).exists()


def test_a_unit_that_reports_is_not_told_it_missed(tree, source, time_machine):
    from luoshi.reports.services import report_submit

    province = tree.user("province", "supervisor")
    task = task_services.task_create(
        actor=province, source=source, title="每周报送", deadline=dt.date(2026, 12, 31), cadence="weekly"
    )
    (city_a,) = task_services.task_assign(
        actor=province, task=task, units=[tree.city], today=dt.date(2026, 9, 14)
    )
    time_machine.move_to(at(dt.date(2026, 9, 17)), tick=False)
    report_submit(actor=tree.user("city", "reporter"), assignment=city_a, text="本周进展", percent=10)
    sweeps.missed_sweep(at(dt.date(2026, 9, 21)))
    assert not Alert.objects.exists()
    sweeps.missed_sweep(at(dt.date(2026, 9, 28)))
    assert Alert.objects.filter(kind=AlertKind.MISSED).count() == 1
    assert not Alert.objects.filter(kind=AlertKind.ESCALATION).exists()


def test_the_daily_run_recomputes_lights_once_a_day(tree, chain):
    from luoshi.tasks.services import SWEEP_STATE_KEY

    result = sweeps.run_daily(at(dt.date(2026, 7, 2)))
    assert set(result) == {"lights", "reminders", "missed", "notices"} and -1 not in result.values()
    assert State.get(SWEEP_STATE_KEY) == "2026-07-02"
    chain["county"].refresh_from_db()
    assert chain["county"].light == "red"
    assert sweeps.lights_sweep(at(dt.date(2026, 7, 2), 15)) == 0
