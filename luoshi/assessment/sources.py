"""The built-in criterion sources: raw values from tasks, reports, indicators and notices.

Every source answers for all of a scheme's units in a few queries. Tasks are counted on the
unit's own assignments (lead or co-unit, not cancelled); with ``{"issuer": "owner"}`` only
those issued by the scheme's owner. "Due in the period" means a deadline within
[period start, as-of date].

- ``on_time_rate``: of the assignments due, the share completed on or before the deadline.
- ``completion_rate``: of the assignments due, the share completed by the as-of date.
- ``report_timeliness``: of the reporting cycles due in the period (``tasks.lights.due_dates``
  from each assignment's cadence, up to its deadline or completion), the share with a report
  inside the cycle; a late report does not make its cycle timely.
- ``return_rate`` (lower is better): of the reports submitted in the period and reviewed,
  the share returned.
- ``indicator_attainment``: the weighted mean attainment (完成率, direction taken into account;
  ``indicators.rollup.attainment``) of the chosen indicators, year to date at the as-of date,
  each capped at ``cap`` (default 1.2) so one runaway figure cannot hide the others — the
  "1+7" pattern is one criterion per indicator, or one criterion over several.
- ``notices_received`` (lower is better; only when the supervision app is installed): the
  supervision notices issued to the unit in the period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .criteria import Context, Raw, get, register_criterion

DEFAULT_CAP = 1.2


def _window(ctx: Context) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(ctx.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(ctx.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _local(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 2)


def _assignments(units: Sequence[Any], ctx: Context):
    from luoshi.tasks.models import Assignment, AssignmentStatus

    qs = Assignment.objects.filter(unit_id__in=[u.pk for u in units]).exclude(
        status=AssignmentStatus.CANCELLED
    )
    if ctx.params.get("issuer") == "owner":
        qs = qs.filter(issuer_path=ctx.owner_path)
    return qs


def _due(units: Sequence[Any], ctx: Context) -> dict[int, list[tuple[dt.date, dt.date | None]]]:
    """Each unit's assignments due in the period: (deadline, completion date or None)."""
    out: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    _start, end = _window(ctx)
    rows = (
        _assignments(units, ctx)
        .filter(deadline__gte=ctx.start, deadline__lte=ctx.until)
        .values_list("unit_id", "deadline", "completed_at")
    )
    for unit_id, deadline, completed_at in rows:
        done = _local(completed_at) if completed_at is not None and completed_at < end else None
        out[unit_id].append((deadline, done))
    return out


def on_time_rate(units: Sequence[Any], ctx: Context) -> dict[int, Raw]:
    out = {}
    for unit_id, items in _due(units, ctx).items():
        ok = sum(1 for deadline, done in items if done is not None and done <= deadline)
        out[unit_id] = Raw(
            _pct(ok, len(items)),
            _("%(done)d of %(total)d tasks due were completed on time") % {"done": ok, "total": len(items)},
        )
    return out


def completion_rate(units: Sequence[Any], ctx: Context) -> dict[int, Raw]:
    out = {}
    for unit_id, items in _due(units, ctx).items():
        ok = sum(1 for _deadline, done in items if done is not None)
        out[unit_id] = Raw(
            _pct(ok, len(items)),
            _("%(done)d of %(total)d tasks due were completed") % {"done": ok, "total": len(items)},
        )
    return out


def report_timeliness(units: Sequence[Any], ctx: Context) -> dict[int, Raw]:
    from luoshi.reports.models import Report
    from luoshi.tasks import lights
    from luoshi.tasks.models import Cadence, Milestone
    from luoshi.tasks.services import thresholds

    min_days = thresholds().min_cycle_days
    _start, end = _window(ctx)
    rows = list(
        _assignments(units, ctx)
        .exclude(task__cadence=Cadence.NONE)
        .filter(start_date__lte=ctx.until)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=ctx.start))
        .values_list("pk", "unit_id", "start_date", "deadline", "completed_at", "task_id", "task__cadence")
    )
    if not rows:
        return {}
    milestones: dict[int, list] = defaultdict(list)
    if any(r[6] == Cadence.MILESTONES for r in rows):
        for task_id, date, title, expected in Milestone.objects.filter(
            task_id__in={r[5] for r in rows if r[6] == Cadence.MILESTONES}
        ).values_list("task_id", "date", "title", "expected_progress"):
            milestones[task_id].append((date, title, expected))
    reported: dict[int, list[dt.date]] = defaultdict(list)
    for aid, at in Report.objects.filter(
        assignment__in=_assignments(units, ctx).exclude(task__cadence=Cadence.NONE), submitted_at__lt=end
    ).values_list("assignment_id", "submitted_at"):
        reported[aid].append(_local(at))
    met: dict[int, int] = defaultdict(int)
    total: dict[int, int] = defaultdict(int)
    for aid, unit_id, start_date, deadline, completed_at, task_id, cadence in rows:
        stop = min(d for d in (ctx.until, deadline, _local(completed_at)) if d is not None)
        dues = [
            d
            for d in lights.due_dates(cadence, start_date, stop, tuple(milestones[task_id]))
            if (d - start_date).days >= min_days
        ]
        dates = reported[aid]
        for i, due in enumerate(dues):
            if due < ctx.start:
                continue
            opened = dues[i - 1] if i > 0 else start_date - dt.timedelta(days=1)
            total[unit_id] += 1
            if any(opened < r <= due for r in dates):
                met[unit_id] += 1
    return {
        unit_id: Raw(
            _pct(met[unit_id], n),
            _("%(met)d of %(total)d reporting cycles reported on time") % {"met": met[unit_id], "total": n},
        )
        for unit_id, n in total.items()
    }


