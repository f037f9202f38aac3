"""What reporting on tasks asks of each unit per month, for the ledgers' burden meter (减负).

A task with a reporting cadence asks its assignee for one report per cycle: weekly about 4.3
a month, half-monthly 2, monthly 1, at milestones as many as fall in the month. A report is
counted as three fields (progress text, percent, and the figure when the task has a target).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterator
from decimal import Decimal

PER_MONTH = {"weekly": Decimal("4.33"), "half_monthly": Decimal(2), "monthly": Decimal(1)}


def task_demands(*, unit_ids: Collection[int], month: dt.date) -> Iterator:
    from luoshi.ledgers.burden import Demand

    from .models import Assignment, AssignmentStatus, Cadence, Milestone

    rows = (
        Assignment.objects.filter(unit_id__in=list(unit_ids), status=AssignmentStatus.ACTIVE)
        .exclude(task__cadence=Cadence.NONE)
        .values_list("unit_id", "task_id", "task__title", "task__cadence", "task__target_value")
    )
    rows = list(rows)
    first = month.replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    in_month = Counter(
        Milestone.objects.filter(
            task_id__in={r[1] for r in rows if r[3] == Cadence.MILESTONES}, date__gte=first, date__lte=last
        ).values_list("task_id", flat=True)
    )
    for unit_id, task_id, title, cadence, target in rows:
        per_month = Decimal(in_month[task_id]) if cadence == Cadence.MILESTONES else PER_MONTH[cadence]
        if per_month:
            yield Demand(
                unit_id=unit_id,
                source=f"task:{task_id}",
                label=title,
                fields=3 if target is not None else 2,
                reports_per_month=per_month,
            )
