import datetime as dt

import pytest
import time_machine

from luoshi.indicators import services as indicator_services
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Assignment, AssignmentStatus, Light

TODAY = dt.date(2026, 7, 1)


@pytest.fixture
def today():
    with time_machine.travel(
        dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        yield TODAY


@pytest.fixture
def work(tree, today):
    """Tasks and figures in mid-2026 with one city that passes 双过半 and one that fails.

    石家庄市: task A (decomposed to 长安区) and task B (completed in May); 贫困人口脱贫 600 of 1000.
    保定市: task A, red light; 200 of 1000.
    """
    sup = tree.user("province", "supervisor")
    start = dt.date(2026, 3, 2)
    source = task_services.source_create(
        actor=sup, issuer=tree.province, title="全省重点工作推进会", date=start
    )
    a = task_services.task_create(
        actor=sup, source=source, title="老旧小区改造", deadline=dt.date(2026, 12, 31)
    )
    b = task_services.task_create(
        actor=sup, source=source, title="城市更新项目开工", deadline=dt.date(2026, 12, 31)
    )
    a_city, a_baoding = task_services.task_assign(
        actor=sup, task=a, units=[tree.city, tree.baoding], today=start
    )
    (b_city,) = task_services.task_assign(actor=sup, task=b, units=[tree.city], today=start)
    task_services.task_decompose(
        actor=tree.user("city", "supervisor"),
        assignment=a_city,
        title="长安区老旧小区改造",
        units=[tree.county],
        deadline=dt.date(2026, 11, 30),
        today=start,
    )
    Assignment.objects.filter(pk=b_city.pk).update(
        status=AssignmentStatus.COMPLETED,
        completed_at=dt.datetime(2026, 5, 10, 9, tzinfo=dt.UTC),
        progress=100,
    )
    Assignment.objects.filter(status=AssignmentStatus.ACTIVE).update(light=Light.GREEN, light_date=today)
    Assignment.objects.filter(pk=a_baoding.pk).update(light=Light.RED, light_reason="进度滞后")
    poverty = indicator_services.indicator_create(
        actor=sup, owner=tree.province, name="贫困人口脱贫", measure_unit="人"
    )
    for unit in (tree.city, tree.baoding):
        indicator_services.target_set(actor=sup, indicator=poverty, unit=unit, year=2026, value=1000)
    indicator_services.actual_submit(
        actor=sup, indicator=poverty, unit=tree.county, year=2026, period=3, value=600
    )
    indicator_services.actual_submit(
        actor=sup, indicator=poverty, unit=tree.baoding, year=2026, period=4, value=200
    )
    return {"source": source, "poverty": poverty, "a_baoding": a_baoding, "b_city": b_city}
