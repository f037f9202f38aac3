"""Pages for notices, accountability, the inbox, 包联 leaders, channels and performance records.
Parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.accounts.models import Role, User
from luoshi.core import clock
from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.core.permissions import acts_for, require_acts_for, require_role
from luoshi.tasks.models import AssignmentStatus
from luoshi.tasks.selectors import assignment_for, tasks_visible_to
from luoshi.units.selectors import unit_for

from . import pdf, selectors, services
from .forms import AccountabilityForm, ChannelForm, LiaisonForm, NoticeForm, ReplyForm
from .models import AccountabilityKind, Channel, NoticeStatus


def _form_error(form, exc: DomainError) -> None:
    if exc.status != 400:
        raise exc
    form.add_error(None, exc.message)


def _own_unit(request: HttpRequest):
    unit = request.user.unit
    if unit is None:
        raise Http404
    return unit


# --- Inbox -------------------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    alerts = selectors.inbox_for(request.user).select_related("unit").order_by("-created_at", "-id")
    page = Paginator(alerts, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, pk)
    services.alert_mark_read(actor=request.user, alert=alert)
    if alert.link and request.POST.get("open"):
        return redirect(alert.link)
    return redirect("supervision:inbox")


# --- Notices -------------------------------------------------------------------------------------


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = selectors.notices_visible_to(request.user)
    box = request.GET.get("box", "")
    unit = request.user.unit
    if unit is not None and box == "issued":
        notices = notices.filter(issuer=unit)
    elif unit is not None and box == "received":
        notices = notices.filter(unit=unit)
    status = request.GET.get("status", "")
    if status in NoticeStatus.values:
        notices = notices.filter(status=status)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/notice_list.html",
        {"page": page, "box": box, "status": status, "statuses": NoticeStatus.choices},
    )


@login_required
def notice_create(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = assignment_for(request.user, pk)
    if not services.can_issue_notice(request.user, assignment):
        require_role(request.user, Role.SUPERVISOR)
        if assignment.status == AssignmentStatus.ACTIVE:
            raise Forbidden(services.msg_not_above(assignment.unit.name))
        raise Forbidden(_("Only an assignment in progress can be supervised."))
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_issue(actor=request.user, assignment=assignment, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Notice %(code)s issued.") % {"code": notice.code})
            return redirect("supervision:notice_detail", pk=notice.pk)
    return render(request, "supervision/notice_form.html", {"form": form, "assignment": assignment})


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for(request.user, pk)
    addressee = acts_for(request.user, notice.unit, Role.REPORTER, Role.SUPERVISOR)
    issuer = acts_for(request.user, notice.issuer, Role.SUPERVISOR)
    return render(
        request,
        "supervision/notice_detail.html",
        {
            "notice": notice,
            "can_acknowledge": addressee and notice.status == NoticeStatus.ISSUED,
            "can_reply": addressee and notice.status in (NoticeStatus.ISSUED, NoticeStatus.ACKNOWLEDGED),
            "can_close": issuer and notice.status != NoticeStatus.CLOSED,
            "can_hold_to_account": issuer,
            "reply_form": ReplyForm(),
            "actions": list(notice.accountability.all()),
        },
    )


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for(request.user, pk)
    response = HttpResponse(pdf.render_notice(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.year}-{notice.number}.pdf"'
    return response


@login_required
@require_POST
def notice_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for(request.user, pk)
    try:
        services.notice_acknowledge(actor=request.user, notice=notice)
    except DomainError as exc:
        if exc.status != 400:
            raise
        messages.error(request, exc.message)
    return redirect("supervision:notice_detail", pk=notice.pk)


@login_required
@require_POST
def notice_reply(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        require_acts_for(request.user, notice.unit, Role.REPORTER, Role.SUPERVISOR)
        messages.error(request, _("Write the reply."))
        return redirect("supervision:notice_detail", pk=notice.pk)
    try:
        services.notice_reply(actor=request.user, notice=notice, text=form.cleaned_data["text"])
    except DomainError as exc:
        if exc.status != 400:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Reply sent."))
    return redirect("supervision:notice_detail", pk=notice.pk)


@login_required
@require_POST
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for(request.user, pk)
    try:
        services.notice_close(actor=request.user, notice=notice)
    except DomainError as exc:
        if exc.status != 400:
            raise
        messages.error(request, exc.message)
    return redirect("supervision:notice_detail", pk=notice.pk)


# --- Accountability ------------------------------------------------------------------------------


@login_required
def accountability_list(request: HttpRequest) -> HttpResponse:
    items = selectors.accountability_visible_to(request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    can_create = request.user.unit is not None and acts_for(request.user, request.user.unit, Role.SUPERVISOR)
    return render(request, "supervision/accountability_list.html", {"page": page, "can_create": can_create})


@login_required
def accountability_create(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    require_acts_for(request.user, unit, Role.SUPERVISOR)
    initial = {"decided_on": clock.today(), "unit_code": request.GET.get("unit", "")}
    notice = None
    if request.GET.get("notice"):
        notice = selectors.notice_for(request.user, int(request.GET["notice"]))
        initial.update(unit_code=notice.unit.code, notice=notice.pk, task_ids=str(notice.assignment.task_id))
    form = AccountabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = unit_for(request.user, data["unit_code"].strip())
            tasks = list(tasks_visible_to(request.user).filter(pk__in=data["task_ids"]))
            if len(tasks) != len(set(data["task_ids"])):
                raise DomainError(_("Some of the tasks were not found."), code="bad_task")
            linked = selectors.notice_for(request.user, data["notice"]) if data.get("notice") else None
            services.accountability_record(
                actor=request.user,
                unit=target,
                kind=data["kind"],
                reason=data["reason"],
                decided_on=data["decided_on"],
                person_name=data["person_name"],
                person_post=data["person_post"],
                tasks=tasks,
                notice=linked,
            )
        except DomainError as exc:
            if exc.status == 404:
                form.add_error("unit_code", exc.message)
            else:
                _form_error(form, exc)
        else:
            messages.success(request, _("Accountability action recorded."))
            return redirect("supervision:accountability_list")
    return render(request, "supervision/accountability_form.html", {"form": form, "notice": notice})


# --- 包联 leaders ------------------------------------------------------------------------------


@login_required
def liaison_list(request: HttpRequest) -> HttpResponse:
    unit = request.user.unit
    can_edit = unit is not None and acts_for(request.user, unit, Role.SUPERVISOR, Role.ADMIN)
    form = None
    if can_edit:
        leaders = User.objects.filter(unit=unit, is_active=True).order_by("username")
        leaders = leaders.filter(pk__in=[u.pk for u in leaders if Role.LEADER in (u.roles or [])])
        form = LiaisonForm(request.POST or None, leaders=leaders)
    if request.method == "POST":
        if form is None:
            require_acts_for(request.user, unit, Role.SUPERVISOR, Role.ADMIN)
        if form.is_valid():
            try:
                target = unit_for(request.user, form.cleaned_data["unit_code"].strip())
                services.liaison_add(actor=request.user, leader=form.cleaned_data["leader"], unit=target)
            except DomainError as exc:
                if exc.status == 404:
                    form.add_error("unit_code", exc.message)
                else:
                    _form_error(form, exc)
            else:
                messages.success(request, _("Unit assigned to the leader."))
                return redirect("supervision:liaison_list")
    liaisons = selectors.liaisons_visible_to(request.user).order_by("leader__username", "unit_path")
    return render(
        request, "supervision/liaison_list.html", {"liaisons": liaisons, "form": form, "can_edit": can_edit}
    )


@login_required
@require_POST
def liaison_delete(request: HttpRequest, pk: int) -> HttpResponse:
    liaison = selectors.liaisons_visible_to(request.user).filter(pk=pk).first()
    if liaison is None:
        raise Http404
    services.liaison_remove(actor=request.user, liaison=liaison)
    return redirect("supervision:liaison_list")


@login_required
def leader(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.LEADER)
    return render(request, "supervision/leader.html", {"units": selectors.leader_view(request.user)})


# --- Channels ------------------------------------------------------------------------------------


@login_required
def channels(request: HttpRequest) -> HttpResponse:
    unit = _own_unit(request)
    can_edit = acts_for(request.user, unit, Role.SUPERVISOR, Role.ADMIN)
    form = ChannelForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        require_acts_for(request.user, unit, Role.SUPERVISOR, Role.ADMIN)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.channel_save(actor=request.user, unit=unit, **data)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Channel saved."))
                return redirect("supervision:channels")
    return render(
        request,
        "supervision/channels.html",
        {
            "unit": unit,
            "channels": selectors.channels_of(request.user, unit),
            "deliveries": selectors.deliveries_of(request.user, unit),
            "form": form,
            "can_edit": can_edit,
        },
    )


@login_required
@require_POST
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _own_unit(request)
    channel = Channel.objects.filter(pk=pk, unit=unit).select_related("unit").first()
    if channel is None:
        raise Http404
    services.channel_delete(actor=request.user, channel=channel)
    return redirect("supervision:channels")


# --- Performance records -------------------------------------------------------------------------


@login_required
def record(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_for(request.user, code)
    return render(
        request,
        "supervision/record.html",
        {
            "unit": unit,
            "record": selectors.unit_record(request.user, unit),
            "people": selectors.people_of(request.user, unit),
            "kinds": AccountabilityKind,
        },
    )


@login_required
def person_record(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_for(request.user, code)
    name = (request.GET.get("name") or "").strip()[:40]
    if not name:
        raise Http404
    return render(
        request,
        "supervision/record.html",
        {"unit": unit, "person": name, "record": selectors.person_record(request.user, unit, name)},
    )
