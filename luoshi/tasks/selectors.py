"""Reads of sources, tasks, assignments and reports, always through the scoping function."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role as UserRole
from luoshi.accounts.scoping import scope
from luoshi.core import clock
from luoshi.core.exceptions import NotFound
from luoshi.core.permissions import acts_for
from luoshi.reports.models import Report

from .models import Assignment, AssignmentStatus, Source, Task
from .services import lights_refresh_stale


def sources_visible_to(user: Any) -> QuerySet[Source]:
    return scope(Source.objects.all(), user).select_related("issuer")


def source_for(user: Any, pk: int) -> Source:
    source = sources_visible_to(user).filter(pk=pk).first()
    if source is None:
        raise NotFound(_("Source not found."))
    return source


def tasks_visible_to(user: Any) -> QuerySet[Task]:
    return scope(Task.objects.all(), user)


def task_for(user: Any, pk: int) -> Task:
    task = (
        tasks_visible_to(user)
        .select_related("source", "issuer", "parent_assignment__unit")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise NotFound(_("Task not found."))
    return task


def assignments_visible_to(user: Any) -> QuerySet[Assignment]:
    return scope(Assignment.objects.all(), user)


def assignment_for(user: Any, pk: int) -> Assignment:
    a = (
        assignments_visible_to(user)
        .select_related("task", "task__issuer", "task__source", "unit")
        .filter(pk=pk)
        .first()
    )
    if a is None:
        raise NotFound(_("Assignment not found."))
    return a


def reports_visible_to(user: Any) -> QuerySet[Report]:
    return scope(Report.objects.all(), user)


def report_for(user: Any, pk: int) -> Report:
    report = (
        reports_visible_to(user)
        .select_related(
            "assignment", "assignment__task", "assignment__task__issuer", "assignment__unit", "review"
        )
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise NotFound(_("Report not found."))
    return report


# --- The task tree of a source ---------------------------------------------------------------------


@dataclass
class TreeNode:
    task: Task
    assignments: list[Assignment] = field(default_factory=list)
    children: dict[int, list[TreeNode]] = field(default_factory=dict)  # assignment id → sub-task nodes

    @property
    def progress(self) -> int:
        leads = [a.progress for a in self.assignments if a.role == "lead"] or [
            a.progress for a in self.assignments
        ]
        return round(sum(leads) / len(leads)) if leads else 0

    @property
    def light(self) -> str:
        order = {"green": 0, "yellow": 1, "red": 2}
        return max((a.light for a in self.assignments if a.is_open), key=order.__getitem__, default="green")


def source_tree(user: Any, source: Source, today: dt.date | None = None) -> list[TreeNode]:
    """The visible tasks of a source as a tree: task → its visible assignments → sub-tasks.

    Three queries whatever the size (tasks, assignments, plus stale-light refreshes).
    """
    tasks = list(tasks_visible_to(user).filter(source=source).select_related("issuer").order_by("seq", "id"))
    nodes = {t.pk: TreeNode(t) for t in tasks}
    assignments = list(
        assignments_visible_to(user)
        .filter(task__source=source)
        .select_related("unit", "task")
        .order_by("role", "unit_path")
    )
    lights_refresh_stale(assignments, today)
    for a in assignments:
        if a.task_id in nodes:
            nodes[a.task_id].assignments.append(a)
    by_assignment = {a.pk: a for a in assignments}
    roots = []
    for t in tasks:
        parent = t.parent_assignment_id
        if parent and parent in by_assignment and by_assignment[parent].task_id in nodes:
            nodes[by_assignment[parent].task_id].children.setdefault(parent, []).append(nodes[t.pk])
        else:
            roots.append(nodes[t.pk])
    return roots


# Above this many visible assignments a source's page shows one summary row per task instead
# of every assignment (a province-wide source holds tens of thousands).
TREE_FULL_LIMIT = 400


@dataclass
class TaskSummary:
    task: Task
    units: int
    red: int
    yellow: int
    green: int
    done: int
    progress: int

    @property
    def light(self) -> str:
        return "red" if self.red else "yellow" if self.yellow else "green"


def source_summary(user: Any, source: Source) -> list[TaskSummary]:
    """One row per top task the user sees (its parent assignment is not visible to the user),
    with its visible assignments counted by light and their mean lead progress: one query for
    the tasks, one grouped query for the counts."""
    from django.db.models import Avg, Count, Exists, OuterRef, Q

    visible_assignments = assignments_visible_to(user)
    # NOT EXISTS (an anti-join), not NOT IN: the latter degrades to a nested loop over every
    # assignment on PostgreSQL.
    parent_visible = Exists(visible_assignments.filter(pk=OuterRef("parent_assignment_id")))
    roots = list(
        tasks_visible_to(user)
        .filter(source=source)
        .filter(Q(parent_assignment__isnull=True) | ~parent_visible)
        .select_related("issuer")
        .order_by("issuer_path", "seq", "id")
    )
    stats = {
        row["task_id"]: row
        for row in visible_assignments.filter(task__in=[t.pk for t in roots])
        .values("task_id")
        .order_by()
        .annotate(
            units=Count("id"),
            red=Count("id", filter=Q(light="red", status="active")),
            yellow=Count("id", filter=Q(light="yellow", status="active")),
            done=Count("id", filter=Q(status="completed")),
            progress=Avg("progress", filter=Q(role="lead")),
        )
    }
    out = []
    for t in roots:
        row = stats.get(t.pk, {})
        units = row.get("units", 0)
        red, yellow, done = row.get("red", 0), row.get("yellow", 0), row.get("done", 0)
        out.append(
            TaskSummary(
                t, units, red, yellow, units - red - yellow - done, done, round(row.get("progress") or 0)
            )
        )
    return out


def source_is_large(user: Any, source: Source) -> bool:
    return (
        assignments_visible_to(user).filter(task__source=source)[: TREE_FULL_LIMIT + 1].count()
        > TREE_FULL_LIMIT
    )


def flatten(nodes: list[TreeNode], depth: int = 0) -> list[tuple[int, TreeNode, Assignment | None]]:
    """Rows for a table: (depth, node, assignment) in tree order, sub-tasks under their assignment."""
    rows: list[tuple[int, TreeNode, Assignment | None]] = []
    for node in nodes:
        rows.append((depth, node, None))
        for a in node.assignments:
            rows.append((depth, node, a))
            rows.extend(flatten(node.children.get(a.pk, []), depth + 1))
    return rows


# --- The inbox ---------------------------------------------------------------------------------------


@dataclass
class Inbox:
    to_report: list[Assignment]
    to_review: list[Report]
    to_decompose: list[Assignment]
    overdue: list[Assignment]

    @property
    def total(self) -> int:
        return len(self.to_report) + len(self.to_review) + len(self.to_decompose) + len(self.overdue)


def inbox_for(user: Any, today: dt.date | None = None, limit: int = 100) -> Inbox:
    """What the user's unit has to do: report, review, decompose; and what is overdue below it."""
    today = today or clock.today()
    unit = getattr(user, "unit", None)
    if unit is None:
        return Inbox([], [], [], [])
    own = (
        Assignment.objects.filter(unit=unit, status=AssignmentStatus.ACTIVE)
        .select_related("task", "task__source", "task__issuer")
        .order_by("deadline", "pk")
    )
    to_report = list(own[:limit]) if acts_for(user, unit, UserRole.REPORTER) else []
    to_decompose = []
    if acts_for(user, unit, UserRole.SUPERVISOR) and unit.children.filter(retired_at__isnull=True).exists():
        to_decompose = list(own.filter(subtasks__isnull=True)[:limit])
    to_review = []
    if acts_for(user, unit, UserRole.SUPERVISOR):
        to_review = list(
            Report.objects.filter(
                issuer_path=unit.path,
                review__isnull=True,
                superseded_by__isnull=True,
                assignment__status=AssignmentStatus.ACTIVE,
            )
            .select_related("assignment", "assignment__unit", "assignment__task")
            .prefetch_related("attachments")
            .order_by("submitted_at")[:limit]
        )
    overdue = list(
        assignments_visible_to(user)
        .filter(status=AssignmentStatus.ACTIVE, deadline__lt=today)
        .select_related("task", "unit")
        .order_by("deadline", "pk")[:limit]
    )
    lights_refresh_stale([*to_report, *to_decompose, *overdue], today)
    return Inbox(to_report, to_review, to_decompose, overdue)


