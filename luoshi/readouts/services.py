"""Every write of the import wizard: create a draft from a readout, save it, confirm it, discard it.

Only the supervisors of a unit import readouts for it (the unit is the issuer of the source and
its tasks). Confirming goes through ``tasks.services`` in one transaction: the source, each
task and its assignments, or nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role as UserRole
from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core import clock
from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.core.permissions import require_acts_for
from luoshi.readouts.parser import Readout, parse
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Source, SourceKind
from luoshi.units.models import Unit
from luoshi.units.paths import is_within
from luoshi.units.selectors import resolve_names

from . import drafts, selectors
from .gazetteer_db import gazetteer_for
from .models import DraftStatus, ReadoutDraft


class DraftInvalid(DomainError):
    """The draft cannot be confirmed yet; ``errors`` maps a form field (``row-3-lead``) to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(
            _("The draft has %(n)d problem(s); see the marked fields.") % {"n": len(errors)},
            code="draft_invalid",
            details=[f"{k}: {v}" for k, v in errors.items()],
        )
        self.errors = errors


def msg_no_unit() -> str:
    return _("Only a supervisor who belongs to a unit can import a readout.")


def msg_no_items(notes: list[str]) -> str:
    return _("No work items were found in the text.") + ("（" + "；".join(notes) + "）" if notes else "")


def msg_not_below(name: str, issuer: Unit) -> str:
    return _("%(unit)s is not a subordinate unit of %(issuer)s.") % {"unit": name, "issuer": issuer.name}


def importing_unit(actor: Any) -> Unit:
    """The actor's unit, when the actor is one of its supervisors; Forbidden otherwise."""
    unit = getattr(actor, "unit", None)
    if unit is None:
        raise Forbidden(msg_no_unit())
    require_acts_for(actor, unit, UserRole.SUPERVISOR)
    return unit


def parse_for(unit: Unit | None, text: str) -> Readout:
    """Parse with the gazetteer the unit's part of the units table extends."""
    return parse(text, gazetteer_for(unit))


# --- Create -------------------------------------------------------------------------------------------


@transaction.atomic
def draft_create(*, actor: Any, text: str, filename: str = "", today: dt.date | None = None) -> ReadoutDraft:
    """Parse a readout and store it as a draft table for the actor's unit to edit."""
    issuer = importing_unit(actor)
    text = drafts.check_text(text)
    readout = parse_for(issuer, text)
    if not readout.items:
        raise DomainError(msg_no_items(readout.notes), code="no_items")
    today = today or clock.today()
    day = drafts.meeting_date(readout.meeting.date, today.year) or today
    matches = selectors.match_names(issuer, readout.units)
    video = readout.meeting.video
    data = {
        "meeting": {
            "title": drafts.meeting_title(text),
            "date": day.isoformat(),
            "parsed_date": readout.meeting.date or "",
            "kind": SourceKind.MEETING,
            "venue": readout.meeting.place or "",
            "video": video,
            "sub_venues": [u.code for u in selectors.sub_venue_units(issuer)] if video else [],
        },
        "rows": drafts.rows_from_readout(readout, day, matches),
        "ambiguous": {name: codes for name, codes in matches.items() if len(codes) > 1},
    }
    draft = ReadoutDraft(
        issuer=issuer,
        issuer_path=issuer.path,
        created_by=actor if getattr(actor, "pk", None) else None,
        filename=(filename or "")[:200],
        text=text,
        notes=list(readout.notes),
        data=data,
    )
    draft.full_clean()
    draft.save()
    record(
        actor=actor,
        action=Action.CREATE,
        obj=draft,
        after={"filename": draft.filename, "items": len(data["rows"]), "chars": len(text)},
        unit_path=issuer.path,
    )
    return draft


# --- Save -------------------------------------------------------------------------------------------------


