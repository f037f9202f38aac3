"""Ledger pages: list, template page, create/revise with a burden preview, a unit's grid with
inline editing (htmx), Excel download/upload with the error report, history, alerts, the
verification queue and the burden meter. Views parse, call a selector or service, render."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.accounts.models import Role
from luoshi.core import clock
from luoshi.core.exceptions import DomainError, Forbidden, NotFound
from luoshi.core.permissions import require_role
from luoshi.units import selectors as unit_selectors
from luoshi.units.models import Unit

from . import access, burden, conf, exports, periods, selectors, services
from .forms import (
    ColumnFormSet,
    DecideForm,
    LedgerForm,
    UploadForm,
    column_initial,
    row_input_name,
    rules_text,
)
from .models import Ledger, LedgerRow
from .validation import ColumnSpec, display, format_decimal, mask

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Helpers -----------------------------------------------------------------------------------


def _period(request: HttpRequest, ledger: Ledger) -> str:
    wanted = request.GET.get("period", request.POST.get("period", ""))
    if wanted and periods.is_valid(ledger.cadence, wanted):
        return wanted
    return periods.current_period(ledger.cadence, clock.today())


def _cells(specs: list[ColumnSpec], row: LedgerRow, *, unmasked: bool, names: dict[str, str]) -> list[str]:
    out = []
    for spec in specs:
        value = row.values.get(spec.key)
        if value is not None and spec.is_sensitive and not unmasked:
            out.append(mask(spec, value))
        else:
            out.append(display(value, names, spec))
    return out


def _edit_cells(
    specs: list[ColumnSpec], values: dict[str, Any], errors: dict[str, str], lookup_names: dict[str, str]
) -> list[dict[str, Any]]:
    """What the edit row needs per column: input name, current text, choices, error."""
    cells = []
    for spec in specs:
        value = values.get(spec.key)
        if spec.type == "unit" and isinstance(value, str):
            text = lookup_names.get(value, value)
        else:
            text = display(value) if not isinstance(value, str) else value
        choices = (
            list(spec.choices) if spec.type == "choice" else (["是", "否"] if spec.type == "yesno" else None)
        )
        cells.append(
            {
                "spec": spec,
                "name": row_input_name(spec),
                "value": text,
                "choices": choices,
                "error": errors.get(spec.key, ""),
            }
        )
    return cells


def _posted_values(request: HttpRequest, specs: list[ColumnSpec]) -> dict[str, str]:
    return {s.key: request.POST.get(row_input_name(s), "") for s in specs}


def _grid_context(request: HttpRequest, ledger: Ledger, unit: Unit, period: str) -> dict[str, Any]:
    template = selectors.current_template(ledger)
    specs = [c.spec() for c in template.columns.all()]
    rows = selectors.unit_rows(request.user, ledger, unit, period)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    unmasked = access.can_see_sensitive(request.user, unit.path)
    codes = [r.values.get(s.key) for r in page for s in specs if s.type == "unit"]
    names = selectors.unit_names(codes)
    lines = [{"row": r, "cells": _cells(specs, r, unmasked=unmasked, names=names)} for r in page]
    return {
        "ledger": ledger,
        "template": template,
        "unit": unit,
        "period": period,
        "period_label": periods.label(period),
        "periods": periods.recent(ledger.cadence, clock.today()),
        "specs": specs,
        "page": page,
        "lines": lines,
        "can_fill": access.can_fill(request.user, unit),
        "new_cells": _edit_cells(specs, {}, {}, {}),
        "upload_form": UploadForm(),
        "uploads": selectors.uploads_for(request.user, ledger, unit)[:5],
        "max_rows": conf.max_rows(),
    }


def _row_context(request: HttpRequest, row: LedgerRow) -> dict[str, Any]:
    template = selectors.current_template(row.ledger)
    specs = [c.spec() for c in template.columns.all()]
    names = selectors.unit_names(row.values.get(s.key) for s in specs if s.type == "unit")
    unmasked = access.can_see_sensitive(request.user, row.unit_path)
    return {
        "ledger": row.ledger,
        "unit": row.unit,
        "specs": specs,
        "line": {"row": row, "cells": _cells(specs, row, unmasked=unmasked, names=names)},
        "can_fill": access.can_fill(request.user, row.unit),
        "names": names,
    }


def _number(value: Any) -> str | None:
    return None if value is None else format_decimal(value)


def _groups_for(user: Any) -> list[tuple[str, str]]:
    return [(str(g.pk), g.name) for g in unit_selectors.groups_visible_to(user)]


# --- Ledgers -----------------------------------------------------------------------------------


@login_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    ledgers = selectors.ledgers_visible_to(request.user)
    page = Paginator(ledgers, 50).get_page(request.GET.get("page"))
    own = request.user.unit
    filled = set(selectors.ledgers_filled_by(own, [lg.pk for lg in page])) if own is not None else set()
    rows = [{"ledger": ledger, "fills": ledger.pk in filled} for ledger in page]
    context = {
        "page": page,
        "rows": rows,
        "can_create": request.user.is_superuser
        or bool({Role.SUPERVISOR, Role.ADMIN} & set(request.user.roles or [])),
    }
    return render(request, "ledgers/ledger_list.html", context)


def _ledger_inputs(form: LedgerForm, formset: Any) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    columns = []
    for f in formset.forms:
        data = getattr(f, "cleaned_data", None) or {}
        if data.get("label"):
            columns.append({**data, "verify_values": (f.initial or {}).get("verify_values", [])})
    return columns, form.cleaned_data.get("rules") or []


def _render_form(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "ledgers/ledger_form.html", context)


def _preview(
    request: HttpRequest, *, units: list[Unit], cadence: str, n_fields: int, name: str, ledger: Ledger | None
) -> selectors.BurdenPreview:
    return selectors.burden_preview(
        units=units,
        cadence=cadence,
        n_fields=n_fields,
        name=name,
        cap=conf.burden_cap(),
        ledger=ledger,
        month=clock.today(),
    )


@login_required
def ledger_create(request: HttpRequest) -> HttpResponse:
    """Define a ledger. "Preview" shows the burden it adds on every filling unit; only then
    can it be saved (and above the cap only with the confirmation box ticked)."""
    require_role(request.user, Role.SUPERVISOR, Role.ADMIN)
    owner = request.user.unit
    if owner is None:
        raise Forbidden(_("A user without a unit cannot own a ledger."))
    groups = _groups_for(request.user)
    form = LedgerForm(request.POST or None, groups=groups)
    formset = ColumnFormSet(request.POST or None, prefix="col")
    context: dict[str, Any] = {
        "form": form,
        "formset": formset,
        "creating": True,
        "preview": None,
        "error": None,
    }
    if request.method != "POST" or not (form.is_valid() and formset.is_valid()):
        return _render_form(request, context)
    columns, rules = _ledger_inputs(form, formset)
    data = form.cleaned_data
    try:
        root = (
            unit_selectors.unit_for(request.user, data["assign_root"]) if data.get("assign_root") else owner
        )
        group = None
        if data.get("assign_group"):
            group = unit_selectors.groups_visible_to(request.user).filter(pk=data["assign_group"]).first()
            if group is None:
                raise NotFound(_("Group not found."))
        units = services.resolve_assignment(
            owner=owner, root=None if group else root, level=data.get("assign_level", ""), group=group
        )
        context["preview"] = _preview(
            request,
            units=units,
            cadence=data["cadence"],
            n_fields=len(columns),
            name=data["name"],
            ledger=None,
        )
        if request.POST.get("action") == "save":
            ledger = services.ledger_create(
                actor=request.user,
                owner=owner,
                key=data["key"],
                name=data["name"],
                description=data.get("description", ""),
                cadence=data["cadence"],
                columns=columns,
                row_key=data.get("row_key", ""),
                alert_rules=rules,
                assign_root=None if group else root,
                assign_level=data.get("assign_level", ""),
                assign_group=group,
                accept_burden=data.get("accept_burden", False),
            )
            messages.success(request, _("The ledger was created."))
            return redirect("ledgers:detail", pk=ledger.pk)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        context["error"] = exc
    return _render_form(request, context)


@login_required
def ledger_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Revise a ledger: a change of columns makes a new template version."""
    ledger = selectors.ledger_for(request.user, pk)
    if not access.can_manage(request.user, ledger.owner_path):
        raise Forbidden(services.msg_not_manager())
    template = selectors.current_template(ledger)
    current_columns = list(template.columns.all())
    labels = {c.key: c.label for c in current_columns}
    initial = {
        "name": ledger.name,
        "description": ledger.description,
        "cadence": ledger.cadence,
        "row_key": labels.get(template.row_key, ""),
        "rules": rules_text(template.alert_rules, labels),
    }
    form = LedgerForm(request.POST or None, initial=initial, editing=True)
    formset = ColumnFormSet(request.POST or None, prefix="col", initial=column_initial(current_columns))
    context: dict[str, Any] = {
        "form": form,
        "formset": formset,
        "creating": False,
        "ledger": ledger,
        "template": template,
        "preview": None,
        "error": None,
    }
    if request.method != "POST" or not (form.is_valid() and formset.is_valid()):
        return _render_form(request, context)
    columns, rules = _ledger_inputs(form, formset)
    data = form.cleaned_data
    try:
        units = list(selectors.assigned_units(ledger))
        context["preview"] = _preview(
            request,
            units=units,
            cadence=data["cadence"],
            n_fields=len(columns),
            name=ledger.name,
            ledger=ledger,
        )
        if request.POST.get("action") == "save":
            services.ledger_revise(
                actor=request.user,
                ledger=ledger,
                columns=columns,
                row_key=data.get("row_key", ""),
                alert_rules=rules,
                name=data["name"],
                description=data.get("description", ""),
                cadence=data["cadence"],
                note=data.get("note", ""),
                accept_burden=data.get("accept_burden", False),
            )
            messages.success(request, _("The ledger was saved."))
            return redirect("ledgers:detail", pk=ledger.pk)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        context["error"] = exc
    return _render_form(request, context)


