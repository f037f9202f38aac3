"""Computed actuals: the hook through which another app (ledgers) supplies an indicator's figures.

An indicator with ``computed_from = "ledger"`` takes its actuals from a registered source
instead of a form. The ledgers app registers one function at start-up::

    # luoshi/ledgers/apps.py, in ready():
    from luoshi.indicators.computed import register
    register("ledger", ledger_figures)

    def ledger_figures(indicator, year: int, period: int) -> dict[int, Decimal]:
        # indicator.computed_ref holds what the ledgers app put there, e.g.
        # {"template": 12, "column": "people", "filter": {...}}; return {unit_id: value}
        ...

``services.actuals_compute(actor=…, indicator=…, year=…, period=…)`` calls it and stores the
figures as actuals with origin "computed" (audited, rolled up like any other), so the
dashboard never aggregates ledger rows on a page view. Until a source is registered, computing
such an indicator is refused with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

Source = Callable[[Any, int, int], dict[int, Decimal]]
SOURCES: dict[str, Source] = {}


def register(kind: str, fn: Source) -> None:
    SOURCES[kind] = fn


def source_for(kind: str) -> Source | None:
    return SOURCES.get(kind)
