"""The import wizard: paste or upload a readout, edit the draft table, confirm. Parse, call, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.core.exceptions import DomainError, Forbidden, NotFound
from luoshi.tasks.models import SourceKind

from . import drafts, excel, selectors, services
from .models import DraftStatus, ReadoutDraft

# Pasted text is shown again after an error only up to this size (a 6 MB paste is not).
ECHO_CHARS = 200_000


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Step 1: paste the text or upload a .txt/.docx file."""
    issuer = services.importing_unit(request.user)
    error, text = "", ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        upload = request.FILES.get("file")
        filename = ""
        try:
            if upload is not None:
                if upload.size and upload.size > drafts.MAX_BYTES:
                    raise DomainError(drafts.msg_too_large(), code="too_large")
                filename = upload.name or ""
                text = drafts.read_upload(filename, upload.read(drafts.MAX_BYTES + 1))
            draft = services.draft_create(actor=request.user, text=text, filename=filename)
        except (Forbidden, NotFound):
            raise
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("readouts:draft", pk=draft.pk)
    context = {
        "issuer": issuer,
        "drafts": selectors.drafts_for(request.user)[:20],
        "error": error,
        "text": text if len(text) <= ECHO_CHARS else "",
        "max_mb": drafts.MAX_BYTES // 2**20,
    }
    return render(request, "readouts/start.html", context)


def _draft(request: HttpRequest, pk: int) -> ReadoutDraft:
    services.importing_unit(request.user)  # 403 for a reporter or leader
    return selectors.draft_for(request.user, pk)  # 404 for another unit's draft


@login_required
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Steps 2 and 3: the editable table; "confirm" creates the source and its tasks."""
    draft = _draft(request, pk)
    if draft.status == DraftStatus.CONFIRMED and draft.source_id:
        return redirect(reverse("tasks:source_detail", args=[draft.source_id]))
    errors: dict[str, str] = {}
    problem = ""
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            errors = services.draft_save(
                actor=request.user, draft=draft, data=drafts.data_from_post(request.POST, draft.data)
            )
            if action == "confirm" and not errors:
                source = services.draft_confirm(actor=request.user, draft=draft)
                messages.success(
                    request, _("Created the source and %(n)d task(s).") % {"n": source.tasks.count()}
                )
                return redirect(reverse("tasks:source_detail", args=[source.pk]))
            if action == "export":
                return redirect("readouts:export", pk=draft.pk)
            if action == "add_row":
                services.draft_add_row(actor=request.user, draft=draft)
                return redirect(
                    reverse("readouts:draft", args=[draft.pk]) + f"#row-{len(draft.data['rows']) - 1}"
                )
        except services.DraftInvalid as exc:
            errors = exc.errors
        except (Forbidden, NotFound):
            raise
        except DomainError as exc:
            problem = exc.message
        if not errors and not problem:
            messages.success(request, _("The draft was saved."))
            return redirect("readouts:draft", pk=draft.pk)
        if errors and not problem:
            problem = _("The draft has %(n)d problem(s); see the marked fields.") % {"n": len(errors)}
    return render(request, "readouts/draft.html", _draft_context(draft, errors, problem))


def _draft_context(draft: ReadoutDraft, errors: dict[str, str], problem: str) -> dict[str, Any]:
    issuer = draft.issuer
    data = draft.data or {}
    meeting = data.get("meeting", {})
    rows = data.get("rows", [])
    wanted = [c for r in rows for c in r.get("lead", []) + r.get("co", [])]
    for codes in (data.get("ambiguous") or {}).values():
        wanted += codes
    choices = selectors.unit_choices(issuer, wanted)
    known = {code for code, _label in choices}
    labels = dict(choices)
    row_ctx = []
    for i, row in enumerate(rows):
        err = {k[len(f"row-{i}-") :]: v for k, v in errors.items() if k.startswith(f"row-{i}-")}
        # A chosen unit that is not an option any more (retired, moved away) stays visible.
        lost = [c for c in row.get("lead", []) + row.get("co", []) if c not in known]
        targets = [(str(n), drafts.target_label(t)) for n, t in enumerate(row.get("targets", []))]
        row_ctx.append({"i": i, "n": i + 1, "row": row, "err": err, "lost": lost, "targets": targets})
    venues = [(u.code, u.name) for u in selectors.sub_venue_units(issuer)]
    for code in meeting.get("sub_venues", []):
        if code not in dict(venues):
            venues.append((code, labels.get(code, code)))
    return {
        "draft": draft,
        "issuer": issuer,
        "meeting": meeting,
        "rows": row_ctx,
        "choices": choices,
        "venues": venues,
        "kinds": SourceKind.choices,
        "errors": errors,
        "problem": problem,
        "notes": draft.notes,
        "included": sum(1 for r in rows if r.get("include")),
    }


@login_required
def draft_export(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    response = HttpResponse(
        excel.export_draft(draft),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"任务分解表-{draft.pk}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"draft-{draft.pk}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@login_required
@require_POST
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    services.draft_delete(actor=request.user, draft=draft)
    messages.success(request, _("The draft was discarded."))
    return redirect("readouts:start")
