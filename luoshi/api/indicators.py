"""Indicators: definitions, targets, actuals (list and submit, scoped), year-to-date figures."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from luoshi.api.pagination import LimitOffsetPagination
from luoshi.indicators import selectors, services
from luoshi.indicators.models import Accumulation, Aggregation, Direction, Origin, PeriodType
from luoshi.units import selectors as unit_selectors
from luoshi.units.paths import subtree_q

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    id: int
    name: str
    measure_unit: str
    direction: Direction
    aggregation: Aggregation
    weight_id: int | None
    period_type: PeriodType
    accumulation: Accumulation
    owner_code: str
    computed_from: str
    active: bool

    @staticmethod
    def resolve_owner_code(obj) -> str:
        return obj.owner.code


class TargetIn(Schema):
    unit_code: str
    year: int = Field(..., ge=2000, le=2100)
    period: int = Field(0, ge=0, le=12, description="0 = the annual target")
    value: Decimal
    baseline: Decimal | None = Field(None, description="For a falling indicator: the figure it falls from")


class TargetOut(Schema):
    unit_code: str
    unit_path: str
    year: int
    period: int
    value: Decimal
    baseline: Decimal | None
    set_at: datetime

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code


class ActualIn(Schema):
    unit_code: str
    year: int = Field(..., ge=2000, le=2100)
    period: int = Field(..., ge=0, le=12, description="Month 1–12, quarter 1–4, or 0 for a yearly indicator")
    value: Decimal


class ActualOut(Schema):
    unit_code: str
    unit_path: str
    year: int
    period: int
    value: Decimal
    origin: Origin
    entered_at: datetime

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code


class RowFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    period: int | None = Field(None, ge=0, le=12)
    path: str | None = Field(None, description="Only units under this path, itself included.")


class FigureOut(Schema):
    unit_code: str
    unit_name: str
    value: float | None
    target: float | None
    attainment: float | None = Field(None, description="1.0 = target met; direction taken into account")


@router.get("", response=list[IndicatorOut], summary="List visible indicators")
@paginate(LimitOffsetPagination)
def indicator_list(request: HttpRequest):
    return selectors.indicators_visible_to(request.user, include_inactive=True)


@router.get("/{int:pk}", response=IndicatorOut, summary="One indicator")
def indicator_detail(request: HttpRequest, pk: int):
    return selectors.indicator_for(request.user, pk)


def _rows(qs, indicator, filters: RowFilter):
    qs = qs.filter(indicator=indicator).select_related("unit")
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.period is not None:
        qs = qs.filter(period=filters.period)
    if filters.path:
        qs = qs.filter(subtree_q(filters.path, field="unit_path"))
    return qs.order_by("year", "period", "unit_path")


@router.get("/{int:pk}/targets", response=list[TargetOut], summary="Targets of visible units")
@paginate(LimitOffsetPagination)
def target_list(request: HttpRequest, pk: int, filters: Query[RowFilter]):
    indicator = selectors.indicator_for(request.user, pk)
    return _rows(selectors.targets_visible_to(request.user), indicator, filters)


@router.post("/{int:pk}/targets", response={201: TargetOut}, summary="Set a unit's target")
def target_set(request: HttpRequest, pk: int, payload: TargetIn):
    indicator = selectors.indicator_for(request.user, pk)
    unit = unit_selectors.unit_for(request.user, payload.unit_code)
    target = services.target_set(
        actor=request.user,
        indicator=indicator,
        unit=unit,
        year=payload.year,
        period=payload.period,
        value=payload.value,
        baseline=payload.baseline,
    )
    return Status(201, target)


@router.get("/{int:pk}/actuals", response=list[ActualOut], summary="Actuals of visible units")
@paginate(LimitOffsetPagination)
def actual_list(request: HttpRequest, pk: int, filters: Query[RowFilter]):
    indicator = selectors.indicator_for(request.user, pk)
    return _rows(selectors.actuals_visible_to(request.user), indicator, filters)


@router.post("/{int:pk}/actuals", response={201: ActualOut}, summary="Enter or correct a figure")
def actual_submit(request: HttpRequest, pk: int, payload: ActualIn):
    indicator = selectors.indicator_for(request.user, pk)
    unit = unit_selectors.unit_for(request.user, payload.unit_code)
    actual = services.actual_submit(
        actor=request.user,
        indicator=indicator,
        unit=unit,
        year=payload.year,
        period=payload.period,
        value=payload.value,
        origin=Origin.API,
    )
    return Status(201, actual)


@router.get(
    "/{int:pk}/figures/{code}",
    response=list[FigureOut],
    summary="Year-to-date figures of a unit and its direct subordinates",
)
def figures(request: HttpRequest, pk: int, code: str, year: int, month: int = Query(12, ge=1, le=12)):
    indicator = selectors.indicator_for(request.user, pk)
    unit = unit_selectors.unit_for(request.user, code)
    units = [unit, *unit.children.filter(retired_at__isnull=True).order_by("kind", "code")]
    figs = selectors.figures([indicator], units, year=year, month=month)
    return [
        {
            "unit_code": u.code,
            "unit_name": u.name,
            "value": figs[indicator.pk, u.pk].value,
            "target": figs[indicator.pk, u.pk].target,
            "attainment": figs[indicator.pk, u.pk].attainment,
        }
        for u in units
    ]
