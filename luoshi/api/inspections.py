"""Checklists, self-inspections, spot-check draws and the problem ledger, with the same
scoping as the pages: out of scope is 404, the wrong role 403.

Closing a problem (``POST /inspections/findings/{id}/close``) is refused with 400
``not_verified`` until the issuer has accepted a completion report on its rectification
assignment (reports and reviews go through the tasks endpoints).
"""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from luoshi.accounts.models import User
from luoshi.api.pagination import LimitOffsetPagination
from luoshi.core.exceptions import DomainError
from luoshi.inspections import selectors, services
from luoshi.inspections.models import (
    ChecklistItem,
    Draw,
    Finding,
    FindingSource,
    FindingStatus,
    ItemKind,
    SelfCheck,
    Severity,
)
from luoshi.units.models import Unit

from .tasks import UnitRef, _units

router = Router(tags=["inspections"])


def _own_unit(request: HttpRequest) -> Unit:
    if request.user.unit is None:
        raise DomainError(_("Your account belongs to no unit."), code="no_unit")
    return request.user.unit


# --- schemas ------------------------------------------------------------------------------------------


class ItemIn(Schema):
    text: str = Field(..., max_length=300)
    standard: str = Field("", max_length=2000)
    kind: ItemKind = ItemKind.PASS
    max_score: Decimal | None = None
    key: str = Field("", max_length=120)


class ItemOut(Schema):
    id: int
    seq: int
    text: str
    standard: str
    kind: ItemKind
    max_score: Decimal | None
    key: str


class ChecklistIn(Schema):
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=5000)
    items: list[ItemIn]


class ChecklistOut(Schema):
    id: int
    title: str
    description: str
    owner: UnitRef
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj) -> list[ChecklistItem]:
        return list(obj.items.all())


class SendIn(Schema):
    unit_codes: list[str]
    deadline: dt.date


class AnswerIn(Schema):
    item: int
    passed: bool | None = None
    score: Decimal | None = None
    note: str = Field("", max_length=2000)
    evidence: str = Field("", max_length=2000)


class AnswerOut(Schema):
    item: int
    passed: bool | None
    score: Decimal | None
    note: str
    evidence: str

    @staticmethod
    def resolve_item(obj) -> int:
        return obj.item_id


class SelfCheckOut(Schema):
    id: int
    checklist_id: int
    checklist_title: str
    unit: UnitRef
    deadline: dt.date
    status: str
    submitted_at: dt.datetime | None
    score: Decimal | None
    failed: int

    @staticmethod
    def resolve_checklist_title(obj: SelfCheck) -> str:
        return obj.checklist.title


class SelfCheckDetailOut(SelfCheckOut):
    answers: list[AnswerOut]

    @staticmethod
    def resolve_answers(obj: SelfCheck) -> list:
        return list(obj.answers.all())


class AnswersIn(Schema):
    answers: list[AnswerIn]
    submit: bool = False


class DrawIn(Schema):
    title: str = Field(..., max_length=200)
    date: dt.date | None = None
    levels: list[str]
    strata: Draw.Strata = Draw.Strata.NONE
    share: Decimal | None = Field(None, gt=0, le=1, description="A share of 0–1, or give count")
    count: int | None = Field(None, ge=1)
    exclude_months: int = Field(0, ge=0, le=120)
    inspectors: list[str] = Field(..., description="Usernames of the inspector pool")
    inspectors_per_unit: int = Field(2, ge=1, le=10)
    checklist_id: int | None = None
    seed: str = Field("", max_length=64)


class InspectionOut(Schema):
    id: int
    unit: UnitRef
    stratum: str
    date: dt.date
    inspectors: list[str]

    @staticmethod
    def resolve_inspectors(obj) -> list[str]:
        return sorted(i.user.username for i in obj.inspectors.all())


class DrawOut(Schema):
    id: int
    title: str
    owner: UnitRef
    date: dt.date
    strata: str
    seed: str
    digest: str
    inputs: dict
    result: dict


class DrawDetailOut(DrawOut):
    inspections: list[InspectionOut]

    @staticmethod
    def resolve_inspections(obj: Draw) -> list:
        return obj.visible_inspections  # set by the route: only what the caller may see


class VerifyOut(Schema):
    ok: bool
    digest_ok: bool
    result_ok: bool
    rows_ok: bool
    error: str


class FindingIn(Schema):
    description: str = Field(..., max_length=5000)
    deadline: dt.date
    source_kind: FindingSource | None = None
    source_ref: str = Field("", max_length=200)
    unit_code: str | None = None
    inspection_id: int | None = None
    self_check_id: int | None = None
    item_id: int | None = None
    category: str = Field("", max_length=120)
    severity: Severity = Severity.GENERAL
    measures: str = Field("", max_length=5000)
    found_on: dt.date | None = None


