"""The half-way check (双过半, "时间过半、任务过半") as a pure function of plain values.

A unit passes when, by the check date, at least half of its tasks are completed and at least
half of each annual target with a figure is reached (attainment ≥ 50%, direction taken into
account). Measures that cannot be computed (no tasks, no target, no actual yet) are listed but
decide nothing; with nothing to judge at all the result is "not assessable" (None), not a pass.
A missing actual against a target is a reason to fail: nothing reported is not progress.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

HALF = 0.5


@dataclass(frozen=True)
class IndicatorProgress:
    name: str
    attainment: float | None  # year-to-date figure against the annual target
    has_target: bool = True
    has_actual: bool = True


@dataclass(frozen=True)
class HalfwayInput:
    time_share: float
    tasks_total: int
    tasks_done: int
    indicators: tuple[IndicatorProgress, ...] = ()


@dataclass(frozen=True)
class HalfwayResult:
    passed: bool | None
    time_share: float
    task_share: float | None
    reasons: tuple[str, ...] = field(default_factory=tuple)
    shortfall: float = 0.0  # the largest gap below the required share (0 when none): ranks failures

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def time_share(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    """The share of the period [start, end] elapsed at the end of ``as_of`` (0..1)."""
    total = (end - start).days + 1
    done = (min(max(as_of, start - dt.timedelta(days=1)), end) - start).days + 1
    return max(0.0, min(1.0, done / total))


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def halfway(data: HalfwayInput, required: float = HALF) -> HalfwayResult:
    """Judge one unit; reasons name every measure below ``required``."""
    reasons: list[str] = []
    judged = False
    shortfall = 0.0
    task_share = None
    if data.tasks_total:
        judged = True
        task_share = data.tasks_done / data.tasks_total
        if task_share < required:
            shortfall = max(shortfall, required - task_share)
            reasons.append(
                _("tasks completed %(done)d of %(total)d (%(share)s), below %(required)s")
                % {
                    "done": data.tasks_done,
                    "total": data.tasks_total,
                    "share": _pct(task_share),
                    "required": _pct(required),
                }
            )
    for ind in data.indicators:
        if not ind.has_target:
            continue
        judged = True
        if ind.attainment is None:
            shortfall = max(shortfall, required)
            reasons.append(_("%(name)s: no figure reported") % {"name": ind.name})
        elif ind.attainment < required:
            shortfall = max(shortfall, required - ind.attainment)
            reasons.append(
                _("%(name)s reached %(share)s of its annual target, below %(required)s")
                % {"name": ind.name, "share": _pct(ind.attainment), "required": _pct(required)}
            )
    if not judged:
        return HalfwayResult(None, data.time_share, None, (_("nothing to assess: no tasks and no targets"),))
    return HalfwayResult(not reasons, data.time_share, task_share, tuple(reasons), shortfall)
