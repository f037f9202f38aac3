"""Every write to checklists, self-inspections, spot-check draws and findings.

Who may act: the owner's supervisors define and send checklists and make draws; a unit's
supervisors and reporters answer and submit its own self-inspection; an inspector drawn
for an inspection records what they find there; the issuer's supervisors issue a finding's
rectification, verify and close it (销号) and reopen it. Rectification is a real task
(``tasks.services``): it reaches the responsible unit's inbox, lights and reports like any
other, and its accepted completion report is the evidence a close is verified against.

Each service is keyword-only, runs in one transaction and leaves an audit entry.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from luoshi.accounts.models import Role as UserRole
from luoshi.accounts.models import User
from luoshi.audit.models import Action
from luoshi.audit.services import entry, record, record_many, snapshot
from luoshi.core import clock
from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.core.permissions import acts_for, require_acts_for
from luoshi.core.text import clean_text as _text
from luoshi.tasks import services as task_services
from luoshi.tasks.models import AssignmentStatus, SourceKind
from luoshi.tasks.models import Source as TaskSource
from luoshi.units.models import Kind, Level, Unit
from luoshi.units.paths import is_within, subtree_q

from . import draw as drawing
from .models import (
    Answer,
    Checklist,
    ChecklistItem,
    Draw,
    Finding,
    FindingEvent,
    FindingSource,
    FindingStatus,
    Inspection,
    Inspector,
    ItemKind,
    SelfCheck,
    SelfCheckStatus,
    Severity,
)

RECTIFY_PREFIX = "整改："
EXTERNAL_SOURCES = (
    FindingSource.AUDIT,
    FindingSource.TOUR,
    FindingSource.SUPERVISION,
    FindingSource.ASSESSMENT,
)
FINDING_FIELDS = (
    "issuer",
    "unit",
    "source_kind",
    "source_ref",
    "problem_key",
    "description",
    "severity",
    "measures",
    "deadline",
    "found_on",
    "status",
    "round",
    "assignment",
    "repeat_of",
    "closed_at",
)


def msg_not_verified() -> str:
    return _(
        "This problem cannot be closed yet: its rectification task has no accepted completion "
        "report. Accept the responsible unit's completion report first, then verify and close."
    )


def msg_note_required() -> str:
    return _("Write down how the rectification was verified.")


def msg_not_rectifying() -> str:
    return _("Only a problem under rectification can be verified and closed.")


def msg_conflict_of_interest() -> str:
    return _(
        "Only an inspector drawn for this inspection, or the organizer's supervisors, may record its findings."
    )


# --- Small helpers -----------------------------------------------------------------------------------


def normalize_key(text: str) -> str:
    """The problem key of a text: NFKC, lower case, without spaces and punctuation.

    ``"台账 不规范！"`` and ``"台账不规范"`` give the same key, so a problem entered twice in
    slightly different form is still recognized as the same.
    """
    text = unicodedata.normalize("NFKC", text or "").lower()
    kept = [ch for ch in text if unicodedata.category(ch)[0] not in "PZSC"]
    return "".join(kept)[:120]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _strictly_below(owner: Unit, units: Iterable[Unit]) -> None:
    for unit in units:
        if unit.pk == owner.pk or not is_within(unit.path, owner.path):
            raise DomainError(
                _("%(unit)s is not a subordinate unit of %(owner)s.")
                % {"unit": unit.name, "owner": owner.name},
                code="out_of_scope",
            )
        if unit.retired_at is not None:
            raise DomainError(_("%(unit)s has been retired.") % {"unit": unit.name}, code="retired")


def _event(finding: Finding, kind: str, *, actor: Any, note: str = "") -> FindingEvent:
    ev = FindingEvent(
        finding=finding,
        kind=kind,
        round=finding.round,
        assignment_id=finding.assignment_id,
        note=note,
        actor=_user(actor),
        actor_name=str(actor) if actor is not None else "系统",
        at=clock.now(),
    )
    ev.save(force_insert=True)
    return ev


# --- Checklists --------------------------------------------------------------------------------------


def _clean_items(items: Sequence[Mapping[str, Any]]) -> list[ChecklistItem]:
    if not items:
        raise DomainError(_("A checklist needs at least one item."), code="no_items")
    out = []
    for n, spec in enumerate(items, start=1):
        where = _("Item %(n)d") % {"n": n}
        text = _text(spec.get("text", ""), where, 300)
        kind = spec.get("kind") or ItemKind.PASS
        if kind not in ItemKind.values:
            raise DomainError(_("%(where)s: unknown marking.") % {"where": where}, code="bad_kind")
        max_score = spec.get("max_score")
        if kind == ItemKind.SCORE:
            try:
                max_score = Decimal(str(max_score))
            except (InvalidOperation, TypeError, ValueError):
                max_score = None
            if max_score is None or not max_score.is_finite() or max_score <= 0 or max_score >= 10000:
                raise DomainError(
                    _("%(where)s: a scored item needs a maximum score above 0.") % {"where": where},
                    code="bad_score",
                )
        else:
            max_score = None
        key = normalize_key(spec.get("key") or text)
        out.append(
            ChecklistItem(
                seq=n,
                text=text,
                standard=_text(spec.get("standard", ""), _("Standard"), 2000, required=False),
                kind=kind,
                max_score=max_score,
                key=key or text[:120],
            )
        )
    return out


@transaction.atomic
def checklist_create(
    *, actor: Any, owner: Unit, title: str, items: Sequence[Mapping[str, Any]], description: str = ""
) -> Checklist:
    """Define a checklist: items with their standard, each scored or pass/fail."""
    require_acts_for(actor, owner, UserRole.SUPERVISOR)
    title = _text(title, _("Title"), 200)
    rows = _clean_items(items)
    checklist = Checklist.objects.create(
        owner=owner,
        owner_path=owner.path,
        title=title,
        description=_text(description, _("Description"), 5000, required=False),
        created_by=_user(actor),
    )
    for row in rows:
        row.checklist = checklist
    ChecklistItem.objects.bulk_create(rows)
    record(
        actor=actor,
        action=Action.CREATE,
        obj=checklist,
        after={"title": title, "items": [[r.seq, r.text, r.kind, str(r.max_score or "")] for r in rows]},
        unit_path=owner.path,
    )
    return checklist


@transaction.atomic
def checklist_send(
    *,
    actor: Any,
    checklist: Checklist,
    units: Sequence[Unit],
    deadline: dt.date,
    today: dt.date | None = None,
) -> list[SelfCheck]:
    """Send the checklist to units for self-inspection (自查), due by ``deadline``."""
    require_acts_for(actor, checklist.owner, UserRole.SUPERVISOR)
    units = list(dict.fromkeys(units))
    if not units:
        raise DomainError(_("Choose at least one unit."), code="no_units")
    _strictly_below(checklist.owner, units)
    today = today or clock.today()
    if deadline < today:
        raise DomainError(_("The deadline cannot be in the past."), code="bad_deadline")
    taken = set(checklist.self_checks.values_list("unit_id", flat=True))
    again = [u.name for u in units if u.pk in taken]
    if again:
        raise DomainError(_("Already sent to: %(units)s.") % {"units": "、".join(again)}, code="duplicate")
    now = clock.now()
    SelfCheck.objects.bulk_create(
        [
            SelfCheck(
                checklist=checklist,
                unit=u,
                unit_path=u.path,
                owner_path=checklist.owner_path,
                deadline=deadline,
                sent_at=now,
            )
            for u in units
        ]
    )
    created = list(checklist.self_checks.filter(unit__in=units).select_related("unit"))
    record_many(
        [
            entry(
                actor=actor,
                action=Action.CREATE,
                obj=sc,
                after={"checklist": checklist.pk, "unit": sc.unit_id, "deadline": deadline.isoformat()},
                unit_path=sc.unit_path,
                related=checklist,
                message=_("Sent for self-inspection"),
            )
            for sc in created
        ]
    )
    return created


def _answer_value(item: ChecklistItem, spec: Mapping[str, Any]) -> tuple[bool | None, Decimal | None]:
    where = _("Item %(n)d") % {"n": item.seq}
    if item.kind == ItemKind.PASS:
        passed = spec.get("passed")
        if passed not in (True, False, None):
            raise DomainError(_("%(where)s: answer pass or fail.") % {"where": where}, code="bad_answer")
        return passed, None
    score = spec.get("score")
    if score in (None, ""):
        return None, None
    try:
        value = Decimal(str(score))
    except (InvalidOperation, TypeError, ValueError):
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= item.max_score:
        raise DomainError(
            _("%(where)s: the score must be between 0 and %(max)s.")
            % {"where": where, "max": item.max_score},
            code="bad_score",
        )
    return None, value


@transaction.atomic
def selfcheck_answer(*, actor: Any, self_check: SelfCheck, answers: Sequence[Mapping[str, Any]]) -> SelfCheck:
    """Save a unit's answers, item by item: ``{"item": id, "passed"|"score", "note", "evidence"}``."""
    require_acts_for(actor, self_check.unit, UserRole.SUPERVISOR, UserRole.REPORTER)
    if self_check.status != SelfCheckStatus.PENDING:
        raise DomainError(
            _("The self-inspection has been submitted; it can no longer be changed."), code="submitted"
        )
    items = {i.pk: i for i in self_check.checklist.items.all()}
    existing = {a.item_id: a for a in self_check.answers.all()}
    now = clock.now()
    changed = []
    for spec in answers:
        item = items.get(spec.get("item"))
        if item is None:
            raise DomainError(_("The answer names an item that is not on this checklist."), code="bad_item")
        passed, score = _answer_value(item, spec)
        note = _text(spec.get("note", ""), _("Note"), 2000, required=False)
        evidence = _text(spec.get("evidence", ""), _("Evidence"), 2000, required=False)
        answer = existing.get(item.pk) or Answer(self_check=self_check, item=item)
        answer.passed, answer.score, answer.note, answer.evidence, answer.answered_at = (
            passed,
            score,
            note,
            evidence,
            now,
        )
        answer.save()
        changed.append([item.seq, passed, str(score) if score is not None else None])
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=self_check,
        after={"answers": changed},
        unit_path=self_check.unit_path,
        related=self_check.checklist,
    )
    return self_check