class FindingOut(Schema):
    id: int
    issuer: UnitRef
    unit: UnitRef
    source_kind: FindingSource
    source_ref: str
    description: str
    severity: Severity
    measures: str
    deadline: dt.date
    found_on: dt.date
    status: FindingStatus
    round: int
    problem_key: str
    inspection_id: int | None
    self_check_id: int | None
    item_id: int | None
    task_id: int | None
    assignment_id: int | None
    repeat_of_id: int | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_task_id(obj: Finding) -> int | None:
        return obj.assignment.task_id if obj.assignment_id else None


class EventOut(Schema):
    kind: str
    round: int
    assignment_id: int | None
    note: str
    actor_name: str
    at: dt.datetime


class FindingDetailOut(FindingOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Finding) -> list:
        return list(obj.events.all())


class FindingFilter(Schema):
    unit: str | None = Field(None, description="Unit code: that unit and its subtree")
    source_kind: FindingSource | None = None
    status: FindingStatus | None = None
    repeats: bool = False
    overdue: bool = False


class CloseIn(Schema):
    note: str = Field(..., max_length=2000)


class ReopenIn(Schema):
    reason: str = Field(..., max_length=2000)
    deadline: dt.date


class MeasuresIn(Schema):
    measures: str = Field(..., max_length=5000)


# --- checklists and self-inspections ------------------------------------------------------------------


@router.get("/checklists", response=list[ChecklistOut], summary="Visible checklists")
@paginate(LimitOffsetPagination)
def checklist_list(request: HttpRequest):
    return selectors.checklists_visible_to(request.user).prefetch_related("items").order_by("-id")


@router.post("/checklists", response={201: ChecklistOut}, summary="Define a checklist")
def checklist_create(request: HttpRequest, payload: ChecklistIn):
    checklist = services.checklist_create(
        actor=request.user,
        owner=_own_unit(request),
        title=payload.title,
        description=payload.description,
        items=[i.dict() for i in payload.items],
    )
    return Status(201, checklist)


@router.get("/checklists/{checklist_id}", response=ChecklistOut, summary="One checklist")
def checklist_detail(request: HttpRequest, checklist_id: int):
    return selectors.checklist_for(request.user, checklist_id)


@router.post(
    "/checklists/{checklist_id}/send", response={201: list[SelfCheckOut]}, summary="Send for self-inspection"
)
def checklist_send(request: HttpRequest, checklist_id: int, payload: SendIn):
    checklist = selectors.checklist_for(request.user, checklist_id)
    sent = services.checklist_send(
        actor=request.user, checklist=checklist, units=_units(payload.unit_codes), deadline=payload.deadline
    )
    return Status(201, sent)


@router.get(
    "/checklists/{checklist_id}/self-checks",
    response=list[SelfCheckOut],
    summary="Its visible self-inspections",
)
def checklist_self_checks(request: HttpRequest, checklist_id: int):
    checklist = selectors.checklist_for(request.user, checklist_id)
    return list(
        selectors.self_checks_visible_to(request.user).filter(checklist=checklist).order_by("unit_path")
    )


@router.get("/self-checks/{self_check_id}", response=SelfCheckDetailOut, summary="One self-inspection")
def self_check_detail(request: HttpRequest, self_check_id: int):
    return selectors.self_check_for(request.user, self_check_id)


@router.post(
    "/self-checks/{self_check_id}/answers", response=SelfCheckDetailOut, summary="Answer items (and submit)"
)
def self_check_answer(request: HttpRequest, self_check_id: int, payload: AnswersIn):
    sc = selectors.self_check_for(request.user, self_check_id)
    services.selfcheck_answer(actor=request.user, self_check=sc, answers=[a.dict() for a in payload.answers])
    if payload.submit:
        services.selfcheck_submit(actor=request.user, self_check=sc)
    return self_check_detail(request, self_check_id)


# --- draws -----------------------------------------------------------------------------------------------


@router.get("/draws", response=list[DrawOut], summary="Visible spot-check draws")
@paginate(LimitOffsetPagination)
def draw_list(request: HttpRequest):
    return selectors.draws_visible_to(request.user).order_by("-id")


def _draw_detail(request: HttpRequest, the_draw: Draw) -> Draw:
    the_draw.visible_inspections = list(selectors.inspections_visible_to(request.user).filter(draw=the_draw))
    return the_draw


