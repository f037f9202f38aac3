"""The inspections of the demo: 石家庄市 sends a self-inspection checklist to its counties,
makes a seeded spot check (双随机) of them, and tracks two problems: one found in 长安区's
self-inspection, rectified, verified and closed (销号); one found by the spot check, open.

Runs after the demo accounts exist (it acts as sjz-supervisor, changan-reporter…).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from luoshi.accounts.models import User
from luoshi.core import clock
from luoshi.units.models import Kind, Level, Unit

from . import services
from .models import Checklist

TITLE = "八支队伍、七套信息化系统建设情况自查清单（示例）"
SEED = "2026-sjz-q3"
ITEMS = [
    {
        "text": "八支队伍组建到位",
        "standard": "队伍组建文件齐全，人员全部到岗",
        "kind": "score",
        "max_score": 20,
    },
    {"text": "七套信息化系统上线运行", "standard": "系统已上线并正常使用", "kind": "pass"},
    {"text": "建立问题整改台账", "standard": "台账齐全、按月更新、销号有据", "kind": "pass"},
    {"text": "数据按时报送", "standard": "每月5日前报送上月数据", "kind": "score", "max_score": 10},
]


@transaction.atomic
def load() -> bool:
    """Returns False when the demo checklist exists already (or the demo accounts do not)."""
    if Checklist.objects.filter(title=TITLE).exists():
        return False
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["sjz-supervisor", "changan-supervisor", "changan-reporter"]
        )
    }
    if len(users) < 3:
        return False
    sjz = Unit.objects.get(code="130100000000")
    changan = Unit.objects.get(code="130102000000")
    boss, reporter = users["sjz-supervisor"], users["changan-reporter"]
    today = clock.today()
    sent_on = today - dt.timedelta(days=40)
    counties = list(
        Unit.objects.filter(
            parent=sjz, level=Level.COUNTY, kind=Kind.DIVISION, retired_at__isnull=True
        ).order_by("code")
    )
    checklist = services.checklist_create(
        actor=boss,
        owner=sjz,
        title=TITLE,
        description="对八支队伍、七套信息化系统建设情况进行全面自查，逐项填报并提供佐证材料。",
        items=ITEMS,
    )
    self_checks = services.checklist_send(
        actor=boss,
        checklist=checklist,
        units=counties,
        deadline=sent_on + dt.timedelta(days=15),
        today=sent_on,
    )
    own = next(sc for sc in self_checks if sc.unit_id == changan.pk)
    items = list(checklist.items.all())
    services.selfcheck_answer(
        actor=reporter,
        self_check=own,
        answers=[
            {
                "item": items[0].pk,
                "score": 18,
                "evidence": "长办字〔2026〕12号组建文件；花名册",
                "note": "缺2人，正在招录",
            },
            {"item": items[1].pk, "passed": True, "evidence": "系统运行截图、使用记录"},
            {
                "item": items[2].pk,
                "passed": False,
                "evidence": "现有台账未按月更新",
                "note": "8月、9月未更新",
            },
            {"item": items[3].pk, "score": 10, "evidence": "报送记录"},
        ],
    )
    services.selfcheck_submit(actor=reporter, self_check=own)

    # A problem from the self-inspection, rectified and closed.
    closed = services.finding_create(
        actor=boss,
        self_check=own,
        item=items[2],
        description="问题整改台账未按月更新，8月、9月台账缺失",
        severity="general",
        measures="补齐8月、9月台账，明确专人每月5日前更新",
        deadline=today + dt.timedelta(days=5),
        found_on=sent_on + dt.timedelta(days=16),
        today=sent_on + dt.timedelta(days=16),
    )
    from luoshi.reports.services import report_review, report_submit

    report, _created = report_submit(
        actor=reporter,
        assignment=closed.assignment,
        text="已补齐8月、9月台账并明确专人负责，附台账扫描件",
        percent=100,
        is_completion=True,
    )
    report_review(actor=boss, report=report, decision="accept")
    closed.refresh_from_db()
    services.finding_close(actor=boss, finding=closed, note="经查阅台账原件，整改到位，同意销号")

    # A seeded spot check of the counties, and an open problem it found.
    drawn = services.draw_create(
        actor=boss,
        owner=sjz,
        title="2026年第三季度八支队伍建设情况双随机抽查（示例）",
        date=today - dt.timedelta(days=10),
        levels=[Level.COUNTY],
        share="0.3",
        exclude_months=12,
        inspectors=[boss, users["changan-supervisor"]],
        inspectors_per_unit=1,
        checklist=checklist,
        seed=SEED,
    )
    inspection = drawn.inspections.order_by("unit__code").first()
    if inspection is not None:
        services.finding_create(
            actor=boss,
            inspection=inspection,
            item=items[0],
            description="八支队伍中应急处置队伍人员未全部到岗",
            severity="serious",
            measures="一个月内完成人员调配并报送到岗名单",
            deadline=today + dt.timedelta(days=20),
            found_on=today - dt.timedelta(days=9),
            today=today - dt.timedelta(days=9),
        )
    return True
