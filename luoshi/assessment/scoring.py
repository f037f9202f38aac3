"""Scoring arithmetic as pure functions of plain values: normalization, weighted totals,
ranks with ties, the bottom of a group, and the difference between two publications.

Conventions (the scheme page and the docs say the same):

- A criterion's raw value is normalized to a score in [0, 1]:
  ``linear``: 0 at ``floor``, 1 at ``target``, straight in between and clamped outside. For a
  "lower is better" criterion the floor is the worst (highest) value, e.g. return rate floor
  20 %, target 0 %: 5 % scores 0.75. The same formula serves both directions.
  ``rank``: by rank among the peer group's units that have a value: the best scores 1, the
  worst 0, evenly in between, (n − rank) ÷ (n − 1); tied values share a rank and a score; a
  group of one scores 1.
- A unit's contribution from a criterion is score × weight. A criterion without data for the
  unit (no tasks due, no target set) is left out and the unit's remaining weights are scaled
  up to the scheme's total weight, so a unit is neither rewarded nor punished for having
  nothing to measure; the explanation says so. Adjustments (bonus and penalty points) are
  added to the weighted sum.
- Totals are rounded to two decimals, and ranks are decided on the rounded totals, so what
  is published is what was ranked.
- Ranks are standard competition ranks ("1224"): tied units share the better rank and the
  next rank skips. A scheme may declare one tie-break: ``criteria`` compares the units'
  contributions criterion by criterion in the scheme's order; units still equal stay tied.
  Nothing else (name, code, luck) ever breaks a tie.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

UP, DOWN = "up", "down"
LINEAR, RANK = "linear", "rank"
TIE_SHARE, TIE_CRITERIA = "share", "criteria"


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    label: str
    weight: float
    direction: str = UP
    normalization: str = LINEAR
    floor: float | None = None
    target: float | None = None


@dataclass
class CriterionScore:
    key: str
    label: str
    raw: float | None
    normalized: float | None
    weight: float
    effective_weight: float
    contribution: float
    raw_text: str = ""


@dataclass
class UnitScore:
    criteria: list[CriterionScore]
    base: float
    adjustments: float
    total: float
    rank: int = 0
    bottom: bool = False
    sort_key: tuple = field(default_factory=tuple, repr=False)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("sort_key")
        return data


def normalize_linear(raw: float | None, floor: float, target: float) -> float | None:
    """0 at ``floor``, 1 at ``target``, clamped; works for either direction (floor > target
    for "lower is better")."""
    if raw is None:
        return None
    if floor == target:
        better = raw >= target if floor <= target else raw <= target
        return 1.0 if better else 0.0
    return max(0.0, min(1.0, (raw - floor) / (target - floor)))


def competition_ranks(keys: Mapping[Hashable, tuple]) -> dict[Hashable, int]:
    """Standard competition ranks ("1224") over sort keys where larger is better."""
    ordered = sorted(keys.items(), key=lambda kv: kv[1], reverse=True)
    ranks: dict[Hashable, int] = {}
    previous: tuple | None = None
    rank = 0
    for position, (unit, key) in enumerate(ordered, start=1):
        if key != previous:
            rank = position
            previous = key
        ranks[unit] = rank
    return ranks


def normalize_rank(
    values: Mapping[Hashable, float | None], direction: str = UP
) -> dict[Hashable, float | None]:
    """Scores by rank among the units that have a value: best 1, worst 0, ties shared."""
    present = {u: v for u, v in values.items() if v is not None}
    sign = 1 if direction == UP else -1
    ranks = competition_ranks({u: (sign * v,) for u, v in present.items()})
    n = len(present)
    out: dict[Hashable, float | None] = {u: None for u in values}
    for unit, rank in ranks.items():
        out[unit] = 1.0 if n == 1 else (n - rank) / (n - 1)
    return out


def normalize(spec: CriterionSpec, values: Mapping[Hashable, float | None]) -> dict[Hashable, float | None]:
    if spec.normalization == RANK:
        return normalize_rank(values, spec.direction)
    if spec.floor is None or spec.target is None:
        raise ValueError(f"linear normalization of {spec.key} needs a floor and a target")
    return {u: normalize_linear(v, spec.floor, spec.target) for u, v in values.items()}


def score_group(
    specs: Sequence[CriterionSpec],
    raws: Mapping[Hashable, Mapping[str, float | None]],
    *,
    adjustments: Mapping[Hashable, float] | None = None,
    raw_texts: Mapping[Hashable, Mapping[str, str]] | None = None,
    tie_break: str = TIE_SHARE,
    bottom_n: int = 0,
) -> dict[Hashable, UnitScore]:
    """Score and rank one peer group. ``raws[unit][criterion key]`` is the raw value (None
    when there is nothing to measure); returns each unit's explanation with its rank."""
    units = list(raws)
    total_weight = sum(s.weight for s in specs)
    normalized = {s.key: normalize(s, {u: raws[u].get(s.key) for u in units}) for s in specs}
    out: dict[Hashable, UnitScore] = {}
    for unit in units:
        assessed = sum(s.weight for s in specs if normalized[s.key][unit] is not None)
        scale = total_weight / assessed if assessed else 0.0
        rows = []
        for s in specs:
            n = normalized[s.key][unit]
            eff = s.weight * scale if n is not None else 0.0
            rows.append(
                CriterionScore(
                    key=s.key,
                    label=s.label,
                    raw=raws[unit].get(s.key),
                    normalized=None if n is None else round(n, 4),
                    weight=s.weight,
                    effective_weight=round(eff, 4),
                    contribution=round(n * eff, 2) if n is not None else 0.0,
                    raw_text=(raw_texts or {}).get(unit, {}).get(s.key, ""),
                )
            )
        base = round(sum(r.contribution for r in rows), 2)
        adj = round(float((adjustments or {}).get(unit, 0.0)), 2)
        total = round(base + adj, 2)
        key: tuple = (total,)
        if tie_break == TIE_CRITERIA:
            key = (total, *(r.contribution for r in rows))
        out[unit] = UnitScore(rows, base, adj, total, sort_key=key)
    ranks = competition_ranks({u: s.sort_key for u, s in out.items()})
    for unit, rank in ranks.items():
        out[unit].rank = rank
    for unit in bottom(ranks, bottom_n):
        out[unit].bottom = True
    return out