@transaction.atomic
def selfcheck_submit(*, actor: Any, self_check: SelfCheck) -> SelfCheck:
    """Submit the self-inspection: every item answered, with evidence; the score is totalled."""
    require_acts_for(actor, self_check.unit, UserRole.SUPERVISOR, UserRole.REPORTER)
    if self_check.status != SelfCheckStatus.PENDING:
        raise DomainError(_("The self-inspection has been submitted already."), code="submitted")
    answers = {a.item_id: a for a in self_check.answers.all()}
    missing, no_evidence = [], []
    total, failed = Decimal(0), 0
    for item in self_check.checklist.items.all():
        a = answers.get(item.pk)
        if a is None or (a.passed is None and a.score is None):
            missing.append(str(item.seq))
            continue
        if not a.evidence:
            no_evidence.append(str(item.seq))
        if item.kind == ItemKind.SCORE:
            total += a.score
            failed += a.score < item.max_score
        else:
            failed += not a.passed
    if missing:
        raise DomainError(
            _("Answer every item before submitting (unanswered: %(items)s).") % {"items": "、".join(missing)},
            code="incomplete",
        )
    if no_evidence:
        raise DomainError(
            _("Give the evidence for every item (missing for: %(items)s).")
            % {"items": "、".join(no_evidence)},
            code="no_evidence",
        )
    self_check.status = SelfCheckStatus.SUBMITTED
    self_check.submitted_at = clock.now()
    self_check.submitted_by = _user(actor)
    self_check.score = total
    self_check.failed = failed
    self_check.save(update_fields=["status", "submitted_at", "submitted_by", "score", "failed"])
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=self_check,
        after={"status": self_check.status, "score": str(total), "failed": failed},
        unit_path=self_check.unit_path,
        related=self_check.checklist,
        message=_("Self-inspection submitted"),
    )
    return self_check


