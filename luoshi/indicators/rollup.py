"""Indicator arithmetic as pure functions of plain values: rollup, year-to-date, attainment.

No database here. Values are floats or None; None means "not reported", which is never read
as zero: a sum or mean takes only the values present, and a unit with nothing below it has no
value at all.

Rollup follows the supervision tree, given as unit paths (``13/1301/130102``). A unit's value
is its own actual when one was entered (a city's statistics bureau publishes its own figure);
otherwise its direct children's values combined by the indicator's aggregation:

- ``sum``: Σ v
- ``mean``: Σ v / n over the children that have a value (a mean of means: each level counts once)
- ``weighted``: Σ w·v / Σ w over the children with both a value and a weight, the weight being
  another indicator's (rolled-up) value for the same child and period (PM2.5 by population)

Over the periods of a year (``year_to_date``) values combine by the indicator's
accumulation: ``sum`` (monthly flows: investment), ``mean`` (average concentration) or
``latest`` (running totals and stocks: the last period reported).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SUM, MEAN, WEIGHTED = "sum", "mean", "weighted"
LATEST = "latest"
UP, DOWN = "up", "down"


@dataclass(frozen=True)
class Rolled:
    """A unit's value for one period: ``own`` when entered for the unit itself, otherwise
    combined from ``n`` children."""

    value: float
    n: int
    own: bool = False


def combine(
    values: Iterable[float | None], how: str, weights: Iterable[float | None] | None = None
) -> float | None:
    """Combine sibling values; None (not reported) is left out, never counted as zero.

    >>> combine([1, None, 3], "sum"), combine([1, None, 3], "mean")
    (4.0, 2.0)
    """
    values = list(values)
    if how == WEIGHTED:
        pairs = [
            (v, w) for v, w in zip(values, weights or [], strict=False) if v is not None and w is not None
        ]
        total_weight = sum(w for _v, w in pairs)
        if not pairs or total_weight == 0:
            return None
        return float(sum(v * w for v, w in pairs) / total_weight)
    present = [v for v in values if v is not None]
    if not present:
        return None
    if how == SUM:
        return float(sum(present))
    if how == MEAN:
        return float(sum(present) / len(present))
    raise ValueError(f"unknown aggregation {how!r}")


def parent_path(path: str) -> str | None:
    head, sep, _tail = path.rpartition("/")
    return head if sep else None


def rollup_tree(
    own: Mapping[str, float],
    how: str,
    weights: Mapping[str, float] | None = None,
    *,
    root: str | None = None,
) -> dict[str, Rolled]:
    """Values for every unit path in ``own`` and every ancestor of them (up to ``root`` if given).

    ``own``: entered values by unit path; ``weights``: the weight indicator's values by path
    (already rolled up) for ``weighted``. Intermediate units need not exist in ``own``: the
    tree is read from the paths. Deepest first, so each unit is computed once.
    """
    children: dict[str, set[str]] = defaultdict(set)
    nodes: set[str] = set()
    for path in own:
        node = path
        nodes.add(node)
        while node != root:
            parent = parent_path(node)
            if parent is None or (root is not None and len(parent) < len(root)):
                break
            children[parent].add(node)
            if parent in nodes:
                break
            nodes.add(parent)
            node = parent
    out: dict[str, Rolled] = {}
    for node in sorted(nodes, key=lambda p: p.count("/"), reverse=True):
        if node in own and own[node] is not None:
            out[node] = Rolled(float(own[node]), 1, own=True)
            continue
        kids = [out[c] for c in children.get(node, ()) if c in out]
        if how == WEIGHTED:
            kid_paths = [c for c in children.get(node, ()) if c in out]
            value = combine(
                [out[c].value for c in kid_paths], how, [(weights or {}).get(c) for c in kid_paths]
            )
            n = sum(1 for c in kid_paths if (weights or {}).get(c) is not None)
        else:
            value = combine([k.value for k in kids], how)
            n = len(kids)
        if value is not None:
            out[node] = Rolled(value, n)
    return out


def year_to_date(by_period: Mapping[int, float | None], how: str, through: Iterable[int]) -> float | None:
    """The year-to-date figure from per-period values for the periods in ``through``."""
    periods = sorted(p for p in through if by_period.get(p) is not None)
    if not periods:
        return None
    if how == LATEST:
        return float(by_period[periods[-1]])
    return combine([by_period[p] for p in periods], how)


def periods_through(period_type: str, month: int) -> list[int]:
    """The period numbers of a year that have ended by the end of ``month`` (1–12).

    Months 1..month; quarters that have ended (through June: Q1, Q2); a yearly indicator has
    one period, 0, reported as a running figure and always counted.
    """
    if period_type == "month":
        return list(range(1, month + 1))
    if period_type == "quarter":
        return list(range(1, month // 3 + 1))
    return [0]


def attainment(
    actual: float | None, target: float | None, direction: str, baseline: float | None = None
) -> float | None:
    """完成率 as a fraction (1.0 = target met), or None when it cannot be computed.

    Up: actual ÷ target. Down (PM2.5 下降3%): with a baseline above the target, the share of
    the required fall achieved, (baseline − actual) ÷ (baseline − target), so falling exactly
    by the target is 1.0 and not falling at all is 0; without a usable baseline, target ÷
    actual. Never below 0. None when either figure is missing or the target is not positive
    (a unit without a target is left out, never divided by zero).
    """
    if actual is None or target is None:
        return None
    actual, target = float(actual), float(target)
    if direction == UP:
        if target <= 0:
            return None
        return max(0.0, actual / target)
    if baseline is not None and float(baseline) > target:
        baseline = float(baseline)
        return max(0.0, (baseline - actual) / (baseline - target))
    if target < 0:
        return None
    if actual <= 0:
        return 1.0
    return max(0.0, target / actual)
