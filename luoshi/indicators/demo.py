"""Demo indicators from the seed reports, with targets and figures for Hebei's cities and counties.

贫困人口脱贫 (人, 3.4万 for the year), PM2.5平均浓度 (μg/m³, 下降3%), 城市更新重点项目 (项, 42),
固定资产投资 (亿元). Figures are made up but stable (derived from each unit's code), through last
month, and some counties "have not reported" so the dashboard shows gaps. Idempotent.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from luoshi.core import clock
from luoshi.units.models import Kind, Level, Unit

from . import services
from .models import Indicator


def _r(key: str) -> float:
    """A stable number in [0, 1) for ``key``."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 2**32


@transaction.atomic
def load() -> int:
    """Create the demo indicators once; returns how many were created."""
    province = Unit.objects.filter(code="130000000000").first()
    if province is None or Indicator.objects.filter(owner=province, name="贫困人口脱贫").exists():
        return 0
    today = clock.today()
    year = today.year
    months = list(range(1, max(1, today.month - 1) + 1))
    regions = list(
        Unit.objects.filter(parent=province, kind=Kind.DIVISION, retired_at__isnull=True).order_by("code")
    )
    counties = list(
        Unit.objects.filter(level=Level.COUNTY, kind=Kind.DIVISION, retired_at__isnull=True).order_by("code")
    )
    counties_of = {r.pk: [c for c in counties if c.path.startswith(r.path + "/")] for r in regions}

    def make(**kw) -> Indicator:
        return services.indicator_create(actor=None, owner=province, **kw)

    poverty = make(
        name="贫困人口脱贫", measure_unit="人", description="确保上半年剩余3.4万贫困人口稳定达到脱贫条件"
    )
    pm25 = make(
        name="PM2.5平均浓度",
        measure_unit="μg/m³",
        direction="down",
        aggregation="mean",
        accumulation="mean",
        description="PM2.5平均浓度下降3%左右",
    )
    renewal = make(
        name="城市更新重点项目",
        measure_unit="项",
        period_type="year",
        accumulation="latest",
        description="42个城市更新重点项目开工",
    )
    investment = make(name="固定资产投资", measure_unit="亿元", description="固定资产投资增长6%左右")

    def target(indicator, unit, value, baseline=None):
        services.target_set(
            actor=None, indicator=indicator, unit=unit, year=year, value=value, baseline=baseline
        )

    target(poverty, province, 34000)
    target(renewal, province, 42)
    target(pm25, province, 43.6, 45)
    target(investment, province, 22000)
    for i, region in enumerate(regions):
        share = max(1, len(counties_of[region.pk])) / len(counties)
        target(poverty, region, round(34000 * share, -1))
        baseline = round(35 + 25 * _r(region.code + "pm"), 1)
        target(pm25, region, round(baseline * 0.97, 1), baseline)
        target(renewal, region, 2 + i % 4)
        target(investment, region, round(800 + 2500 * _r(region.code + "inv"), 0))
    per_month: dict[tuple[int, int], list[services.ActualRow]] = {}
    for region in regions:
        pace = 0.5 + 0.7 * _r(region.code + "pace")  # some cities run ahead of time, some behind
        for county in counties_of[region.pk] or [region]:
            if _r(county.code + "silent") < 0.08:
                continue  # has not reported
            for m in months:
                rows = per_month.setdefault((poverty.pk, m), [])
                rows.append(
                    services.ActualRow(
                        county,
                        m,
                        round(34000 / len(counties) / 12 * pace * (0.6 + 0.8 * _r(county.code + str(m)))),
                    )
                )
                per_month.setdefault((investment.pk, m), []).append(
                    services.ActualRow(county, m, round(8 + 20 * pace * _r(county.code + "i" + str(m)), 2))
                )
        base = 35 + 25 * _r(region.code + "pm")
        for m in months:
            fall = 0.06 * pace * _r(region.code + "f" + str(m))
            per_month.setdefault((pm25.pk, m), []).append(
                services.ActualRow(region, m, round(base * (1 - fall), 1))
            )
        started = int((2 + regions.index(region) % 4) * min(1.0, pace * len(months) / 12 + 0.1))
        per_month.setdefault((renewal.pk, 0), []).append(services.ActualRow(region, 0, started))
    by_pk = {i.pk: i for i in (poverty, pm25, renewal, investment)}
    for (pk, _period), rows in per_month.items():
        services.actuals_submit(actor=None, indicator=by_pk[pk], year=year, rows=rows, origin="excel")
    return 4
