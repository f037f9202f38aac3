"""Reads of checklists, self-inspections, draws, inspections and the problem ledger, always
through the scoping function.

Who sees a finding: the responsible unit and the units above it, the issuer's line, and the
units of the inspectors drawn for the inspection that found it (so an inspector from a
sibling county sees what they were assigned, and nothing else of that county).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.scoping import scope
from luoshi.core import clock
from luoshi.core.exceptions import NotFound
from luoshi.reports.models import Report
from luoshi.units.models import Unit
from luoshi.units.paths import subtree_q

from . import draw as drawing
from .models import (
    Answer,
    Checklist,
    Draw,
    Finding,
    FindingSource,
    FindingStatus,
    Inspection,
    Inspector,
    ItemKind,
    SelfCheck,
    SelfCheckStatus,
)

# --- Checklists and self-inspections -----------------------------------------------------------------


def checklists_visible_to(user: Any) -> QuerySet[Checklist]:
    return scope(Checklist.objects.all(), user).select_related("owner")


def checklist_for(user: Any, pk: int) -> Checklist:
    checklist = checklists_visible_to(user).filter(pk=pk).prefetch_related("items").first()
    if checklist is None:
        raise NotFound(_("Checklist not found."))
    return checklist


def self_checks_visible_to(user: Any) -> QuerySet[SelfCheck]:
    return scope(SelfCheck.objects.all(), user).select_related("unit", "checklist", "checklist__owner")


def self_check_for(user: Any, pk: int) -> SelfCheck:
    sc = self_checks_visible_to(user).filter(pk=pk).first()
    if sc is None:
        raise NotFound(_("Self-inspection not found."))
    return sc


@dataclass
class ItemStat:
    item: Any
    answered: int = 0
    failed: int = 0
    score_sum: Decimal = Decimal(0)

    @property
    def mean_score(self) -> Decimal | None:
        if self.item.kind != ItemKind.SCORE or not self.answered:
            return None
        return (self.score_sum / self.answered).quantize(Decimal("0.01"))


@dataclass
class Rollup:
    self_checks: list[SelfCheck]
    items: list[ItemStat]
    sent: int = 0
    submitted: int = 0
    late: int = 0
    mean_score: Decimal | None = None


def checklist_rollup(user: Any, checklist: Checklist, today: dt.date | None = None) -> Rollup:
    """The self-inspections of a checklist that the user may see, and per item how many
    submitted units failed it (or lost points on it). Three queries."""
    today = today or clock.today()
    checks = list(self_checks_visible_to(user).filter(checklist=checklist).order_by("unit_path"))
    items = list(checklist.items.all())
    stats = {i.pk: ItemStat(i) for i in items}
    submitted = [c for c in checks if c.status == SelfCheckStatus.SUBMITTED]
    answers = Answer.objects.filter(self_check__in=[c.pk for c in submitted]).values_list(
        "item_id", "passed", "score"
    )
    for item_id, passed, score in answers:
        s = stats.get(item_id)
        if s is None:
            continue
        s.answered += 1
        if s.item.kind == ItemKind.SCORE:
            s.score_sum += score or 0
            s.failed += (score or 0) < s.item.max_score
        else:
            s.failed += passed is False
    scores = [c.score for c in submitted if c.score is not None]
    late = sum(
        1
        for c in checks
        if (c.submitted_at and timezone.localtime(c.submitted_at).date() > c.deadline)
        or (c.status == SelfCheckStatus.PENDING and c.deadline < today)
    )
    return Rollup(
        self_checks=checks,
        items=[stats[i.pk] for i in items],
        sent=len(checks),
        submitted=len(submitted),
        late=late,
        mean_score=(sum(scores) / len(scores)).quantize(Decimal("0.01")) if scores else None,
    )


# --- Draws and inspections ---------------------------------------------------------------------------


def draws_visible_to(user: Any) -> QuerySet[Draw]:
    return scope(Draw.objects.all(), user).select_related("owner", "checklist")


def draw_for(user: Any, pk: int) -> Draw:
    the_draw = draws_visible_to(user).filter(pk=pk).first()
    if the_draw is None:
        raise NotFound(_("Draw not found."))
    return the_draw


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    return (
        scope(Inspection.objects.all(), user)
        .select_related("unit", "draw", "draw__owner")
        .prefetch_related(Prefetch("inspectors", Inspector.objects.select_related("user", "user__unit")))
    )


def inspection_for(user: Any, pk: int) -> Inspection:
    inspection = inspections_visible_to(user).filter(pk=pk).first()
    if inspection is None:
        raise NotFound(_("Inspection not found."))
    return inspection


def inspections_assigned_to(user: Any) -> QuerySet[Inspection]:
    """The inspections the user was drawn for."""
    return inspections_visible_to(user).filter(inspectors__user=user).order_by("-date", "unit_path")


@dataclass
class DrawCheck:
    ok: bool
    digest_ok: bool
    result_ok: bool
    rows_ok: bool
    error: str = ""


def draw_verification(the_draw: Draw) -> DrawCheck:
    """Re-run a draw from its stored input and seed; compare with the stored result and with
    the inspection rows made from it (codes and inspectors)."""
    check = drawing.verify(the_draw.inputs, the_draw.seed, the_draw.result, the_draw.digest)
    rows: dict[str, list[str]] = defaultdict(list)
    for code, username in Inspector.objects.filter(inspection__draw=the_draw).values_list(
        "inspection__unit__code", "user__username"
    ):
        rows[code].append(username)
    for code in Inspection.objects.filter(draw=the_draw).values_list("unit__code", flat=True):
        rows.setdefault(code, [])
    recorded = drawing.Result.from_json(the_draw.result)
    rows_ok = {c: sorted(v) for c, v in rows.items()} == recorded.pairs
    return DrawCheck(check.ok and rows_ok, check.digest_ok, check.result_ok, rows_ok, check.error)


def strata_names(the_draw: Draw) -> dict[str, str]:
    """Readable names of a draw's strata (levels, or area paths mapped to unit names)."""
    keys = list(the_draw.result.get("strata", {}))
    if the_draw.strata == Draw.Strata.CITY:
        names = dict(Unit.objects.filter(path__in=keys).values_list("path", "name"))
        return {k: names.get(k, k) for k in keys}
    if the_draw.strata == Draw.Strata.LEVEL:
        from luoshi.units.models import Level

        return {k: str(Level(k).label) if k in Level.values else k for k in keys}
    return {k: _("All units") for k in keys}