@router.post("/draws", response={201: DrawDetailOut}, summary="Make a random spot-check draw")
def draw_create(request: HttpRequest, payload: DrawIn):
    owner = _own_unit(request)
    names = list(dict.fromkeys(payload.inspectors))
    found = {u.username: u for u in User.objects.filter(username__in=names).select_related("unit")}
    missing = [n for n in names if n not in found]
    if missing:
        raise DomainError(_("Unknown users: %(names)s") % {"names": ", ".join(missing)}, code="unknown_user")
    checklist = selectors.checklist_for(request.user, payload.checklist_id) if payload.checklist_id else None
    the_draw = services.draw_create(
        actor=request.user,
        owner=owner,
        title=payload.title,
        date=payload.date,
        levels=payload.levels,
        strata=payload.strata,
        share=payload.share,
        count=payload.count,
        exclude_months=payload.exclude_months,
        inspectors=[found[n] for n in names],
        inspectors_per_unit=payload.inspectors_per_unit,
        checklist=checklist,
        seed=payload.seed,
    )
    return Status(201, _draw_detail(request, the_draw))


@router.get("/draws/{draw_id}", response=DrawDetailOut, summary="One draw: seed, input, result")
def draw_detail(request: HttpRequest, draw_id: int):
    return _draw_detail(request, selectors.draw_for(request.user, draw_id))


@router.get("/draws/{draw_id}/verify", response=VerifyOut, summary="Re-run the draw and compare")
def draw_verify(request: HttpRequest, draw_id: int):
    return selectors.draw_verification(selectors.draw_for(request.user, draw_id))


# --- findings ---------------------------------------------------------------------------------------------


@router.get("/findings", response=list[FindingOut], summary="The problem ledger")
@paginate(LimitOffsetPagination)
def finding_list(request: HttpRequest, filters: Query[FindingFilter]):
    unit = None
    if filters.unit:
        from luoshi.units.selectors import unit_for

        unit = unit_for(request.user, filters.unit)
    f = selectors.LedgerFilter(
        unit=unit,
        source_kind=filters.source_kind or "",
        status=filters.status or "",
        repeats=filters.repeats,
        overdue=filters.overdue,
    )
    return selectors.ledger(request.user, f).select_related("issuer", "unit", "assignment")


def _finding_detail(request: HttpRequest, finding: Finding) -> Finding:
    return selectors.finding_for(request.user, finding.pk)


@router.post("/findings", response={201: FindingDetailOut}, summary="Enter a problem")
def finding_create(request: HttpRequest, payload: FindingIn):
    where: dict = {}
    checklist = None
    if payload.inspection_id:
        where["inspection"] = selectors.inspection_for(request.user, payload.inspection_id)
        checklist = where["inspection"].draw.checklist
    elif payload.self_check_id:
        where["self_check"] = selectors.self_check_for(request.user, payload.self_check_id)
        checklist = where["self_check"].checklist
    else:
        where["issuer"] = _own_unit(request)
        where["unit"] = _units([payload.unit_code or ""])[0] if payload.unit_code else None
        where["source_kind"] = payload.source_kind
    item = None
    if payload.item_id:
        item = checklist.items.filter(pk=payload.item_id).first() if checklist else None
        if item is None:
            raise DomainError(_("The item is not on this checklist."), code="bad_item")
    finding = services.finding_create(
        actor=request.user,
        description=payload.description,
        deadline=payload.deadline,
        source_ref=payload.source_ref,
        item=item,
        category=payload.category,
        severity=payload.severity,
        measures=payload.measures,
        found_on=payload.found_on,
        **where,
    )
    return Status(201, _finding_detail(request, finding))


@router.get("/findings/{finding_id}", response=FindingDetailOut, summary="One problem with its history")
def finding_detail(request: HttpRequest, finding_id: int):
    return _finding_detail(request, selectors.finding_for(request.user, finding_id))


@router.post("/findings/{finding_id}/issue", response=FindingDetailOut, summary="Issue the rectification")
def finding_issue(request: HttpRequest, finding_id: int):
    finding = services.finding_issue(
        actor=request.user, finding=selectors.finding_for(request.user, finding_id)
    )
    return _finding_detail(request, finding)


@router.post("/findings/{finding_id}/measures", response=FindingDetailOut, summary="State the measures")
def finding_measures(request: HttpRequest, finding_id: int, payload: MeasuresIn):
    finding = selectors.finding_for(request.user, finding_id)
    services.finding_set_measures(actor=request.user, finding=finding, measures=payload.measures)
    return _finding_detail(request, finding)


@router.post("/findings/{finding_id}/close", response=FindingDetailOut, summary="Verify and close (销号)")
def finding_close(request: HttpRequest, finding_id: int, payload: CloseIn):
    finding = selectors.finding_for(request.user, finding_id)
    services.finding_close(actor=request.user, finding=finding, note=payload.note)
    return _finding_detail(request, finding)


@router.post("/findings/{finding_id}/reopen", response=FindingDetailOut, summary="Reopen a closed problem")
def finding_reopen(request: HttpRequest, finding_id: int, payload: ReopenIn):
    finding = selectors.finding_for(request.user, finding_id)
    services.finding_reopen(
        actor=request.user, finding=finding, reason=payload.reason, deadline=payload.deadline
    )
    return _finding_detail(request, finding)
