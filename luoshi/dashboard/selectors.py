"""The reads behind the dashboard (挂图作战): task measures and indicator figures for a unit and
each of its direct subordinates, the half-way check, and the most lagging units.

Every read starts from the scoping function and is narrowed to the unit's subtree with
``subtree_q``. Per-child figures come from one grouped query each, whatever the number of
children or rows: the child a row belongs to is the first path segment below the unit
(``child_segment``). The number of queries is fixed (see the query-count test).

Which assignments count ("the work of a unit's area, each piece once"): for unit X, the
assignments of X and the units below it, not cancelled, that were running in the selected
year (started by its end; no deadline, or a deadline in or after it) — except decompositions
made inside X's own area (a sub-task issued by X or a unit below X, decomposing one of their
assignments), since the assignment decomposed already counts. A city's own assignment from the
province counts once for the city, not again in each county it was split into; a county's
share of it counts when the county itself is the one looked at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Concat, StrIndex, Substr, TruncWeek
from django.utils import timezone

from luoshi.accounts.scoping import scope
from luoshi.core import clock
from luoshi.indicators import halfway as hw
from luoshi.indicators.models import Indicator
from luoshi.indicators.selectors import Figure, figures, indicators_visible_to
from luoshi.tasks.models import Assignment, AssignmentStatus, Light, Source
from luoshi.tasks.services import lights_refresh_stale
from luoshi.units.models import Kind, Unit
from luoshi.units.paths import subtree_q

MEASURES = ("red_share", "overdue", "attainment")
STALE_LIGHTS_LIMIT = 2000  # refreshed on a page view; the daily sweep handles the rest
WEEKS = 12


@dataclass
class Filters:
    year: int
    month: int  # figures through the end of this month
    source_id: int | None = None
    indicator_id: int | None = None
    measure: str = "red_share"

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    def as_of(self, today: dt.date) -> dt.date:
        """The check date: the end of the selected month, or today if that is earlier."""
        last = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1) - dt.timedelta(days=1)
        return min(last, today) if today >= self.year_start else last


@dataclass
class TaskCounts:
    total: int = 0  # counted assignments (see the module docstring)
    done: int = 0  # completed by the check date
    completed: int = 0
    active: int = 0
    red: int = 0
    yellow: int = 0
    overdue: int = 0

    @property
    def red_share(self) -> float | None:
        return self.red / self.active if self.active else None

    @property
    def done_share(self) -> float | None:
        return self.done / self.total if self.total else None


@dataclass
class Row:
    """One unit on the dashboard: the unit itself or one of its children."""

    unit: Unit
    tasks: TaskCounts
    figures: dict[int, Figure]
    halfway: hw.HalfwayResult
    has_geo: bool = False

    def measure(self, name: str, indicator_id: int | None) -> float | None:
        if name == "overdue":
            return float(self.tasks.overdue)
        if name == "attainment":
            fig = self.figures.get(indicator_id) if indicator_id else None
            return fig.attainment if fig else None
        return self.tasks.red_share


@dataclass
class Dashboard:
    unit: Unit
    filters: Filters
    today: dt.date
    as_of: dt.date
    required: float
    own: Row
    children: list[Row]
    indicators: list[Indicator]
    indicator: Indicator | None
    sources: list[Source]
    weeks: list[tuple[dt.date, int]]
    lagging: list[dict[str, Any]]
    failing: list[Row] = field(default_factory=list)


def child_segment(field_name: str, parent_path: str) -> Any:
    """The first path segment below ``parent_path`` of a path column ("" for the parent itself).

    ``13/1306/130602`` below ``13`` → ``1306``. Only meaningful on rows already filtered to the
    parent's subtree.
    """
    rest = Substr(field_name, len(parent_path) + 2)
    return Substr(rest, 1, StrIndex(Concat(rest, Value("/")), Value("/")) - 1)


def counted_assignments(user: Any, unit: Unit, filters: Filters) -> QuerySet[Assignment]:
    """Assignments in the unit's subtree that were running in the selected year (not cancelled)."""
    qs = scope(Assignment.objects.all(), user).filter(subtree_q(unit.path, field="unit_path"))
    if filters.source_id:
        qs = qs.filter(task__source_id=filters.source_id)
    return qs.exclude(status=AssignmentStatus.CANCELLED).filter(
        Q(deadline__isnull=True) | Q(deadline__gte=filters.year_start),
        start_date__lte=filters.year_end,
    )


