"""Pages that belong to no single domain: the home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from luoshi.units.views import render_unit_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's own unit: breadcrumb, its subordinate units with counts."""
    if request.user.unit is None:
        return redirect("units:list")
    return render_unit_page(request, request.user.unit, is_home=True)


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def calendar_days(request: HttpRequest) -> HttpResponse:
    """Administrators enter the year's holidays and adjusted working days as they are published."""
    import datetime as dt

    from django.contrib import messages
    from django.shortcuts import render

    from luoshi.accounts.models import Role

    from .calendar import calendar_day_delete, calendar_days_set, work_calendar
    from .exceptions import DomainError
    from .forms import CalendarDaysForm
    from .models import CalendarDay
    from .permissions import require_role

    require_role(request.user, Role.ADMIN)
    form = CalendarDaysForm(request.POST or None)
    if request.method == "POST":
        if "delete" in request.POST:
            day = CalendarDay.objects.filter(pk=request.POST.get("delete")).first()
            if day is not None:
                calendar_day_delete(actor=request.user, day=day)
            return redirect("calendar")
        if form.is_valid():
            try:
                n = calendar_days_set(actor=request.user, **form.cleaned_data)
                messages.success(request, _("%(n)d days saved.") % {"n": n})
                return redirect("calendar")
            except DomainError as exc:
                form.add_error(None, exc.message)
    calendar = work_calendar()
    year = dt.date.today().year
    known = sorted(calendar.known_years)
    return render(
        request,
        "core/calendar.html",
        {
            "form": form,
            "days": CalendarDay.objects.order_by("-date")[:200],
            "known_from": known[0] if known else None,
            "known_to": known[-1] if known else None,
            "next_year_known": (year + 1) in calendar.known_years,
            "next_year": year + 1,
        },
    )
