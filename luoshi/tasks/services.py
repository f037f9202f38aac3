"""Every write to sources, tasks and assignments; progress rollup and light refresh.

Who may act: the issuing unit's supervisors create, assign and cancel; an assignee unit's
supervisors decompose its assignment into sub-tasks for its own subordinate units. Objects
reach a service already narrowed by the scoping function, so a service only checks the role.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role as UserRole
from luoshi.audit.models import Action
from luoshi.audit.services import entry, record, record_many, snapshot
from luoshi.core import clock
from luoshi.core.calendar import work_calendar
from luoshi.core.exceptions import DomainError
from luoshi.core.permissions import require_acts_for
from luoshi.core.text import clean_text as _clean_text
from luoshi.core.workdays import add_working_days
from luoshi.units.models import Unit
from luoshi.units.paths import is_within

from . import lights
from .models import (
    Assignment,
    AssignmentStatus,
    Cadence,
    Milestone,
    Role,
    Source,
    SourceKind,
    Task,
    TaskStatus,
)

TASK_FIELDS = (
    "title",
    "content",
    "status",
    "deadline",
    "deadline_workdays",
    "cadence",
    "target_value",
    "target_unit",
    "responsible_name",
    "responsible_post",
    "issuer",
    "source",
    "parent_assignment",
)
ASSIGNMENT_FIELDS = (
    "task",
    "unit",
    "role",
    "status",
    "deadline",
    "progress",
    "responsible_name",
    "responsible_post",
)

RELAY_TITLE = "传达学习贯彻会议精神"


def thresholds() -> lights.Thresholds:
    return lights.Thresholds(**getattr(settings, "LUOSHI_LIGHTS", {}))


def _check_below(issuer: Unit, units: Iterable[Unit]) -> None:
    for unit in units:
        if unit.pk == issuer.pk or not is_within(unit.path, issuer.path):
            raise DomainError(
                _("%(unit)s is not a subordinate unit of %(issuer)s.")
                % {"unit": unit.name, "issuer": issuer.name},
                code="out_of_scope",
            )
        if unit.retired_at is not None:
            raise DomainError(_("%(unit)s has been retired.") % {"unit": unit.name}, code="retired")


# --- Sources ---------------------------------------------------------------------------------------


@transaction.atomic
def source_create(
    *,
    actor: Any,
    issuer: Unit,
    title: str,
    date: dt.date,
    kind: str = SourceKind.MEETING,
    text: str = "",
    venue: str = "",
    sub_venues: Sequence[Unit] = (),
) -> Source:
    """Record a meeting, document or instruction that tasks will come from."""
    require_acts_for(actor, issuer, UserRole.SUPERVISOR)
    title = _clean_text(title, _("Title"), 200)
    if kind not in SourceKind.values:
        raise DomainError(_("Unknown source kind."), code="bad_kind")
    _check_below(issuer, sub_venues)
    source = Source(
        kind=kind,
        title=title,
        date=date,
        issuer=issuer,
        issuer_path=issuer.path,
        venue=_clean_text(venue, _("Main venue"), 100, required=False),
        text=text or "",
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    source.full_clean()
    source.save()
    source.sub_venues.set(sub_venues)
    record(
        actor=actor,
        action=Action.CREATE,
        obj=source,
        after={
            "title": title,
            "date": date.isoformat(),
            "kind": kind,
            "sub_venues": [u.pk for u in sub_venues],
        },
        unit_path=issuer.path,
    )
    return source


@transaction.atomic
def source_relay(
    *, actor: Any, source: Source, deadline_workdays: int = 10, today: dt.date | None = None
) -> Task:
    """Give every sub-venue unit the relay task (传达学习贯彻会议精神) in one step."""
    units = list(source.sub_venues.filter(retired_at__isnull=True))
    if not units:
        raise DomainError(_("The meeting has no sub-venues to relay to."), code="no_sub_venues")
    if source.tasks.filter(is_relay=True, parent_assignment__isnull=True).exists():
        raise DomainError(_("The relay task has been created already."), code="duplicate")
    task = task_create(
        actor=actor,
        source=source,
        title=RELAY_TITLE,
        content=_(
            "Relay the spirit of “%(title)s” to your unit's officials and report how it was carried out."
        )
        % {"title": source.title},
        deadline_workdays=deadline_workdays,
        is_relay=True,
    )
    task_assign(actor=actor, task=task, units=units, today=today)
    return task


# --- Tasks -------------------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    actor: Any,
    source: Source,
    title: str,
    content: str = "",
    parent_assignment: Assignment | None = None,
    deadline: dt.date | None = None,
    deadline_workdays: int | None = None,
    cadence: str = Cadence.NONE,
    target_value: Decimal | None = None,
    target_unit: str = "",
    responsible_name: str = "",
    responsible_post: str = "",
    milestones: Sequence[tuple[dt.date, str, int]] = (),
    is_relay: bool = False,
    seq: int | None = None,
) -> Task:
    """Create a task under a source (or under an assignment, when decomposing)."""
    issuer = parent_assignment.unit if parent_assignment else source.issuer
    require_acts_for(actor, issuer, UserRole.SUPERVISOR)
    title = _clean_text(title, _("Title"), 200)
    if deadline and deadline_workdays:
        raise DomainError(_("Give the deadline as a date or as working days, not both."), code="bad_deadline")
    if deadline_workdays is not None and not 0 < deadline_workdays <= 366:
        raise DomainError(_("Working days must be between 1 and 366."), code="bad_deadline")
    if cadence not in Cadence.values:
        raise DomainError(_("Unknown reporting cadence."), code="bad_cadence")
    if parent_assignment is not None:
        if parent_assignment.status != AssignmentStatus.ACTIVE:
            raise DomainError(_("Only an assignment in progress can be decomposed."), code="not_active")
        if deadline and parent_assignment.deadline and deadline > parent_assignment.deadline:
            raise DomainError(
                _("A sub-task's deadline cannot be later than its parent's (%(date)s).")
                % {"date": parent_assignment.deadline.isoformat()},
                code="bad_deadline",
            )
    for date, mtitle, expected in milestones:
        if not 0 <= int(expected) <= 100:
            raise DomainError(_("A milestone's expected progress must be 0–100%."), code="bad_milestone")
        if deadline and date > deadline:
            raise DomainError(_("A milestone cannot fall after the deadline."), code="bad_milestone")
        _clean_text(mtitle, _("Milestone"), 100)
    if cadence == Cadence.MILESTONES and not milestones:
        raise DomainError(_("Reporting at milestones needs at least one milestone."), code="bad_cadence")
    if seq is None:
        top = Task.objects.filter(source=source, parent_assignment=parent_assignment).aggregate(m=Max("seq"))[
            "m"
        ]
        seq = (top or 0) + 1
    task = Task(
        source=source,
        parent_assignment=parent_assignment,
        issuer=issuer,
        issuer_path=issuer.path,
        seq=seq,
        title=title,
        content=content or "",
        deadline=deadline,
        deadline_workdays=deadline_workdays,
        cadence=cadence,
        target_value=target_value,
        target_unit=_clean_text(target_unit, _("Target unit"), 20, required=False),
        responsible_name=_clean_text(responsible_name, _("Responsible person"), 40, required=False),
        responsible_post=_clean_text(responsible_post, _("Post"), 60, required=False),
        is_relay=is_relay,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    task.full_clean()
    task.save()
    Milestone.objects.bulk_create(
        [Milestone(task=task, date=d, title=t.strip(), expected_progress=int(p)) for d, t, p in milestones]
    )
    record(
        actor=actor,
        action=Action.CREATE,
        obj=task,
        after=snapshot(task, TASK_FIELDS),
        unit_path=issuer.path,
        related=source,
    )
    return task


def deadline_for(task: Task, assigned_on: dt.date) -> dt.date | None:
    if task.deadline:
        return task.deadline
    if task.deadline_workdays:
        return add_working_days(assigned_on, task.deadline_workdays, work_calendar())
    return None


@transaction.atomic
def task_assign(
    *,
    actor: Any,
    task: Task,
    units: Sequence[Unit],
    co_units: Sequence[Unit] = (),
    today: dt.date | None = None,
) -> list[Assignment]:
    """Assign (交办) ``task`` to lead units and co-units in one step: one assignment per unit."""
    require_acts_for(actor, task.issuer, UserRole.SUPERVISOR)
    if task.status not in (TaskStatus.ACTIVE, TaskStatus.DRAFT):
        raise DomainError(_("Only a task in progress can be assigned."), code="not_active")
    units = list(dict.fromkeys(units))
    co_units = [u for u in dict.fromkeys(co_units) if u not in units]
    if not units:
        raise DomainError(_("Choose at least one lead unit."), code="no_units")
    _check_below(task.issuer, [*units, *co_units])
    taken = set(task.assignments.values_list("unit_id", flat=True))
    again = [u.name for u in [*units, *co_units] if u.pk in taken]
    if again:
        raise DomainError(
            _("Already assigned to: %(units)s.") % {"units": "、".join(again)}, code="duplicate"
        )
    now = clock.now()
    today = today or clock.today()
    deadline = deadline_for(task, today)
    parent = task.parent_assignment
    if parent is not None and deadline and parent.deadline and deadline > parent.deadline:
        raise DomainError(
            _("A sub-task's deadline cannot be later than its parent's (%(date)s).")
            % {"date": parent.deadline.isoformat()},
            code="bad_deadline",
        )
    rows = [
        Assignment(
            task=task,
            unit=unit,
            unit_path=unit.path,
            issuer_path=task.issuer_path,
            role=role,
            assigned_at=now,
            assigned_by=actor if getattr(actor, "pk", None) else None,
            start_date=today,
            deadline=deadline,
            light_date=None,
        )
        for role, group in ((Role.LEAD, units), (Role.CO, co_units))
        for unit in group
    ]
    Assignment.objects.bulk_create(rows, batch_size=1000)
    created = list(task.assignments.filter(unit__in=[*units, *co_units]).select_related("unit", "task"))
    if task.status == TaskStatus.DRAFT:
        task.status = TaskStatus.ACTIVE
        task.save(update_fields=["status", "updated_at"])
    record_many(
        [
            entry(
                actor=actor,
                action=Action.CREATE,
                obj=a,
                after=snapshot(a, ASSIGNMENT_FIELDS),
                unit_path=a.unit_path,
                related=task,
                message=_("Assigned"),
            )
            for a in created
        ]
    )
    lights_refresh(created, today=today)
    if parent is not None:
        progress_refresh(parent)
    return created


@transaction.atomic
def task_decompose(
    *,
    actor: Any,
    assignment: Assignment,
    title: str,
    units: Sequence[Unit],
    co_units: Sequence[Unit] = (),
    today: dt.date | None = None,
    **fields: Any,
) -> Task:
    """The assignee splits its assignment into a sub-task for its own subordinate units."""
    require_acts_for(actor, assignment.unit, UserRole.SUPERVISOR)
    task = task_create(
        actor=actor, source=assignment.task.source, parent_assignment=assignment, title=title, **fields
    )
    task_assign(actor=actor, task=task, units=units, co_units=co_units, today=today)
    return task


@transaction.atomic
def task_cancel(*, actor: Any, task: Task, reason: str) -> Task:
    """Cancel a task and every open assignment of it (and of its sub-tasks)."""
    require_acts_for(actor, task.issuer, UserRole.SUPERVISOR)
    reason = _clean_text(reason, _("Reason"), 500)
    if task.status in (TaskStatus.COMPLETED, TaskStatus.CANCELLED):
        raise DomainError(_("The task is already closed."), code="closed")
    before = snapshot(task, TASK_FIELDS)
    task.status = TaskStatus.CANCELLED
    task.save(update_fields=["status", "updated_at"])
    pending = [task]
    while pending:
        current = pending.pop()
        Assignment.objects.filter(task=current, status=AssignmentStatus.ACTIVE).update(
            status=AssignmentStatus.CANCELLED
        )
        pending.extend(
            Task.objects.filter(parent_assignment__task=current).exclude(status=TaskStatus.CANCELLED)
        )
        Task.objects.filter(parent_assignment__task=current).update(status=TaskStatus.CANCELLED)
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=task,
        before=before,
        after=snapshot(task, TASK_FIELDS),
        unit_path=task.issuer_path,
        message=reason,
    )
    if task.parent_assignment_id:
        progress_refresh(task.parent_assignment)
    return task


@transaction.atomic
def assignment_set_responsible(
    *, actor: Any, assignment: Assignment, name: str, post: str = ""
) -> Assignment:
    """The assignee names who answers for its assignment (责任人)."""
    require_acts_for(actor, assignment.unit, UserRole.SUPERVISOR, UserRole.REPORTER)
    before = snapshot(assignment, ASSIGNMENT_FIELDS)
    assignment.responsible_name = _clean_text(name, _("Responsible person"), 40)
    assignment.responsible_post = _clean_text(post, _("Post"), 60, required=False)
    assignment.save(update_fields=["responsible_name", "responsible_post"])
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=assignment,
        before=before,
        after=snapshot(assignment, ASSIGNMENT_FIELDS),
        unit_path=assignment.unit_path,
        related=assignment.task,
    )
    return assignment


# --- Progress rollup and lights ------------------------------------------------------------------------


def own_progress(assignment: Assignment) -> int:
    """The latest report that was neither returned nor corrected since (0 when none)."""
    from luoshi.reports.models import Review

    report = (
        assignment.reports.filter(superseded_by__isnull=True)
        .exclude(review__decision=Review.Decision.RETURN)
        .order_by("-submitted_at", "-id")
        .first()
    )
    return report.percent if report else 0


def progress_refresh(assignment: Assignment) -> None:
    """Recompute an assignment's progress and roll it up through its ancestors.

    A completed assignment is 100; one decomposed into sub-tasks takes the mean of its
    sub-tasks' lead assignments (co-units support, they do not dilute); otherwise its own
    latest valid report. One pass per level, up to the top-level task.
    """
    current: Assignment | None = assignment
    while current is not None:
        if current.status == AssignmentStatus.COMPLETED:
            value = 100
        else:
            subs = list(
                Assignment.objects.filter(task__parent_assignment=current)
                .exclude(status=AssignmentStatus.CANCELLED)
                .values_list("role", "progress")
            )
            leads = [p for r, p in subs if r == Role.LEAD] or [p for _r, p in subs]
            value = round(sum(leads) / len(leads)) if leads else own_progress(current)
        if value != current.progress:
            Assignment.objects.filter(pk=current.pk).update(progress=value)
            current.progress = value
        parent_id = (
            Task.objects.filter(pk=current.task_id).values_list("parent_assignment_id", flat=True).first()
        )
        current = Assignment.objects.filter(pk=parent_id).first() if parent_id else None


def light_inputs(
    assignment: Assignment, milestones: Sequence[Milestone], report_dates: Sequence[dt.date]
) -> lights.LightInput:
    return lights.LightInput(
        start=assignment.start_date,
        deadline=assignment.deadline,
        progress=assignment.progress,
        completed=assignment.status == AssignmentStatus.COMPLETED,
        cancelled=assignment.status == AssignmentStatus.CANCELLED,
        milestones=tuple((m.date, m.title, m.expected_progress) for m in milestones),
        cadence=assignment.task.cadence,
        report_dates=tuple(report_dates),
    )


def _report_dates(
    assignment_ids: list[int] | None = None, *, pk_range: tuple[int, int] | None = None
) -> dict[int, list[dt.date]]:
    """Dates of each assignment's reports that count as reported (not returned).

    By a list of assignments, or (for a sweep) by a range of assignment keys: a range scan
    instead of an IN list of twenty thousand parameters.
    """
    from luoshi.reports.models import Report, Review

    dates: dict[int, list[dt.date]] = defaultdict(list)
    reports = Report.objects.exclude(review__decision=Review.Decision.RETURN)
    if pk_range is not None:
        reports = reports.filter(assignment_id__gte=pk_range[0], assignment_id__lte=pk_range[1])
    else:
        reports = reports.filter(assignment_id__in=assignment_ids or [])
    for aid, at in reports.values_list("assignment_id", "submitted_at"):
        dates[aid].append(timezone.localtime(at).date())
    return dates


def assignment_light(assignment: Assignment, today: dt.date | None = None) -> lights.LightResult:
    """The light of one assignment now (or on ``today``), computed live."""
    today = today or clock.today()
    milestones = list(assignment.task.milestones.all())
    dates = _report_dates([assignment.pk]).get(assignment.pk, [])
    return lights.light(light_inputs(assignment, milestones, dates), today, thresholds())


# The fields a light is computed from, read as plain tuples: a sweep over half a million
# assignments must not build a model instance per row.
_LIGHT_FIELDS = (
    "pk",
    "start_date",
    "deadline",
    "progress",
    "status",
    "task_id",
    "task__cadence",
    "light",
    "light_reason",
)
SWEEP_STATE_KEY = "lights_swept_on"


def _milestones(task_ids: set[int] | None = None) -> dict[int, list[tuple[dt.date, str, int]]]:
    """Milestones by task: of the given tasks, or of every task with an open assignment."""
    qs = Milestone.objects.all()
    if task_ids is not None:
        qs = qs.filter(task_id__in=task_ids)
    else:
        qs = qs.filter(task__assignments__status=AssignmentStatus.ACTIVE).distinct()
    out: dict[int, list[tuple[dt.date, str, int]]] = defaultdict(list)
    for task_id, date, title, expected in qs.values_list("task_id", "date", "title", "expected_progress"):
        out[task_id].append((date, title, expected))
    return out


def _compute_lights(
    rows: list[tuple], today: dt.date, cache: dict, milestones: dict, dates: dict
) -> list[tuple[int, str, str]]:
    """(pk, light, reason) for the rows whose light or reason differs from what is stored."""
    t = thresholds()
    changes = []
    for pk, start, deadline, progress, status, task_id, cadence, light, reason in rows:
        inputs = lights.LightInput(
            start=start,
            deadline=deadline,
            progress=progress,
            completed=status == AssignmentStatus.COMPLETED,
            cancelled=status == AssignmentStatus.CANCELLED,
            milestones=tuple(sorted(milestones.get(task_id, ()))),
            cadence=cadence,
            report_dates=tuple(sorted(dates.get(pk, ()))) if cadence != Cadence.NONE else (),
        )
        # Many assignments share their inputs (one task to 167 counties): compute each once.
        result = cache.get(inputs)
        if result is None:
            result = lights.light(inputs, today, t)
            result = cache[inputs] = (result.light, result.reason[:200])
        if result != (light, reason):
            changes.append((pk, *result))
    return changes


def _write_lights(changes: list[tuple[int, str, str]], today: dt.date) -> None:
    """Store changed lights: on PostgreSQL COPY into a temporary table and one UPDATE … FROM;
    on SQLite one prepared UPDATE executed for each row."""
    from django.db import connection

    if not changes:
        return
    table = Assignment._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One outer transaction may write lights several times (a wizard confirming many
            # tasks): the table lives until that transaction ends, so reuse it.
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS light_changes (id bigint, light varchar(6), reason varchar(200)) "
                "ON COMMIT DROP"
            )
            cursor.execute("TRUNCATE light_changes")
            with cursor.cursor.copy("COPY light_changes (id, light, reason) FROM STDIN") as copy:
                for row in changes:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} AS a SET light = c.light, light_reason = c.reason, light_date = %s "
                "FROM light_changes AS c WHERE a.id = c.id",
                [today],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET light = %s, light_reason = %s, light_date = %s WHERE id = %s",
                [(light, reason, today, pk) for pk, light, reason in changes],
            )


def lights_refresh(
    assignments: Sequence[Assignment] | None = None, *, today: dt.date | None = None, chunk: int = 20000
) -> int:
    """Recompute and store lights; returns how many rows changed.

    With ``assignments``: those rows (after a report, a review, an assignment). Without: a
    sweep over every open assignment, in primary-key chunks, writing only the rows whose light
    or reason changed, then recording the day of the sweep (so pages need not refresh rows the
    sweep has already seen today). Reasons are stored in the site language.
    """
    from luoshi.core.models import State

    today = today or clock.today()
    cache: dict = {}
    changed = 0
    with translation.override(settings.LANGUAGE_CODE):
        if assignments is not None:
            pks = [a.pk for a in assignments]
            rows = list(Assignment.objects.filter(pk__in=pks).values_list(*_LIGHT_FIELDS))
            milestones = _milestones({r[5] for r in rows})
            dates = _report_dates([r[0] for r in rows if r[6] != Cadence.NONE])
            changes = _compute_lights(rows, today, cache, milestones, dates)
            _write_lights(changes, today)
            stored = {pk: (light, reason) for pk, light, reason in changes}
            for a in assignments:
                if a.pk in stored:
                    a.light, a.light_reason = stored[a.pk]
                a.light_date = today
            return len(changes)
        active = Assignment.objects.filter(status=AssignmentStatus.ACTIVE).order_by("pk")
        milestones = _milestones()
        last = 0
        while True:
            rows = list(active.filter(pk__gt=last).values_list(*_LIGHT_FIELDS)[:chunk])
            if not rows:
                break
            first, last = rows[0][0], rows[-1][0]
            dates = _report_dates(pk_range=(first, last))
            changes = _compute_lights(rows, today, cache, milestones, dates)
            _write_lights(changes, today)
            changed += len(changes)
    State.put(SWEEP_STATE_KEY, today.isoformat())
    return changed


def lights_refresh_stale(assignments: Sequence[Assignment], today: dt.date | None = None) -> None:
    """Before showing ``assignments``: refresh those not computed today, unless today's sweep ran."""
    from luoshi.core.models import State

    today = today or clock.today()
    if State.get(SWEEP_STATE_KEY) == today.isoformat():
        return
    stale = [a for a in assignments if a.light_date != today and a.status == AssignmentStatus.ACTIVE]
    if stale:
        lights_refresh(stale, today=today)