def bottom(ranks: Mapping[Hashable, int], n: int) -> set[Hashable]:
    """The bottom ``n`` of a group (后十名): units with fewer than ``n`` units ranked below them.

    A tie at the boundary keeps every tied unit in. A group no larger than ``n`` has no
    bottom (listing everyone as "the bottom ten" would say nothing).
    """
    if n <= 0 or len(ranks) <= n:
        return set()
    values = list(ranks.values())
    return {u for u, r in ranks.items() if sum(1 for v in values if v > r) < n}


def movement(previous_rank: int | None, rank: int) -> int | None:
    """Places moved since the previous period: positive = up."""
    return None if previous_rank is None else previous_rank - rank


def diff(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What changed between two publications, unit by unit.

    Rows are ``{"code", "name", "group", "total", "rank", "criteria": [{"key", "label", "raw",
    "normalized", "contribution"}], "adjustments": float}``. A unit is listed when its total,
    rank, group or any criterion changed, or when it appears in only one of the two.
    """
    old = {r["code"]: r for r in before}
    new = {r["code"]: r for r in after}
    out = []
    for code in sorted(old.keys() | new.keys()):
        a, b = old.get(code), new.get(code)
        ref = b or a
        entry: dict[str, Any] = {
            "code": code,
            "name": ref["name"],
            "group": ref["group"],
            "total_before": a["total"] if a else None,
            "total_after": b["total"] if b else None,
            "rank_before": a["rank"] if a else None,
            "rank_after": b["rank"] if b else None,
            "criteria": [],
        }
        if a and b:
            crit_a = {c["key"]: c for c in a["criteria"]}
            for c in b["criteria"]:
                p = crit_a.pop(c["key"], None)
                changed = p is None or any(
                    p.get(f) != c.get(f) for f in ("raw", "normalized", "contribution")
                )
                if changed:
                    entry["criteria"].append(
                        {
                            "key": c["key"],
                            "label": c["label"],
                            "raw_before": p.get("raw") if p else None,
                            "raw_after": c.get("raw"),
                            "contribution_before": p.get("contribution") if p else None,
                            "contribution_after": c.get("contribution"),
                        }
                    )
            for p in crit_a.values():
                entry["criteria"].append(
                    {
                        "key": p["key"],
                        "label": p["label"],
                        "raw_before": p.get("raw"),
                        "raw_after": None,
                        "contribution_before": p.get("contribution"),
                        "contribution_after": None,
                    }
                )
            if a.get("adjustments") != b.get("adjustments"):
                entry["adjustments_before"] = a.get("adjustments")
                entry["adjustments_after"] = b.get("adjustments")
            unchanged = (
                a["total"] == b["total"]
                and a["rank"] == b["rank"]
                and a["group"] == b["group"]
                and not entry["criteria"]
                and "adjustments_before" not in entry
            )
            if unchanged:
                continue
        out.append(entry)
    return out
