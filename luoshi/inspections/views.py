"""Pages for checklists, self-inspections, spot-check draws and the problem ledger.
Parse, call, render; out of scope is 404 (selectors), a visible object the role may not act
on is 403 (services raise Forbidden)."""

from __future__ import annotations

from fractions import Fraction
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.accounts.models import Role as UserRole
from luoshi.core import clock
from luoshi.core.exceptions import DomainError
from luoshi.core.permissions import acts_for, require_acts_for
from luoshi.units.selectors import units_visible_to

from . import excel, selectors, services
from .forms import (
    CheckFindingForm,
    ChecklistForm,
    CloseForm,
    DrawForm,
    ExternalFindingForm,
    MeasuresForm,
    ReopenForm,
    SendForm,
    answer_form,
    answers_from,
)
from .models import FindingSource, FindingStatus, SelfCheckStatus


def _form_error(form, exc: DomainError) -> None:
    if exc.status != 400:
        raise exc
    form.add_error(None, exc.message)


def _flash(request: HttpRequest, exc: DomainError) -> None:
    if exc.status != 400:
        raise exc
    messages.error(request, exc.message)


def _own_unit(request: HttpRequest):
    unit = request.user.unit
    if unit is None:
        raise Http404
    require_acts_for(request.user, unit, UserRole.SUPERVISOR)
    return unit


def _is_supervisor(user) -> bool:
    return user.unit is not None and acts_for(user, user.unit, UserRole.SUPERVISOR)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "checklists": selectors.checklists_visible_to(user)[:20],
        "self_checks": (
            selectors.self_checks_visible_to(user).filter(unit=user.unit).order_by("-sent_at")[:20]
            if user.unit
            else []
        ),
        "draws": selectors.draws_visible_to(user)[:20],
        "assigned": selectors.inspections_assigned_to(user)[:20],
        "can_create": _is_supervisor(user),
    }
    return render(request, "inspections/home.html", context)


# --- Checklists and self-inspection ------------------------------------------------------------------