# --- Spot-check draws --------------------------------------------------------------------------------


def _draw_error(exc: drawing.DrawError, names: Mapping[str, str]) -> DomainError:
    messages = {
        "share_or_count": _("Give either a share or a count of units to draw."),
        "bad_share": _("The share must be above 0 and at most 100%."),
        "bad_count": _("The number of units to draw must be at least 1."),
        "bad_window": _("The exclusion window cannot be negative."),
        "bad_inspectors": _("Each unit needs at least one inspector."),
        "empty": _("No unit is left to draw from (check the levels and the exclusion window)."),
        "too_few_inspectors": _(
            "Not enough inspectors without a conflict of interest for %(unit)s: add inspectors from "
            "other areas to the pool."
        ),
    }
    text = messages.get(exc.code, exc.code)
    if "%(unit)s" in text:
        text = text % {"unit": names.get(exc.subject, exc.subject)}
    return DomainError(text, code=exc.code)


def stratum_of(unit: Unit, owner: Unit, strata: str) -> str:
    """A unit's stratum key: its level, or the path of its area directly under the organizer."""
    if strata == Draw.Strata.LEVEL:
        return unit.level
    if strata == Draw.Strata.CITY:
        return "/".join(unit.path.split("/")[: owner.depth + 2])
    return ""


