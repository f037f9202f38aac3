"""Every write of supervision: notices, accountability actions, 包联 leaders, channels, inbox.

Who may act: a supervisor of a unit above the assignee issues a notice for the assignment (and
closes it); the addressee's reporters and supervisors acknowledge and reply; a supervisor of a
unit above the target records an accountability action; a supervisor or administrator of the
leader's unit sets 包联 units (inside that unit's subtree); a unit's supervisors and
administrators set its channels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role, User
from luoshi.audit.models import Action
from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.core.permissions import require_acts_for
from luoshi.core.text import clean_text as _text
from luoshi.tasks.models import Assignment, AssignmentStatus, Task
from luoshi.units.models import Unit
from luoshi.units.paths import is_within, subtree_q

from .models import (
    AccountabilityAction,
    AccountabilityKind,
    Alert,
    AlertKind,
    Channel,
    ChannelKind,
    Liaison,
    Notice,
    NoticeCounter,
    NoticeStatus,
)
from .outbox import alert_create

NOTICE_PREFIX = "督办"
NOTICE_FIELDS = ("status", "problem", "action", "reply_by", "reply")


def msg_not_above(unit: str) -> str:
    return _("%(unit)s is not under your unit.") % {"unit": unit}


def _require_above(actor: Any, unit: Unit, *roles: str) -> Unit:
    """The actor's unit, when the actor holds one of ``roles`` there and ``unit`` lies strictly below it."""
    own = getattr(actor, "unit", None)
    if own is None:
        raise Forbidden(_("Your role does not allow this action."))
    require_acts_for(actor, own, *roles)
    if unit.pk == own.pk or not is_within(unit.path, own.path):
        raise Forbidden(msg_not_above(unit.name))
    return own


# --- Notices -------------------------------------------------------------------------------------


def _next_number(issuer: Unit, year: int) -> int:
    """Take the next notice number of ``issuer`` in ``year``: the counter row is locked for the
    rest of the transaction (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE
    transaction already holds the write lock), so numbers are gap-free and never shared."""
    NoticeCounter.objects.get_or_create(issuer=issuer, year=year)
    counter = NoticeCounter.objects.select_for_update().get(issuer=issuer, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def notice_issue(
    *,
    actor: Any,
    assignment: Assignment,
    problem: str,
    action: str,
    reply_by: dt.date,
    today: dt.date | None = None,
) -> Notice:
    """Issue a numbered supervision notice (督办单) to the unit holding ``assignment``."""
    issuer = _require_above(actor, assignment.unit, Role.SUPERVISOR)
    today = today or clock.today()
    if assignment.status != AssignmentStatus.ACTIVE:
        raise DomainError(_("Only an assignment in progress can be supervised."), code="not_active")
    problem = _text(problem, _("Problem found"), 2000)
    action = _text(action, _("Required action"), 2000)
    if reply_by < today:
        raise DomainError(_("The reply deadline cannot be in the past."), code="bad_date")
    now = clock.now()
    notice = Notice(
        issuer=issuer,
        issuer_path=issuer.path,
        unit=assignment.unit,
        unit_path=assignment.unit.path,
        assignment=assignment,
        year=today.year,
        number=_next_number(issuer, today.year),
        prefix=NOTICE_PREFIX,
        problem=problem,
        action=action,
        reply_by=reply_by,
        issued_by=actor if getattr(actor, "pk", None) else None,
        issued_at=now,
    )
    notice.full_clean()
    notice.save()
    record(
        actor=actor,
        action=Action.CREATE,
        obj=notice,
        after={**snapshot(notice, NOTICE_FIELDS), "code": notice.code, "assignment": assignment.pk},
        unit_path=notice.unit_path,
        related=assignment.task,
    )
    alert_create(
        kind=AlertKind.NOTICE,
        unit=notice.unit,
        notice=notice,
        key_date=today,
        title=_("Supervision notice %(code)s: %(task)s")
        % {"code": notice.code, "task": assignment.task.title},
        body=_("Problem found: %(problem)s\nRequired action: %(action)s\nReply by %(date)s.")
        % {"problem": problem, "action": action, "date": reply_by.isoformat()},
        link=reverse("supervision:notice_detail", args=[notice.pk]),
        copy_leaders_of=notice.unit,
        now=now,
    )
    return notice


def _require_addressee(actor: Any, notice: Notice) -> None:
    require_acts_for(actor, notice.unit, Role.REPORTER, Role.SUPERVISOR)


@transaction.atomic
def notice_acknowledge(*, actor: Any, notice: Notice) -> Notice:
    """The addressee confirms it has received the notice (签收)."""
    _require_addressee(actor, notice)
    changed = Notice.objects.filter(pk=notice.pk, status=NoticeStatus.ISSUED).update(
        status=NoticeStatus.ACKNOWLEDGED,
        acknowledged_at=clock.now(),
        acknowledged_by=actor if getattr(actor, "pk", None) else None,
    )
    if not changed:
        raise DomainError(_("The notice has been acknowledged already."), code="conflict")
    notice.refresh_from_db()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=notice,
        before={"status": NoticeStatus.ISSUED},
        after={"status": notice.status},
        unit_path=notice.unit_path,
        related=notice.assignment.task,
        message=_("Acknowledged"),
    )
    return notice