# --- The problem ledger ------------------------------------------------------------------------------


def findings_visible_to(user: Any) -> QuerySet[Finding]:
    return scope(Finding.objects.all(), user)


def finding_for(user: Any, pk: int) -> Finding:
    finding = (
        findings_visible_to(user)
        .select_related(
            "issuer",
            "unit",
            "assignment",
            "assignment__task",
            "inspection__draw",
            "self_check__checklist",
            "item",
            "repeat_of",
            "closed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if finding is None:
        raise NotFound(_("Problem not found."))
    return finding


def age_days(finding: Finding, today: dt.date) -> int:
    """Days open: from the day found to the day closed (or today)."""
    end = timezone.localtime(finding.closed_at).date() if finding.closed_at else today
    return max(0, (end - finding.found_on).days)


def closed_on_time(finding: Finding) -> bool:
    return bool(finding.closed_at) and timezone.localtime(finding.closed_at).date() <= finding.deadline


def is_overdue(finding: Finding, today: dt.date) -> bool:
    return finding.status != FindingStatus.CLOSED and finding.deadline < today


@dataclass
class LedgerFilter:
    unit: Unit | None = None
    source_kind: str = ""
    status: str = ""
    repeats: bool = False
    overdue: bool = False


def ledger(user: Any, f: LedgerFilter | None = None, today: dt.date | None = None) -> QuerySet[Finding]:
    """The visible findings with what a 问题整改台账 shows: the latest progress report text
    on the current rectification assignment is annotated, so a page is one query."""
    f = f or LedgerFilter()
    today = today or clock.today()
    qs = findings_visible_to(user)
    if f.unit is not None:
        qs = qs.filter(subtree_q(f.unit.path, field="unit_path"))
    if f.source_kind:
        qs = qs.filter(source_kind=f.source_kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.repeats:
        qs = qs.filter(repeat_of__isnull=False)
    if f.overdue:
        qs = qs.exclude(status=FindingStatus.CLOSED).filter(deadline__lt=today)
    latest = Report.objects.filter(assignment_id=OuterRef("assignment_id")).order_by("-submitted_at", "-id")
    return (
        qs.select_related("unit", "issuer", "assignment")
        .annotate(progress_text=Subquery(latest.values("text")[:1]))
        .order_by("-found_on", "-id")
    )


@dataclass
class Tally:
    label: str
    total: int = 0
    open: int = 0
    closed: int = 0
    overdue: int = 0
    due: int = 0
    on_time: int = 0
    repeats: int = 0
    ages: list[int] = field(default_factory=list)

    @property
    def on_time_share(self) -> int | None:
        """Percent of the findings now due (closed, or past their deadline) closed on time."""
        return round(100 * self.on_time / self.due) if self.due else None

    @property
    def mean_age(self) -> int | None:
        return round(sum(self.ages) / len(self.ages)) if self.ages else None


def ledger_summary(qs: QuerySet[Finding], today: dt.date | None = None) -> dict[str, Any]:
    """Tallies of a ledger queryset by source and by responsible unit (one query)."""
    today = today or clock.today()
    total = Tally(_("Total"))
    by_source: dict[str, Tally] = {}
    by_unit: dict[str, Tally] = {}
    rows = qs.order_by().values_list(
        "source_kind",
        "unit__name",
        "unit_path",
        "status",
        "found_on",
        "deadline",
        "closed_at",
        "repeat_of_id",
    )
    for kind, unit_name, unit_path, status, found_on, deadline, closed_at, repeat_of in rows:
        closed_day = timezone.localtime(closed_at).date() if closed_at else None
        tallies = [
            total,
            by_source.setdefault(kind, Tally(str(FindingSource(kind).label))),
            by_unit.setdefault(unit_path, Tally(unit_name)),
        ]
        for t in tallies:
            t.total += 1
            if status == FindingStatus.CLOSED:
                t.closed += 1
            else:
                t.open += 1
                t.ages.append(max(0, (today - found_on).days))
                if deadline < today:
                    t.overdue += 1
            if closed_day is not None or deadline < today:
                t.due += 1
            if closed_day is not None and closed_day <= deadline:
                t.on_time += 1
            if repeat_of:
                t.repeats += 1
    return {
        "total": total,
        "by_source": [by_source[k] for k in FindingSource.values if k in by_source],
        "by_unit": [by_unit[k] for k in sorted(by_unit)],
    }
