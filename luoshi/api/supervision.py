"""Supervision notices, accountability actions, inbox messages and performance records, with
the same scoping as the pages: a unit sees its own notices and records (and those of the units
below it), an issuer the notices it issued; a sibling gets 404."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from luoshi.api.pagination import LimitOffsetPagination
from luoshi.supervision import selectors, services
from luoshi.supervision.models import AccountabilityAction, Alert, Notice, NoticeStatus
from luoshi.tasks.selectors import assignment_for
from luoshi.units.selectors import unit_for

router = Router(tags=["supervision"])


class UnitRef(Schema):
    code: str
    name: str


class NoticeIn(Schema):
    assignment_id: int
    problem: str = Field(..., max_length=2000)
    action: str = Field(..., max_length=2000)
    reply_by: dt.date


class ReplyIn(Schema):
    text: str = Field(..., max_length=5000)


class NoticeOut(Schema):
    id: int
    code: str
    issuer: UnitRef
    unit: UnitRef
    assignment_id: int
    task_id: int
    task_title: str
    problem: str
    action: str
    reply_by: dt.date
    status: NoticeStatus
    issued_at: dt.datetime
    acknowledged_at: dt.datetime | None
    reply: str
    replied_at: dt.datetime | None

    @staticmethod
    def resolve_task_id(obj: Notice) -> int:
        return obj.assignment.task_id

    @staticmethod
    def resolve_task_title(obj: Notice) -> str:
        return obj.assignment.task.title


class AccountabilityOut(Schema):
    id: int
    issuer: UnitRef
    unit: UnitRef
    person_name: str
    person_post: str
    kind: str
    kind_label: str
    reason: str
    decided_on: dt.date
    task_ids: list[int]
    notice_id: int | None

    @staticmethod
    def resolve_kind_label(obj: AccountabilityAction) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_task_ids(obj: AccountabilityAction) -> list[int]:
        return [t.pk for t in obj.tasks.all()]


class MessageOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    personal: bool

    @staticmethod
    def resolve_personal(obj: Alert) -> bool:
        return obj.user_id is not None


class RecordOut(Schema):
    unit: UnitRef
    person: str | None = None
    tasks_led: int
    tasks_co: int
    completed: int
    on_time: int
    on_time_rate: float | None
    open: int
    overdue: int
    returns: int
    notices_received: int
    accountability_actions: list[AccountabilityOut]


@router.get("/notices", response=list[NoticeOut], summary="Visible supervision notices")
@paginate(LimitOffsetPagination)
def notice_list(request: HttpRequest, box: str = ""):
    notices = selectors.notices_visible_to(request.user)
    unit = request.user.unit
    if unit is not None and box == "issued":
        notices = notices.filter(issuer=unit)
    elif unit is not None and box == "received":
        notices = notices.filter(unit=unit)
    return notices


@router.post("/notices", response={201: NoticeOut}, summary="Issue a supervision notice for an assignment")
def notice_create(request: HttpRequest, payload: NoticeIn):
    assignment = assignment_for(request.user, payload.assignment_id)
    notice = services.notice_issue(
        actor=request.user,
        assignment=assignment,
        problem=payload.problem,
        action=payload.action,
        reply_by=payload.reply_by,
    )
    return Status(201, selectors.notice_for(request.user, notice.pk))


@router.get("/notices/{notice_id}", response=NoticeOut, summary="One notice")
def notice_detail(request: HttpRequest, notice_id: int):
    return selectors.notice_for(request.user, notice_id)


@router.post("/notices/{notice_id}/acknowledge", response=NoticeOut, summary="Acknowledge a notice")
def notice_acknowledge(request: HttpRequest, notice_id: int):
    notice = selectors.notice_for(request.user, notice_id)
    services.notice_acknowledge(actor=request.user, notice=notice)
    return selectors.notice_for(request.user, notice_id)


@router.post("/notices/{notice_id}/reply", response=NoticeOut, summary="Reply to a notice")
def notice_reply(request: HttpRequest, notice_id: int, payload: ReplyIn):
    notice = selectors.notice_for(request.user, notice_id)
    services.notice_reply(actor=request.user, notice=notice, text=payload.text)
    return selectors.notice_for(request.user, notice_id)


@router.get("/accountability", response=list[AccountabilityOut], summary="Visible accountability actions")
@paginate(LimitOffsetPagination)
def accountability_list(request: HttpRequest, unit: str = ""):
    items = selectors.accountability_visible_to(request.user)
    if unit:
        items = items.filter(unit=unit_for(request.user, unit))
    return items


@router.get("/messages", response=list[MessageOut], summary="The caller's inbox")
@paginate(LimitOffsetPagination)
def message_list(request: HttpRequest, unread: bool = False):
    alerts = selectors.inbox_for(request.user).order_by("-created_at", "-id")
    if unread:
        alerts = alerts.filter(read_at__isnull=True)
    return alerts


@router.post("/messages/{message_id}/read", response=MessageOut, summary="Mark a message read")
def message_read(request: HttpRequest, message_id: int):
    return services.alert_mark_read(actor=request.user, alert=selectors.alert_for(request.user, message_id))


def _record_out(unit, record, person=None) -> dict:
    return {
        "unit": unit,
        "person": person,
        "tasks_led": record.led,
        "tasks_co": record.co,
        "completed": record.completed,
        "on_time": record.on_time,
        "on_time_rate": record.on_time_rate,
        "open": record.open,
        "overdue": record.overdue,
        "returns": record.returns,
        "notices_received": len(record.notices),
        "accountability_actions": record.actions,
    }


@router.get("/records/{code}", response=RecordOut, summary="A unit's performance record (实绩档案)")
def unit_record(request: HttpRequest, code: str, person: str = ""):
    unit = unit_for(request.user, code)
    if person:
        return _record_out(unit, selectors.person_record(request.user, unit, person[:40]), person[:40])
    return _record_out(unit, selectors.unit_record(request.user, unit))
