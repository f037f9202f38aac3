"""Readouts: parse a text (the parser's JSON contract, units resolved through the caller's part of
the units table), and the import wizard's draft → confirm flow."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from luoshi.readouts import drafts, selectors, services

router = Router(tags=["readouts"])


class ParseIn(Schema):
    text: str = Field(..., description="The readout text (any script, any layout), at most 5 MB.")


class TargetOut(Schema):
    value: float
    unit: str
    direction: str | None
    deadline: str | None


class ItemOut(Schema):
    text: str
    units: list[str]
    deadline: str | None
    targets: list[TargetOut]


class MeetingOut(Schema):
    date: str | None = Field(..., description="MM-DD")
    place: str | None
    video: bool


class ParseOut(Schema):
    meeting: MeetingOut
    items: list[ItemOut]
    notes: list[str]


@router.post("/parse", response=ParseOut, summary="Parse a readout")
def readout_parse(request: HttpRequest, payload: ParseIn):
    if len(payload.text.encode("utf-8")) > drafts.MAX_BYTES:
        raise services.DomainError(drafts.msg_too_large(), code="too_large")
    return services.parse_for(getattr(request.user, "unit", None), payload.text).to_dict()


class DraftIn(Schema):
    text: str
    filename: str = ""


class DraftOut(Schema):
    id: int
    status: str
    issuer_code: str
    source_id: int | None
    notes: list[str]
    data: dict[str, Any] = Field(
        ..., description="The draft table; see ReadoutDraft in luoshi/readouts/models.py."
    )

    @staticmethod
    def resolve_issuer_code(obj) -> str:
        return obj.issuer.code


class ConfirmOut(Schema):
    source_id: int
    tasks: int


@router.post("/drafts", response={201: DraftOut}, summary="Parse a readout into a draft table")
def draft_create(request: HttpRequest, payload: DraftIn):
    return Status(
        201, services.draft_create(actor=request.user, text=payload.text, filename=payload.filename)
    )


@router.get("/drafts/{pk}", response=DraftOut, summary="One draft of the caller's unit")
def draft_detail(request: HttpRequest, pk: int):
    services.importing_unit(request.user)
    return selectors.draft_for(request.user, pk)


@router.post("/drafts/{pk}/confirm", response=ConfirmOut, summary="Create the source and its tasks")
def draft_confirm(request: HttpRequest, pk: int):
    services.importing_unit(request.user)
    draft = selectors.draft_for(request.user, pk)
    source = services.draft_confirm(actor=request.user, draft=draft)
    return {"source_id": source.pk, "tasks": source.tasks.count()}
