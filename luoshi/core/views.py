"""Pages that belong to no single domain: the home page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

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
