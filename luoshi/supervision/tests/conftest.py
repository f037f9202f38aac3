import datetime as dt

import pytest

TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """A moment on ``day`` in Beijing time (the site's time zone)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


@pytest.fixture
def lagging(tree, source):
    """A province task assigned to the city (lagging: no progress), decomposed to the county."""
    from luoshi.tasks import services as task_services

    task = task_services.task_create(
        actor=tree.user("province", "supervisor"),
        source=source,
        title="推进城市更新重点项目",
        deadline=dt.date(2026, 6, 30),
        cadence="monthly",
    )
    (city_a,) = task_services.task_assign(
        actor=tree.user("province", "supervisor"), task=task, units=[tree.city], today=dt.date(2026, 3, 2)
    )
    county_task = task_services.task_decompose(
        actor=tree.user("city", "supervisor"),
        assignment=city_a,
        title="长安区城市更新项目",
        units=[tree.county],
        deadline=dt.date(2026, 6, 20),
        today=dt.date(2026, 3, 2),
    )
    return {"task": task, "city": city_a, "county": county_task.assignments.get(), "county_task": county_task}
