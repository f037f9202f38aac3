"""The warning light (红黄绿灯) of an assignment, as a pure function of plain values.

``light(inputs, today, thresholds)`` looks at the deadline, time elapsed against reported
progress, milestones passed, and reporting cycles missed, and returns the colour with every
reason a person can read ("超期3天", "进度落后时间进度25个百分点", "连续2期未报送"). "Today" is an
argument, never read from the clock here. None cases: no deadline → no time-progress or
overdue check; cadence "none" → no missed-cycle check.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

GREEN, YELLOW, RED = "green", "yellow", "red"
_RANK = {GREEN: 0, YELLOW: 1, RED: 2}


@dataclass(frozen=True)
class Thresholds:
    """When a light turns. Configured by the LUOSHI_LIGHTS setting (same keys)."""

    yellow_lag: int = 15  # percentage points behind time progress
    red_lag: int = 30
    due_soon_days: int = 3  # calendar days before the deadline
    yellow_missed: int = 1  # consecutive reporting cycles missed
    red_missed: int = 2
    min_cycle_days: int = 3  # a first cycle shorter than this is not due yet


@dataclass(frozen=True)
class LightInput:
    start: dt.date
    deadline: dt.date | None
    progress: int
    completed: bool = False
    cancelled: bool = False
    milestones: tuple[tuple[dt.date, str, int], ...] = ()
    cadence: str = "none"
    report_dates: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class LightResult:
    light: str
    reasons: tuple[str, ...] = field(default_factory=tuple)
    overdue_days: int = 0
    missed_cycles: int = 0

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def due_dates(cadence: str, start: dt.date, until: dt.date, milestones: tuple = ()) -> list[dt.date]:
    """Reporting due dates after ``start`` up to ``until`` inclusive.

    weekly: every Friday; half_monthly: the 15th and the month's last day; monthly: the
    month's last day; milestones: the milestone dates.
    """
    if cadence == "milestones":
        return sorted(d for d, _title, _p in milestones if start < d <= until)
    out: list[dt.date] = []
    if cadence == "weekly":
        day = start + dt.timedelta(days=(4 - start.weekday()) % 7 or 7)
        while day <= until:
            out.append(day)
            day += dt.timedelta(days=7)
        return out
    if cadence in ("half_monthly", "monthly"):
        year, month = start.year, start.month
        while dt.date(year, month, 1) <= until:
            last = dt.date(year, month, calendar.monthrange(year, month)[1])
            days = [dt.date(year, month, 15), last] if cadence == "half_monthly" else [last]
            out.extend(d for d in days if start < d <= until)
            month += 1
            if month == 13:
                year, month = year + 1, 1
        return out
    return out


def missed_cycles(inputs: LightInput, today: dt.date, thresholds: Thresholds) -> int:
    """Consecutive reporting cycles, ending with the latest one already due, without a report.

    A report made after the latest due date (a late report) counts as catching up: nothing is
    owed until the next due date passes.
    """
    dues = [
        d
        for d in due_dates(inputs.cadence, inputs.start, today - dt.timedelta(days=1), inputs.milestones)
        if (d - inputs.start).days >= thresholds.min_cycle_days
    ]
    if not dues:
        return 0
    reports = sorted(inputs.report_dates)
    if reports and reports[-1] > dues[-1]:
        return 0  # reported since the last due date: the unit has caught up
    missed = 0
    for i in range(len(dues) - 1, -1, -1):
        window_start = dues[i - 1] if i > 0 else inputs.start - dt.timedelta(days=1)
        if any(window_start < r <= dues[i] for r in reports):
            break
        missed += 1
    return missed


def light(inputs: LightInput, today: dt.date, thresholds: Thresholds | None = None) -> LightResult:
    t = thresholds or Thresholds()
    if inputs.cancelled:
        return LightResult(GREEN, (_("Cancelled"),))
    if inputs.completed:
        return LightResult(GREEN, (_("Completed"),))
    level = GREEN
    reasons: list[str] = []
    overdue = 0

    def raise_to(colour: str, text: str) -> None:
        nonlocal level
        reasons.append(text)
        if _RANK[colour] > _RANK[level]:
            level = colour

    if inputs.deadline is not None:
        if today > inputs.deadline:
            overdue = (today - inputs.deadline).days
            raise_to(RED, ngettext("Overdue by %(n)d day", "Overdue by %(n)d days", overdue) % {"n": overdue})
        else:
            total = (inputs.deadline - inputs.start).days
            elapsed = (today - inputs.start).days
            if total > 0 and elapsed > 0:
                expected = round(100 * min(1.0, elapsed / total))
                lag = expected - inputs.progress
                if lag >= t.yellow_lag:
                    raise_to(
                        RED if lag >= t.red_lag else YELLOW,
                        _("Progress is %(lag)d points behind time elapsed") % {"lag": lag},
                    )
            left = (inputs.deadline - today).days
            if left <= t.due_soon_days and inputs.progress < 100:
                raise_to(
                    YELLOW,
                    ngettext(
                        "%(n)d day left before the deadline", "%(n)d days left before the deadline", left
                    )
                    % {"n": left}
                    if left
                    else _("Due today"),
                )
    for date, title, expected in inputs.milestones:
        if date < today and inputs.progress < expected:
            gap = expected - inputs.progress
            raise_to(
                RED if gap >= t.red_lag else YELLOW,
                _("Milestone “%(title)s” missed (expected %(expected)d%%, reached %(progress)d%%)")
                % {"title": title, "expected": expected, "progress": inputs.progress},
            )
    missed = 0
    if inputs.cadence != "none":
        missed = missed_cycles(inputs, today, t)
        if missed >= t.yellow_missed:
            raise_to(
                RED if missed >= t.red_missed else YELLOW,
                ngettext("%(n)d reporting cycle missed", "%(n)d consecutive reporting cycles missed", missed)
                % {"n": missed},
            )
    return LightResult(level, tuple(reasons), overdue, missed)
