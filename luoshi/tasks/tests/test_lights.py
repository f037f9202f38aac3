"""The warning light as a pure function, and as the injected clock moves past milestones."""

import datetime as dt

import time_machine

from luoshi.tasks import lights, services
from luoshi.tasks.lights import LightInput, Thresholds

D = dt.date


def test_a_task_on_schedule_is_green():
    result = lights.light(
        LightInput(start=D(2026, 3, 1), deadline=D(2026, 6, 29), progress=30), D(2026, 4, 1)
    )
    assert result.light == "green" and result.reasons == ()


def test_lagging_behind_time_turns_yellow_then_red_with_the_gap_in_words():
    inputs = LightInput(start=D(2026, 3, 1), deadline=D(2026, 5, 10), progress=25)  # 70 days
    yellow = lights.light(inputs, D(2026, 3, 29))  # 40% of the time
    assert yellow.light == "yellow" and yellow.reason == "进度落后时间进度15个百分点"
    red = lights.light(inputs, D(2026, 4, 12))  # 60%
    assert red.light == "red" and "35个百分点" in red.reason


def test_an_overdue_task_is_red_with_the_days():
    result = lights.light(LightInput(start=D(2026, 1, 1), deadline=D(2026, 3, 1), progress=90), D(2026, 3, 4))
    assert result.light == "red" and result.overdue_days == 3 and result.reasons[0] == "超期3天"


def test_a_completed_task_is_green_whatever_the_date():
    inputs = LightInput(start=D(2026, 1, 1), deadline=D(2026, 3, 1), progress=100, completed=True)
    assert lights.light(inputs, D(2026, 9, 1)).light == "green"


def test_near_the_deadline_an_unfinished_task_is_yellow():
    result = lights.light(
        LightInput(start=D(2026, 1, 1), deadline=D(2026, 3, 10), progress=95), D(2026, 3, 8)
    )
    assert result.light == "yellow" and "距截止还有2天" in result.reason


def test_missed_reporting_cycles_count_consecutively():
    inputs = LightInput(
        start=D(2026, 3, 2),
        deadline=D(2026, 12, 31),
        progress=50,
        cadence="weekly",
        report_dates=(D(2026, 3, 5),),
    )
    assert lights.light(inputs, D(2026, 3, 7)).light == "green"  # reported in the first week
    one = lights.light(inputs, D(2026, 3, 14))  # Friday 03-13 passed without a report
    assert one.light == "yellow" and one.missed_cycles == 1
    two = lights.light(inputs, D(2026, 3, 21))
    assert two.light == "red" and "连续2期未报送" in two.reason
    caught_up = LightInput(
        start=D(2026, 3, 2),
        deadline=D(2026, 12, 31),
        progress=50,
        cadence="weekly",
        report_dates=(D(2026, 3, 5), D(2026, 3, 21)),
    )
    assert lights.light(caught_up, D(2026, 3, 21)).missed_cycles == 0  # a late report catches up


def test_monthly_and_half_monthly_due_dates():
    assert lights.due_dates("monthly", D(2026, 1, 10), D(2026, 4, 1)) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
    ]
    assert lights.due_dates("half_monthly", D(2026, 2, 1), D(2026, 3, 1)) == [D(2026, 2, 15), D(2026, 2, 28)]


def test_thresholds_are_configurable():
    inputs = LightInput(start=D(2026, 3, 1), deadline=D(2026, 5, 10), progress=25)
    assert lights.light(inputs, D(2026, 3, 29), Thresholds(yellow_lag=20)).light == "green"


def test_the_light_changes_as_the_clock_passes_milestones(tree, source):
    sup = tree.user("province", "supervisor")
    task = services.task_create(
        actor=sup,
        source=source,
        title="节点任务",
        deadline=D(2026, 12, 31),
        milestones=[(D(2026, 4, 30), "完成方案", 20), (D(2026, 6, 30), "过半", 60)],
    )
    (a,) = services.task_assign(actor=sup, task=task, units=[tree.city], today=D(2026, 3, 2))
    from luoshi.reports.services import report_submit

    with time_machine.travel(dt.datetime(2026, 4, 20, 10, tzinfo=dt.UTC)):
        report_submit(actor=tree.user("city", "reporter"), assignment=a, text="方案已定", percent=25)
    a.refresh_from_db()
    assert services.assignment_light(a, D(2026, 5, 1)).light == "green"
    after = services.assignment_light(a, D(2026, 7, 1))
    assert after.light == "red" and "过半" in after.reason
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)):
        services.lights_refresh()
    a.refresh_from_db()
    assert a.light == "red" and "过半" in a.light_reason and a.light_date == D(2026, 7, 1)
