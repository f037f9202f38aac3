"""Reads of ledgers, always through the one scoping function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.accounts.scoping import scope, user_root_path
from luoshi.core.exceptions import NotFound
from luoshi.units.models import Level, Unit, UnitAlias
from luoshi.units.paths import subtree_q

from . import burden, periods
from .models import (
    Decision,
    Ledger,
    LedgerAssignment,
    LedgerColumn,
    LedgerRow,
    LedgerTemplate,
    LedgerUpload,
    RowStatus,
    Verification,
)
from .validation import ColumnSpec, UnitLookup

VISIBLE_ROW_STATUSES = (RowStatus.CURRENT, RowStatus.PENDING)


# --- Ledgers -----------------------------------------------------------------------------------


def ledgers_visible_to(user: Any, *, include_archived: bool = False) -> QuerySet[Ledger]:
    """Ledgers the user's subtree owns or fills."""
    qs = scope(Ledger.objects.all(), user).select_related("owner", "current")
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.order_by("owner_path", "name")


def ledger_for(user: Any, pk: int) -> Ledger:
    ledger = ledgers_visible_to(user, include_archived=True).filter(pk=pk).first()
    if ledger is None:
        raise NotFound(_("Ledger not found."))
    return ledger


def current_template(ledger: Ledger) -> LedgerTemplate:
    return LedgerTemplate.objects.prefetch_related(
        Prefetch("columns", queryset=LedgerColumn.objects.order_by("order", "id"))
    ).get(pk=ledger.current_id)


def assigned_units(ledger: Ledger, user: Any = None) -> QuerySet[Unit]:
    """The units that fill ``ledger`` (those the user may see, when a user is given)."""
    qs = LedgerAssignment.objects.filter(ledger=ledger)
    if user is not None:
        qs = scope(qs, user)
    return Unit.objects.filter(pk__in=qs.values("unit_id")).order_by("path")


def ledgers_filled_by(unit: Unit, ledger_ids: list[int]) -> list[int]:
    return list(
        LedgerAssignment.objects.filter(unit=unit, ledger_id__in=ledger_ids).values_list(
            "ledger_id", flat=True
        )
    )


def filling_unit_for(user: Any, ledger: Ledger, code: str) -> Unit:
    """A unit that fills ``ledger`` and that the user may see; NotFound otherwise."""
    assignment = (
        scope(LedgerAssignment.objects.filter(ledger=ledger, unit__code=code), user)
        .select_related("unit")
        .first()
    )
    if assignment is None:
        raise NotFound(_("This unit does not fill this ledger."))
    return assignment.unit


def unit_lookup(unit: Unit) -> UnitLookup:
    """Names, short names, aliases and codes of ``unit`` and everything under it."""
    units = list(
        Unit.objects.filter(subtree_q(unit.path), retired_at__isnull=True).values_list(
            "pk", "code", "name", "short_name"
        )
    )
    aliases: dict[int, list[str]] = {}
    for unit_id, name in UnitAlias.objects.filter(unit_id__in=[u[0] for u in units]).values_list(
        "unit_id", "name"
    ):
        aliases.setdefault(unit_id, []).append(name)
    return UnitLookup.from_entries(
        (code, [name, short, *aliases.get(pk, [])]) for pk, code, name, short in units
    )


