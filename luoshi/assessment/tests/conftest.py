"""A city's county assessment over a quarter, with data made at fixed times.

石家庄市 assigns two tasks to 长安区 (county) and 桥西区 (sibling), due 30 April and 31 May:

- 长安区 completes task one on 20 April (accepted on 21 April, on time) and reports task two
  monthly; its 31 March report on task two is returned.
- 桥西区 reports task one late and completes it on 10 May (late); task two stays open.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from luoshi.assessment import services

TZ = ZoneInfo("Asia/Shanghai")
START, END = dt.date(2026, 3, 1), dt.date(2026, 6, 30)


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=TZ), tick=False)


def report(user, assignment, day, percent, *, completion=False):
    from luoshi.reports.services import report_submit

    with at(day):
        return report_submit(
            actor=user, assignment=assignment, text="进展", percent=percent, is_completion=completion
        )[0]


def review(user, rep, day, decision="accept", reason=""):
    from luoshi.reports.services import report_review

    with at(day, 15):
        return report_review(actor=user, report=rep, decision=decision, reason=reason)


@pytest.fixture
def work(tree):
    from luoshi.tasks import services as task_services

    boss = tree.user("city", "supervisor")
    with at(dt.date(2026, 3, 2), 9):
        source = task_services.source_create(
            actor=boss, issuer=tree.city, title="市重点工作推进会", date=dt.date(2026, 3, 2)
        )
        one = task_services.task_create(
            actor=boss, source=source, title="任务一", deadline=dt.date(2026, 4, 30), cadence="monthly"
        )
        two = task_services.task_create(
            actor=boss, source=source, title="任务二", deadline=dt.date(2026, 5, 31), cadence="monthly"
        )
        c1, s1 = task_services.task_assign(
            actor=boss, task=one, units=[tree.county, tree.sibling], today=dt.date(2026, 3, 2)
        )
        c2, s2 = task_services.task_assign(
            actor=boss, task=two, units=[tree.county, tree.sibling], today=dt.date(2026, 3, 2)
        )
    county, sibling = tree.user("county", "reporter"), tree.user("sibling", "reporter")
    review(boss, report(county, c1, dt.date(2026, 4, 20), 100, completion=True), dt.date(2026, 4, 21))
    review(boss, report(county, c2, dt.date(2026, 3, 31), 20), dt.date(2026, 4, 1), "return", "数据不实")
    review(boss, report(county, c2, dt.date(2026, 4, 30), 60), dt.date(2026, 5, 1))
    review(boss, report(county, c2, dt.date(2026, 5, 29), 90), dt.date(2026, 5, 30))
    review(boss, report(sibling, s1, dt.date(2026, 4, 2), 50), dt.date(2026, 4, 3))
    review(boss, report(sibling, s1, dt.date(2026, 5, 10), 100, completion=True), dt.date(2026, 5, 10))
    return {"c1": c1, "c2": c2, "s1": s1, "s2": s2, "boss": boss}


@pytest.fixture
def scheme(tree):
    return services.scheme_create(
        actor=tree.user("city", "supervisor"),
        owner=tree.city,
        name="县（市、区）重点工作考核",
        period_label="2026年二季度",
        period_start=START,
        period_end=END,
        level="county",
        bottom_n=1,
    )


def add(scheme, user, kind, weight, **kw):
    defaults = {"floor": 0, "target": 100} if kind != "return_rate" else {"floor": 50, "target": 0}
    if kw.get("normalization") == "rank":
        defaults = {}
    return services.criterion_add(actor=user, scheme=scheme, kind=kind, weight=weight, **{**defaults, **kw})
