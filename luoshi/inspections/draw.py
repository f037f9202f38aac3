"""The random draw of a spot check (双随机: random units, random inspectors), as a pure function.

Input: the candidate units (code, path, stratum key, the date each was last checked), the
inspector pool (a stable key, the path of the inspector's own unit), the parameters (a share
or a count, the exclusion window in months, inspectors per unit, the draw date, the
organizing unit's path) and a seed. Output: the sample and the pairing. No database, no
clock: the same input and seed give the same draw on any machine, so the seed and the input
are published with the result and anyone can re-run it (``verify``).

Rules, in order:

1. Exclusion. A unit checked on or after the date ``exclude_months`` months before the draw
   date is left out (recorded in ``excluded``). ``exclude_months = 0`` excludes nothing.
2. Strata. Units are grouped by their stratum key ("" when not stratified) and every group
   is handled in key order, each sorted by unit code, so database order never matters.
3. Allocation. With a share, each stratum draws round-half-up(share × size), at least one
   from every non-empty stratum. With a count, every non-empty stratum first gets one (when
   the count allows), the rest is shared out in proportion to what is left in each stratum
   by largest remainder (ties broken by stratum key); never more than a stratum holds.
4. Sampling. One ``random.Random(seed)`` drives everything: ``sample`` within each stratum
   in key order, then the pairing.
5. Pairing. Sampled units are taken by code; each gets ``inspectors_per_unit`` inspectors
   drawn from those without a conflict of interest, the least-loaded first (random among
   equals), so work spreads evenly.

Conflict of interest (回避): an inspector may not inspect their own unit, a unit inside their
own unit's subtree (their subordinates) or an ancestor of their unit (their superiors). The
organizing unit's own staff (and staff of units above it) are exempt: every unit in the draw
lies below them by construction, and checking it is their job. So in a province draw a
石家庄市 inspector never inspects 石家庄市 or its counties, a 长安区 inspector never inspects
长安区, its townships or 石家庄市, while a 桥西区 inspector may inspect 长安区 (交叉检查).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

ALGORITHM = "luoshi-draw-1"


@dataclass(frozen=True)
class Candidate:
    code: str
    path: str
    stratum: str = ""
    last_checked: dt.date | None = None


@dataclass(frozen=True)
class Inspector:
    key: str
    unit_path: str


@dataclass(frozen=True)
class Params:
    today: dt.date
    owner_path: str
    share: Fraction | None = None
    count: int | None = None
    exclude_months: int = 0
    inspectors_per_unit: int = 2


@dataclass
class Result:
    sample: list[str]
    pairs: dict[str, list[str]]
    excluded: list[str]
    strata: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        return cls(
            sample=list(data["sample"]),
            pairs={k: list(v) for k, v in data["pairs"].items()},
            excluded=list(data["excluded"]),
            strata={k: dict(v) for k, v in data.get("strata", {}).items()},
        )


class DrawError(ValueError):
    """The draw cannot be made: ``code`` says why, ``subject`` names the unit or value."""

    def __init__(self, code: str, subject: str = ""):
        super().__init__(f"{code}: {subject}")
        self.code = code
        self.subject = subject


def _within(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith(ancestor + "/")


def conflicts(inspector_path: str, unit_path: str, owner_path: str) -> bool:
    """True when an inspector from ``inspector_path`` must not inspect ``unit_path``."""
    if _within(owner_path, inspector_path):
        return False  # the organizer's own staff, or staff from above it
    return _within(unit_path, inspector_path) or _within(inspector_path, unit_path)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _round_half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2))


def allocate(
    sizes: dict[str, int], *, share: Fraction | None = None, count: int | None = None
) -> dict[str, int]:
    """How many units each stratum draws (see rule 3 in the module docstring)."""
    keys = sorted(k for k, n in sizes.items() if n > 0)
    if share is not None:
        return {k: min(sizes[k], max(1, _round_half_up(share * sizes[k]))) for k in keys}
    assert count is not None
    total = min(count, sum(sizes[k] for k in keys))
    base = {k: (1 if total >= len(keys) else 0) for k in keys}
    rest = total - sum(base.values())
    room = {k: sizes[k] - base[k] for k in keys}
    capacity = sum(room.values())
    if rest <= 0 or capacity == 0:
        return base
    quotas = {k: Fraction(rest * room[k], capacity) for k in keys}
    out = {k: base[k] + int(quotas[k]) for k in keys}
    left = total - sum(out.values())
    order = sorted(keys, key=lambda k: (-(quotas[k] - int(quotas[k])), k))
    for k in order:
        if left == 0:
            break
        if out[k] < sizes[k]:
            out[k] += 1
            left -= 1
    return out


def run(candidates: list[Candidate], inspectors: list[Inspector], params: Params, seed: str) -> Result:
    """Make the draw. Raises DrawError when the parameters or the pool cannot give one."""
    if (params.share is None) == (params.count is None):
        raise DrawError("share_or_count")
    if params.share is not None and not 0 < params.share <= 1:
        raise DrawError("bad_share", str(params.share))
    if params.count is not None and params.count < 1:
        raise DrawError("bad_count", str(params.count))
    if params.exclude_months < 0:
        raise DrawError("bad_window", str(params.exclude_months))
    if params.inspectors_per_unit < 1:
        raise DrawError("bad_inspectors", str(params.inspectors_per_unit))
    units = sorted(candidates, key=lambda c: c.code)
    pool = sorted(inspectors, key=lambda i: i.key)
    cutoff = months_before(params.today, params.exclude_months) if params.exclude_months else None
    excluded = [c.code for c in units if cutoff and c.last_checked and c.last_checked >= cutoff]
    left_out = set(excluded)
    strata: dict[str, list[Candidate]] = {}
    for c in units:
        if c.code not in left_out:
            strata.setdefault(c.stratum, []).append(c)
    if not strata:
        raise DrawError("empty")
    quota = allocate({k: len(v) for k, v in strata.items()}, share=params.share, count=params.count)
    rng = random.Random(seed)
    drawn: list[Candidate] = []
    for key in sorted(strata):
        drawn.extend(rng.sample(strata[key], quota.get(key, 0)))
    drawn.sort(key=lambda c: c.code)
    load = {i.key: 0 for i in pool}
    pairs: dict[str, list[str]] = {}
    for unit in drawn:
        eligible = [i for i in pool if not conflicts(i.unit_path, unit.path, params.owner_path)]
        if len(eligible) < params.inspectors_per_unit:
            raise DrawError("too_few_inspectors", unit.code)
        chosen: list[str] = []
        for _n in range(params.inspectors_per_unit):
            remaining = [i for i in eligible if i.key not in chosen]
            least = min(load[i.key] for i in remaining)
            pick = rng.choice([i for i in remaining if load[i.key] == least])
            chosen.append(pick.key)
            load[pick.key] += 1
        pairs[unit.code] = sorted(chosen)
    return Result(
        sample=[c.code for c in drawn],
        pairs=pairs,
        excluded=excluded,
        strata={k: {"eligible": len(v), "drawn": quota.get(k, 0)} for k, v in sorted(strata.items())},
    )


# --- The record: inputs as JSON, their digest, and verification -------------------------------------


def inputs_to_json(
    candidates: list[Candidate], inspectors: list[Inspector], params: Params
) -> dict[str, Any]:
    """The draw's input in a canonical, JSON-ready form (sorted, dates as ISO strings)."""
    return {
        "algorithm": ALGORITHM,
        "candidates": [
            [c.code, c.path, c.stratum, c.last_checked.isoformat() if c.last_checked else None]
            for c in sorted(candidates, key=lambda c: c.code)
        ],
        "inspectors": [[i.key, i.unit_path] for i in sorted(inspectors, key=lambda i: i.key)],
        "params": {
            "today": params.today.isoformat(),
            "owner_path": params.owner_path,
            "share": str(params.share) if params.share is not None else None,
            "count": params.count,
            "exclude_months": params.exclude_months,
            "inspectors_per_unit": params.inspectors_per_unit,
        },
    }


