"""Fixtures for inspection tests: a checklist sent to 石家庄市's counties, a spot-check draw
organized by 石家庄市 with a 桥西区 inspector checking 长安区, and helpers to finish a
rectification task."""

from __future__ import annotations

import datetime as dt

import pytest

TODAY = dt.date(2026, 9, 1)


@pytest.fixture
def checklist(tree):
    from luoshi.inspections import services

    return services.checklist_create(
        actor=tree.user("city", "supervisor"),
        owner=tree.city,
        title="八支队伍建设情况自查",
        items=[
            {"text": "建立工作台账", "standard": "台账齐全、按月更新", "kind": "pass"},
            {"text": "队伍人员到位", "standard": "人员到位率100%", "kind": "score", "max_score": 10},
        ],
    )


@pytest.fixture
def sent(tree, checklist):
    from luoshi.inspections import services

    checks = services.checklist_send(
        actor=tree.user("city", "supervisor"),
        checklist=checklist,
        units=[tree.county, tree.sibling],
        deadline=dt.date(2026, 9, 30),
        today=TODAY,
    )
    return {sc.unit.code: sc for sc in checks}


@pytest.fixture
def spot(tree, checklist):
    """石家庄市 draws both counties; the pool holds a 长安区 and a 桥西区 supervisor, so each
    county is checked by the other (cross-check)."""
    from luoshi.inspections import services

    return services.draw_create(
        actor=tree.user("city", "supervisor"),
        owner=tree.city,
        title="2026年第三季度双随机抽查",
        date=TODAY,
        levels=["county"],
        share="1",
        inspectors=[tree.user("county", "supervisor"), tree.user("sibling", "supervisor")],
        inspectors_per_unit=1,
        checklist=checklist,
        seed="fixed-seed",
    )


@pytest.fixture
def finding(tree):
    """An audit finding issued by 石家庄市 to 长安区."""
    from luoshi.inspections import services

    return services.finding_create(
        actor=tree.user("city", "supervisor"),
        issuer=tree.city,
        unit=tree.county,
        source_kind="audit",
        source_ref="2026年市审计局专项审计",
        description="专项资金拨付滞后",
        category="资金拨付滞后",
        severity="serious",
        measures="一月内完成拨付",
        deadline=dt.date(2026, 10, 31),
        found_on=TODAY,
        today=TODAY,
    )


def finish_rectification(tree, finding, *, accept: bool = True):
    """The county reports completion on the rectification assignment; the city accepts it."""
    from luoshi.reports.services import report_review, report_submit

    report, _created = report_submit(
        actor=tree.user("county", "reporter"),
        assignment=finding.assignment,
        text="资金已全部拨付到位，附拨付凭证",
        percent=100,
        is_completion=True,
    )
    if accept:
        report_review(actor=tree.user("city", "supervisor"), report=report, decision="accept")
    finding.refresh_from_db()
    return report
