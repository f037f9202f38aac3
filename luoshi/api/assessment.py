"""Assessment: schemes, runs and publications, a run's ranking and a unit's explanation, with
the same visibility as the pages (``assessment.selectors``): a unit sees its own result; others'
only where the scheme makes ranks (and explanations) public; the owner's supervisors and
leaders see everything, unpublished runs included."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from luoshi.assessment import selectors, services, tables

router = Router(tags=["assessment"])


class CriterionOut(Schema):
    id: int
    kind: str
    label: str
    weight: float
    direction: str
    normalization: str
    floor: float | None
    target: float | None
    params: dict


class SchemeOut(Schema):
    id: int
    name: str
    owner_code: str
    period_label: str
    period_start: dt.date
    period_end: dt.date
    level: str
    direct_placement: str
    tie_break: str
    bottom_n: int
    ranks_public: bool
    explanations_public: bool

    @staticmethod
    def resolve_owner_code(obj) -> str:
        return obj.owner.code


class SchemeDetailOut(SchemeOut):
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj) -> list:
        return [{**c.__dict__, "weight": float(c.weight)} for c in obj.criteria.all()]


class RunOut(Schema):
    id: int
    as_of: dt.date
    computed_at: dt.datetime
    version: int | None = Field(None, description="Publication version; null for an unpublished run")
    published_at: dt.datetime | None = None


class ComputeIn(Schema):
    as_of: dt.date | None = Field(
        None, description="Data as of this date (default today, at most the period's end)"
    )


class PublishIn(Schema):
    note: str = Field("", max_length=200)


class CellOut(Schema):
    key: str
    label: str
    kind: str
    raw: float | None
    raw_text: str
    normalized: float | None
    weight: float
    effective_weight: float
    contribution: float


class ScoreOut(Schema):
    unit_code: str
    unit_name: str
    group: str
    rank: int
    group_size: int
    total: float
    bottom: bool
    previous_rank: int | None
    movement: int | None
    adjustments: float | None = Field(None, description="null where the explanation is not visible")
    criteria: list[CellOut] | None = Field(None, description="null where the explanation is not visible")


class AdjustmentOut(Schema):
    points: float
    reason: str
    evidence: str
    assessor: str


class ExplanationOut(ScoreOut):
    base: float
    adjustment_items: list[AdjustmentOut]


class RankingOut(Schema):
    run: RunOut
    scores: list[ScoreOut]
    diff: list[dict]


def _run_out(run) -> dict:
    publication = getattr(run, "publication", None)
    return {
        "id": run.pk,
        "as_of": run.as_of,
        "computed_at": run.computed_at,
        "version": publication.version if publication else None,
        "published_at": publication.published_at if publication else None,
    }


def _score_out(line) -> dict:
    s = line.score
    return {
        "unit_code": s.unit_code,
        "unit_name": s.unit_name,
        "group": s.group,
        "rank": s.rank,
        "group_size": s.group_size,
        "total": s.total,
        "bottom": s.bottom,
        "previous_rank": s.previous_rank,
        "movement": s.movement,
        "adjustments": s.adjustments if line.explained else None,
        "criteria": s.detail.get("criteria", []) if line.explained else None,
    }


@router.get("/schemes", response=list[SchemeOut], summary="Visible assessment schemes")
def scheme_list(request: HttpRequest):
    return list(selectors.schemes_visible_to(request.user))


@router.get("/schemes/{int:pk}", response=SchemeDetailOut, summary="A scheme with its criteria")
def scheme_detail(request: HttpRequest, pk: int):
    return selectors.scheme_for(request.user, pk)


@router.get(
    "/schemes/{int:pk}/runs", response=list[RunOut], summary="Runs: published ones, and drafts for the owner"
)
def run_list(request: HttpRequest, pk: int):
    scheme = selectors.scheme_for(request.user, pk)
    return [_run_out(r) for r in selectors.runs_visible_to(request.user, scheme)]


@router.post(
    "/schemes/{int:pk}/compute", response={201: RunOut}, summary="Compute the scheme from the data now"
)
def run_compute(request: HttpRequest, pk: int, payload: ComputeIn):
    scheme = selectors.scheme_for(request.user, pk)
    run = services.run_compute(actor=request.user, scheme=scheme, as_of=payload.as_of)
    return Status(201, _run_out(run))


@router.get("/runs/{int:pk}", response=RankingOut, summary="A run's ranking as the caller may see it")
def run_detail(request: HttpRequest, pk: int):
    run = selectors.run_for(request.user, pk)
    groups = tables.ranking(request.user, run)
    return {
        "run": _run_out(run),
        "scores": [_score_out(line) for g in groups for line in g.lines],
        "diff": tables.visible_diff(request.user, run, groups),
    }


@router.post("/runs/{int:pk}/publish", response={201: RunOut}, summary="Publish a run as the next version")
def run_publish(request: HttpRequest, pk: int, payload: PublishIn):
    run = selectors.run_for(request.user, pk)
    services.run_publish(actor=request.user, run=run, note=payload.note)
    run = selectors.run_for(request.user, pk)
    return Status(201, _run_out(run))


@router.get("/runs/{int:pk}/units/{code}", response=ExplanationOut, summary="One unit's explanation")
def explanation(request: HttpRequest, pk: int, code: str):
    run = selectors.run_for(request.user, pk)
    score = selectors.explanation_for(request.user, run, code)
    line = tables.Line(score, True, [])
    return {
        **_score_out(line),
        "base": score.base,
        "adjustment_items": score.detail.get("adjustments", []),
    }