@login_required
def checklist_create(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    form = ChecklistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            checklist = services.checklist_create(
                actor=request.user,
                owner=unit,
                title=d["title"],
                description=d["description"],
                items=d["items"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("inspections:checklist_detail", pk=checklist.pk)
    return render(request, "inspections/checklist_form.html", {"form": form})


@login_required
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = selectors.checklist_for(request.user, pk)
    is_owner = acts_for(request.user, checklist.owner, UserRole.SUPERVISOR)
    return render(
        request,
        "inspections/checklist_detail.html",
        {
            "checklist": checklist,
            "rollup": selectors.checklist_rollup(request.user, checklist),
            "is_owner": is_owner,
            "send_form": SendForm(owner=checklist.owner) if is_owner else None,
            "today": clock.today(),
        },
    )


@login_required
@require_POST
def checklist_send(request: HttpRequest, pk: int) -> HttpResponse:
    checklist = selectors.checklist_for(request.user, pk)
    require_acts_for(request.user, checklist.owner, UserRole.SUPERVISOR)
    form = SendForm(request.POST, owner=checklist.owner)
    if form.is_valid():
        try:
            sent = services.checklist_send(
                actor=request.user,
                checklist=checklist,
                units=form.cleaned_data["picked"],
                deadline=form.cleaned_data["deadline"],
            )
            messages.success(request, _("Sent to %(n)d units for self-inspection.") % {"n": len(sent)})
        except DomainError as exc:
            _flash(request, exc)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("inspections:checklist_detail", pk=checklist.pk)


@login_required
def selfcheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sc = selectors.self_check_for(request.user, pk)
    checklist = sc.checklist
    answers = {a.item_id: a for a in sc.answers.all()}
    can_answer = sc.status == SelfCheckStatus.PENDING and acts_for(
        request.user, sc.unit, UserRole.SUPERVISOR, UserRole.REPORTER
    )
    form = answer_form(checklist, answers, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_answer:
            try:  # the service says why: the wrong role (403) or already submitted
                services.selfcheck_answer(actor=request.user, self_check=sc, answers=[])
            except DomainError as exc:
                _flash(request, exc)
            return redirect("inspections:selfcheck_detail", pk=sc.pk)
        if form.is_valid():
            try:
                services.selfcheck_answer(
                    actor=request.user, self_check=sc, answers=answers_from(form, checklist)
                )
                if "submit" in request.POST:
                    services.selfcheck_submit(actor=request.user, self_check=sc)
                    messages.success(request, _("The self-inspection was submitted."))
                else:
                    messages.success(request, _("Answers saved."))
            except DomainError as exc:
                _form_error(form, exc)
            else:
                return redirect("inspections:selfcheck_detail", pk=sc.pk)
    is_issuer = acts_for(request.user, checklist.owner, UserRole.SUPERVISOR)
    rows = [
        {
            "item": item,
            "answer": answers.get(item.pk),
            "fields": [form[name] for name in form.fields if name.rsplit("_", 1)[1] == str(item.pk)],
        }
        for item in checklist.items.all()
    ]
    return render(
        request,
        "inspections/selfcheck_detail.html",
        {
            "sc": sc,
            "rows": rows,
            "form": form,
            "can_answer": can_answer,
            "finding_form": CheckFindingForm(checklist=checklist) if is_issuer else None,
            "findings": sc.findings.select_related("item").order_by("id"),
        },
    )


@login_required
@require_POST
def selfcheck_finding(request: HttpRequest, pk: int) -> HttpResponse:
    sc = selectors.self_check_for(request.user, pk)
    require_acts_for(request.user, sc.checklist.owner, UserRole.SUPERVISOR)
    form = CheckFindingForm(request.POST, checklist=sc.checklist)
    return _record_finding(request, form, self_check=sc, back=("inspections:selfcheck_detail", sc.pk))


def _record_finding(request: HttpRequest, form, *, back, **where) -> HttpResponse:
    if form.is_valid():
        d = form.cleaned_data
        try:
            finding = services.finding_create(
                actor=request.user,
                description=d["description"],
                category=d["category"],
                severity=d["severity"],
                measures=d["measures"],
                deadline=d["deadline"],
                item=d.get("item"),
                **where,
            )
        except DomainError as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("The problem was entered in the problem ledger."))
            return redirect("inspections:finding_detail", pk=finding.pk)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect(back[0], pk=back[1])


# --- Draws and inspections -------------------------------------------------------------------------------


@login_required
def draw_create(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    form = DrawForm(request.POST or None, owner=unit, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            the_draw = services.draw_create(
                actor=request.user,
                owner=unit,
                title=d["title"],
                date=d["date"],
                levels=d["levels"],
                strata=d["strata"],
                share=Fraction(str(d["share_percent"])) / 100 if d["share_percent"] is not None else None,
                count=d["count"],
                exclude_months=d["exclude_months"],
                inspectors=list(d["inspectors"]),
                inspectors_per_unit=d["inspectors_per_unit"],
                checklist=d["checklist"],
                seed=d["seed"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("inspections:draw_detail", pk=the_draw.pk)
    return render(request, "inspections/draw_form.html", {"form": form})


@login_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    the_draw = selectors.draw_for(request.user, pk)
    inspections = list(
        selectors.inspections_visible_to(request.user)
        .filter(draw=the_draw)
        .annotate(n_findings=Count("findings", distinct=True))
    )
    names = dict(
        units_visible_to(request.user)
        .filter(code__in=the_draw.result["excluded"])
        .values_list("code", "name")
    )
    return render(
        request,
        "inspections/draw_detail.html",
        {
            "draw": the_draw,
            "inspections": inspections,
            "strata": selectors.strata_names(the_draw),
            "excluded": [names.get(c, c) for c in the_draw.result["excluded"]],
            "check": selectors.draw_verification(the_draw) if "verify" in request.GET else None,
            "params": the_draw.inputs["params"],
            "share": (
                f"{float(Fraction(the_draw.inputs['params']['share'])) * 100:g}%"
                if the_draw.inputs["params"].get("share")
                else ""
            ),
        },
    )


@login_required
def draw_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The draw's published record (input, seed, result) as JSON, to re-run it elsewhere."""
    import json

    the_draw = selectors.draw_for(request.user, pk)
    body = {
        "seed": the_draw.seed,
        "digest": the_draw.digest,
        "inputs": the_draw.inputs,
        "result": the_draw.result,
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")
    response["Content-Disposition"] = f"attachment; filename=draw-{the_draw.pk}.json"
    return response


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_for(request.user, pk)
    inspectors = list(inspection.inspectors.all())
    may_record = acts_for(request.user, inspection.draw.owner, UserRole.SUPERVISOR) or any(
        i.user_id == request.user.pk for i in inspectors
    )
    form = CheckFindingForm(request.POST or None, checklist=inspection.draw.checklist)
    if request.method == "POST":
        return _record_finding(
            request, form, inspection=inspection, back=("inspections:inspection_detail", pk)
        )
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "inspectors": inspectors,
            "form": form if may_record else None,
            "findings": selectors.findings_visible_to(request.user)
            .filter(inspection=inspection)
            .order_by("id"),
        },
    )


# --- The problem ledger ------------------------------------------------------------------------------


def _ledger_filter(request: HttpRequest) -> selectors.LedgerFilter:
    unit = None
    code = request.GET.get("unit", "").strip()
    if code:
        unit = units_visible_to(request.user).filter(code=code).first()
        if unit is None:
            raise Http404
    kind = request.GET.get("source", "")
    status = request.GET.get("status", "")
    return selectors.LedgerFilter(
        unit=unit,
        source_kind=kind if kind in FindingSource.values else "",
        status=status if status in FindingStatus.values else "",
        repeats=request.GET.get("repeats") == "1",
        overdue=request.GET.get("overdue") == "1",
    )


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    f = _ledger_filter(request)
    today = clock.today()
    qs = selectors.ledger(request.user, f, today)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for finding in page:
        finding.age = selectors.age_days(finding, today)
        finding.overdue = selectors.is_overdue(finding, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/finding_list.html",
        {
            "page": page,
            "summary": selectors.ledger_summary(qs, today),
            "filter": f,
            "sources": FindingSource.choices,
            "statuses": FindingStatus.choices,
            "query": query.urlencode(),
            "can_create": _is_supervisor(request.user),
        },
    )


@login_required
def finding_export(request: HttpRequest) -> HttpResponse:
    f = _ledger_filter(request)
    today = clock.today()
    title = f"{(f.unit or request.user.unit).name if (f.unit or request.user.unit) else ''}问题整改台账"
    data = excel.export_ledger(selectors.ledger(request.user, f, today), title=title, today=today)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title)}.xlsx"
    return response


@login_required
def finding_create(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    form = ExternalFindingForm(request.POST or None, issuer=unit, initial={"found_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            finding = services.finding_create(
                actor=request.user,
                issuer=unit,
                unit=d["unit"],
                source_kind=d["source_kind"],
                source_ref=d["source_ref"],
                description=d["description"],
                category=d["category"],
                severity=d["severity"],
                measures=d["measures"],
                deadline=d["deadline"],
                found_on=d["found_on"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("inspections:finding_detail", pk=finding.pk)
    return render(request, "inspections/finding_form.html", {"form": form})


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    user = request.user
    is_issuer = acts_for(user, finding.issuer, UserRole.SUPERVISOR)
    is_unit = acts_for(user, finding.unit, UserRole.SUPERVISOR, UserRole.REPORTER)
    today = clock.today()
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "events": finding.events.select_related("assignment__task").all(),
            "repeats": selectors.findings_visible_to(user).filter(repeat_of=finding).order_by("found_on"),
            "age": selectors.age_days(finding, today),
            "overdue": selectors.is_overdue(finding, today),
            "is_issuer": is_issuer,
            "verified": services.has_verified_evidence(finding),
            "close_form": CloseForm() if is_issuer and finding.status == FindingStatus.RECTIFYING else None,
            "reopen_form": ReopenForm() if is_issuer and finding.status == FindingStatus.CLOSED else None,
            "measures_form": (
                MeasuresForm(initial={"measures": finding.measures})
                if (is_unit or is_issuer) and finding.status != FindingStatus.CLOSED
                else None
            ),
        },
    )


@login_required
@require_POST
def finding_issue(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    try:
        services.finding_issue(actor=request.user, finding=finding)
        messages.success(
            request, _("The rectification was issued to %(unit)s.") % {"unit": finding.unit.name}
        )
    except DomainError as exc:
        _flash(request, exc)
    return redirect("inspections:finding_detail", pk=pk)


@login_required
@require_POST
def finding_measures(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    form = MeasuresForm(request.POST)
    if form.is_valid():
        try:
            services.finding_set_measures(
                actor=request.user, finding=finding, measures=form.cleaned_data["measures"]
            )
            messages.success(request, _("Measures saved."))
        except DomainError as exc:
            _flash(request, exc)
    else:
        messages.error(request, _("Describe the rectification measures."))
    return redirect("inspections:finding_detail", pk=pk)


@login_required
@require_POST
def finding_close(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        services.finding_close(actor=request.user, finding=finding, note=form.cleaned_data.get("note", ""))
        messages.success(request, _("The problem was verified and closed."))
    except DomainError as exc:
        _flash(request, exc)
    return redirect("inspections:finding_detail", pk=pk)


@login_required
@require_POST
def finding_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    require_acts_for(request.user, finding.issuer, UserRole.SUPERVISOR)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.finding_reopen(
                actor=request.user,
                finding=finding,
                reason=form.cleaned_data["reason"],
                deadline=form.cleaned_data["deadline"],
            )
            messages.success(request, _("The problem was reopened with a new rectification task."))
        except DomainError as exc:
            _flash(request, exc)
    else:
        messages.error(request, _("Give the reason and a new deadline."))
    return redirect("inspections:finding_detail", pk=pk)