@login_required
def ledger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The template page: columns, versions, who fills it, their burden, the rollup."""
    ledger = selectors.ledger_for(request.user, pk)
    template = selectors.current_template(ledger)
    specs = [c.spec() for c in template.columns.all()]
    period = _period(request, ledger)
    under = request.user.unit
    if request.GET.get("under"):
        under = unit_selectors.unit_for(request.user, request.GET["under"])
    if under is None:
        under = ledger.owner
    units = selectors.assigned_units(ledger, request.user)
    unit_page = Paginator(units, 30).get_page(request.GET.get("page"))
    summable = [s for s in specs if s.slot is not None]
    lines, total = selectors.rollup_by_child(ledger, under, period, specs)

    def figures(line: selectors.RollupLine) -> dict[str, Any]:
        sums = [(_number(line.sum(s.slot)), _number(line.mean(s.slot))) for s in summable]
        return {"unit": line.unit, "rows": line.rows, "figures": sums}

    burdens = burden.burden_for([u.pk for u in unit_page], clock.today())
    context = {
        "ledger": ledger,
        "template": template,
        "columns": template.columns.all(),
        "versions": ledger.versions.order_by("-version")[:10],
        "period": period,
        "periods": periods.recent(ledger.cadence, clock.today()),
        "period_label": periods.label(period),
        "under": under,
        "summable": summable,
        "lines": [figures(line) for line in lines],
        "total": figures(total),
        "unit_page": unit_page,
        "unit_rows": [(u, burdens.get(u.pk)) for u in unit_page],
        "cap": conf.burden_cap(),
        "can_manage": access.can_manage(request.user, ledger.owner_path),
        "n_units": units.count(),
        "rules": template.alert_rules,
        "labels": {s.key: s.label for s in specs},
    }
    return render(request, "ledgers/ledger_detail.html", context)


@login_required
def ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Every current row under the user's unit (or ?under=code) as .xlsx, masked by role."""
    ledger = selectors.ledger_for(request.user, pk)
    under = request.user.unit or ledger.owner
    if request.GET.get("under"):
        under = unit_selectors.unit_for(request.user, request.GET["under"])
    period = _period(request, ledger)
    out = io.BytesIO()
    exports.write_export(out, user=request.user, ledger=ledger, under=under, period=period)
    out.seek(0)
    name = f"{ledger.name}-{under.name}{('-' + period) if period else ''}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