def inputs_from_json(data: dict[str, Any]) -> tuple[list[Candidate], list[Inspector], Params]:
    p = data["params"]
    params = Params(
        today=dt.date.fromisoformat(p["today"]),
        owner_path=p["owner_path"],
        share=Fraction(p["share"]) if p.get("share") is not None else None,
        count=p.get("count"),
        exclude_months=p.get("exclude_months", 0),
        inspectors_per_unit=p.get("inspectors_per_unit", 2),
    )
    candidates = [
        Candidate(code, path, stratum, dt.date.fromisoformat(last) if last else None)
        for code, path, stratum, last in data["candidates"]
    ]
    inspectors = [Inspector(key, path) for key, path in data["inspectors"]]
    return candidates, inspectors, params


def digest(inputs: dict[str, Any], seed: str) -> str:
    """SHA-256 of the canonical input and seed: a short fingerprint to publish with the draw."""
    text = json.dumps(
        {"inputs": inputs, "seed": seed}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Verification:
    ok: bool
    digest_ok: bool
    result_ok: bool
    recomputed: Result | None
    error: str = ""


def verify(inputs: dict[str, Any], seed: str, recorded: dict[str, Any], recorded_digest: str) -> Verification:
    """Re-run a recorded draw from its published input and seed and compare the results."""
    digest_ok = digest(inputs, seed) == recorded_digest
    try:
        again = run(*inputs_from_json(inputs), seed)
    except DrawError as exc:
        return Verification(False, digest_ok, False, None, exc.code)
    result_ok = again.to_json() == Result.from_json(recorded).to_json()
    return Verification(digest_ok and result_ok, digest_ok, result_ok, again)
