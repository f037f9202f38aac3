"""The demo assessment: Hebei's cities (with 定州 and 辛集, "各市（含定州、辛集市）") assessed by
the province over the year so far, computed from the demo tasks, reports and indicators and
published once. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from luoshi.core import clock
from luoshi.indicators.models import Indicator
from luoshi.units.models import Unit

from . import services
from .models import Scheme

NAME = "各市重点工作目标考核"
INDICATORS = ("贫困人口脱贫", "PM2.5平均浓度", "城市更新重点项目", "固定资产投资")


@transaction.atomic
def load(today: dt.date | None = None) -> int:
    """Create, compute and publish the demo scheme once; returns 1 when it was created."""
    province = Unit.objects.filter(code="130000000000").first()
    if province is None or Scheme.objects.filter(owner=province, name=NAME).exists():
        return 0
    today = today or clock.today()
    scheme = services.scheme_create(
        actor=None,
        owner=province,
        name=NAME,
        period_label=f"{today.year}年",
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
        level="city",
        direct_placement="cities",
        bottom_n=3,
        ranks_public=True,
    )

    def add(kind, weight, floor, target, label="", params=None):
        services.criterion_add(
            actor=None,
            scheme=scheme,
            kind=kind,
            weight=weight,
            floor=floor,
            target=target,
            label=label,
            params=params,
        )

    add("on_time_rate", 30, 0, 100, "按期完成率")
    add("completion_rate", 20, 0, 100, "完成率")
    indicators = list(
        Indicator.objects.filter(owner=province, name__in=INDICATORS).values_list("pk", flat=True)
    )
    if indicators:
        add(
            "indicator_attainment",
            40,
            50,
            100,
            "重点指标完成率",
            {"indicators": [{"id": pk, "weight": 1} for pk in indicators]},
        )
    add("return_rate", 10, 30, 0, "退回率")
    run = services.run_compute(actor=None, scheme=scheme, as_of=today)
    services.run_publish(actor=None, run=run, note="首次发布")
    return 1