def last_checked(units: Iterable[Unit]) -> dict[int, dt.date]:
    """The latest spot-check date of each unit (from any draw)."""
    ids = [u.pk for u in units]
    rows = Inspection.objects.filter(unit_id__in=ids).values("unit_id").annotate(last=Max("date"))
    return {r["unit_id"]: r["last"] for r in rows}


@transaction.atomic
def draw_create(
    *,
    actor: Any,
    owner: Unit,
    title: str,
    levels: Sequence[str],
    inspectors: Sequence[User],
    date: dt.date | None = None,
    share: Fraction | Decimal | str | None = None,
    count: int | None = None,
    strata: str = Draw.Strata.NONE,
    exclude_months: int = 0,
    inspectors_per_unit: int = 2,
    checklist: Checklist | None = None,
    seed: str | None = None,
) -> Draw:
    """Draw units of ``levels`` under ``owner`` at random and pair each with inspectors.

    The input (every candidate with its stratum and last check, the inspector pool, the
    parameters) is stored in canonical form with the seed and its digest; ``draw.verify``
    re-runs it. The seed is generated when not given.
    """
    require_acts_for(actor, owner, UserRole.SUPERVISOR)
    title = _text(title, _("Title"), 200)
    date = date or clock.today()
    levels = list(dict.fromkeys(levels))
    if not levels or any(lv not in Level.values for lv in levels):
        raise DomainError(_("Choose the levels of the units to draw from."), code="bad_levels")
    if strata not in Draw.Strata.values:
        raise DomainError(_("Unknown stratification."), code="bad_strata")
    if checklist is not None and checklist.owner_id != owner.pk:
        raise DomainError(_("The checklist belongs to another unit."), code="bad_checklist")
    if share is not None:
        try:
            share = Fraction(str(share))
        except (ValueError, ZeroDivisionError):
            raise DomainError(_("The share must be above 0 and at most 100%."), code="bad_share") from None
    seed = (seed or "").strip() or secrets.token_hex(8)
    if len(seed) > 64:
        raise DomainError(_("The seed is too long (at most 64 characters)."), code="bad_seed")
    units = list(
        Unit.objects.filter(
            subtree_q(owner.path, include_self=False),
            level__in=levels,
            kind=Kind.DIVISION,
            retired_at__isnull=True,
        )
    )
    checked = last_checked(units)
    candidates = [
        drawing.Candidate(u.code, u.path, stratum_of(u, owner, strata), checked.get(u.pk)) for u in units
    ]
    pool = list(dict.fromkeys(inspectors))
    for user in pool:
        unit = getattr(user, "unit", None)
        if not user.is_active or unit is None or not is_within(unit.path, owner.path):
            raise DomainError(
                _(
                    "%(user)s cannot be an inspector here: inspectors must belong to %(owner)s or its subordinate units."
                )
                % {"user": user, "owner": owner.name},
                code="bad_inspector",
            )
    pool_in = [drawing.Inspector(u.username, u.unit.path) for u in pool]
    params = drawing.Params(
        today=date,
        owner_path=owner.path,
        share=share,
        count=count,
        exclude_months=exclude_months,
        inspectors_per_unit=inspectors_per_unit,
    )
    by_code = {u.code: u for u in units}
    try:
        result = drawing.run(candidates, pool_in, params, seed)
    except drawing.DrawError as exc:
        raise _draw_error(exc, {c: u.name for c, u in by_code.items()}) from None
    inputs = drawing.inputs_to_json(candidates, pool_in, params)
    the_draw = Draw.objects.create(
        owner=owner,
        owner_path=owner.path,
        title=title,
        date=date,
        checklist=checklist,
        levels=levels,
        strata=strata,
        seed=seed,
        inputs=inputs,
        digest=drawing.digest(inputs, seed),
        result=result.to_json(),
        created_by=_user(actor),
    )
    users = {u.username: u for u in pool}
    for code in result.sample:
        unit = by_code[code]
        inspection = Inspection.objects.create(
            draw=the_draw,
            unit=unit,
            unit_path=unit.path,
            owner_path=owner.path,
            stratum=stratum_of(unit, owner, strata),
            date=date,
        )
        Inspector.objects.bulk_create(
            [
                Inspector(inspection=inspection, user=users[key], unit_path=users[key].unit.path)
                for key in result.pairs[code]
            ]
        )
    record(
        actor=actor,
        action=Action.CREATE,
        obj=the_draw,
        after={
            "seed": seed,
            "digest": the_draw.digest,
            "params": inputs["params"],
            "result": result.to_json(),
        },
        unit_path=owner.path,
        message=_("Spot-check draw"),
    )
    return the_draw


