"""Unit pages: the browser (search by name, short name, alias or code) and a unit's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from luoshi.accounts.scoping import can_see_path

from . import selectors
from .models import Kind, Level, Unit


def render_unit_page(request: HttpRequest, unit: Unit, *, is_home: bool = False) -> HttpResponse:
    crumbs = [(u, can_see_path(request.user, u.path)) for u in selectors.breadcrumb(unit)]
    children = list(selectors.children_with_counts(unit))
    context = {
        "unit": unit,
        "crumbs": crumbs,
        "divisions": [c for c in children if c.kind == Kind.DIVISION],
        "departments": [c for c in children if c.kind == Kind.DEPARTMENT],
        "aliases": [a.name for a in unit.aliases.all()],
        "is_home": is_home,
    }
    return render(request, "units/unit_detail.html", context)


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_for(request.user, code)
    return render_unit_page(request, unit)


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:50]
    level = request.GET.get("level", "")
    level = level if level in Level.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    units = selectors.units_search(request.user, q=q, level=level, kind=kind).select_related("parent")
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "level": level,
        "kind": kind,
        "levels": Level.choices,
        "kinds": Kind.choices,
    }
    if request.htmx:
        return render(request, "units/unit_list.html#results", context)
    return render(request, "units/unit_list.html", context)
