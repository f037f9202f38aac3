"""Pages for sources, tasks, assignments, reports and the inbox. Parse, call, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.accounts.models import Role as UserRole
from luoshi.core.exceptions import DomainError
from luoshi.core.permissions import acts_for, require_acts_for
from luoshi.reports import files as report_files
from luoshi.reports.models import Attachment
from luoshi.reports.services import report_review, report_submit

from . import excel, selectors, services
from .forms import AssignForm, CancelForm, ImportForm, ReportForm, ReviewForm, SourceForm, TaskForm
from .models import AssignmentStatus


def _form_error(form, exc: DomainError) -> None:
    form.add_error(None, exc.message)
    for detail in exc.details:
        form.add_error(None, detail)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    box = selectors.inbox_for(request.user)
    return render(request, "tasks/inbox.html", {"inbox": box})


@login_required
def source_list(request: HttpRequest) -> HttpResponse:
    sources = selectors.sources_visible_to(request.user)
    page = Paginator(sources, 30).get_page(request.GET.get("page"))
    can_create = request.user.unit is not None and acts_for(
        request.user, request.user.unit, UserRole.SUPERVISOR
    )
    return render(request, "tasks/source_list.html", {"page": page, "can_create": can_create})


@login_required
def source_create(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    if unit is None:
        raise Http404
    require_acts_for(request.user, unit, UserRole.SUPERVISOR)
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.source_create(actor=request.user, issuer=unit, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("tasks:source_detail", pk=source.pk)
    return render(request, "tasks/source_form.html", {"form": form})


@login_required
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_for(request.user, pk)
    if selectors.source_is_large(request.user, source):
        rows, summary = [], selectors.source_summary(request.user, source)
    else:
        rows, summary = selectors.flatten(selectors.source_tree(request.user, source)), None
    is_issuer = acts_for(request.user, source.issuer, UserRole.SUPERVISOR)
    return render(
        request,
        "tasks/source_detail.html",
        {
            "source": source,
            "rows": rows,
            "summary": summary,
            "is_issuer": is_issuer,
            "import_form": ImportForm(),
            "sub_venues": list(source.sub_venues.all()),
            "has_relay": source.tasks.filter(is_relay=True).exists(),
        },
    )


@login_required
def source_export(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_for(request.user, pk)
    data = excel.export_source(request.user, source)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(source.title)}-任务分解表.xlsx"
    return response


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text[:60])


@login_required
@require_POST
def source_import(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_for(request.user, pk)
    require_acts_for(request.user, source.issuer, UserRole.SUPERVISOR)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            created = excel.import_source(
                actor=request.user, source=source, data=form.cleaned_data["file"].read()
            )
        except DomainError as exc:
            return render(request, "tasks/import_errors.html", {"source": source, "error": exc}, status=400)
        messages.success(request, _("%(n)d tasks imported.") % {"n": len(created)})
    else:
        messages.error(request, _("Choose an .xlsx file to import."))
    return redirect("tasks:source_detail", pk=source.pk)


@login_required
@require_POST
def source_relay(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_for(request.user, pk)
    try:
        services.source_relay(actor=request.user, source=source)
        messages.success(request, _("The relay task was given to every sub-venue."))
    except DomainError as exc:
        if exc.status != 400:
            raise
        messages.error(request, exc.message)
    return redirect("tasks:source_detail", pk=source.pk)


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_for(request.user, pk)
    require_acts_for(request.user, source.issuer, UserRole.SUPERVISOR)
    form = TaskForm(request.POST or None, issuer=source.issuer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create(
                actor=request.user, source=source, title=data["title"], **form.task_fields()
            )
            if data["lead_units"]:
                services.task_assign(
                    actor=request.user, task=task, units=data["lead_units"], co_units=data["co_unit_list"]
                )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("tasks:task_detail", pk=task.pk)
    return render(request, "tasks/task_form.html", {"form": form, "source": source, "parent": None})


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for(request.user, pk)
    user = request.user
    assignments = list(
        selectors.assignments_visible_to(user).filter(task=task).select_related("unit", "task")
    )
    services.lights_refresh_stale(assignments)
    own = [a for a in assignments if a.unit_id == getattr(user.unit, "pk", None)]
    is_issuer = acts_for(user, task.issuer, UserRole.SUPERVISOR)
    pending = []
    if is_issuer:
        pending = list(
            selectors.reports_visible_to(user)
            .filter(
                assignment__task=task,
                review__isnull=True,
                superseded_by__isnull=True,
                assignment__status=AssignmentStatus.ACTIVE,
            )
            .select_related("assignment__unit")
            .prefetch_related("attachments")
        )
    context = {
        "task": task,
        "assignments": assignments,
        "own": own,
        "milestones": list(task.milestones.all()),
        "timeline": selectors.timeline_for(user, task),
        "is_issuer": is_issuer,
        "can_report": [a for a in own if a.is_open and acts_for(user, a.unit, UserRole.REPORTER)],
        "can_decompose": [a for a in own if a.is_open and acts_for(user, a.unit, UserRole.SUPERVISOR)],
        "pending": pending,
        "assign_form": AssignForm(issuer=task.issuer) if is_issuer and task.status == "active" else None,
        "report_form": ReportForm(initial=_correction_initial(request, own)),
        "review_form": ReviewForm(),
        "cancel_form": CancelForm() if is_issuer and task.status == "active" else None,
        "own_ids": {a.pk for a in own if a.is_open},
        "correcting": request.GET.get("correct", ""),
        "live": {a.pk: services.assignment_light(a) for a in own},
    }
    return render(request, "tasks/task_detail.html", context)


def _correction_initial(request: HttpRequest, own: list) -> dict:
    """The report form, pre-filled to correct one of the unit's own reports (?correct=ID)."""
    initial = {"idempotency_key": uuid.uuid4().hex}
    try:
        pk = int(request.GET.get("correct", ""))
    except ValueError:
        return initial
    report = selectors.reports_visible_to(request.user).filter(pk=pk, assignment__in=own).first()
    if report is not None and report.state in ("pending", "returned"):
        initial.update(
            supersedes=report.pk,
            text=report.text,
            percent=report.percent,
            is_completion=report.is_completion,
            actual_value=report.actual_value,
        )
    return initial