# --- Findings and rectification ---------------------------------------------------------------------


def _own_source(actor: Any, finding: Finding, owner: Any, title: str, date: Any) -> TaskSource:
    """The tasks Source kept on a draw or a checklist (``owner.source``), made on first use."""
    if owner.source_id is None:
        owner.source = task_services.source_create(
            actor=actor, issuer=finding.issuer, title=title[:200], date=date, kind=SourceKind.DOCUMENT
        )
        owner.save(update_fields=["source"])
    return owner.source


def _task_source(actor: Any, finding: Finding) -> TaskSource:
    """The tasks Source the rectification hangs under: one per draw, per checklist, or per
    external source (audit report, inspection tour feedback…) of the issuer."""
    if finding.inspection_id:
        the_draw = finding.inspection.draw
        return _own_source(actor, finding, the_draw, f"{the_draw.title}问题整改", the_draw.date)
    if finding.self_check_id:
        checklist = finding.self_check.checklist
        return _own_source(actor, finding, checklist, f"{checklist.title}自查问题整改", finding.found_on)
    title = f"{finding.source_ref or FindingSource(finding.source_kind).label}问题整改"[:200]
    existing = TaskSource.objects.filter(issuer=finding.issuer, kind=SourceKind.DOCUMENT, title=title).first()
    return existing or task_services.source_create(
        actor=actor, issuer=finding.issuer, title=title, date=finding.found_on, kind=SourceKind.DOCUMENT
    )


def _rectification_task(actor: Any, finding: Finding, today: dt.date | None) -> None:
    source = _task_source(actor, finding)
    first_line = finding.description.strip().splitlines()[0]
    content = finding.description
    if finding.measures:
        content += "\n\n" + _("Rectification measures: %(m)s") % {"m": finding.measures}
    task = task_services.task_create(
        actor=actor,
        source=source,
        title=(RECTIFY_PREFIX + first_line)[: 190 if finding.round else 200]
        + (f"（第{finding.round + 1}轮）" if finding.round else ""),
        content=content,
        deadline=finding.deadline,
    )
    (assignment,) = task_services.task_assign(actor=actor, task=task, units=[finding.unit], today=today)
    finding.assignment = assignment
    finding.task_source = source
    finding.round += 1