def unit_names(codes: Iterable[str]) -> dict[str, str]:
    codes = {c for c in codes if c}
    return dict(Unit.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


# --- Rows --------------------------------------------------------------------------------------


def rows_visible_to(user: Any) -> QuerySet[LedgerRow]:
    return scope(LedgerRow.objects.all(), user)


def unit_rows(user: Any, ledger: Ledger, unit: Unit, period: str) -> QuerySet[LedgerRow]:
    """A unit's current rows and those awaiting verification, for its grid."""
    return (
        rows_visible_to(user)
        .filter(ledger=ledger, unit=unit, period=period, status__in=VISIBLE_ROW_STATUSES)
        .order_by("row_key", "id")
    )


def row_for(user: Any, pk: int) -> LedgerRow:
    row = rows_visible_to(user).select_related("ledger", "unit", "template").filter(pk=pk).first()
    if row is None:
        raise NotFound(_("Row not found."))
    return row


def row_history(user: Any, row: LedgerRow) -> QuerySet[LedgerRow]:
    """Every version of the row, newest first (with who made it and what was verified)."""
    return (
        rows_visible_to(user)
        .filter(entry=row.entry)
        .select_related("created_by", "template")
        .order_by("-revision", "-id")
    )


def alerts_for(user: Any, *, ledger: Ledger | None = None) -> QuerySet[LedgerRow]:
    """Current rows that trip an alert rule, for their unit and its supervisors."""
    qs = (
        rows_visible_to(user)
        .filter(has_alert=True, status=RowStatus.CURRENT)
        .select_related("ledger", "unit")
    )
    if ledger is not None:
        qs = qs.filter(ledger=ledger)
    return qs.order_by("ledger_id", "unit_path", "row_key")


def verifications_to_decide(user: Any) -> QuerySet[Verification]:
    """Pending changes the user's unit (or a unit under it) is the verifier of."""
    root = user_root_path(user)
    qs = scope(Verification.objects.filter(decision=Decision.PENDING), user)
    if root:
        qs = qs.filter(subtree_q(root, field="verifier_path"))
    return qs.select_related("ledger", "unit", "verifier", "row", "requested_by").order_by(
        "requested_at", "id"
    )


def verifications_visible_to(user: Any) -> QuerySet[Verification]:
    return scope(Verification.objects.all(), user).select_related(
        "ledger", "unit", "verifier", "row", "requested_by", "decided_by"
    )


def verification_for(user: Any, pk: int) -> Verification:
    item = verifications_visible_to(user).filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Verification not found."))
    return item


def uploads_for(user: Any, ledger: Ledger, unit: Unit) -> QuerySet[LedgerUpload]:
    return scope(LedgerUpload.objects.filter(ledger=ledger, unit=unit), user).defer("error_report")


def upload_for(user: Any, pk: int) -> LedgerUpload:
    item = scope(LedgerUpload.objects.all(), user).select_related("ledger", "unit").filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Upload not found."))
    return item


# --- Rollups -----------------------------------------------------------------------------------


@dataclass
class RollupLine:
    unit: Unit | None
    rows: int = 0
    sums: dict[int, Decimal] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)

    def sum(self, slot: int) -> Decimal | None:
        return self.sums.get(slot)

    def mean(self, slot: int) -> Decimal | None:
        n = self.counts.get(slot, 0)
        return (self.sums.get(slot, Decimal(0)) / n).quantize(Decimal("0.01")) if n else None

    def add(self, other: dict[str, Any], slots: list[int]) -> None:
        self.rows += other["n"]
        for s in slots:
            if other[f"s{s}"] is not None:
                self.sums[s] = self.sums.get(s, Decimal(0)) + Decimal(str(other[f"s{s}"]))
            self.counts[s] = self.counts.get(s, 0) + other[f"c{s}"]


def rollup_by_child(
    ledger: Ledger, under: Unit, period: str, specs: list[ColumnSpec]
) -> tuple[list[RollupLine], RollupLine]:
    """Rows, sums and means of the summable columns under ``under``, by direct subordinate.

    One query grouped by the rows' unit path, folded onto the subordinates in Python.
    """
    slots = [s.slot for s in specs if s.slot is not None]
    aggregates: dict[str, Any] = {"n": Count("id")}
    for s in slots:
        aggregates[f"s{s}"] = Sum(f"n{s}")
        aggregates[f"c{s}"] = Count(f"n{s}")
    groups = (
        LedgerRow.objects.filter(ledger=ledger, status=RowStatus.CURRENT, period=period)
        .filter(subtree_q(under.path, field="unit_path"))
        .values("unit_path")
        .order_by()
        .annotate(**aggregates)
    )
    children = list(under.children.filter(retired_at__isnull=True).order_by("kind", "code"))
    lines = {c.path: RollupLine(unit=c) for c in children}
    own = RollupLine(unit=under)
    total = RollupLine(unit=None)
    prefix = under.path + "/"
    for g in groups:
        path = g["unit_path"]
        total.add(g, slots)
        if path == under.path:
            own.add(g, slots)
            continue
        child = prefix + path[len(prefix) :].split("/", 1)[0]
        lines.setdefault(child, RollupLine(unit=None)).add(g, slots)
    out = ([own] if own.rows else []) + [line for line in lines.values() if line.unit is not None]
    return out, total


# --- Burden ------------------------------------------------------------------------------------