def _count_kwargs(as_of_end: dt.datetime, today: dt.date, counted: Q) -> dict[str, Count]:
    active = Q(status=AssignmentStatus.ACTIVE)
    return {
        "total": Count("pk", filter=counted),
        "done": Count(
            "pk", filter=counted & Q(status=AssignmentStatus.COMPLETED, completed_at__lt=as_of_end)
        ),
        "completed": Count("pk", filter=counted & Q(status=AssignmentStatus.COMPLETED)),
        "active": Count("pk", filter=counted & active),
        "red": Count("pk", filter=counted & active & Q(light=Light.RED)),
        "yellow": Count("pk", filter=counted & active & Q(light=Light.YELLOW)),
        "overdue": Count("pk", filter=counted & active & Q(deadline__lt=today)),
    }


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def task_counts(
    user: Any, unit: Unit, filters: Filters, today: dt.date, as_of: dt.date
) -> tuple[TaskCounts, dict[str, TaskCounts]]:
    """Counts for the unit and for each direct child (keyed by the child's path). Two queries."""
    base = counted_assignments(user, unit, filters)
    end = _end_of(as_of)
    decomposition = Q(task__parent_assignment__isnull=False)
    own_q = ~(decomposition & subtree_q(unit.path, field="issuer_path"))
    own = TaskCounts(**base.aggregate(**_count_kwargs(end, today, own_q)))
    # Per child: leave out decompositions issued inside that same child's area.
    per_child = (
        base.filter(subtree_q(unit.path, field="unit_path", include_self=False))
        .annotate(
            seg=child_segment("unit_path", unit.path), issuer_seg=child_segment("issuer_path", unit.path)
        )
        .values("seg")
        .annotate(
            **_count_kwargs(
                end,
                today,
                ~(
                    decomposition
                    & subtree_q(unit.path, field="issuer_path", include_self=False)
                    & Q(issuer_seg=F("seg"))
                ),
            )
        )
        .order_by()
    )
    children = {}
    for row in per_child:
        seg = row.pop("seg")
        children[f"{unit.path}/{seg}"] = TaskCounts(**row)
    return own, children


