"""The dashboard's data as JSON: the same selector the page uses."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from luoshi.core.permissions import require_role
from luoshi.dashboard import selectors
from luoshi.dashboard.views import VIEW_ROLES, parse_filters
from luoshi.units import selectors as unit_selectors

router = Router(tags=["dashboard"])


@router.get(
    "/{code}",
    response=dict[str, Any],
    summary="Dashboard data of a unit: task measures, indicator figures, half-way check, by child unit",
    description="Query parameters as on the page: year, month, source, indicator, measure.",
)
def dashboard(request: HttpRequest, code: str):
    require_role(request.user, *VIEW_ROLES)
    unit = unit_selectors.unit_for(request.user, code)
    return selectors.as_json(selectors.dashboard(request.user, unit, parse_filters(request.GET)))
