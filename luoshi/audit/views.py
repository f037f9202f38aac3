"""Read-only pages of the audit trail (there is no page that edits it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    entries = selectors.entries_visible_to(
        request.user,
        object_type=request.GET.get("type", "")[:64],
        object_id=request.GET.get("id", "")[:64],
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/entry_list.html", {"page": page})


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.entry_for(request.user, pk)
    return render(request, "audit/entry_detail.html", {"entry": item, "diff": item.diff()})
