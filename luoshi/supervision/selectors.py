"""Reads of supervision data, through the one scoping function.

A notice or an accountability action is visible to the unit it concerns (and the units above
it) and to the issuing unit; a sibling sees nothing. A leader's view lists the 包联 units that
lie in the leader's own subtree. Performance records count a unit's (or a responsible person's)
assignments, reports returned, notices and accountability actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.accounts.scoping import scope
from luoshi.core.exceptions import NotFound
from luoshi.reports.models import Report, Review
from luoshi.tasks.models import Assignment, AssignmentStatus, Role
from luoshi.units.models import Unit

from .models import AccountabilityAction, Alert, Channel, Liaison, Notice, Notification


def notices_visible_to(user: Any) -> QuerySet[Notice]:
    return scope(Notice.objects.all(), user).select_related("issuer", "unit", "assignment__task")


def notice_for(user: Any, pk: int) -> Notice:
    notice = notices_visible_to(user).select_related("assignment__task__source").filter(pk=pk).first()
    if notice is None:
        raise NotFound(_("Notice not found."))
    return notice


def notices_for_task(user: Any, task_id: int) -> list[Notice]:
    return list(notices_visible_to(user).filter(assignment__task_id=task_id).order_by("-issued_at"))


def accountability_visible_to(user: Any) -> QuerySet[AccountabilityAction]:
    return (
        scope(AccountabilityAction.objects.all(), user)
        .select_related("issuer", "unit", "notice")
        .prefetch_related("tasks")
    )


def inbox_for(user: Any) -> QuerySet[Alert]:
    """Alerts addressed to the user's unit, and the personal copies a 包联 leader receives."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return Alert.objects.none()
    mine = Q(unit=unit, user__isnull=True) | Q(user=user)
    return (
        scope(Alert.objects.all(), user).filter(mine).filter(notifications__channel_kind="inbox").distinct()
    )


def alert_for(user: Any, pk: int) -> Alert:
    alert = inbox_for(user).filter(pk=pk).first()
    if alert is None:
        raise NotFound(_("Message not found."))
    return alert


def channels_of(user: Any, unit: Unit) -> list[Channel]:
    return list(scope(Channel.objects.all(), user).filter(unit=unit))


def deliveries_of(user: Any, unit: Unit, limit: int = 30) -> list[Notification]:
    return list(
        scope(Notification.objects.all(), user)
        .filter(alert__unit=unit, alert__user__isnull=True)
        .exclude(channel_kind="inbox")
        .select_related("alert")
        .order_by("-created_at", "-id")[:limit]
    )


def liaisons_visible_to(user: Any) -> QuerySet[Liaison]:
    return scope(Liaison.objects.all(), user).select_related("leader", "unit")


# --- The leader's view -----------------------------------------------------------------------


@dataclass
class LeaderUnit:
    unit: Unit
    assignments: list[Assignment] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def red(self) -> int:
        return sum(1 for a in self.assignments if a.light == "red")

    @property
    def yellow(self) -> int:
        return sum(1 for a in self.assignments if a.light == "yellow")


def leader_view(user: Any, limit: int = 200) -> list[LeaderUnit]:
    """The 包联 units of ``user`` (inside their own subtree) with their open assignments,
    lights and open notices: three queries whatever the number of units."""
    from luoshi.tasks.services import lights_refresh_stale

    liaisons = list(liaisons_visible_to(user).filter(leader=user).order_by("unit_path"))
    if not liaisons:
        return []
    out = {li.unit_id: LeaderUnit(li.unit) for li in liaisons}
    assignments = list(
        scope(Assignment.objects.all(), user)
        .filter(unit_id__in=out, status=AssignmentStatus.ACTIVE)
        .select_related("task", "task__issuer")
        .order_by("deadline", "pk")[:limit]
    )
    lights_refresh_stale(assignments)
    for a in assignments:
        out[a.unit_id].assignments.append(a)
    for n in notices_visible_to(user).filter(unit_id__in=out).exclude(status="closed"):
        out[n.unit_id].notices.append(n)
    return list(out.values())


# --- Performance records (实绩档案) ---------------------------------------------------------


@dataclass
class Record:
    led: int
    co: int
    completed: int
    on_time: int
    open: int
    overdue: int
    returns: int
    notices: list[Notice]
    actions: list[AccountabilityAction]
    assignments: list[Assignment]

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.completed, 1) if self.completed else None


def _record(user: Any, assignments: QuerySet[Assignment], notices, actions, today=None) -> Record:
    from luoshi.core import clock

    today = today or clock.today()
    stats = assignments.aggregate(
        led=Count("pk", filter=Q(role=Role.LEAD)),
        co=Count("pk", filter=Q(role=Role.CO)),
        completed=Count("pk", filter=Q(status=AssignmentStatus.COMPLETED)),
        on_time=Count(
            "pk",
            filter=Q(status=AssignmentStatus.COMPLETED)
            & (Q(deadline__isnull=True) | Q(completed_at__date__lte=F("deadline"))),
        ),
        open=Count("pk", filter=Q(status=AssignmentStatus.ACTIVE)),
        overdue=Count("pk", filter=Q(status=AssignmentStatus.ACTIVE, deadline__lt=today)),
    )
    returns = (
        scope(Report.objects.all(), user)
        .filter(assignment__in=assignments.values("pk"), review__decision=Review.Decision.RETURN)
        .count()
    )
    return Record(
        **stats,
        returns=returns,
        notices=list(notices),
        actions=list(actions),
        assignments=list(assignments.select_related("task").order_by("-assigned_at", "-pk")[:50]),
    )


def unit_record(user: Any, unit: Unit) -> Record:
    """The unit's performance record: its own assignments, notices and accountability actions."""
    assignments = scope(Assignment.objects.all(), user).filter(unit=unit)
    return _record(
        user,
        assignments,
        notices_visible_to(user).filter(unit=unit),
        accountability_visible_to(user).filter(unit=unit),
    )


def person_record(user: Any, unit: Unit, name: str) -> Record:
    """A responsible person's record in ``unit``: the assignments they answer for (责任人),
    notices on those assignments, and the accountability actions naming them."""
    assignments = scope(Assignment.objects.all(), user).filter(unit=unit, responsible_name=name)
    return _record(
        user,
        assignments,
        notices_visible_to(user).filter(assignment__in=assignments.values("pk")),
        accountability_visible_to(user).filter(unit=unit, person_name=name),
    )


def people_of(user: Any, unit: Unit) -> list[str]:
    names = set(
        scope(Assignment.objects.all(), user)
        .filter(unit=unit)
        .exclude(responsible_name="")
        .values_list("responsible_name", flat=True)
    )
    names |= set(
        accountability_visible_to(user)
        .filter(unit=unit)
        .exclude(person_name="")
        .values_list("person_name", flat=True)
    )
    return sorted(names)
