"""Sources, tasks, assignments, reports and reviews, with the same scoping as the pages.

Report submission is idempotent: send an ``Idempotency-Key`` header (or ``idempotency_key``
field); a retry with the same key returns the stored report with status 200 instead of 201.
Review is optimistic: a report reviewed by someone else first answers 409 with a message.
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from luoshi.api.pagination import LimitOffsetPagination
from luoshi.core.exceptions import DomainError
from luoshi.reports.models import Report
from luoshi.reports.services import report_review, report_submit
from luoshi.tasks import selectors, services
from luoshi.tasks.models import Assignment, Cadence, Light, SourceKind, Task
from luoshi.units.models import Unit

router = Router(tags=["tasks"])


def _units(codes: list[str]) -> list[Unit]:
    codes = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise DomainError(
            _("Unknown unit codes: %(codes)s") % {"codes": ", ".join(missing)}, code="unknown_unit"
        )
    return [found[c] for c in codes]


# --- schemas -------------------------------------------------------------------------------------------


class UnitRef(Schema):
    code: str
    name: str


class SourceIn(Schema):
    title: str = Field(..., max_length=200)
    date: dt.date
    kind: SourceKind = SourceKind.MEETING
    venue: str = Field("", max_length=100)
    text: str = ""
    sub_venue_codes: list[str] = []


class SourceOut(Schema):
    id: int
    kind: SourceKind
    title: str
    date: dt.date
    issuer: UnitRef
    venue: str


class MilestoneIn(Schema):
    date: dt.date
    title: str = Field(..., max_length=100)
    expected_progress: int = Field(..., ge=0, le=100)


class TaskIn(Schema):
    title: str = Field(..., max_length=200)
    content: str = ""
    deadline: dt.date | None = None
    deadline_workdays: int | None = Field(None, ge=1, le=366)
    cadence: Cadence = Cadence.NONE
    target_value: Decimal | None = None
    target_unit: str = Field("", max_length=20)
    responsible_name: str = Field("", max_length=40)
    responsible_post: str = Field("", max_length=60)
    milestones: list[MilestoneIn] = []
    lead_codes: list[str] = []
    co_codes: list[str] = []


class AssignIn(Schema):
    lead_codes: list[str]
    co_codes: list[str] = []


class AssignmentOut(Schema):
    id: int
    task_id: int
    task_title: str
    unit: UnitRef
    role: str
    status: str
    deadline: dt.date | None
    progress: int
    light: Light
    light_reason: str

    @staticmethod
    def resolve_task_title(obj: Assignment) -> str:
        return obj.task.title


class TaskOut(Schema):
    id: int
    source_id: int
    parent_assignment_id: int | None
    seq: int
    title: str
    content: str
    status: str
    issuer: UnitRef
    deadline: dt.date | None
    deadline_workdays: int | None
    cadence: Cadence
    target_value: Decimal | None
    target_unit: str


class TaskDetailOut(TaskOut):
    assignments: list[AssignmentOut]


class ReportIn(Schema):
    text: str = Field(..., max_length=10000)
    percent: int = Field(..., ge=0, le=100)
    is_completion: bool = False
    actual_value: Decimal | None = None
    supersedes: int | None = None
    idempotency_key: str = Field("", max_length=80)


class ReportOut(Schema):
    id: int
    assignment_id: int
    text: str
    percent: int
    is_completion: bool
    actual_value: Decimal | None
    supersedes_id: int | None
    submitted_at: dt.datetime
    state: str


class ReviewIn(Schema):
    decision: str = Field(..., pattern="^(accept|return)$")
    reason: str = Field("", max_length=2000)


class ReviewOut(Schema):
    report_id: int
    decision: str
    reason: str
    reviewed_at: dt.datetime


class AssignmentFilter(Schema):
    status: str | None = None
    light: Light | None = None
    mine: bool = Field(False, description="Only my own unit's assignments.")


# --- sources ---------------------------------------------------------------------------------------------


@router.get("/sources", response=list[SourceOut], summary="Visible sources")
@paginate(LimitOffsetPagination)
def source_list(request: HttpRequest):
    return selectors.sources_visible_to(request.user)


@router.post("/sources", response={201: SourceOut}, summary="Record a meeting, document or instruction")
def source_create(request: HttpRequest, payload: SourceIn):
    if request.user.unit is None:
        raise DomainError(_("Your account belongs to no unit."), code="no_unit")
    source = services.source_create(
        actor=request.user,
        issuer=request.user.unit,
        title=payload.title,
        date=payload.date,
        kind=payload.kind,
        venue=payload.venue,
        text=payload.text,
        sub_venues=_units(payload.sub_venue_codes),
    )
    return Status(201, source)


@router.get("/sources/{source_id}", response=SourceOut, summary="One source")
def source_detail(request: HttpRequest, source_id: int):
    return selectors.source_for(request.user, source_id)


@router.post("/sources/{source_id}/relay", response={201: TaskOut}, summary="Relay task to every sub-venue")
def source_relay(request: HttpRequest, source_id: int):
    return Status(
        201, services.source_relay(actor=request.user, source=selectors.source_for(request.user, source_id))
    )


@router.get("/sources/{source_id}/tasks", response=list[TaskDetailOut], summary="The source's visible tasks")
def source_tasks(request: HttpRequest, source_id: int):
    source = selectors.source_for(request.user, source_id)
    rows = selectors.flatten(selectors.source_tree(request.user, source))
    return [
        {**TaskOut.from_orm(node.task).dict(), "assignments": node.assignments}
        for _d, node, a in rows
        if a is None
    ]


def _create_task(request: HttpRequest, payload: TaskIn, **where) -> Task:
    fields = payload.dict(exclude={"lead_codes", "co_codes", "milestones", "title"})
    milestones = [(m.date, m.title, m.expected_progress) for m in payload.milestones]
    leads, cos = _units(payload.lead_codes), _units(payload.co_codes)
    if "assignment" in where:
        return services.task_decompose(
            actor=request.user,
            assignment=where["assignment"],
            title=payload.title,
            units=leads,
            co_units=cos,
            milestones=milestones,
            **fields,
        )
    task = services.task_create(
        actor=request.user, source=where["source"], title=payload.title, milestones=milestones, **fields
    )
    if leads:
        services.task_assign(actor=request.user, task=task, units=leads, co_units=cos)
    return task


@router.post(
    "/sources/{source_id}/tasks", response={201: TaskDetailOut}, summary="Create (and assign) a task"
)
def task_create(request: HttpRequest, source_id: int, payload: TaskIn):
    task = _create_task(request, payload, source=selectors.source_for(request.user, source_id))
    return Status(201, _task_detail(request, task))


def _task_detail(request: HttpRequest, task: Task) -> dict:
    assignments = list(
        selectors.assignments_visible_to(request.user).filter(task=task).select_related("unit", "task")
    )
    return {**TaskOut.from_orm(task).dict(), "assignments": assignments}


@router.get("/tasks/{task_id}", response=TaskDetailOut, summary="One task with its visible assignments")
def task_detail(request: HttpRequest, task_id: int):
    return _task_detail(request, selectors.task_for(request.user, task_id))


@router.post("/tasks/{task_id}/assign", response={201: list[AssignmentOut]}, summary="Assign to units")
def task_assign(request: HttpRequest, task_id: int, payload: AssignIn):
    task = selectors.task_for(request.user, task_id)
    return Status(
        201,
        services.task_assign(
            actor=request.user, task=task, units=_units(payload.lead_codes), co_units=_units(payload.co_codes)
        ),
    )


# --- assignments and reports -------------------------------------------------------------------------------


@router.get("/assignments", response=list[AssignmentOut], summary="Visible assignments")
@paginate(LimitOffsetPagination)
def assignment_list(request: HttpRequest, filters: Query[AssignmentFilter]):
    qs = selectors.assignments_visible_to(request.user).select_related("unit", "task").order_by("pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.light:
        qs = qs.filter(light=filters.light)
    if filters.mine:
        qs = qs.filter(unit=request.user.unit)
    return qs


@router.get("/assignments/{assignment_id}", response=AssignmentOut, summary="One assignment")
def assignment_detail(request: HttpRequest, assignment_id: int):
    return selectors.assignment_for(request.user, assignment_id)


@router.post("/assignments/{assignment_id}/decompose", response={201: TaskDetailOut}, summary="Decompose")
def assignment_decompose(request: HttpRequest, assignment_id: int, payload: TaskIn):
    task = _create_task(request, payload, assignment=selectors.assignment_for(request.user, assignment_id))
    return Status(201, _task_detail(request, task))


@router.get(
    "/assignments/{assignment_id}/reports", response=list[ReportOut], summary="Reports on an assignment"
)
def report_list(request: HttpRequest, assignment_id: int):
    assignment = selectors.assignment_for(request.user, assignment_id)
    return selectors.reports_visible_to(request.user).filter(assignment=assignment).select_related("review")


@router.post(
    "/assignments/{assignment_id}/reports",
    response={200: ReportOut, 201: ReportOut},
    summary="Submit a report",
)
def report_create(request: HttpRequest, assignment_id: int, payload: ReportIn):
    assignment = selectors.assignment_for(request.user, assignment_id)
    supersedes = None
    if payload.supersedes:
        supersedes = selectors.report_for(request.user, payload.supersedes)
    key = request.headers.get("Idempotency-Key", "") or payload.idempotency_key
    report, created = report_submit(
        actor=request.user,
        assignment=assignment,
        text=payload.text,
        percent=payload.percent,
        is_completion=payload.is_completion,
        actual_value=payload.actual_value,
        supersedes=supersedes,
        idempotency_key=key,
    )
    return Status(201 if created else 200, report)


@router.post("/reports/{report_id}/review", response={201: ReviewOut}, summary="Accept or return a report")
def review_create(request: HttpRequest, report_id: int, payload: ReviewIn):
    report: Report = selectors.report_for(request.user, report_id)
    return Status(
        201,
        report_review(actor=request.user, report=report, decision=payload.decision, reason=payload.reason),
    )


class InboxOut(Schema):
    to_report: list[AssignmentOut]
    to_review: list[ReportOut]
    to_decompose: list[AssignmentOut]
    overdue: list[AssignmentOut]


@router.get("/inbox", response=InboxOut, summary="What my unit has to do")
def inbox(request: HttpRequest):
    return selectors.inbox_for(request.user)