def return_rate(units: Sequence[Any], ctx: Context) -> dict[int, Raw]:
    from luoshi.reports.models import Review

    start, end = _window(ctx)
    returned: dict[int, int] = defaultdict(int)
    reviewed: dict[int, int] = defaultdict(int)
    qs = Review.objects.filter(
        report__assignment__in=_assignments(units, ctx),
        report__submitted_at__gte=start,
        report__submitted_at__lt=end,
        reviewed_at__lt=end,
    )
    for unit_id, decision in qs.values_list("report__assignment__unit_id", "decision"):
        reviewed[unit_id] += 1
        returned[unit_id] += decision == Review.Decision.RETURN
    return {
        unit_id: Raw(
            _pct(returned[unit_id], n),
            _("%(returned)d of %(total)d reviewed reports were returned")
            % {"returned": returned[unit_id], "total": n},
        )
        for unit_id, n in reviewed.items()
    }


def indicator_attainment(units: Sequence[Any], ctx: Context) -> dict[int, Raw]:
    from luoshi.indicators.models import Indicator
    from luoshi.indicators.selectors import figures

    wanted = {int(i["id"]): float(i.get("weight", 1)) for i in ctx.params.get("indicators", [])}
    indicators = list(Indicator.objects.filter(pk__in=wanted))
    cap = float(ctx.params.get("cap", DEFAULT_CAP))
    figs = figures(indicators, list(units), year=ctx.until.year, month=ctx.until.month)
    out = {}
    for unit in units:
        parts, weights, texts = [], [], []
        for ind in indicators:
            fig = figs.get((ind.pk, unit.pk))
            if fig is None or fig.attainment is None:
                continue
            value = min(fig.attainment, cap)
            parts.append(value * wanted[ind.pk])
            weights.append(wanted[ind.pk])
            texts.append(f"{ind.name} {fig.attainment * 100:.1f}%")
        if weights:
            out[unit.pk] = Raw(round(100 * sum(parts) / sum(weights), 2), "；".join(texts))
    return out


def notices_received(units: Sequence[Any], ctx: Context) -> dict[int, Raw]:
    """Every unit gets a count (0 is data, not a gap)."""
    notice = apps.get_model("supervision", "Notice")
    start, end = _window(ctx)
    counts = dict(
        notice.objects.filter(unit_id__in=[u.pk for u in units], issued_at__gte=start, issued_at__lt=end)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    return {
        u.pk: Raw(float(counts.get(u.pk, 0)), _("%(n)d supervision notices") % {"n": counts.get(u.pk, 0)})
        for u in units
    }


def _notices_available() -> bool:
    if not apps.is_installed("luoshi.supervision"):
        return False
    try:
        apps.get_model("supervision", "Notice")
    except LookupError:
        return False
    return True


def register_builtins() -> None:
    register_criterion("on_time_rate", on_time_rate, label=gettext_lazy("On-time completion rate"))
    register_criterion("completion_rate", completion_rate, label=gettext_lazy("Completion rate"))
    register_criterion(
        "indicator_attainment",
        indicator_attainment,
        label=gettext_lazy("Indicator attainment"),
        params_help=gettext_lazy("Indicators with weights, e.g. 3:2, 5:1 (indicator number:weight)"),
    )
    register_criterion("report_timeliness", report_timeliness, label=gettext_lazy("Report timeliness"))
    register_criterion("return_rate", return_rate, label=gettext_lazy("Return rate"), direction="down")
    # The supervision app may register its own source for notices; ours only fills the gap.
    if get("notices_received") is None and _notices_available():
        register_criterion(
            "notices_received",
            notices_received,
            label=gettext_lazy("Supervision notices received"),
            direction="down",
            measure="件",
        )
