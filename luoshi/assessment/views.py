"""Assessment pages: schemes, their criteria and adjustments, a run's ranking, a unit's
explanation, publishing and the Excel export. Parse, call, render; visibility is decided in
``selectors`` and roles in the services."""

from __future__ import annotations

import urllib.parse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luoshi.accounts.models import Role
from luoshi.core.exceptions import DomainError, NotFound
from luoshi.core.permissions import acts_for, require_acts_for
from luoshi.indicators.models import Indicator

from . import criteria as registry
from . import excel, selectors, services, tables
from .forms import AdjustmentForm, CriterionForm, PublishForm, SchemeForm, VisibilityForm
from .models import Scheme


def _is_assessor(user, scheme: Scheme) -> bool:
    return acts_for(user, scheme.owner, Role.SUPERVISOR)


def _form_error(form, exc: DomainError) -> None:
    form.add_error(None, exc.message)


@login_required
@require_GET
def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = list(selectors.schemes_visible_to(request.user))
    latest = {p.scheme_id: p for p in selectors.latest_publications([s.pk for s in schemes])}
    unit = request.user.unit
    can_create = unit is not None and acts_for(request.user, unit, Role.SUPERVISOR)
    rows = [{"scheme": s, "publication": latest.get(s.pk)} for s in schemes]
    return render(request, "assessment/scheme_list.html", {"rows": rows, "can_create": can_create})


