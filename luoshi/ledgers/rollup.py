"""Ledger aggregates: the figure an indicator's actual can be bound to (一表通).

``ledger_aggregate("city-renewal-projects", "done", "sum", under_path="13/1301",
period="2026-09")`` is the completed investment of every current row under 石家庄市 for
September, so the figure is typed once, into the ledger, and read by the indicator.

The binding to the indicators app: an indicator with ``computed_from="ledger"`` and
``computed_ref={"ledger": key, "column": key, "agg": "sum"}`` gets its actuals from
``ledger_figures`` (registered with ``luoshi.indicators.computed`` at start-up): one figure
per filling unit, stored as actuals and rolled up the tree by the indicators app. The
indicator's period maps to the ledger's (``ledger_period``): a monthly ledger answers
"2026-09", a quarterly one "2026-Q3", a one-off ledger "". ``ledger_aggregate`` and
``ledger_figures`` are not scoped: the caller has already decided that the asking user may
see the unit (``accounts.scoping``).

Sums read the typed ``n1…n12`` columns (the column's slot), never the JSON values.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Min, Sum
from django.utils.translation import gettext as _

from luoshi.core.exceptions import DomainError
from luoshi.units.paths import subtree_q

from .models import Ledger, LedgerColumn, LedgerRow, RowStatus

AGGREGATES = {"count": Count, "sum": Sum, "mean": Avg, "min": Min, "max": Max}


def ledger_aggregate(
    template_key: str, column_key: str | None, agg: str, *, under_path: str, period: str = ""
) -> Decimal | int | None:
    """Count, sum, mean, min or max of a column over the current rows under ``under_path``.

    ``agg="count"`` with ``column_key=None`` counts rows; with a column it counts the rows
    where that column is filled (for a yes/no column, use ``sum`` to count the 是).
    Returns None when no row has a value (sum/mean/min/max), 0 for a count.
    """
    if agg not in AGGREGATES:
        raise DomainError(_("Unknown aggregate “%(agg)s”.") % {"agg": agg}, code="bad_aggregate")
    ledger = Ledger.objects.filter(key=template_key).select_related("current").first()
    if ledger is None:
        raise DomainError(_("No ledger has the key “%(key)s”.") % {"key": template_key}, code="not_found")
    rows = LedgerRow.objects.filter(ledger=ledger, status=RowStatus.CURRENT, period=period).filter(
        subtree_q(under_path, field="unit_path")
    )
    if column_key is None:
        if agg != "count":
            raise DomainError(_("Only a count needs no column."), code="bad_aggregate")
        return rows.count()
    column = LedgerColumn.objects.filter(template_id=ledger.current_id, key=column_key).first()
    if column is None:
        raise DomainError(_("The ledger has no column “%(key)s”.") % {"key": column_key}, code="not_found")
    if column.slot is None:
        if agg == "count":
            return rows.filter(**{"values__has_key": column_key}).count()
        raise DomainError(
            _("The column “%(label)s” holds no numbers that can be summed.") % {"label": column.label},
            code="not_summable",
        )
    value = rows.aggregate(v=AGGREGATES[agg](f"n{column.slot}"))["v"]
    if agg == "count":
        return int(value or 0)
    if value is None:
        return None
    return (
        Decimal(str(value)).quantize(Decimal("0.0001")).normalize() if agg == "mean" else Decimal(str(value))
    )


def ledger_period(cadence: str, year: int, period: int, *, ledger: Ledger | None = None) -> str:
    """An indicator's (year, period) as the ledger's period: month 1–12, quarter 1–4, 0 for
    the year. For the whole year a recurring ledger answers with its latest period of that
    year that holds rows; a one-off ledger has a single period, ""."""
    if cadence == "once":
        return ""
    if period == 0:
        prefix = f"{year}-"
        latest = (
            LedgerRow.objects.filter(ledger=ledger, status=RowStatus.CURRENT, period__startswith=prefix)
            .order_by("-period")
            .values_list("period", flat=True)
            .first()
            if ledger is not None
            else None
        )
        return latest or ""
    if cadence == "quarterly":
        return f"{year}-Q{period if period <= 4 else (period - 1) // 3 + 1}"
    return f"{year}-{period:02d}"


def ledger_figures(indicator: Any, year: int, period: int) -> dict[int, Decimal]:
    """The source the indicators app calls for an indicator with ``computed_from="ledger"``
    (registered in LedgersConfig.ready). ``indicator.computed_ref`` is
    ``{"ledger": "<ledger key>", "column": "<column key>", "agg": "sum"|"count"|"mean"}``;
    the answer is the aggregate of each filling unit's current rows, ``{unit_id: value}``,
    which the indicators app stores as actuals and rolls up the tree."""
    ref = indicator.computed_ref or {}
    agg = ref.get("agg", "sum")
    if agg not in ("sum", "count", "mean", "min", "max"):
        raise DomainError(_("Unknown aggregate “%(agg)s”.") % {"agg": agg}, code="bad_aggregate")
    ledger = Ledger.objects.filter(key=ref.get("ledger", "")).first()
    if ledger is None:
        raise DomainError(
            _("No ledger has the key “%(key)s”.") % {"key": ref.get("ledger", "")}, code="not_found"
        )
    rows = LedgerRow.objects.filter(
        ledger=ledger,
        status=RowStatus.CURRENT,
        period=ledger_period(ledger.cadence, year, period, ledger=ledger),
    )
    column_key = ref.get("column")
    if not column_key:
        grouped = rows.values("unit_id").order_by().annotate(v=Count("id"))
        return {g["unit_id"]: Decimal(g["v"]) for g in grouped}
    column = LedgerColumn.objects.filter(template_id=ledger.current_id, key=column_key).first()
    if column is None or column.slot is None:
        raise DomainError(_("The ledger has no column “%(key)s”.") % {"key": column_key}, code="not_summable")
    grouped = rows.values("unit_id").order_by().annotate(v=AGGREGATES[agg](f"n{column.slot}"))
    return {g["unit_id"]: Decimal(str(g["v"])) for g in grouped if g["v"] is not None}