def completions_by_week(user: Any, unit: Unit, filters: Filters, as_of: dt.date) -> list[tuple[dt.date, int]]:
    """Assignments completed per week (Monday) over the ``WEEKS`` weeks up to the check date."""
    first = as_of - dt.timedelta(days=as_of.weekday() + 7 * (WEEKS - 1))
    base = counted_assignments(user, unit, filters).exclude(
        Q(task__parent_assignment__isnull=False) & subtree_q(unit.path, field="issuer_path")
    )
    rows = (
        base.filter(
            status=AssignmentStatus.COMPLETED,
            completed_at__gte=timezone.make_aware(dt.datetime.combine(first, dt.time())),
            completed_at__lt=_end_of(as_of),
        )
        .annotate(week=TruncWeek("completed_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {}
    for r in rows:
        week = r["week"]
        week = timezone.localtime(week).date() if isinstance(week, dt.datetime) else week
        counts[week] = counts.get(week, 0) + r["n"]
    return [
        (first + dt.timedelta(weeks=i), counts.get(first + dt.timedelta(weeks=i), 0)) for i in range(WEEKS)
    ]


def lagging_units(
    user: Any, unit: Unit, filters: Filters, today: dt.date, limit: int = 10
) -> list[dict[str, Any]]:
    """The units below ``unit`` with the most red-light, then overdue, open assignments."""
    active = Q(status=AssignmentStatus.ACTIVE)
    rows = (
        counted_assignments(user, unit, filters)
        .filter(subtree_q(unit.path, field="unit_path", include_self=False), active)
        .values("unit_id", "unit__name", "unit__code", "unit_path")
        .annotate(
            active=Count("pk"),
            red=Count("pk", filter=Q(light=Light.RED)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
            overdue=Count("pk", filter=Q(deadline__lt=today)),
        )
        .filter(Q(red__gt=0) | Q(overdue__gt=0) | Q(yellow__gt=0))
        .order_by("-red", "-overdue", "-yellow", "unit_path")[:limit]
    )
    return [
        {
            "code": r["unit__code"],
            "name": r["unit__name"],
            "path": r["unit_path"],
            "active": r["active"],
            "red": r["red"],
            "yellow": r["yellow"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]


def refresh_stale_lights(user: Any, unit: Unit, today: dt.date) -> None:
    stale = list(
        scope(Assignment.objects.all(), user)
        .filter(subtree_q(unit.path, field="unit_path"), status=AssignmentStatus.ACTIVE)
        .exclude(light_date=today)
        .select_related("task")[:STALE_LIGHTS_LIMIT]
    )
    if stale:
        lights_refresh_stale(stale, today)


def _halfway(
    counts: TaskCounts, figs: dict[int, Figure], time_share: float, required: float
) -> hw.HalfwayResult:
    progress = tuple(
        hw.IndicatorProgress(name=f.indicator.name, attainment=f.attainment, has_target=f.target is not None)
        for f in figs.values()
        if f.target is not None
    )
    return hw.halfway(hw.HalfwayInput(time_share, counts.total, counts.done, progress), required=required)


def dashboard(user: Any, unit: Unit, filters: Filters, today: dt.date | None = None) -> Dashboard:
    """Everything the dashboard page shows for ``unit`` (already in the user's scope)."""
    today = today or clock.today()
    as_of = filters.as_of(today)
    time_share = hw.time_share(filters.year_start, filters.year_end, as_of)
    # Before mid-period the bar is the share of time elapsed (keeping pace); from then on, half.
    required = min(hw.HALF, time_share)
    if filters.year == today.year:
        refresh_stale_lights(user, unit, today)
    children = list(Unit.objects.filter(parent=unit, retired_at__isnull=True).order_by("-kind", "code"))
    indicators = list(indicators_visible_to(user))
    indicator = next(
        (i for i in indicators if i.pk == filters.indicator_id), indicators[0] if indicators else None
    )
    own_counts, child_counts = task_counts(user, unit, filters, today, as_of)
    figs = figures(indicators, [unit, *children], year=filters.year, month=filters.month)

    def figures_of(u: Unit) -> dict[int, Figure]:
        return {i.pk: figs[i.pk, u.pk] for i in indicators if (i.pk, u.pk) in figs}

    from .geo import has_geometry

    own_figs = figures_of(unit)
    own = Row(unit, own_counts, own_figs, _halfway(own_counts, own_figs, time_share, required))
    rows = []
    for child in children:
        counts = child_counts.get(child.path, TaskCounts())
        child_figs = figures_of(child)
        rows.append(
            Row(
                child,
                counts,
                child_figs,
                _halfway(counts, child_figs, time_share, required),
                has_geo=child.kind == Kind.DIVISION and has_geometry(unit, child),
            )
        )
    failing = sorted((r for r in rows if r.halfway.passed is False), key=lambda r: -r.halfway.shortfall)
    sources = list(
        scope(Source.objects.all(), user).filter(date__year=filters.year).order_by("-date", "-id")[:50]
    )
    return Dashboard(
        unit=unit,
        filters=filters,
        today=today,
        as_of=as_of,
        required=required,
        own=own,
        children=rows,
        indicators=indicators,
        indicator=indicator,
        sources=sources,
        weeks=completions_by_week(user, unit, filters, as_of),
        lagging=lagging_units(user, unit, filters, today),
        failing=failing,
    )


def _pct(x: float | None) -> float | None:
    return round(x * 100, 1) if x is not None else None


def as_json(d: Dashboard) -> dict[str, Any]:
    """The dashboard as plain JSON for the page's charts and the API."""
    ind_id = d.indicator.pk if d.indicator else None

    def row(r: Row) -> dict[str, Any]:
        fig = r.figures.get(ind_id) if ind_id else None
        return {
            "code": r.unit.code,
            "name": r.unit.name,
            "level": r.unit.level,
            "kind": r.unit.kind,
            "has_geo": r.has_geo,
            "tasks": {
                "total": r.tasks.total,
                "done": r.tasks.done,
                "completed": r.tasks.completed,
                "active": r.tasks.active,
                "red": r.tasks.red,
                "yellow": r.tasks.yellow,
                "overdue": r.tasks.overdue,
                "red_share": _pct(r.tasks.red_share),
            },
            "indicator": {
                "value": fig.value if fig else None,
                "target": fig.target if fig else None,
                "attainment": _pct(fig.attainment) if fig else None,
            },
            "measure": (
                _pct(r.measure(d.filters.measure, ind_id))
                if d.filters.measure != "overdue"
                else r.measure("overdue", ind_id)
            ),
            "halfway": {"passed": r.halfway.passed, "reasons": list(r.halfway.reasons)},
        }

    t = d.own.tasks
    return {
        "unit": {"code": d.unit.code, "name": d.unit.name, "level": d.unit.level},
        "filters": {
            "year": d.filters.year,
            "month": d.filters.month,
            "source": d.filters.source_id,
            "indicator": ind_id,
            "measure": d.filters.measure,
        },
        "as_of": d.as_of.isoformat(),
        "time_share": _pct(d.own.halfway.time_share),
        "required": _pct(d.required),
        "indicator": (
            {"id": d.indicator.pk, "name": d.indicator.name, "measure_unit": d.indicator.measure_unit}
            if d.indicator
            else None
        ),
        "status": {
            "completed": t.completed,
            "green": t.active - t.red - t.yellow,
            "yellow": t.yellow,
            "red": t.red,
            "overdue": t.overdue,
        },
        "own": row(d.own),
        "children": [row(r) for r in d.children],
        "weeks": [{"week": w.isoformat(), "completed": n} for w, n in d.weeks],
        "lagging": d.lagging,
        "indicators": [
            {
                "id": f.indicator.pk,
                "name": f.indicator.name,
                "measure_unit": f.indicator.measure_unit,
                "direction": f.indicator.direction,
                "value": f.value,
                "target": f.target,
                "attainment": _pct(f.attainment),
            }
            for f in d.own.figures.values()
        ],
        "failing": [
            {
                "code": r.unit.code,
                "name": r.unit.name,
                "shortfall": _pct(r.halfway.shortfall),
                "reasons": list(r.halfway.reasons),
            }
            for r in d.failing
        ],
    }