def _require_open(actor: Any, draft: ReadoutDraft) -> None:
    require_acts_for(actor, draft.issuer, UserRole.SUPERVISOR)
    if draft.status != DraftStatus.OPEN:
        raise DomainError(_("This draft has been confirmed already."), code="confirmed")


@transaction.atomic
def draft_save(*, actor: Any, draft: ReadoutDraft, data: dict[str, Any]) -> dict[str, str]:
    """Store the table as posted (nothing typed is lost) and return what would stop confirming.

    Names typed into a row's "other units" box are looked up under the issuer and moved into
    the row's unit list when they match one unit; a changed meeting date re-resolves the
    deadlines nobody edited.
    """
    _require_open(actor, draft)
    old_day = drafts.parse_date(draft.data.get("meeting", {}).get("date", ""))
    new_day = drafts.parse_date(data.get("meeting", {}).get("date", ""))
    if new_day and new_day != old_day:
        drafts.redate_rows(data.get("rows", []), new_day)
    extra_errors: dict[str, str] = {}
    for i, row in enumerate(data.get("rows", [])):
        for key in ("lead", "co"):
            text = row.get(f"{key}_extra", "")
            if not text:
                continue
            found, errors = resolve_names(draft.issuer, text)
            for unit in found:
                if unit.code not in row[key]:
                    row[key].append(unit.code)
            if errors:
                extra_errors[f"row-{i}-{key}_extra"] = "；".join(errors)
            else:
                row[f"{key}_extra"] = ""
    draft.data = data
    draft.save(update_fields=["data", "updated_at"])
    _plan, errors = check_draft(draft)
    return {**errors, **extra_errors}


@transaction.atomic
def draft_add_row(*, actor: Any, draft: ReadoutDraft) -> ReadoutDraft:
    """Append an empty row, for an item the parser missed."""
    _require_open(actor, draft)
    draft.data.setdefault("rows", []).append(drafts.empty_row())
    draft.save(update_fields=["data", "updated_at"])
    return draft


@transaction.atomic
def draft_delete(*, actor: Any, draft: ReadoutDraft) -> None:
    _require_open(actor, draft)
    record(
        actor=actor,
        action=Action.DELETE,
        obj=draft,
        before={"filename": draft.filename, "title": str(draft)},
        unit_path=draft.issuer_path,
    )
    draft.delete()


# --- Check and confirm --------------------------------------------------------------------------------------


@dataclass
class RowPlan:
    title: str
    content: str
    lead: list[Unit]
    co: list[Unit]
    deadline: dt.date | None
    target_value: Decimal | None = None
    target_unit: str = ""


@dataclass
class Plan:
    title: str
    date: dt.date
    kind: str
    venue: str
    sub_venues: list[Unit]
    rows: list[RowPlan] = field(default_factory=list)


def _units(codes: list[str], known: dict[str, Unit], issuer: Unit) -> tuple[list[Unit], str]:
    units, bad = [], []
    for code in dict.fromkeys(codes):
        unit = known.get(code)
        if unit is None or unit.pk == issuer.pk or not is_within(unit.path, issuer.path):
            bad.append(code)  # not in the issuer's subtree: say no more than what was sent
        elif unit.retired_at is not None:
            bad.append(unit.name)
        else:
            units.append(unit)
    return units, "；".join(msg_not_below(b, issuer) for b in bad)


def _text(value: str, label: str, limit: int, *, required: bool = True) -> tuple[str, str]:
    value = (value or "").strip()
    if required and not value:
        return value, _("%(field)s must not be empty.") % {"field": label}
    if len(value) > limit:
        return value, _("%(field)s is too long (at most %(n)d characters).") % {"field": label, "n": limit}
    return value, ""