# --- The timeline of a task ----------------------------------------------------------------------------


@dataclass
class Event:
    at: Any
    kind: str
    unit: str
    text: str
    obj: Any = None


def timeline_for(user: Any, task: Task) -> list[Event]:
    """Assignments, reports and reviews of a task that the user may see, in time order."""
    events = [Event(task.created_at, "created", task.issuer.name, _("Task issued"), task)]
    assignments = list(assignments_visible_to(user).filter(task=task).select_related("unit"))
    for a in assignments:
        events.append(
            Event(
                a.assigned_at,
                "assigned",
                a.unit.name,
                _("Assigned (%(role)s)") % {"role": a.get_role_display()},
                a,
            )
        )
        if a.completed_at:
            events.append(Event(a.completed_at, "completed", a.unit.name, _("Completed"), a))
    reports = (
        reports_visible_to(user)
        .filter(assignment__task=task)
        .select_related("assignment__unit", "review", "review__reviewer", "submitted_by")
        .prefetch_related(Prefetch("attachments"))
    )
    for r in reports:
        events.append(Event(r.submitted_at, "report", r.assignment.unit.name, r.text, r))
        review = getattr(r, "review", None)
        if review is not None:
            events.append(Event(review.reviewed_at, "review", task.issuer.name, review.reason, review))
    events.sort(key=lambda e: e.at)
    return events