@login_required
def scheme_create(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    if unit is None:
        raise NotFound(_("Assessment scheme not found."))
    require_acts_for(request.user, unit, Role.SUPERVISOR)
    previous = list(Scheme.objects.filter(owner=unit).order_by("-period_end")[:20])
    form = SchemeForm(request.POST or None, previous=previous)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheme = services.scheme_create(
                actor=request.user,
                owner=unit,
                **{**data, "previous": next((s for s in previous if s.pk == data["previous"]), None)},
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Scheme created; now add its criteria."))
            return redirect("assessment:scheme", pk=scheme.pk)
    return render(request, "assessment/scheme_create.html", {"form": form})


@login_required
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_for(request.user, pk)
    return _scheme_page(request, scheme)


def _scheme_page(request: HttpRequest, scheme: Scheme, **forms) -> HttpResponse:
    assessor = _is_assessor(request.user, scheme)
    groups = selectors.participants(scheme) if assessor else {}
    units = [u for members in groups.values() for u in members]
    items = list(scheme.criteria.all())
    ids = {i["id"] for c in items for i in c.params.get("indicators", [])}
    names = dict(Indicator.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    for c in items:
        parts = [(names.get(i["id"]) or f"#{i['id']}", i["weight"]) for i in c.params.get("indicators", [])]
        c.indicator_text = "、".join(f"{name}×{weight:g}" for name, weight in parts)
    context = {
        "scheme": scheme,
        "criteria": items,
        "total_weight": sum(c.weight for c in items),
        "kinds": {k.key: k for k in registry.kinds()},
        "runs": list(selectors.runs_visible_to(request.user, scheme)[:20]),
        "adjustments": list(selectors.adjustments_visible_to(request.user, scheme)),
        "assessor": assessor,
        "sees_all": selectors.sees_all(request.user, scheme),
        "groups": [(tables.group_label(k), len(v)) for k, v in groups.items()],
        "criterion_form": forms.get("criterion_form") or (CriterionForm() if assessor else None),
        "adjustment_form": forms.get("adjustment_form")
        or (AdjustmentForm(units=units) if assessor else None),
        "visibility_form": VisibilityForm(
            initial={"ranks_public": scheme.ranks_public, "explanations_public": scheme.explanations_public}
        )
        if assessor
        else None,
    }
    return render(request, "assessment/scheme_detail.html", context, status=400 if forms else 200)


@login_required
@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_for(request.user, pk)
    require_acts_for(request.user, scheme.owner, Role.SUPERVISOR)
    form = CriterionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            params = {"issuer": "owner"} if data["owner_tasks_only"] else {}
            if data["kind"] == "indicator_attainment":
                params = {"indicators": services.parse_indicator_weights(data["indicators"])}
            services.criterion_add(
                actor=request.user,
                scheme=scheme,
                kind=data["kind"],
                weight=data["weight"],
                label=data["label"],
                direction=data["direction"] or None,
                normalization=data["normalization"],
                floor=data["floor"],
                target=data["target"],
                params=params,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("assessment:scheme", pk=scheme.pk)
    return _scheme_page(request, scheme, criterion_form=form)


@login_required
@require_POST
def criterion_remove(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    scheme = selectors.scheme_for(request.user, pk)
    criterion = scheme.criteria.filter(pk=item_id).first()
    if criterion is None:
        raise NotFound(_("Criterion not found."))
    services.criterion_remove(actor=request.user, criterion=criterion)
    return redirect("assessment:scheme", pk=scheme.pk)


@login_required
@require_POST
def adjustment_add(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_for(request.user, pk)
    require_acts_for(request.user, scheme.owner, Role.SUPERVISOR)
    units = [u for members in selectors.participants(scheme).values() for u in members]
    form = AdjustmentForm(request.POST, units=units)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.adjustment_add(
                actor=request.user,
                scheme=scheme,
                unit=next(u for u in units if u.code == data["unit"]),
                points=data["points"],
                reason=data["reason"],
                evidence=data["evidence"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Adjustment recorded; it counts from the next computation."))
            return redirect("assessment:scheme", pk=scheme.pk)
    return _scheme_page(request, scheme, adjustment_form=form)


@login_required
@require_POST
def adjustment_withdraw(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    scheme = selectors.scheme_for(request.user, pk)
    adjustment = selectors.adjustments_visible_to(request.user, scheme).filter(pk=item_id).first()
    if adjustment is None:
        raise NotFound(_("Adjustment not found."))
    services.adjustment_withdraw(actor=request.user, adjustment=adjustment)
    return redirect("assessment:scheme", pk=scheme.pk)


@login_required
@require_POST
def scheme_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_for(request.user, pk)
    form = VisibilityForm(request.POST)
    form.is_valid()
    services.scheme_set_visibility(
        actor=request.user,
        scheme=scheme,
        ranks_public=form.cleaned_data.get("ranks_public", False),
        explanations_public=form.cleaned_data.get("explanations_public", False),
    )
    return redirect("assessment:scheme", pk=scheme.pk)


@login_required
@require_POST
def run_compute(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = selectors.scheme_for(request.user, pk)
    try:
        run = services.run_compute(actor=request.user, scheme=scheme)
    except DomainError as exc:
        if exc.status != 400:
            raise
        messages.error(request, exc.message)
        return redirect("assessment:scheme", pk=scheme.pk)
    return redirect("assessment:run", pk=run.pk)


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for(request.user, pk)
    groups = tables.ranking(request.user, run)
    scheme = run.scheme
    publication = getattr(run, "publication", None)
    context = {
        "run": run,
        "scheme": scheme,
        "publication": publication,
        "groups": groups,
        "diff": tables.visible_diff(request.user, run, groups),
        "publish_form": PublishForm() if publication is None and _is_assessor(request.user, scheme) else None,
        "sees_all": selectors.sees_all(request.user, scheme),
    }
    return render(request, "assessment/run_detail.html", context)


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for(request.user, pk)
    form = PublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        publication = services.run_publish(actor=request.user, run=run, note=note)
    except services.Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Published as version %(v)d.") % {"v": publication.version})
    return redirect("assessment:run", pk=run.pk)


@login_required
@require_GET
def explanation(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    run = selectors.run_for(request.user, pk)
    score = selectors.explanation_for(request.user, run, code)
    criteria = run.criteria
    by_key = {c["key"]: c for c in criteria}
    rows = [{**c, "spec": by_key.get(c["key"], {})} for c in score.detail.get("criteria", [])]
    context = {
        "run": run,
        "scheme": run.scheme,
        "publication": getattr(run, "publication", None),
        "score": score,
        "rows": rows,
        "adjustments": score.detail.get("adjustments", []),
    }
    return render(request, "assessment/explanation.html", context)


@login_required
@require_GET
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for(request.user, pk)
    content, filename = excel.workbook(run, tables.ranking(request.user, run))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{urllib.parse.quote(filename)}"
    return response