def check_draft(draft: ReadoutDraft) -> tuple[Plan | None, dict[str, str]]:
    """Validate the draft as stored: the plan to create, or errors keyed by form field."""
    issuer = draft.issuer
    data = draft.data or {}
    meeting = data.get("meeting", {})
    rows = data.get("rows", [])
    errors: dict[str, str] = {}
    codes = list(meeting.get("sub_venues", []))
    for row in rows:
        codes += row.get("lead", []) + row.get("co", [])
    known = selectors.units_by_code(codes)

    title, err = _text(meeting.get("title", ""), _("Title"), 200)
    if err:
        errors["title"] = err
    day = drafts.parse_date(meeting.get("date", ""))
    if day is None:
        errors["date"] = _("Enter the meeting date (year-month-day).")
    kind = meeting.get("kind", "")
    if kind not in SourceKind.values:
        errors["kind"] = _("Unknown source kind.")
    venue, err = _text(meeting.get("venue", ""), _("Main venue"), 100, required=False)
    if err:
        errors["venue"] = err
    sub_venues, err = _units(meeting.get("sub_venues", []), known, issuer)
    if err:
        errors["sub_venues"] = err

    plans = []
    for i, row in enumerate(rows):
        if not row.get("include"):
            continue
        p = f"row-{i}-"
        rtitle, err = _text(row.get("title", ""), _("Title"), 200)
        if err:
            errors[p + "title"] = err
        lead, err = _units(row.get("lead", []), known, issuer)
        if err:
            errors[p + "lead"] = err
        elif not lead:
            errors[p + "lead"] = _("Choose at least one lead unit.")
        co, err = _units(row.get("co", []), known, issuer)
        if err:
            errors[p + "co"] = err
        co = [u for u in co if u not in lead]
        deadline = None
        if row.get("deadline"):
            deadline = drafts.parse_date(row["deadline"])
            if deadline is None:
                errors[p + "deadline"] = _("Enter a date (year-month-day) or leave it empty.")
            elif day and deadline < day:
                errors[p + "deadline"] = _("The deadline is before the meeting (%(date)s).") % {
                    "date": day.isoformat()
                }
        target_value, target_unit = None, ""
        if row.get("target", "") != "":
            targets = row.get("targets", [])
            try:
                target = targets[int(row["target"])]
                target_value = Decimal(str(target["value"]))
                target_unit = str(target.get("unit") or "")[:20]
            except (ValueError, IndexError, KeyError, TypeError, InvalidOperation):
                errors[p + "target"] = _("Choose one of the targets found, or none.")
        plans.append(RowPlan(rtitle, row.get("content", ""), lead, co, deadline, target_value, target_unit))
    if not plans:
        errors["rows"] = _("Include at least one item.")
    if errors:
        return None, errors
    return Plan(title, day, kind, venue, sub_venues, plans), {}


@transaction.atomic
def draft_confirm(*, actor: Any, draft: ReadoutDraft, today: dt.date | None = None) -> Source:
    """Create the source (with the full text) and one task per included row, assigned to its units."""
    _require_open(actor, draft)
    plan, errors = check_draft(draft)
    if errors:
        raise DraftInvalid(errors)
    assert plan is not None
    source = task_services.source_create(
        actor=actor,
        issuer=draft.issuer,
        title=plan.title,
        date=plan.date,
        kind=plan.kind,
        text=draft.text,
        venue=plan.venue,
        sub_venues=plan.sub_venues,
    )
    for n, row in enumerate(plan.rows, start=1):
        task = task_services.task_create(
            actor=actor,
            source=source,
            title=row.title,
            content=row.content,
            deadline=row.deadline,
            target_value=row.target_value,
            target_unit=row.target_unit if row.target_value is not None else "",
            seq=n,
        )
        task_services.task_assign(actor=actor, task=task, units=row.lead, co_units=row.co, today=today)
    draft.status = DraftStatus.CONFIRMED
    draft.source = source
    draft.save(update_fields=["status", "source", "updated_at"])
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=draft,
        after={"status": draft.status, "source": source.pk, "tasks": len(plan.rows)},
        unit_path=draft.issuer_path,
        related=source,
        message=_("Confirmed"),
    )
    return source
