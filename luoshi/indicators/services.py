"""Every write to indicators, targets and actuals, and the stored rollup they feed.

Who may act: a unit's supervisors (or administrators) define indicators for it; a supervisor
sets targets for their own unit and any unit below it; a unit's reporters and supervisors
enter its actuals, and a supervisor may enter them for units below (figures from statistics).
Each service is keyword-only, runs in one transaction, audits, and refreshes the rollup of the
ancestors of what it changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role as UserRole
from luoshi.audit.models import Action
from luoshi.audit.services import entry, record, record_many, snapshot
from luoshi.core import clock
from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.core.permissions import acts_for, require_acts_for
from luoshi.units.models import Unit
from luoshi.units.paths import ancestor_paths, is_within, subtree_q

from . import computed, rollup
from .models import (
    Accumulation,
    Actual,
    Aggregation,
    ComputedFrom,
    Direction,
    Indicator,
    Origin,
    PeriodType,
    Rollup,
    Target,
)

INDICATOR_FIELDS = (
    "name",
    "measure_unit",
    "direction",
    "aggregation",
    "weight",
    "period_type",
    "accumulation",
    "computed_from",
    "active",
)
MAX_VALUE = Decimal("1e15")


def msg_bad_period(indicator: Indicator, period: int) -> str:
    if indicator.period_type == PeriodType.YEAR:
        return _("%(name)s is reported once a year: the period must be 0.") % {"name": indicator.name}
    return _("%(name)s: the period must be between 1 and %(max)d (got %(period)s).") % {
        "name": indicator.name,
        "max": indicator.period_max,
        "period": period,
    }


def msg_bad_value(value: Any) -> str:
    return _("“%(value)s” is not a number.") % {"value": value}


def msg_not_below(unit: Unit, actor_unit: Any) -> str:
    return _("%(unit)s is not %(own)s or one of its subordinate units.") % {
        "unit": unit.name,
        "own": getattr(actor_unit, "name", "—"),
    }


def msg_computed(indicator: Indicator) -> str:
    return _("%(name)s is computed from a %(source)s; its figures cannot be entered by hand.") % {
        "name": indicator.name,
        "source": indicator.get_computed_from_display(),
    }


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise DomainError(msg_bad_value(value), code="bad_value")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DomainError(msg_bad_value(value), code="bad_value") from None
    if not number.is_finite() or abs(number) >= MAX_VALUE:
        raise DomainError(msg_bad_value(value), code="bad_value")
    return number.quantize(Decimal("0.0001"))


def _check_year(year: int) -> int:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), code="bad_year")
    return year


def check_period(indicator: Indicator, period: int, *, allow_annual: bool = False) -> int:
    """A period number valid for the indicator (0 = the whole year, allowed for targets)."""
    if not isinstance(period, int):
        raise DomainError(msg_bad_period(indicator, period), code="bad_period")
    if period == 0 and (allow_annual or indicator.period_type == PeriodType.YEAR):
        return 0
    if not 1 <= period <= indicator.period_max:
        raise DomainError(msg_bad_period(indicator, period), code="bad_period")
    return period


def can_enter_for(actor: Any, unit: Unit) -> bool:
    """The unit's own reporters/supervisors, or a supervisor of a unit above it."""
    if acts_for(actor, unit, UserRole.REPORTER, UserRole.SUPERVISOR):
        return True
    own = getattr(actor, "unit", None)
    return (
        own is not None
        and actor.has_role(UserRole.SUPERVISOR)
        and unit.pk != own.pk
        and is_within(unit.path, own.path)
    )


def can_set_target_for(actor: Any, unit: Unit) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    own = getattr(actor, "unit", None)
    return own is not None and actor.has_role(UserRole.SUPERVISOR) and is_within(unit.path, own.path)


# --- Indicators --------------------------------------------------------------------------------