@transaction.atomic
def notice_reply(*, actor: Any, notice: Notice, text: str) -> Notice:
    """The addressee answers: what it has done (办理情况). Acknowledges it on the way."""
    _require_addressee(actor, notice)
    text = _text(text, _("Reply"), 5000)
    now = clock.now()
    before = snapshot(notice, NOTICE_FIELDS)
    changed = Notice.objects.filter(
        pk=notice.pk, status__in=[NoticeStatus.ISSUED, NoticeStatus.ACKNOWLEDGED]
    ).update(status=NoticeStatus.REPLIED, reply=text, replied_at=now, replied_by=actor)
    if not changed:
        raise DomainError(_("The notice has been answered already."), code="conflict")
    if notice.acknowledged_at is None:
        Notice.objects.filter(pk=notice.pk).update(acknowledged_at=now, acknowledged_by=actor)
    notice.refresh_from_db()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=notice,
        before=before,
        after=snapshot(notice, NOTICE_FIELDS),
        unit_path=notice.unit_path,
        related=notice.assignment.task,
        message=_("Replied"),
    )
    alert_create(
        kind=AlertKind.NOTICE_REPLY,
        unit=notice.issuer,
        notice=notice,
        key_date=clock.today(),
        title=_("%(unit)s replied to %(code)s") % {"unit": notice.unit.name, "code": notice.code},
        body=text[:1000],
        link=reverse("supervision:notice_detail", args=[notice.pk]),
        now=now,
    )
    return notice


@transaction.atomic
def notice_close(*, actor: Any, notice: Notice) -> Notice:
    """The issuer closes a notice it is satisfied with (办结)."""
    require_acts_for(actor, notice.issuer, Role.SUPERVISOR)
    before = snapshot(notice, NOTICE_FIELDS)
    if (
        not Notice.objects.filter(pk=notice.pk)
        .exclude(status=NoticeStatus.CLOSED)
        .update(status=NoticeStatus.CLOSED, closed_at=clock.now())
    ):
        raise DomainError(_("The notice is closed already."), code="conflict")
    notice.refresh_from_db()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=notice,
        before=before,
        after=snapshot(notice, NOTICE_FIELDS),
        unit_path=notice.unit_path,
        related=notice.assignment.task,
        message=_("Closed"),
    )
    return notice


# --- Accountability --------------------------------------------------------------------------------