@login_required
@require_POST
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for(request.user, pk)
    require_acts_for(request.user, task.issuer, UserRole.SUPERVISOR)
    form = AssignForm(request.POST, issuer=task.issuer)
    if form.is_valid():
        try:
            created = services.task_assign(
                actor=request.user,
                task=task,
                units=form.cleaned_data["lead_units"],
                co_units=form.cleaned_data["co_unit_list"],
            )
            messages.success(request, _("Assigned to %(n)d units.") % {"n": len(created)})
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("tasks:task_detail", pk=task.pk)


@login_required
@require_POST
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.task_cancel(actor=request.user, task=task, reason=form.cleaned_data["reason"])
            messages.success(request, _("The task was cancelled."))
        except DomainError as exc:
            if exc.status != 400:
                raise
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Give the reason for cancelling."))
    return redirect("tasks:task_detail", pk=task.pk)


@login_required
def assignment_decompose(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_for(request.user, pk)
    require_acts_for(request.user, assignment.unit, UserRole.SUPERVISOR)
    form = TaskForm(request.POST or None, issuer=assignment.unit, require_units=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_decompose(
                actor=request.user,
                assignment=assignment,
                title=data["title"],
                units=data["lead_units"],
                co_units=data["co_unit_list"],
                **form.task_fields(),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("tasks:task_detail", pk=task.pk)
    return render(
        request,
        "tasks/task_form.html",
        {"form": form, "source": assignment.task.source, "parent": assignment},
    )


@login_required
@require_POST
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_for(request.user, pk)
    require_acts_for(request.user, assignment.unit, UserRole.REPORTER)
    form = ReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        uploads = [report_files.Upload(f.name, f.read()) for f in request.FILES.getlist("attachments")]
        supersedes = None
        if data.get("supersedes"):
            supersedes = selectors.reports_visible_to(request.user).filter(pk=data["supersedes"]).first()
        try:
            _report, created = report_submit(
                actor=request.user,
                assignment=assignment,
                text=data["text"],
                percent=data["percent"],
                is_completion=data["is_completion"],
                actual_value=data.get("actual_value"),
                uploads=uploads,
                idempotency_key=data.get("idempotency_key") or "",
                supersedes=supersedes,
            )
            messages.success(
                request, _("Report submitted.") if created else _("This report was submitted already.")
            )
        except DomainError as exc:
            if exc.status not in (400, 409):
                raise
            messages.error(request, exc.message)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errors:
                messages.error(request, f"{label}：{e}" if label else e)
    return redirect("tasks:task_detail", pk=assignment.task_id)


@login_required
@require_POST
def report_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            report_review(
                actor=request.user,
                report=report,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data.get("reason", ""),
            )
            messages.success(request, _("Review saved."))
        except DomainError as exc:
            if exc.status not in (400, 409):
                raise
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Choose accept or return."))
    next_url = request.POST.get("next", "")
    if next_url == "inbox":
        return redirect("tasks:inbox")
    return redirect("tasks:task_detail", pk=report.assignment.task_id)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = Attachment.objects.filter(pk=pk).select_related("report").first()
    if (
        attachment is None
        or not selectors.reports_visible_to(request.user).filter(pk=attachment.report_id).exists()
    ):
        raise Http404
    path = report_files.storage_path(attachment.sha256)
    if not path.exists():
        raise Http404
    response = FileResponse(
        open(path, "rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def task_url(task) -> str:
    return reverse("tasks:task_detail", args=[task.pk])
