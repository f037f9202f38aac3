"""Units: list (path and level filters, search, pagination), detail, children."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from luoshi.units import selectors
from luoshi.units.models import Kind, Level, Unit

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    level: Level
    kind: Kind
    path: str
    parent_code: str | None = Field(None, alias="parent.code")
    retired_at: datetime | None


class UnitDetailOut(UnitOut):
    aliases: list[str]
    children_count: int


class UnitFilter(Schema):
    path: str | None = Field(None, description="Only units under this path (e.g. 13/1301), itself included.")
    level: Level | None = None
    kind: Kind | None = None
    q: str | None = Field(None, max_length=50, description="Name, short name, alias or code prefix.")
    include_retired: bool = False


@router.get("", response=list[UnitOut], summary="List visible units")
@paginate(LimitOffsetPagination)
def unit_list(request: HttpRequest, filters: Query[UnitFilter]):
    return selectors.units_search(
        request.user,
        q=filters.q or "",
        level=filters.level or "",
        kind=filters.kind or "",
        under=filters.path or "",
        include_retired=filters.include_retired,
    ).select_related("parent")


def _detail(unit: Unit) -> dict:
    return {
        **UnitOut.from_orm(unit).dict(),
        "aliases": [a.name for a in unit.aliases.all()],
        "children_count": unit.children.filter(retired_at__isnull=True).count(),
    }


@router.get("/{code}", response=UnitDetailOut, summary="One unit")
def unit_detail(request: HttpRequest, code: str):
    return _detail(selectors.unit_for(request.user, code))


@router.get("/{code}/children", response=list[UnitOut], summary="A unit's direct subordinates")
@paginate(LimitOffsetPagination)
def unit_children(request: HttpRequest, code: str):
    unit = selectors.unit_for(request.user, code)
    return unit.children.filter(retired_at__isnull=True).select_related("parent").order_by("kind", "code")
