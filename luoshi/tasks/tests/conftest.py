import datetime as dt

import pytest

from luoshi.tasks import services

MEETING_DAY = dt.date(2026, 3, 2)


@pytest.fixture
def source(tree):
    return services.source_create(
        actor=tree.user("province", "supervisor"),
        issuer=tree.province,
        title="全省重点工作推进会",
        date=MEETING_DAY,
        sub_venues=[tree.city, tree.baoding, tree.dingzhou, tree.xiongan],
    )


@pytest.fixture
def chain(tree, source):
    """A task assigned province → city, decomposed city → county → township."""
    task = services.task_create(
        actor=tree.user("province", "supervisor"),
        source=source,
        title="完成老旧小区改造",
        deadline=dt.date(2026, 6, 30),
        cadence="monthly",
    )
    (city_a,) = services.task_assign(
        actor=tree.user("province", "supervisor"), task=task, units=[tree.city], today=MEETING_DAY
    )
    county_task = services.task_decompose(
        actor=tree.user("city", "supervisor"),
        assignment=city_a,
        title="长安区老旧小区改造",
        units=[tree.county],
        deadline=dt.date(2026, 6, 20),
        today=MEETING_DAY,
    )
    county_a = county_task.assignments.get()
    township_task = services.task_decompose(
        actor=tree.user("county", "supervisor"),
        assignment=county_a,
        title="建北街道老旧小区改造",
        units=[tree.township],
        deadline=dt.date(2026, 6, 10),
        today=MEETING_DAY,
    )
    township_a = township_task.assignments.get()
    return {"task": task, "city": city_a, "county": county_a, "township": township_a}