@transaction.atomic
def indicator_create(
    *,
    actor: Any,
    owner: Unit,
    name: str,
    measure_unit: str = "",
    direction: str = Direction.UP,
    aggregation: str = Aggregation.SUM,
    weight: Indicator | None = None,
    period_type: str = PeriodType.MONTH,
    accumulation: str | None = None,
    description: str = "",
    computed_from: str = ComputedFrom.ENTERED,
    computed_ref: dict | None = None,
) -> Indicator:
    """Define an indicator for ``owner`` (and the units below it).

    ``accumulation`` defaults to what the aggregation suggests: a sum over units is a flow
    summed over the months; a mean is averaged over them.
    """
    if actor is not None:  # None: the system (demo, a command run by the operator)
        require_acts_for(actor, owner, UserRole.SUPERVISOR, UserRole.ADMIN)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError(_("The name must be 1 to 100 characters."), code="bad_name")
    if aggregation == Aggregation.WEIGHTED:
        if weight is None:
            raise DomainError(_("A weighted mean needs a weight indicator."), code="no_weight")
        if weight.aggregation == Aggregation.WEIGHTED or weight.period_type != period_type:
            raise DomainError(
                _("The weight indicator must have the same period and must not be weighted itself."),
                code="bad_weight",
            )
    elif weight is not None:
        weight = None
    if Indicator.objects.filter(owner=owner, name=name).exists():
        raise DomainError(
            _("%(unit)s already has an indicator named %(name)s.") % {"unit": owner.name, "name": name},
            code="duplicate",
        )
    if accumulation is None:
        accumulation = Accumulation.SUM if aggregation == Aggregation.SUM else Accumulation.MEAN
    indicator = Indicator(
        owner=owner,
        owner_path=owner.path,
        name=name,
        measure_unit=(measure_unit or "").strip(),
        direction=direction,
        aggregation=aggregation,
        weight=weight,
        period_type=period_type,
        accumulation=accumulation,
        description=description,
        computed_from=computed_from or "",
        computed_ref=computed_ref or {},
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    indicator.full_clean()
    indicator.save()
    record(
        actor=actor,
        action=Action.CREATE,
        obj=indicator,
        after=snapshot(indicator, INDICATOR_FIELDS),
        unit_path=owner.path,
    )
    return indicator


# --- Targets -----------------------------------------------------------------------------------


@transaction.atomic
def target_set(
    *,
    actor: Any,
    indicator: Indicator,
    unit: Unit,
    year: int,
    value: Any,
    period: int = 0,
    baseline: Any = None,
) -> Target:
    """Set (or change) a unit's target for a year (period 0) or one period."""
    if actor is not None and not can_set_target_for(actor, unit):
        raise Forbidden(msg_not_below(unit, getattr(actor, "unit", None)))
    year = _check_year(year)
    period = check_period(indicator, period, allow_annual=True)
    number = _decimal(value)
    base = _decimal(baseline) if baseline not in (None, "") else None
    target = Target.objects.filter(indicator=indicator, unit=unit, year=year, period=period).first()
    before = snapshot(target, ("value", "baseline")) if target else None
    if target is None:
        target = Target(indicator=indicator, unit=unit, unit_path=unit.path, year=year, period=period)
    target.value, target.baseline = number, base
    target.set_by = actor if getattr(actor, "pk", None) else None
    target.set_at = clock.now()
    target.save()
    record(
        actor=actor,
        action=Action.UPDATE if before else Action.CREATE,
        obj=target,
        before=before,
        after={
            "value": str(number),
            "baseline": str(base) if base is not None else None,
            "year": year,
            "period": period,
        },
        unit_path=unit.path,
        related=indicator,
    )
    return target


# --- Actuals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActualRow:
    unit: Unit
    period: int
    value: Any


@transaction.atomic
def actual_submit(
    *,
    actor: Any,
    indicator: Indicator,
    unit: Unit,
    year: int,
    period: int,
    value: Any,
    origin: str = Origin.FORM,
) -> Actual:
    """Enter or correct one unit's figure for one period; the ancestors' rollup follows."""
    (actual,) = actuals_submit(
        actor=actor, indicator=indicator, year=year, rows=[ActualRow(unit, period, value)], origin=origin
    )
    return actual


@transaction.atomic
def actuals_submit(
    *,
    actor: Any,
    indicator: Indicator,
    year: int,
    rows: Sequence[ActualRow],
    origin: str = Origin.FORM,
    batch: str = "",
) -> list[Actual]:
    """Enter many figures at once (an Excel sheet): all or nothing, every bad row named."""
    if indicator.computed_from and origin != Origin.COMPUTED:
        raise DomainError(msg_computed(indicator), code="computed")
    year = _check_year(year)
    problems: list[str] = []
    clean: list[tuple[Unit, int, Decimal]] = []
    for i, row in enumerate(rows, start=1):
        try:
            if actor is not None and not can_enter_for(actor, row.unit):
                raise Forbidden(msg_not_below(row.unit, getattr(actor, "unit", None)))
            clean.append((row.unit, check_period(indicator, row.period), _decimal(row.value)))
        except DomainError as exc:
            if len(rows) == 1:
                raise
            problems.append(_("Row %(n)d: %(message)s") % {"n": i, "message": exc.message})
    if problems:
        raise DomainError(
            _("%(n)d rows have errors; nothing was saved.") % {"n": len(problems)},
            code="invalid",
            details=problems,
        )
    seen = set()
    for unit, period, _value in clean:
        if (unit.pk, period) in seen:
            raise DomainError(
                _("%(unit)s appears twice for the same period.") % {"unit": unit.name}, code="duplicate"
            )
        seen.add((unit.pk, period))
    existing = {
        (a.unit_id, a.period): a
        for a in Actual.objects.filter(
            indicator=indicator,
            year=year,
            unit_id__in={u.pk for u, _p, _v in clean},
            period__in={p for _u, p, _v in clean},
        )
    }
    now = clock.now()
    who = actor if getattr(actor, "pk", None) else None
    out, entries, changed = [], [], defaultdict(set)
    for unit, period, value in clean:
        actual = existing.get((unit.pk, period))
        before = {"value": str(actual.value)} if actual else None
        if actual is not None and actual.value == value:
            out.append(actual)
            continue
        if actual is None:
            actual = Actual(indicator=indicator, unit=unit, unit_path=unit.path, year=year, period=period)
        actual.value, actual.origin, actual.entered_by, actual.entered_at = value, origin, who, now
        actual.save()
        out.append(actual)
        changed[period].add(unit.path)
        entries.append(
            entry(
                actor=actor,
                action=Action.UPDATE if before else Action.CREATE,
                obj=actual,
                before=before,
                after={"value": str(value), "year": year, "period": period, "origin": origin},
                unit_path=unit.path,
                related=indicator,
                batch=batch,
            )
        )
    record_many(entries)
    for period, paths in changed.items():
        rollups_refresh(indicator=indicator, year=year, period=period, paths=paths)
    return out


@transaction.atomic
def actual_delete(*, actor: Any, actual: Actual) -> None:
    """Withdraw a figure entered by mistake (a missing figure is not a zero)."""
    if not can_enter_for(actor, actual.unit):
        raise Forbidden(msg_not_below(actual.unit, getattr(actor, "unit", None)))
    record(
        actor=actor,
        action=Action.DELETE,
        obj=actual,
        before={"value": str(actual.value), "year": actual.year, "period": actual.period},
        unit_path=actual.unit_path,
        related=actual.indicator,
    )
    indicator, year, period, path = actual.indicator, actual.year, actual.period, actual.unit_path
    actual.delete()
    rollups_refresh(indicator=indicator, year=year, period=period, paths={path})


@transaction.atomic
def actuals_compute(*, actor: Any, indicator: Indicator, year: int, period: int) -> list[Actual]:
    """Fetch a computed indicator's figures from its registered source and store them."""
    source = computed.source_for(indicator.computed_from) if indicator.computed_from else None
    if source is None:
        raise DomainError(
            _("No source is registered to compute %(name)s.") % {"name": indicator.name}, code="no_source"
        )
    period = check_period(indicator, period)
    figures = source(indicator, year, period)
    units = Unit.objects.in_bulk(list(figures))
    rows = [ActualRow(units[uid], period, value) for uid, value in figures.items() if uid in units]
    return actuals_submit(actor=None, indicator=indicator, year=year, rows=rows, origin=Origin.COMPUTED)


# --- The stored rollup -------------------------------------------------------------------------


def _values_of_children(
    indicator_id: int, year: int, period: int, parent_ids: Iterable[int]
) -> dict[str, float]:
    """Own actuals, else stored rollups, of the direct children of the given units, by path."""
    parent_ids = list(parent_ids)
    values = {
        path: float(v)
        for path, v in Rollup.objects.filter(
            indicator_id=indicator_id, year=year, period=period, unit__parent_id__in=parent_ids
        ).values_list("unit_path", "value")
    }
    values.update(
        (path, float(v))
        for path, v in Actual.objects.filter(
            indicator_id=indicator_id, year=year, period=period, unit__parent_id__in=parent_ids
        ).values_list("unit_path", "value")
    )
    return values


def rollups_refresh(*, indicator: Indicator, year: int, period: int, paths: Iterable[str]) -> None:
    """Recompute the stored value of every ancestor of ``paths`` (and of the units themselves
    when they lost their own figure), deepest level first, then of indicators weighted by this one.
    """
    paths = set(paths)
    nodes = set(paths)
    for p in list(nodes):
        nodes.update(ancestor_paths(p))
    units = {u.path: u for u in Unit.objects.filter(path__in=nodes).only("pk", "path")}
    by_depth: dict[int, list[Unit]] = defaultdict(list)
    for path, unit in units.items():
        by_depth[path.count("/")].append(unit)
    weight_id = indicator.weight_id if indicator.aggregation == Aggregation.WEIGHTED else None
    for depth in sorted(by_depth, reverse=True):
        level = by_depth[depth]
        ids = [u.pk for u in level]
        own = set(
            Actual.objects.filter(indicator=indicator, year=year, period=period, unit_id__in=ids).values_list(
                "unit_id", flat=True
            )
        )
        children = _values_of_children(indicator.pk, year, period, ids)
        weights = _values_of_children(weight_id, year, period, ids) if weight_id else {}
        grouped: dict[str, list[str]] = defaultdict(list)
        for path in children:
            grouped[rollup.parent_path(path)].append(path)
        Rollup.objects.filter(indicator=indicator, year=year, period=period, unit_id__in=ids).delete()
        fresh = []
        for unit in level:
            if unit.pk in own:
                continue
            kids = grouped.get(unit.path, [])
            value = rollup.combine(
                [children[k] for k in kids], indicator.aggregation, [weights.get(k) for k in kids]
            )
            if value is None:
                continue
            n = sum(1 for k in kids if not weight_id or weights.get(k) is not None)
            fresh.append(
                Rollup(
                    indicator=indicator,
                    unit=unit,
                    unit_path=unit.path,
                    year=year,
                    period=period,
                    value=value,
                    n=n,
                )
            )
        Rollup.objects.bulk_create(fresh)
    for dependent in Indicator.objects.filter(weight=indicator, aggregation=Aggregation.WEIGHTED):
        rollups_refresh(
            indicator=dependent, year=year, period=period, paths=[p for p in nodes if p not in paths]
        )


def rollups_rebuild(*, indicator: Indicator, year: int, under: str | None = None) -> int:
    """Recompute every stored value of an indicator for a year from its actuals (after a bulk
    load or a re-parent); returns the number of rows written. Uses the pure ``rollup_tree``."""
    with transaction.atomic():
        actuals = Actual.objects.filter(indicator=indicator, year=year)
        stored = Rollup.objects.filter(indicator=indicator, year=year)
        if under:
            actuals = actuals.filter(subtree_q(under, field="unit_path"))
            stored = stored.filter(subtree_q(under, field="unit_path"))
        own: dict[int, dict[str, float]] = defaultdict(dict)
        for path, period, value in actuals.values_list("unit_path", "period", "value").iterator(
            chunk_size=20000
        ):
            own[period][path] = float(value)
        weights: dict[int, dict[str, float]] = defaultdict(dict)
        if indicator.aggregation == Aggregation.WEIGHTED:
            wq = Actual.objects.filter(indicator_id=indicator.weight_id, year=year)
            if under:
                wq = wq.filter(subtree_q(under, field="unit_path"))
            wown: dict[int, dict[str, float]] = defaultdict(dict)
            for path, period, value in wq.values_list("unit_path", "period", "value").iterator(
                chunk_size=20000
            ):
                wown[period][path] = float(value)
            for period, values in wown.items():
                weights[period] = {
                    p: r.value
                    for p, r in rollup.rollup_tree(values, indicator.weight.aggregation, root=under).items()
                }
        results = {
            period: {
                p: r
                for p, r in rollup.rollup_tree(
                    values, indicator.aggregation, weights.get(period), root=under
                ).items()
                if not r.own
            }
            for period, values in own.items()
        }
        paths = set().union(*[set(r) for r in results.values()]) if results else set()
        ids: dict[str, int] = {}
        path_list = sorted(paths)
        for i in range(0, len(path_list), 2000):
            ids.update(Unit.objects.filter(path__in=path_list[i : i + 2000]).values_list("path", "pk"))
        stored.delete()
        rows = [
            Rollup(
                indicator=indicator,
                unit_id=ids[p],
                unit_path=p,
                year=year,
                period=period,
                value=r.value,
                n=r.n,
            )
            for period, values in results.items()
            for p, r in values.items()
            if p in ids
        ]
        Rollup.objects.bulk_create(rows, batch_size=5000)
        return len(rows)