@transaction.atomic
def finding_create(
    *,
    actor: Any,
    description: str,
    deadline: dt.date,
    issuer: Unit | None = None,
    unit: Unit | None = None,
    source_kind: str | None = None,
    source_ref: str = "",
    severity: str = Severity.GENERAL,
    measures: str = "",
    inspection: Inspection | None = None,
    self_check: SelfCheck | None = None,
    item: ChecklistItem | None = None,
    category: str = "",
    found_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Finding:
    """Enter a problem in the problem ledger (问题清单).

    From a spot check (``inspection``: the organizer issues, the inspected unit answers),
    a self-inspection (``self_check``: the checklist owner issues) or entered from an audit,
    an inspection tour, supervision or an assessment (``issuer``, ``unit``, ``source_kind``).
    Recorded by the issuer's supervisor, it is issued at once as a rectification task;
    recorded by a drawn inspector, it waits for the issuer to issue it.
    """
    today = today or clock.today()
    found_on = found_on or today
    checklist = None
    if inspection is not None:
        issuer, unit, source_kind = inspection.draw.owner, inspection.unit, FindingSource.SPOT_CHECK
        checklist = inspection.draw.checklist
        source_ref = source_ref or inspection.draw.title
    elif self_check is not None:
        issuer, unit, source_kind = self_check.checklist.owner, self_check.unit, FindingSource.SELF_CHECK
        checklist = self_check.checklist
        source_ref = source_ref or self_check.checklist.title
    elif source_kind not in EXTERNAL_SOURCES:
        raise DomainError(_("Choose where the problem was found."), code="bad_source")
    if issuer is None or unit is None:
        raise DomainError(_("Choose the responsible unit."), code="no_unit")
    is_issuer = acts_for(actor, issuer, UserRole.SUPERVISOR)
    is_inspector = (
        inspection is not None
        and getattr(actor, "pk", None) is not None
        and inspection.inspectors.filter(user=actor).exists()
    )
    if not (is_issuer or is_inspector):
        if inspection is not None:
            raise Forbidden(msg_conflict_of_interest())
        require_acts_for(actor, issuer, UserRole.SUPERVISOR)
    _strictly_below(issuer, [unit])
    if item is not None and (checklist is None or item.checklist_id != checklist.pk):
        raise DomainError(_("The item is not on this checklist."), code="bad_item")
    if severity not in Severity.values:
        raise DomainError(_("Unknown severity."), code="bad_severity")
    if deadline < found_on:
        raise DomainError(
            _("The rectification deadline cannot be before the day the problem was found."),
            code="bad_deadline",
        )
    key = item.key if item is not None else normalize_key(category)
    repeat_of = None
    if key:
        repeat_of = Finding.objects.filter(unit=unit, problem_key=key).order_by("-found_on", "-id").first()
    finding = Finding(
        issuer=issuer,
        issuer_path=issuer.path,
        unit=unit,
        unit_path=unit.path,
        source_kind=source_kind,
        source_ref=_text(source_ref, _("Source"), 200, required=False),
        inspection=inspection,
        self_check=self_check,
        item=item,
        problem_key=key,
        description=_text(description, _("Problem"), 5000),
        severity=severity,
        measures=_text(measures, _("Rectification measures"), 5000, required=False),
        deadline=deadline,
        found_on=found_on,
        repeat_of=repeat_of,
        recorded_by=_user(actor),
    )
    finding.full_clean()
    finding.save()
    _event(finding, FindingEvent.Kind.RECORDED, actor=actor)
    record(
        actor=actor,
        action=Action.CREATE,
        obj=finding,
        after=snapshot(finding, FINDING_FIELDS),
        unit_path=unit.path,
        message=_("Repeat of problem #%(n)d") % {"n": repeat_of.pk} if repeat_of else "",
    )
    if is_issuer:
        finding_issue(actor=actor, finding=finding, today=today)
    return finding


@transaction.atomic
def finding_issue(*, actor: Any, finding: Finding, today: dt.date | None = None) -> Finding:
    """Issue the rectification (整改) of a recorded finding: a task assigned to the unit."""
    require_acts_for(actor, finding.issuer, UserRole.SUPERVISOR)
    if finding.status != FindingStatus.RECORDED:
        raise DomainError(_("The rectification of this problem has been issued already."), code="issued")
    before = snapshot(finding, FINDING_FIELDS)
    _rectification_task(actor, finding, today)
    finding.status = FindingStatus.RECTIFYING
    finding.save(update_fields=["status", "assignment", "task_source", "round"])
    _event(finding, FindingEvent.Kind.ISSUED, actor=actor)
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=finding,
        before=before,
        after=snapshot(finding, FINDING_FIELDS),
        unit_path=finding.unit_path,
        message=_("Rectification issued"),
    )
    return finding