def ledger_demands(*, unit_ids: Collection[int], month: dt.date) -> Iterable[burden.Demand]:
    """The ledgers' source for the burden meter: one demand per active assignment."""
    ids = list(unit_ids)
    rows: list[dict[str, Any]] = []
    for i in range(0, len(ids), 5000):
        rows.extend(
            LedgerAssignment.objects.filter(
                unit_id__in=ids[i : i + 5000], ledger__archived_at__isnull=True
            ).values(
                "unit_id",
                "ledger_id",
                "ledger__name",
                "ledger__cadence",
                "ledger__created_at",
                "ledger__current_id",
            )
        )
    template_ids = {r["ledger__current_id"] for r in rows}
    fields = dict(
        LedgerColumn.objects.filter(template_id__in=template_ids)
        .values("template_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("template_id", "n")
    )
    for r in rows:
        cadence = r["ledger__cadence"]
        if cadence == "once":
            created = timezone.localtime(r["ledger__created_at"]).date()
            if (created.year, created.month) != (month.year, month.month):
                continue
        yield burden.Demand(
            unit_id=r["unit_id"],
            source=f"ledger:{r['ledger_id']}",
            label=r["ledger__name"],
            fields=fields.get(r["ledger__current_id"], 0),
            reports_per_month=periods.REPORTS_PER_MONTH[cadence],
        )


@dataclass
class BurdenPreview:
    rows: list[burden.PreviewRow]
    units: dict[int, Unit]
    cap: int

    @property
    def over(self) -> list[burden.PreviewRow]:
        return [r for r in self.rows if r.over_cap]

    @property
    def worst(self) -> list[tuple[burden.PreviewRow, Unit]]:
        """The 20 units with the highest burden after the change, with their unit."""
        rows = sorted(self.rows, key=lambda r: (-r.after_fields, r.unit_id))[:20]
        return [(r, self.units[r.unit_id]) for r in rows]

    @property
    def added_fields(self) -> Decimal:
        return max((r.added_fields for r in self.rows), default=Decimal(0))

    @property
    def added_reports(self) -> Decimal:
        return max((r.added_reports for r in self.rows), default=Decimal(0))


def burden_preview(
    *,
    units: list[Unit],
    cadence: str,
    n_fields: int,
    name: str,
    cap: int,
    ledger: Ledger | None = None,
    month: dt.date,
) -> BurdenPreview:
    """What a new (or revised) ledger adds to each filling unit's monthly burden."""
    source = f"ledger:{ledger.pk}" if ledger is not None else "ledger:new"
    current = burden.burden_for([u.pk for u in units], month, exclude=source)
    added = [
        burden.Demand(
            unit_id=u.pk,
            source=source,
            label=name,
            fields=n_fields,
            reports_per_month=periods.REPORTS_PER_MONTH[cadence],
        )
        for u in units
    ]
    return BurdenPreview(rows=burden.preview(current, added, cap), units={u.pk: u for u in units}, cap=cap)


GRASSROOTS_LEVELS = (Level.TOWNSHIP, Level.VILLAGE)


def burden_page(user: Any, *, month: dt.date, under: Unit | None = None) -> QuerySet[Unit]:
    """The grassroots units (townships and villages) the user sees, for the burden meter."""
    from luoshi.units.selectors import units_visible_to

    qs = units_visible_to(user).filter(level__in=GRASSROOTS_LEVELS, kind="division")
    if under is not None:
        qs = qs.filter(subtree_q(under.path))
    return qs.order_by("path")


def unit_ids_for_rule(*, root: Unit | None, level: str, group: Any = None) -> QuerySet[Unit]:
    """The units an assignment rule names now: a group's members, every unit of ``level``
    under ``root`` (divisions only), or ``root`` itself when no level is given."""
    from luoshi.units.selectors import group_members

    if group is not None:
        return group_members(group)
    if root is None:
        return Unit.objects.none()
    if not level:
        return Unit.objects.filter(pk=root.pk)
    return Unit.objects.filter(
        subtree_q(root.path), level=level, kind="division", retired_at__isnull=True
    ).order_by("path")


def column_specs(template: LedgerTemplate) -> list[ColumnSpec]:
    return [c.spec() for c in template.columns.order_by("order", "id")]


def verifier_for(unit: Unit, level: str, fallback: Unit) -> Unit:
    """The ancestor (or the unit itself) at ``level`` that verifies a change; the ledger's
    owner when the tree has none at that level."""
    from luoshi.units.paths import ancestor_paths

    candidates = list(
        Unit.objects.filter(path__in=[*ancestor_paths(unit.path), unit.path], level=level, kind="division")
    )
    if not candidates:
        return fallback
    return max(candidates, key=lambda u: len(u.path))


def q_current(period: str | None = None) -> Q:
    q = Q(status=RowStatus.CURRENT)
    if period is not None:
        q &= Q(period=period)
    return q