@transaction.atomic
def accountability_record(
    *,
    actor: Any,
    unit: Unit,
    kind: str,
    reason: str,
    decided_on: dt.date,
    person_name: str = "",
    person_post: str = "",
    tasks: Sequence[Task] = (),
    notice: Notice | None = None,
) -> AccountabilityAction:
    """Record an accountability action (问责) against a unit or a responsible person in it."""
    issuer = _require_above(actor, unit, Role.SUPERVISOR)
    if kind not in AccountabilityKind.values:
        raise DomainError(_("Unknown type of accountability action."), code="bad_kind")
    reason = _text(reason, _("Reason"), 2000)
    if decided_on > clock.today():
        raise DomainError(_("The date cannot be in the future."), code="bad_date")
    tasks = list(dict.fromkeys(tasks))
    for task in tasks:
        if not task.assignments.filter(subtree_q(unit.path, field="unit_path")).exists():
            raise DomainError(
                _("The task “%(task)s” was not given to %(unit)s.") % {"task": task.title, "unit": unit.name},
                code="bad_task",
            )
    if notice is not None and notice.unit_id != unit.pk:
        raise DomainError(_("The notice was not addressed to this unit."), code="bad_notice")
    item = AccountabilityAction(
        issuer=issuer,
        issuer_path=issuer.path,
        unit=unit,
        unit_path=unit.path,
        person_name=_text(person_name, _("Responsible person"), 40, required=False),
        person_post=_text(person_post, _("Post"), 60, required=False),
        kind=kind,
        reason=reason,
        decided_on=decided_on,
        notice=notice,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    item.full_clean()
    item.save()
    item.tasks.set(tasks)
    record(
        actor=actor,
        action=Action.CREATE,
        obj=item,
        after={
            **snapshot(item, ("kind", "reason", "decided_on", "person_name", "person_post", "unit")),
            "tasks": [t.pk for t in tasks],
        },
        unit_path=unit.path,
    )
    alert_create(
        kind=AlertKind.ACCOUNTABILITY,
        unit=unit,
        key_date=decided_on,
        title=_("Accountability action: %(kind)s") % {"kind": item.get_kind_display()},
        body=f"{item.person_name} {reason}".strip(),
        link=reverse("supervision:record", args=[unit.code]),
    )
    return item


# --- 包联 leaders ------------------------------------------------------------------------------------


@transaction.atomic
def liaison_add(*, actor: Any, leader: User, unit: Unit) -> Liaison:
    """Assign ``unit`` to ``leader`` (包联). The unit lies below the leader's own unit."""
    if leader.unit is None or not leader.has_role(Role.LEADER) or leader.is_superuser:
        raise DomainError(_("%(user)s is not a leader of a unit.") % {"user": leader}, code="not_leader")
    require_acts_for(actor, leader.unit, Role.SUPERVISOR, Role.ADMIN)
    if unit.pk == leader.unit_id or not is_within(unit.path, leader.unit.path):
        raise DomainError(msg_not_above(unit.name), code="out_of_scope")
    if Liaison.objects.filter(leader=leader, unit=unit).exists():
        raise DomainError(
            _("%(unit)s is assigned to this leader already.") % {"unit": unit.name}, code="duplicate"
        )
    liaison = Liaison.objects.create(
        leader=leader,
        leader_path=leader.unit.path,
        unit=unit,
        unit_path=unit.path,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        actor=actor,
        action=Action.CREATE,
        obj=liaison,
        after={"leader": leader.pk, "unit": unit.pk},
        unit_path=unit.path,
    )
    return liaison


@transaction.atomic
def liaison_remove(*, actor: Any, liaison: Liaison) -> None:
    require_acts_for(actor, liaison.leader.unit, Role.SUPERVISOR, Role.ADMIN)
    record(
        actor=actor,
        action=Action.DELETE,
        obj=liaison,
        before={"leader": liaison.leader_id, "unit": liaison.unit_id},
        unit_path=liaison.unit_path,
    )
    liaison.delete()


# --- Channels (per-unit subscription settings) ----------------------------------------------------------


def _check_target(kind: str, target: str) -> str:
    target = (target or "").strip()
    if kind == ChannelKind.INBOX:
        return ""
    if kind == ChannelKind.EMAIL:
        try:
            validate_email(target)
        except Exception:
            raise DomainError(_("Enter a valid email address."), code="bad_target") from None
        return target
    parts = urlsplit(target)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(target) > 500:
        raise DomainError(_("Enter the robot's webhook URL (https://…)."), code="bad_target")
    return target


@transaction.atomic
def channel_save(
    *,
    actor: Any,
    unit: Unit,
    kind: str,
    target: str = "",
    secret: str | None = None,
    kinds: Sequence[str] = (),
    name: str = "",
    enabled: bool = True,
    channel: Channel | None = None,
) -> Channel:
    """Create or change one of a unit's channels. ``secret=None`` keeps the stored secret."""
    require_acts_for(actor, unit, Role.SUPERVISOR, Role.ADMIN)
    if kind not in ChannelKind.values:
        raise DomainError(_("Unknown channel."), code="bad_kind")
    bad = [k for k in kinds if k not in AlertKind.values]
    if bad:
        raise DomainError(_("Unknown alert kinds: %(kinds)s") % {"kinds": ", ".join(bad)}, code="bad_kind")
    if channel is not None and channel.unit_id != unit.pk:
        raise DomainError(_("Unknown channel."), code="bad_kind")
    item = channel or Channel(unit=unit)
    item.kind = kind
    item.target = _check_target(kind, target)
    item.name = _text(name, _("Name"), 60, required=False)
    item.kinds = list(dict.fromkeys(kinds))
    item.enabled = enabled
    if secret is not None and secret.strip():
        item.secret = _text(secret, _("Signing secret"), 200)
    if kind != ChannelKind.DINGTALK:
        item.secret = ""
    item.full_clean()
    item.save()
    record(
        actor=actor,
        action=Action.UPDATE if channel else Action.CREATE,
        obj=item,
        after={"kind": kind, "target": item.target_hint, "kinds": item.kinds, "enabled": enabled},
        unit_path=unit.path,
    )
    return item


@transaction.atomic
def channel_delete(*, actor: Any, channel: Channel) -> None:
    require_acts_for(actor, channel.unit, Role.SUPERVISOR, Role.ADMIN)
    record(
        actor=actor,
        action=Action.DELETE,
        obj=channel,
        before={"kind": channel.kind, "target": channel.target_hint},
        unit_path=channel.unit.path,
    )
    channel.delete()


def alert_mark_read(*, actor: Any, alert: Alert) -> Alert:
    """Mark an inbox message read (anyone it was addressed to)."""
    if alert.user_id is not None and alert.user_id != actor.pk:
        raise Forbidden(_("Your role does not allow this action."))
    if alert.user_id is None and getattr(actor, "unit_id", None) != alert.unit_id:
        raise Forbidden(_("Your role does not allow this action."))
    if alert.read_at is None:
        alert.read_at = clock.now()
        Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=alert.read_at)
    return alert


def can_issue_notice(actor: Any, assignment: Assignment) -> bool:
    """Whether ``actor`` may issue a notice for ``assignment`` (for pages deciding what to offer)."""
    try:
        _require_above(actor, assignment.unit, Role.SUPERVISOR)
    except Forbidden:
        return False
    return assignment.status == AssignmentStatus.ACTIVE