@transaction.atomic
def finding_set_measures(*, actor: Any, finding: Finding, measures: str) -> Finding:
    """The responsible unit (or the issuer) states the rectification measures (整改措施)."""
    if not (
        acts_for(actor, finding.unit, UserRole.SUPERVISOR, UserRole.REPORTER)
        or acts_for(actor, finding.issuer, UserRole.SUPERVISOR)
    ):
        require_acts_for(actor, finding.unit, UserRole.SUPERVISOR, UserRole.REPORTER)
    if finding.status == FindingStatus.CLOSED:
        raise DomainError(_("The problem has been closed; reopen it to change its measures."), code="closed")
    before = snapshot(finding, FINDING_FIELDS)
    finding.measures = _text(measures, _("Rectification measures"), 5000)
    finding.save(update_fields=["measures"])
    _event(finding, FindingEvent.Kind.MEASURES, actor=actor, note=finding.measures)
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=finding,
        before=before,
        after=snapshot(finding, FINDING_FIELDS),
        unit_path=finding.unit_path,
    )
    return finding


def has_verified_evidence(finding: Finding) -> bool:
    """True when the current rectification assignment is complete on an accepted completion report."""
    from luoshi.reports.models import Report, Review

    if finding.assignment_id is None:
        return False
    # Read the assignment afresh: the review that completed it may have happened after the
    # finding was loaded.
    return Report.objects.filter(
        assignment_id=finding.assignment_id,
        assignment__status=AssignmentStatus.COMPLETED,
        is_completion=True,
        review__decision=Review.Decision.ACCEPT,
    ).exists()


@transaction.atomic
def finding_close(*, actor: Any, finding: Finding, note: str) -> Finding:
    """Verify the rectification and close the problem (销号). Refused unless the issuer has
    accepted a completion report on the current rectification assignment."""
    require_acts_for(actor, finding.issuer, UserRole.SUPERVISOR)
    if finding.status != FindingStatus.RECTIFYING:
        raise DomainError(msg_not_rectifying(), code="not_rectifying")
    note = (note or "").strip()
    if not note:
        raise DomainError(msg_note_required(), code="required")
    note = _text(note, _("Verification note"), 2000)
    # Two supervisors closing at once: lock the row and read its state again.
    current = Finding.objects.select_for_update().filter(pk=finding.pk).values_list("status", "assignment_id")
    finding.status, finding.assignment_id = current.get()
    if finding.status != FindingStatus.RECTIFYING:
        raise DomainError(msg_not_rectifying(), code="not_rectifying")
    if not has_verified_evidence(finding):
        raise DomainError(msg_not_verified(), code="not_verified")
    before = snapshot(finding, FINDING_FIELDS)
    finding.status = FindingStatus.CLOSED
    finding.closed_at = clock.now()
    finding.closed_by = _user(actor)
    finding.save(update_fields=["status", "closed_at", "closed_by"])
    _event(finding, FindingEvent.Kind.CLOSED, actor=actor, note=note)
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=finding,
        before=before,
        after=snapshot(finding, FINDING_FIELDS),
        unit_path=finding.unit_path,
        message=note,
    )
    return finding


@transaction.atomic
def finding_reopen(
    *, actor: Any, finding: Finding, reason: str, deadline: dt.date, today: dt.date | None = None
) -> Finding:
    """Reopen a closed problem (the rectification did not hold): a new round with a new
    rectification task; the earlier rounds stay in the finding's history."""
    require_acts_for(actor, finding.issuer, UserRole.SUPERVISOR)
    if finding.status != FindingStatus.CLOSED:
        raise DomainError(_("Only a closed problem can be reopened."), code="not_closed")
    reason = _text(reason, _("Reason"), 2000)
    today = today or clock.today()
    if deadline < today:
        raise DomainError(_("The new deadline cannot be in the past."), code="bad_deadline")
    before = snapshot(finding, FINDING_FIELDS)
    _event(
        finding,
        FindingEvent.Kind.REOPENED,
        actor=actor,
        note=_("%(reason)s (previous deadline %(date)s)")
        % {"reason": reason, "date": finding.deadline.isoformat()},
    )
    finding.deadline = deadline
    finding.closed_at = None
    finding.closed_by = None
    _rectification_task(actor, finding, today)
    finding.status = FindingStatus.RECTIFYING
    finding.save(
        update_fields=["deadline", "closed_at", "closed_by", "assignment", "task_source", "round", "status"]
    )
    _event(finding, FindingEvent.Kind.ISSUED, actor=actor)
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=finding,
        before=before,
        after=snapshot(finding, FINDING_FIELDS),
        unit_path=finding.unit_path,
        message=reason,
    )
    return finding
