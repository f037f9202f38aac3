"""Ledgers: templates visible to the caller, a unit's rows (masked by role), submit a row,
and the aggregate an indicator binds to. Same scoping and services as the pages."""

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from luoshi.api.pagination import LimitOffsetPagination
from luoshi.core import clock
from luoshi.ledgers import access, periods, rollup, selectors, services
from luoshi.ledgers.models import Cadence, ColumnType, Ledger, RowStatus
from luoshi.ledgers.validation import format_decimal, mask
from luoshi.units import selectors as unit_selectors

router = Router(tags=["ledgers"])


class ColumnOut(Schema):
    key: str
    label: str
    type: ColumnType
    required: bool
    choices: list[str]
    sensitive: bool


class LedgerOut(Schema):
    id: int
    key: str
    name: str
    owner_code: str
    cadence: Cadence
    version: int

    @staticmethod
    def resolve_owner_code(obj: Ledger) -> str:
        return obj.owner.code

    @staticmethod
    def resolve_version(obj: Ledger) -> int:
        return obj.current.version


class LedgerDetailOut(LedgerOut):
    row_key: str
    columns: list[ColumnOut]

    @staticmethod
    def resolve_row_key(obj: Ledger) -> str:
        return obj.current.row_key

    @staticmethod
    def resolve_columns(obj: Ledger) -> list[Any]:
        return list(selectors.current_template(obj).columns.all())


class RowOut(Schema):
    id: int
    entry: uuid.UUID
    row_key: str
    revision: int
    status: RowStatus
    period: str
    values: dict[str, Any]
    alerts: list[str]
    created_at: datetime


class RowIn(Schema):
    values: dict[str, Any] = Field(..., description="Values by column key (text as Excel would hold it).")
    period: str | None = Field(
        None, description="2026-09 (monthly), 2026-Q3 (quarterly); omitted: the current one."
    )
    entry: uuid.UUID | None = Field(
        None, description="The row to change; omitted: matched by the row key, or new."
    )


class RowResultOut(Schema):
    status: str
    row: RowOut


class RowFilter(Schema):
    period: str | None = None


class AggregateOut(Schema):
    ledger: str
    column: str | None
    agg: str
    under: str
    period: str
    value: int | str | None = Field(
        None, description="A count as a number; sums and means as exact decimal text."
    )


@router.get("", response=list[LedgerOut], summary="List visible ledgers")
@paginate(LimitOffsetPagination)
def ledger_list(request: HttpRequest):
    return selectors.ledgers_visible_to(request.user)


@router.get("/{pk}", response=LedgerDetailOut, summary="One ledger and its current columns")
def ledger_detail(request: HttpRequest, pk: int):
    return selectors.ledger_for(request.user, pk)


def _masked(user: Any, ledger: Ledger, rows: Any) -> list[Any]:
    specs = [c.spec() for c in selectors.current_template(ledger).columns.all()]
    sensitive = [s for s in specs if s.is_sensitive]
    out = []
    for row in rows:
        if sensitive and not access.can_see_sensitive(user, row.unit_path):
            row.values = {
                k: (
                    mask(next(s for s in sensitive if s.key == k), v)
                    if any(s.key == k for s in sensitive)
                    else v
                )
                for k, v in row.values.items()
            }
        out.append(row)
    return out


@router.get("/{pk}/units/{code}/rows", response=list[RowOut], summary="A unit's current rows")
@paginate(LimitOffsetPagination)
def row_list(request: HttpRequest, pk: int, code: str, filters: Query[RowFilter]):
    ledger = selectors.ledger_for(request.user, pk)
    unit = selectors.filling_unit_for(request.user, ledger, code)
    period = (
        filters.period
        if filters.period is not None
        else periods.current_period(ledger.cadence, clock.today())
    )
    rows = selectors.unit_rows(request.user, ledger, unit, period)
    return _MaskedList(request.user, ledger, rows)


class _MaskedList:
    """A sliceable view of a row queryset that masks each page as it is cut (pagination)."""

    def __init__(self, user: Any, ledger: Ledger, qs: Any):
        self.user, self.ledger, self.qs = user, ledger, qs

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[Any]:
        return _masked(self.user, self.ledger, self.qs[item])


@router.post(
    "/{pk}/units/{code}/rows", response={201: RowResultOut, 200: RowResultOut}, summary="Submit a row"
)
def row_submit(request: HttpRequest, pk: int, code: str, payload: RowIn):
    ledger = selectors.ledger_for(request.user, pk)
    unit = selectors.filling_unit_for(request.user, ledger, code)
    outcome = services.row_submit(
        actor=request.user,
        ledger=ledger,
        unit=unit,
        values=payload.values,
        period=payload.period,
        entry_id=payload.entry,
    )
    status = 201 if outcome.status == "created" else 200
    return Status(status, {"status": outcome.status, "row": _masked(request.user, ledger, [outcome.row])[0]})


@router.get("/{pk}/aggregate", response=AggregateOut, summary="Count, sum or mean of a column under a unit")
def aggregate(
    request: HttpRequest,
    pk: int,
    agg: str = "sum",
    column: str | None = None,
    under: str | None = None,
    period: str = "",
):
    ledger = selectors.ledger_for(request.user, pk)
    unit = unit_selectors.unit_for(request.user, under) if under else (request.user.unit or ledger.owner)
    value = rollup.ledger_aggregate(ledger.key, column, agg, under_path=unit.path, period=period)
    return {
        "ledger": ledger.key,
        "column": column,
        "agg": agg,
        "under": unit.code,
        "period": period,
        "value": value if value is None or isinstance(value, int) else format_decimal(value),
    }
