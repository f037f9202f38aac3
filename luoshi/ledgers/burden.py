"""The burden meter: what every grassroots unit is asked to fill per month.

A *demand* is one recurring request on one unit: a ledger it fills (or, once the tasks app
registers its source, a task it reports on), with the number of fields per report and the
reports per month its cadence implies. ``tally`` adds demands up per unit; ``preview`` shows
what a new or changed ledger would add before it is saved, flagging units above the cap.

Other apps add their demands with ``register_source``::

    from luoshi.ledgers import burden

    def task_demands(*, unit_ids, month):
        for assignment in ...:   # active assignments of those units with a reporting cycle
            yield burden.Demand(unit_id=..., source=f"task:{pk}", label=title,
                                fields=<fields per report>, reports_per_month=Decimal(...))

    burden.register_source(task_demands)      # in the app's AppConfig.ready

Fields are counted per report (a ledger's columns; a row-per-household ledger asks its
columns once per household, which the meter cannot know in advance and does not guess).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Demand:
    unit_id: int
    source: str  # "ledger:12", "task:34"
    label: str
    fields: int  # fields per report
    reports_per_month: Decimal

    @property
    def fields_per_month(self) -> Decimal:
        return self.fields * self.reports_per_month


@dataclass
class Burden:
    fields: Decimal = Decimal(0)
    reports: Decimal = Decimal(0)
    sources: list[str] = field(default_factory=list)

    def add(self, demand: Demand) -> None:
        self.fields += demand.fields_per_month
        self.reports += demand.reports_per_month
        self.sources.append(demand.label)


@dataclass(frozen=True)
class PreviewRow:
    unit_id: int
    before: Burden
    added_fields: Decimal
    added_reports: Decimal
    after_fields: Decimal
    after_reports: Decimal
    over_cap: bool


Source = Callable[..., Iterable[Demand]]
SOURCES: list[Source] = []


def register_source(source: Source) -> None:
    """Add a callable ``source(*, unit_ids, month) -> Iterable[Demand]`` to the meter."""
    if source not in SOURCES:
        SOURCES.append(source)


def tally(demands: Iterable[Demand]) -> dict[int, Burden]:
    """Per unit: fields and reports per month (pure)."""
    out: dict[int, Burden] = {}
    for d in demands:
        out.setdefault(d.unit_id, Burden()).add(d)
    return out


def burden_for(unit_ids: Collection[int], month: dt.date, *, exclude: str = "") -> dict[int, Burden]:
    """Every registered source's demands on ``unit_ids`` in ``month`` (``exclude``: a source
    key to leave out, e.g. the ledger being revised, so a preview does not count it twice)."""
    demands: list[Demand] = []
    for source in SOURCES:
        demands.extend(d for d in source(unit_ids=unit_ids, month=month) if d.source != exclude)
    totals = tally(demands)
    return {uid: totals.get(uid, Burden()) for uid in unit_ids}


def preview(current: dict[int, Burden], added: Iterable[Demand], limit: int) -> list[PreviewRow]:
    """What ``added`` demands do to each unit's burden, and whether it passes ``limit`` (pure)."""
    extra = tally(added)
    rows = []
    for unit_id, more in extra.items():
        before = current.get(unit_id, Burden())
        after_fields = before.fields + more.fields
        rows.append(
            PreviewRow(
                unit_id=unit_id,
                before=before,
                added_fields=more.fields,
                added_reports=more.reports,
                after_fields=after_fields,
                after_reports=before.reports + more.reports,
                over_cap=after_fields > limit,
            )
        )
    return rows
