"""Reads of indicators, targets and figures, always through the scoping function.

Figures for a set of units come from two small reads: their own actuals and their stored
rollups (a unit's own actual wins). Year-to-date and attainment are then computed in Python
by the pure functions in ``rollup``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.scoping import scope, user_root_path
from luoshi.core.exceptions import NotFound
from luoshi.units.models import Unit
from luoshi.units.paths import ancestor_paths

from . import rollup
from .models import Actual, Indicator, Rollup, Target


def indicators_visible_to(user: Any, *, include_inactive: bool = False) -> QuerySet[Indicator]:
    """Indicators defined in the user's subtree, or issued from above by one of its ancestors."""
    qs = scope(Indicator.objects.all(), user)
    root = user_root_path(user)
    if root:
        qs = Indicator.objects.filter(Q(pk__in=qs.values("pk")) | Q(owner_path__in=ancestor_paths(root)))
    if not include_inactive:
        qs = qs.filter(active=True)
    return qs.select_related("owner", "weight").order_by("owner_path", "name")


def indicator_for(user: Any, pk: int) -> Indicator:
    indicator = indicators_visible_to(user, include_inactive=True).filter(pk=pk).first()
    if indicator is None:
        raise NotFound(_("Indicator not found."))
    return indicator


def targets_visible_to(user: Any) -> QuerySet[Target]:
    return scope(Target.objects.all(), user)


def actuals_visible_to(user: Any) -> QuerySet[Actual]:
    return scope(Actual.objects.all(), user)


@dataclass
class Figure:
    """One indicator for one unit: year-to-date value, annual target, attainment."""

    indicator: Indicator
    unit_id: int
    value: float | None
    target: float | None
    baseline: float | None
    attainment: float | None
    reported: int = 0  # periods with a figure


def figures(
    indicators: Sequence[Indicator], units: Sequence[Unit], *, year: int, month: int
) -> dict[tuple[int, int], Figure]:
    """Year-to-date figures of ``indicators`` for ``units`` through ``month``, keyed by
    (indicator id, unit id). Three queries whatever the numbers (actuals, rollups, targets).

    Callers pass units already in scope (the user's unit and those below it).
    """
    if not indicators or not units:
        return {}
    ind_ids = [i.pk for i in indicators]
    unit_ids = [u.pk for u in units]
    by: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for ind, unit, period, value in Rollup.objects.filter(
        indicator_id__in=ind_ids, unit_id__in=unit_ids, year=year, period__lte=month
    ).values_list("indicator_id", "unit_id", "period", "value"):
        by[ind, unit][period] = value
    for ind, unit, period, value in Actual.objects.filter(
        indicator_id__in=ind_ids, unit_id__in=unit_ids, year=year, period__lte=month
    ).values_list("indicator_id", "unit_id", "period", "value"):
        by[ind, unit][period] = float(value)
    targets = {
        (ind, unit): (float(v), float(b) if b is not None else None)
        for ind, unit, v, b in Target.objects.filter(
            indicator_id__in=ind_ids, unit_id__in=unit_ids, year=year, period=0
        ).values_list("indicator_id", "unit_id", "value", "baseline")
    }
    out = {}
    for ind in indicators:
        through = rollup.periods_through(ind.period_type, month)
        for unit in units:
            series = by.get((ind.pk, unit.pk), {})
            value = rollup.year_to_date(series, ind.accumulation, through)
            target, baseline = targets.get((ind.pk, unit.pk), (None, None))
            out[ind.pk, unit.pk] = Figure(
                indicator=ind,
                unit_id=unit.pk,
                value=value,
                target=target,
                baseline=baseline,
                attainment=rollup.attainment(value, target, ind.direction, baseline),
                reported=sum(1 for p in through if p in series),
            )
    return out


def period_values(
    indicator: Indicator, units: Iterable[Unit], *, year: int
) -> dict[int, dict[int, tuple[float, bool]]]:
    """Each unit's value per period: {unit id: {period: (value, own)}} (own = entered, not rolled up)."""
    ids = [u.pk for u in units]
    out: dict[int, dict[int, tuple[float, bool]]] = defaultdict(dict)
    for unit, period, value in Rollup.objects.filter(
        indicator=indicator, unit_id__in=ids, year=year
    ).values_list("unit_id", "period", "value"):
        out[unit][period] = (value, False)
    for unit, period, value in Actual.objects.filter(
        indicator=indicator, unit_id__in=ids, year=year
    ).values_list("unit_id", "period", "value"):
        out[unit][period] = (float(value), True)
    return out
