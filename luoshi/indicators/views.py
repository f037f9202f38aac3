"""Indicator pages: the list (and defining one), an indicator's figures for a unit and its
children, entering actuals and targets, and the Excel round trip. Parse, call, render."""

from __future__ import annotations

import urllib.parse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.accounts.models import Role
from luoshi.core import clock
from luoshi.core.exceptions import DomainError
from luoshi.core.permissions import acts_for, require_acts_for
from luoshi.units import selectors as unit_selectors
from luoshi.units.models import Unit

from . import excel, rollup, selectors, services
from .forms import ActualForm, ImportForm, IndicatorForm, TargetForm


def _form_error(form, exc: DomainError) -> None:
    form.add_error(None, exc.message)
    for detail in exc.details:
        form.add_error(None, detail)


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    indicators = list(selectors.indicators_visible_to(request.user, include_inactive=True))
    unit = request.user.unit
    can_define = unit is not None and acts_for(request.user, unit, Role.SUPERVISOR, Role.ADMIN)
    form = IndicatorForm(request.POST or None, weights=indicators) if can_define else None
    if request.method == "POST":
        require_acts_for(request.user, unit, Role.SUPERVISOR, Role.ADMIN)
        if form.is_valid():
            data = form.cleaned_data
            weight = next((i for i in indicators if i.pk == data["weight"]), None)
            try:
                indicator = services.indicator_create(
                    actor=request.user, owner=unit, **{**data, "weight": weight}
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Indicator %(name)s defined.") % {"name": indicator.name})
                return redirect("indicators:detail", pk=indicator.pk)
    return render(request, "indicators/indicator_list.html", {"indicators": indicators, "form": form})


def _unit_and_year(request: HttpRequest) -> tuple[Unit, int]:
    code = request.GET.get("unit") or (request.user.unit.code if request.user.unit else "")
    unit = unit_selectors.unit_for(request.user, code) if code else Unit.objects.get(parent__isnull=True)
    try:
        year = int(request.GET.get("year") or clock.today().year)
    except ValueError:
        year = clock.today().year
    return unit, max(2000, min(2100, year))


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_for(request.user, pk)
    unit, year = _unit_and_year(request)
    children = list(unit.children.filter(retired_at__isnull=True).order_by("kind", "code"))
    units = [unit, *children]
    month = 12 if year < clock.today().year else clock.today().month
    figs = selectors.figures([indicator], units, year=year, month=month)
    series = selectors.period_values(indicator, units, year=year)
    periods = list(range(1, indicator.period_max + 1)) or [0]
    rows = [
        {
            "unit": u,
            "figure": figs.get((indicator.pk, u.pk)),
            "cells": [series.get(u.pk, {}).get(p) for p in periods],
        }
        for u in units
    ]
    enterable = [u for u in units if services.can_enter_for(request.user, u)]
    targetable = [u for u in units if services.can_set_target_for(request.user, u)]
    initial = {"year": year, "period": 0 if not indicator.period_max else min(month, indicator.period_max)}
    context = {
        "indicator": indicator,
        "unit": unit,
        "year": year,
        "month": month,
        "periods": periods,
        "rows": rows,
        "through": rollup.periods_through(indicator.period_type, month),
        "actual_form": ActualForm(units=enterable, initial=initial)
        if enterable and not indicator.computed_from
        else None,
        "target_form": TargetForm(units=targetable, initial={**initial, "period": 0}) if targetable else None,
        "import_form": ImportForm(initial={"year": year})
        if enterable and not indicator.computed_from
        else None,
        "query": urllib.parse.urlencode({"unit": unit.code, "year": year}),
    }
    return render(request, "indicators/indicator_detail.html", context)


def _back(indicator_pk: int, unit: str, year: int) -> str:
    return (
        reverse("indicators:detail", args=[indicator_pk])
        + "?"
        + urllib.parse.urlencode({"unit": unit, "year": year})
    )


@login_required
@require_POST
def actual_submit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_for(request.user, pk)
    form = ActualForm(
        request.POST,
        units=unit_selectors.units_visible_to(request.user).filter(code=request.POST.get("unit", "")),
    )
    if form.is_valid():
        unit = unit_selectors.unit_for(request.user, form.cleaned_data["unit"])
        try:
            services.actual_submit(
                actor=request.user,
                indicator=indicator,
                unit=unit,
                year=form.cleaned_data["year"],
                period=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
            )
            messages.success(request, _("Figure saved."))
        except DomainError as exc:
            if exc.status not in (400, 409):
                raise  # a role or scope refusal is a 403/404 page, not a message
            messages.error(request, exc.message)
        return redirect(_back(pk, request.GET.get("unit") or unit.code, form.cleaned_data["year"]))
    messages.error(request, _("The form is not valid."))
    return redirect(_back(pk, request.GET.get("unit", ""), clock.today().year))


@login_required
@require_POST
def target_set(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_for(request.user, pk)
    form = TargetForm(
        request.POST,
        units=unit_selectors.units_visible_to(request.user).filter(code=request.POST.get("unit", "")),
    )
    if form.is_valid():
        unit = unit_selectors.unit_for(request.user, form.cleaned_data["unit"])
        try:
            services.target_set(
                actor=request.user,
                indicator=indicator,
                unit=unit,
                year=form.cleaned_data["year"],
                period=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
                baseline=form.cleaned_data["baseline"],
            )
            messages.success(request, _("Target saved."))
        except DomainError as exc:
            if exc.status not in (400, 409):
                raise  # a role or scope refusal is a 403/404 page, not a message
            messages.error(request, exc.message)
        return redirect(_back(pk, request.GET.get("unit") or unit.code, form.cleaned_data["year"]))
    messages.error(request, _("The form is not valid."))
    return redirect(_back(pk, request.GET.get("unit", ""), clock.today().year))


@login_required
def actuals_template(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_for(request.user, pk)
    unit, year = _unit_and_year(request)
    units = [
        u
        for u in [unit, *unit.children.filter(retired_at__isnull=True).order_by("code")]
        if services.can_enter_for(request.user, u)
    ]
    periods = list(range(1, indicator.period_max + 1)) or [0]
    content = excel.template(indicator, units, year, periods)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{indicator.name}-{unit.name}-{year}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{urllib.parse.quote(filename)}"
    return response


@login_required
@require_POST
def actuals_import(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_for(request.user, pk)
    unit, _year = _unit_and_year(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a year and an .xlsx file."))
        return redirect(_back(pk, unit.code, _year))
    year = form.cleaned_data["year"]
    allowed = {u.code: u for u in unit_selectors.units_visible_to(request.user)}
    try:
        rows = excel.read(form.cleaned_data["file"].read(), allowed=allowed)
        saved = services.actuals_submit(
            actor=request.user, indicator=indicator, year=year, rows=rows, origin="excel"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        for detail in exc.details[:50]:
            messages.error(request, detail)
    else:
        messages.success(request, _("%(n)d figures imported.") % {"n": len(saved)})
    return redirect(_back(pk, unit.code, year))
