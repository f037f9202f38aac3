"""Units: list (path and level filters, search, pagination), detail, children."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from luoshi.api.pagination import LimitOffsetPagination
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
    parent_code: str | None
    retired_at: datetime | None

    @staticmethod
    def resolve_parent_code(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent_id else None


class UnitDetailOut(UnitOut):
    aliases: list[str]
    children_count: int

    @staticmethod
    def resolve_aliases(obj: Unit) -> list[str]:
        return [a.name for a in obj.aliases.all()]

    @staticmethod
    def resolve_children_count(obj: Unit) -> int:
        return obj.children.filter(retired_at__isnull=True).count()


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


@router.get("/{code}", response=UnitDetailOut, summary="One unit")
def unit_detail(request: HttpRequest, code: str):
    return selectors.unit_for(request.user, code)


@router.get("/{code}/children", response=list[UnitOut], summary="A unit's direct subordinates")
@paginate(LimitOffsetPagination)
def unit_children(request: HttpRequest, code: str):
    unit = selectors.unit_for(request.user, code)
    return unit.children.filter(retired_at__isnull=True).select_related("parent").order_by("kind", "code")
