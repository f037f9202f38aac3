"""Dashboard pages: the map and charts of a unit's subtree, its map shapes, Excel exports."""

from __future__ import annotations

import urllib.parse

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from luoshi.accounts.models import Role
from luoshi.core import clock
from luoshi.core.permissions import require_role
from luoshi.units import selectors as unit_selectors
from luoshi.units.models import Unit

from . import exports, geo, selectors

VIEW_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
ECHARTS = "vendor/echarts/echarts.min.js"


def _int(value: str | None, default: int | None, lo: int, hi: int) -> int | None:
    try:
        number = int(value) if value not in (None, "") else default
    except ValueError:
        return default
    return number if number is None or lo <= number <= hi else default


def parse_filters(params) -> selectors.Filters:
    today = clock.today()
    year = _int(params.get("year"), today.year, 2000, 2100)
    month = _int(params.get("month"), today.month if year == today.year else 12, 1, 12)
    measure = params.get("measure", "red_share")
    return selectors.Filters(
        year=year,
        month=month,
        source_id=_int(params.get("source"), None, 1, 2**62),
        indicator_id=_int(params.get("indicator"), None, 1, 2**62),
        measure=measure if measure in selectors.MEASURES else "red_share",
    )


def _unit(request: HttpRequest, code: str) -> Unit:
    require_role(request.user, *VIEW_ROLES)
    return unit_selectors.unit_for(request.user, code)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the user's own unit (the province's for an operator without one)."""
    require_role(request.user, *VIEW_ROLES)
    unit = request.user.unit or Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None:
        raise Http404
    return redirect("dashboard:unit", code=unit.code)


@login_required
@require_GET
def unit_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(request, code)
    filters = parse_filters(request.GET)
    data = selectors.dashboard(request.user, unit, filters)
    payload = selectors.as_json(data)
    query = {k: v for k, v in request.GET.items() if k in ("year", "month", "source", "indicator", "measure")}
    context = {
        "d": data,
        "unit": unit,
        "crumbs": [u for u in unit_selectors.breadcrumb(unit) if _visible(request.user, u)],
        "payload": payload,
        "query": urllib.parse.urlencode(query),
        "months": range(1, 13),
        "years": range(filters.year - 3, filters.year + 2),
        "measure_choices": [
            ("red_share", _("Share of red-light tasks")),
            ("overdue", _("Overdue tasks")),
            ("attainment", _("Attainment of the indicator")),
        ],
        "table_rows": payload["children"],
        "labels": labels(),
        "echarts_url": echarts_url(),
        "has_map": any(r.has_geo for r in data.children),
        "drill_url": reverse("dashboard:unit", args=["000000000000"]),
        "geo_url": reverse("dashboard:geo", args=[unit.code]),
    }
    return render(request, "dashboard/unit.html", context)


def _visible(user, unit: Unit) -> bool:
    from luoshi.accounts.scoping import can_see_path

    return can_see_path(user, unit.path)


@login_required
@require_GET
def unit_geo(request: HttpRequest, code: str) -> HttpResponse:
    unit = _unit(request, code)
    children = list(Unit.objects.filter(parent=unit, retired_at__isnull=True).order_by("code"))
    response = JsonResponse(geo.feature_collection(unit, children), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def unit_export(request: HttpRequest, code: str, table: str) -> HttpResponse:
    if table not in exports.TABLES:
        raise Http404
    unit = _unit(request, code)
    data = selectors.dashboard(request.user, unit, parse_filters(request.GET))
    content, filename = exports.workbook(data, table)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{urllib.parse.quote(filename)}"
    return response


def echarts_url() -> str | None:
    """The served ECharts file, or None when ``npm ci`` has not installed it."""
    if finders.find(ECHARTS) is None:
        return None
    return static(ECHARTS)


def labels() -> dict[str, str]:
    """Strings the page's script shows, translated here (the script holds no text)."""
    return {
        "save": _("Save as PNG"),
        "sketch": _("Sketch map"),
        "completed": _("Completed"),
        "green": _("On track"),
        "yellow": _("Yellow light"),
        "red": _("Red light"),
        "red_share": _("Share of red-light tasks"),
        "overdue": _("Overdue tasks"),
        "attainment": _("Attainment"),
        "completions": _("Completions"),
        "required": _("Required"),
        "target": _("Target"),
        "no_data": _("No data"),
    }