# --- A unit's rows -----------------------------------------------------------------------------


@login_required
def grid(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    ledger = selectors.ledger_for(request.user, pk)
    unit = selectors.filling_unit_for(request.user, ledger, code)
    return render(
        request, "ledgers/grid.html", _grid_context(request, ledger, unit, _period(request, ledger))
    )


@login_required
@require_POST
def row_add(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    ledger = selectors.ledger_for(request.user, pk)
    unit = selectors.filling_unit_for(request.user, ledger, code)
    period = _period(request, ledger)
    template = selectors.current_template(ledger)
    specs = [c.spec() for c in template.columns.all()]
    values = _posted_values(request, specs)
    try:
        outcome = services.row_submit(
            actor=request.user, ledger=ledger, unit=unit, values=values, period=period
        )
    except services.RowInvalid as exc:
        context = _grid_context(request, ledger, unit, period)
        context["new_cells"] = _edit_cells(specs, values, exc.field_errors, {})
        context["new_error"] = exc
        return render(request, "ledgers/grid.html", context, status=422)
    _flash_outcome(request, outcome.status)
    url = reverse("ledgers:grid", args=[ledger.pk, unit.code])
    return redirect(f"{url}?period={period}" if period else url)


def _flash_outcome(request: HttpRequest, status: str) -> None:
    texts = {
        "created": _("The row was added."),
        "updated": _("The row was saved as a new version."),
        "unchanged": _("Nothing changed."),
        "pending": _("The change awaits verification by the superior unit."),
    }
    messages.success(request, texts[status])


@login_required
def row_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The inline editor of one row (an htmx fragment of the grid; a small page without htmx)."""
    row = selectors.row_for(request.user, pk)
    if not access.can_fill(request.user, row.unit):
        raise Forbidden(services.msg_not_filler())
    context = _row_context(request, row)
    specs = context["specs"]
    values = row.values
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = _posted_values(request, specs)
        try:
            outcome = services.row_submit(
                actor=request.user,
                ledger=row.ledger,
                unit=row.unit,
                values=values,
                period=row.period,
                entry_id=row.entry,
            )
        except services.RowInvalid as exc:
            errors = exc.field_errors
            context["error"] = exc
        else:
            if request.htmx:
                context = _row_context(request, outcome.row)
                context["flash"] = outcome.status
                return render(request, "ledgers/grid.html#row", context)
            _flash_outcome(request, outcome.status)
            url = reverse("ledgers:grid", args=[row.ledger_id, row.unit.code])
            return redirect(f"{url}?period={row.period}" if row.period else url)
    context["edit_cells"] = _edit_cells(specs, values, errors, context["names"])
    if request.htmx:
        return render(request, "ledgers/grid.html#row_form", context, status=422 if errors else 200)
    return render(request, "ledgers/row_edit.html", context, status=422 if errors else 200)


@login_required
def row_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One row's display line (the fragment an edit's cancel button swaps back)."""
    row = selectors.row_for(request.user, pk)
    if request.htmx:
        return render(request, "ledgers/grid.html#row", _row_context(request, row))
    return redirect("ledgers:history", pk=row.pk)


@login_required
@require_POST
def row_remove(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.row_for(request.user, pk)
    services.row_remove(actor=request.user, row=row, reason=request.POST.get("reason", ""))
    messages.success(request, _("The row was removed; its history is kept."))
    url = reverse("ledgers:grid", args=[row.ledger_id, row.unit.code])
    return redirect(f"{url}?period={row.period}" if row.period else url)


@login_required
def row_history(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.row_for(request.user, pk)
    template = selectors.current_template(row.ledger)
    specs = [c.spec() for c in template.columns.all()]
    versions = list(selectors.row_history(request.user, row))
    unmasked = access.can_see_sensitive(request.user, row.unit_path)
    names = selectors.unit_names(v.values.get(s.key) for v in versions for s in specs if s.type == "unit")
    verifications = {
        v.row_id: v
        for v in selectors.verifications_visible_to(request.user).filter(row_id__in=[r.pk for r in versions])
    }
    lines = [
        {
            "row": v,
            "cells": _cells(specs, v, unmasked=unmasked, names=names),
            "verification": verifications.get(v.pk),
        }
        for v in versions
    ]
    return render(
        request,
        "ledgers/row_history.html",
        {"row": row, "ledger": row.ledger, "specs": specs, "lines": lines},
    )


# --- Excel -------------------------------------------------------------------------------------


@login_required
def download(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The unit's fill-in workbook: its current rows, dropdowns, instructions and the stamp."""
    ledger = selectors.ledger_for(request.user, pk)
    unit = selectors.filling_unit_for(request.user, ledger, code)
    period = _period(request, ledger)
    out = io.BytesIO()
    exports.write_unit_workbook(out, user=request.user, ledger=ledger, unit=unit, period=period)
    out.seek(0)
    name = f"{ledger.name}-{unit.name}{('-' + period) if period else ''}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


@login_required
@require_POST
def upload(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    ledger = selectors.ledger_for(request.user, pk)
    unit = selectors.filling_unit_for(request.user, ledger, code)
    if not access.can_fill(request.user, unit):
        raise Forbidden(services.msg_not_filler())
    form = UploadForm(request.POST, request.FILES)
    context = _grid_context(request, ledger, unit, _period(request, ledger))
    if not form.is_valid():
        context["upload_form"] = form
        return render(request, "ledgers/grid.html", context, status=422)
    f = form.cleaned_data["file"]
    if f.size > conf.max_upload_bytes():
        context["upload_error"] = services.msg_too_big(conf.max_upload_bytes() // (1024 * 1024))
        return render(request, "ledgers/grid.html", context, status=422)
    try:
        outcome = services.rows_import(
            actor=request.user,
            ledger=ledger,
            unit=unit,
            data=f.read(),
            filename=f.name,
            mode=form.cleaned_data["mode"],
        )
    except DomainError as exc:
        if isinstance(exc, Forbidden | NotFound):
            raise
        context["upload_error"] = exc.message
        return render(request, "ledgers/grid.html", context, status=422)
    if outcome.accepted:
        u = outcome.upload
        messages.success(
            request,
            _("Imported: %(c)d new, %(u)d changed, %(s)d unchanged, %(p)d awaiting verification.")
            % {"c": u.rows_created, "u": u.rows_updated, "s": u.rows_unchanged, "p": u.rows_pending},
        )
        url = reverse("ledgers:grid", args=[ledger.pk, unit.code])
        return redirect(f"{url}?period={u.period}" if u.period else url)
    context = _grid_context(request, ledger, unit, outcome.upload.period or _period(request, ledger))
    context["refused"] = outcome.upload
    context["refused_errors"] = outcome.errors[:50]
    return render(request, "ledgers/grid.html", context, status=422)


@login_required
def upload_report(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.upload_for(request.user, pk)
    if not item.error_report:
        raise NotFound(_("This upload has no error report."))
    name = f"{_('errors')}-{item.filename}"
    return FileResponse(
        io.BytesIO(bytes(item.error_report)), as_attachment=True, filename=name, content_type=XLSX
    )


# --- Alerts, verification, burden -------------------------------------------------------------


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.alerts_for(request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "ledgers/alert_list.html", {"page": page})


@login_required
def verification_list(request: HttpRequest) -> HttpResponse:
    queue = selectors.verifications_to_decide(request.user)
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    decided = (
        selectors.verifications_visible_to(request.user)
        .exclude(decision="pending")
        .order_by("-decided_at")[:20]
    )
    lines = [
        {
            "item": v,
            "can_decide": access.can_verify(request.user, v.verifier_path),
            "changes": [
                (c["label"], display(c["before"]) or "—", display(c["after"]) or "—") for c in v.changes
            ],
        }
        for v in page
    ]
    return render(
        request, "ledgers/verification_list.html", {"page": page, "lines": lines, "decided": decided}
    )


@login_required
@require_POST
def verification_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.verification_for(request.user, pk)
    form = DecideForm(request.POST)
    form.is_valid()
    accept = request.POST.get("decision") == "accept"
    try:
        services.verification_decide(
            actor=request.user, verification=item, accept=accept, reason=form.cleaned_data.get("reason", "")
        )
    except DomainError as exc:
        if isinstance(exc, Forbidden | NotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Accepted.") if accept else _("Rejected."))
    return redirect("ledgers:verifications")


@login_required
def burden_meter(request: HttpRequest) -> HttpResponse:
    """Fields and reports a month asked of each grassroots unit the user sees."""
    units = selectors.burden_page(request.user, month=clock.today())
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    burdens = burden.burden_for([u.pk for u in page], clock.today())
    cap = conf.burden_cap()
    rows = [(u, burdens[u.pk], burdens[u.pk].fields > cap) for u in page]
    return render(request, "ledgers/burden.html", {"page": page, "rows": rows, "cap": cap})
