"""Task reporting counts in the burden meter."""

import datetime as dt
from decimal import Decimal

from luoshi.ledgers.burden import burden_for
from luoshi.tasks import services


def test_a_weekly_task_adds_its_reports_to_the_units_burden(tree, source):
    sup = tree.user("province", "supervisor")
    weekly = services.task_create(
        actor=sup, source=source, title="每周调度", cadence="weekly", target_value=100
    )
    services.task_assign(actor=sup, task=weekly, units=[tree.city, tree.baoding])
    quiet = services.task_create(actor=sup, source=source, title="不定期", cadence="none")
    services.task_assign(actor=sup, task=quiet, units=[tree.city])
    staged = services.task_create(
        actor=sup,
        source=source,
        title="节点任务",
        cadence="milestones",
        milestones=[
            (dt.date(2026, 12, 10), "一", 30),
            (dt.date(2026, 12, 20), "二", 60),
            (dt.date(2027, 1, 5), "三", 90),
        ],
    )
    services.task_assign(actor=sup, task=staged, units=[tree.city])
    burden = burden_for([tree.city.pk, tree.county.pk], dt.date(2026, 12, 1))
    city = burden[tree.city.pk]
    assert city.reports == Decimal("6.33")  # weekly (4.33) + two milestones in December
    assert city.fields == Decimal("16.99")  # 3 fields × 4.33 + 2 fields × 2
    assert "不定期" not in city.sources
    assert tree.county.pk not in burden or burden[tree.county.pk].reports == 0
