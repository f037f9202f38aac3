"""Every write to ledgers: create and revise templates, assign, fill, import, verify, seed.

Each service is keyword-only, runs in one transaction, checks role and scope, raises
DomainError with a message a person can act on, and leaves audit entries in the same
transaction. Rows are never updated in place: a change writes a new version and marks the
old one superseded (its values never change), so a row's history is its versions.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.models import Action, AuditEntry
from luoshi.audit.services import SYSTEM_ACTOR, new_batch, record, snapshot
from luoshi.core import clock
from luoshi.core.exceptions import DomainError, Forbidden
from luoshi.units import paths
from luoshi.units.models import Level, Unit, UnitGroup

from . import access, bulk, conf, excel, periods, selectors
from .models import (
    SLOTS,
    Cadence,
    ColumnType,
    Decision,
    ImportMode,
    Ledger,
    LedgerAssignment,
    LedgerColumn,
    LedgerRow,
    LedgerTemplate,
    LedgerUpload,
    RowStatus,
    UploadStatus,
    Verification,
)
from .validation import (
    ALERT_OPS,
    NUMERIC_TYPES,
    AlertRule,
    CellError,
    ColumnSpec,
    clean_cell,
    compile_alerts,
    compile_row,
    message,
    needs_verification,
    row_key_of,
    validate_row,
)

MAX_COLUMNS = 60
MAX_ERRORS_KEPT = 200
COLUMN_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LEDGER_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,49}$")
ROW_KEY_TYPES = {"text", "integer", "resident_id", "phone", "unit", "date", "choice"}
LEDGER_AUDIT_FIELDS = (
    "key",
    "name",
    "owner",
    "cadence",
    "assign_root",
    "assign_level",
    "assign_group",
    "current",
    "archived_at",
)


class RowInvalid(DomainError):
    """A row is refused. ``field_errors`` maps a column key to its message (for the grid)."""

    def __init__(self, msg: str, *, field_errors: dict[str, str], details: list[str]):
        super().__init__(msg, code="invalid_row", details=details)
        self.field_errors = field_errors


# --- Messages (module functions, so tests assert the same text) --------------------------------


def msg_not_manager() -> str:
    return _("Only a supervisor of the owning unit or above may change this ledger.")


def msg_not_filler() -> str:
    return _("Only a reporter of this unit may fill its ledger rows.")


def msg_row_invalid() -> str:
    return _("The row was not saved: please correct the marked cells.")


def msg_wrong_version(uploaded: str, current: int) -> str:
    return _(
        "The workbook was made from version %(old)s of this ledger, but the ledger is now at version %(new)d: download the template again and copy your rows into it."
    ) % {"old": uploaded, "new": current}


def msg_wrong_ledger() -> str:
    return _("This workbook belongs to another ledger.")


def msg_wrong_unit(code: str) -> str:
    return _("This workbook was downloaded for another unit (%(code)s).") % {"code": code}


def msg_header() -> str:
    return _("The header row does not match the template; do not add, remove or rename columns.")


def msg_too_big(mb: int) -> str:
    return _("The file is larger than %(mb)d MB.") % {"mb": mb}


def msg_import_refused(n: int) -> str:
    return _(
        "Nothing was saved: %(n)d error(s) were found. Download the error report, correct the marked cells and upload again."
    ) % {"n": n}


def msg_over_cap(n: int, cap: int) -> str:
    return _(
        "%(n)d unit(s) would be asked for more than %(cap)d fields a month. Confirm that the added burden is necessary to save."
    ) % {"n": n, "cap": cap}


def msg_unknown_row() -> str:
    return _(
        "This row no longer exists in this unit's ledger; remove its row id or download the template again."
    )


def msg_bad_row_id() -> str:
    return _("The hidden row id was changed; clear it or download the template again.")


def msg_pending() -> str:
    return _("This row has a change awaiting verification; wait for the decision.")


# --- Templates ---------------------------------------------------------------------------------


def _require_manage(actor: Any, owner_path: str) -> None:
    if not access.can_manage(actor, owner_path):
        raise Forbidden(msg_not_manager())


def _decimal_or_none(value: Any, label: str, errors: list[str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        errors.append(message(label, _("Enter a number.")))
        return None


def _choices(value: Any) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[/、,，;；\n]+", value)
    return [str(v).strip() for v in value or () if str(v).strip()]


def _slots_in_use(ledger: Ledger | None) -> dict[str, int]:
    """Column key → slot, over every version: a key keeps its slot for life, and a slot is
    never handed to another key (old rows still hold the old key's figures in it)."""
    if ledger is None:
        return {}
    return dict(
        LedgerColumn.objects.filter(template__ledger=ledger, slot__isnull=False)
        .order_by("template__version")
        .values_list("key", "slot")
    )


def _check_columns(columns: Iterable[Mapping[str, Any]], *, ledger: Ledger | None) -> list[dict[str, Any]]:
    """Shape-check column definitions; returns LedgerColumn field values (keys and slots set)."""
    errors: list[str] = []
    out: list[dict[str, Any]] = []
    used_slots = _slots_in_use(ledger)
    old_keys = set(used_slots) | (
        set(LedgerColumn.objects.filter(template__ledger=ledger).values_list("key", flat=True))
        if ledger
        else set()
    )
    labels: set[str] = set()
    keys: set[str] = set()
    for order, raw in enumerate(columns, start=1):
        label = str(raw.get("label") or "").strip()
        if not label:
            continue
        kind = str(raw.get("type") or "").strip()
        key = str(raw.get("key") or "").strip().lower()
        if label in labels:
            errors.append(message(label, _("Two columns have this name.")))
        labels.add(label)
        if kind not in ColumnType.values:
            errors.append(message(label, _("Choose a column type.")))
            continue
        if key and not COLUMN_KEY_RE.match(key):
            errors.append(
                message(label, _("A key is lower-case letters, digits and _, starting with a letter."))
            )
        if key and key in keys:
            errors.append(message(label, _("Two columns have the key “%(key)s”.") % {"key": key}))
        if key:
            keys.add(key)
        choices = _choices(raw.get("choices"))
        if kind == ColumnType.CHOICE and not choices:
            errors.append(message(label, _("A choice column needs its choices, e.g. 有/弱/丧失.")))
        if len(set(choices)) != len(choices):
            errors.append(message(label, _("A choice is listed twice.")))
        lo = _decimal_or_none(raw.get("min_value"), label, errors)
        hi = _decimal_or_none(raw.get("max_value"), label, errors)
        if (lo is not None or hi is not None) and kind not in ("integer", "decimal"):
            errors.append(message(label, _("Only number columns have a minimum and maximum.")))
        if lo is not None and hi is not None and lo > hi:
            errors.append(message(label, _("The minimum is above the maximum.")))
        pattern = str(raw.get("pattern") or "").strip()
        if pattern:
            if kind != ColumnType.TEXT:
                errors.append(message(label, _("Only text columns have a pattern.")))
            try:
                re.compile(pattern)
            except re.error:
                errors.append(message(label, _("The pattern is not a valid regular expression.")))
        verify_level = str(raw.get("verify_level") or "").strip()
        if verify_level and verify_level not in Level.values:
            errors.append(message(label, _("Unknown level “%(level)s”.") % {"level": verify_level}))
        spec = ColumnSpec(key=key or "x", label=label, type=kind, choices=tuple(choices))
        verify_values = []
        for v in raw.get("verify_values") or ():
            try:
                verify_values.append(clean_cell(spec, v))
            except CellError as exc:
                errors.append(message(label, str(exc)))
        out.append(
            {
                "key": key,
                "label": label[:60],
                "type": kind,
                "required": bool(raw.get("required")),
                "min_value": lo,
                "max_value": hi,
                "pattern": pattern[:200],
                "choices": choices,
                "sensitive": bool(raw.get("sensitive")) or kind in ("resident_id", "phone"),
                "verify_level": verify_level,
                "verify_values": verify_values,
                "help_text": str(raw.get("help_text") or "")[:200],
                "order": order,
            }
        )
    if not out:
        errors.append(_("A ledger needs at least one column."))
    if len(out) > MAX_COLUMNS:
        errors.append(_("A ledger has at most %(n)d columns.") % {"n": MAX_COLUMNS})
    if errors:
        raise DomainError(_("The columns are not valid."), code="bad_columns", details=errors)
    # Keys: keep the given ones, generate c1, c2… for the rest, never reusing an old key.
    taken = keys | old_keys
    n = 0
    for col in out:
        if not col["key"]:
            while True:
                n += 1
                if f"c{n}" not in taken:
                    break
            col["key"] = f"c{n}"
            taken.add(col["key"])
    # Slots: numbers (and 是/否) are copied to typed fields for rollups.
    free = [s for s in range(1, SLOTS + 1) if s not in set(used_slots.values())]
    for col in out:
        col["slot"] = None
        if col["type"] in NUMERIC_TYPES:
            if col["key"] in used_slots:
                col["slot"] = used_slots[col["key"]]
            elif free:
                col["slot"] = free.pop(0)
    return out


def _check_row_key(row_key: str, columns: list[dict[str, Any]]) -> str:
    row_key = (row_key or "").strip()
    if not row_key:
        return ""
    col = next((c for c in columns if c["key"] == row_key or c["label"] == row_key), None)
    if col is None:
        raise DomainError(_("The row key must be one of the columns."), code="bad_row_key")
    if col["type"] not in ROW_KEY_TYPES:
        raise DomainError(_("This column type cannot be a row key."), code="bad_row_key")
    col["required"] = True
    return col["key"]


def _check_rules(rules: Iterable[Mapping[str, Any]], columns: list[dict[str, Any]]) -> list[dict[str, str]]:
    by_key = {c["key"]: c for c in columns} | {c["label"]: c for c in columns}
    out = []
    for raw in rules or ():
        col = by_key.get(str(raw.get("column", "")))
        text = str(raw.get("message") or "").strip()
        op = str(raw.get("op") or "")
        if col is None or op not in ALERT_OPS or not text:
            raise DomainError(_("An alert rule needs a column, a comparison and a message."), code="bad_rule")
        value = str(raw.get("value") if raw.get("value") is not None else "").strip()
        if op != "empty" and col["type"] in ("integer", "decimal"):
            try:
                Decimal(value)
            except InvalidOperation:
                raise DomainError(
                    _("An alert rule on a number column needs a number."), code="bad_rule"
                ) from None
        out.append({"column": col["key"], "op": op, "value": value, "message": text[:200]})
    return out


def resolve_assignment(*, owner: Unit, root: Unit | None, level: str, group: UnitGroup | None) -> list[Unit]:
    """The units an assignment rule names, all inside ``owner``'s subtree (else DomainError)."""
    if level and level not in Level.values:
        raise DomainError(_("Unknown level “%(level)s”.") % {"level": level}, code="bad_level")
    if group is not None:
        units = list(selectors.unit_ids_for_rule(root=None, level="", group=group))
    elif root is not None:
        units = list(selectors.unit_ids_for_rule(root=root, level=level))
    else:
        raise DomainError(_("Choose which units fill the ledger."), code="no_assignment")
    outside = [u for u in units if not paths.is_within(u.path, owner.path)]
    if root is not None and not paths.is_within(root.path, owner.path):
        outside.append(root)
    if outside:
        raise DomainError(
            _("“%(unit)s” is outside %(owner)s.") % {"unit": outside[0].name, "owner": owner.name},
            code="out_of_scope",
        )
    if not units:
        raise DomainError(_("No unit matches this assignment."), code="no_assignment")
    return units


def _check_burden(
    *, units: list[Unit], cadence: str, n_fields: int, name: str, ledger: Ledger | None, accept: bool
) -> None:
    cap = conf.burden_cap()
    preview = selectors.burden_preview(
        units=units,
        cadence=cadence,
        n_fields=n_fields,
        name=name,
        cap=cap,
        ledger=ledger,
        month=clock.today(),
    )
    over = preview.over
    if over and not accept:
        raise DomainError(msg_over_cap(len(over), cap), code="burden_over_cap")


def _sync_assignments(ledger: Ledger, units: list[Unit]) -> tuple[int, int]:
    wanted = {u.pk: u for u in units}
    have = set(LedgerAssignment.objects.filter(ledger=ledger).values_list("unit_id", flat=True))
    gone = have - set(wanted)
    if gone:
        LedgerAssignment.objects.filter(ledger=ledger, unit_id__in=gone).delete()
    LedgerAssignment.objects.bulk_create(
        [
            LedgerAssignment(ledger=ledger, unit=u, unit_path=u.path)
            for pk, u in wanted.items()
            if pk not in have
        ],
        batch_size=2000,
    )
    return len(set(wanted) - have), len(gone)


def _new_version(
    *,
    actor: Any,
    ledger: Ledger,
    version: int,
    columns: list[dict[str, Any]],
    row_key: str,
    rules: list[dict[str, str]],
    note: str,
) -> LedgerTemplate:
    template = LedgerTemplate.objects.create(
        ledger=ledger,
        version=version,
        row_key=row_key,
        alert_rules=rules,
        note=note[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    LedgerColumn.objects.bulk_create([LedgerColumn(template=template, **c) for c in columns])
    return template


def _signature(columns: list[dict[str, Any]], row_key: str, rules: list[dict[str, str]]) -> Any:
    def norm(c: Mapping[str, Any]) -> tuple:
        return tuple(
            (k, str(c[k]) if isinstance(c[k], Decimal) else c[k])
            for k in sorted(c)
            if k not in ("order", "template", "id", "template_id", "_state")
        )

    return ([norm(c) for c in columns], row_key, rules)


def _template_columns(template: LedgerTemplate) -> list[dict[str, Any]]:
    fields = (
        "key",
        "label",
        "type",
        "required",
        "min_value",
        "max_value",
        "pattern",
        "choices",
        "sensitive",
        "verify_level",
        "verify_values",
        "help_text",
        "slot",
    )
    return [{f: getattr(c, f) for f in fields} for c in template.columns.order_by("order", "id")]


@transaction.atomic
def ledger_create(
    *,
    actor: Any,
    owner: Unit,
    key: str,
    name: str,
    cadence: str,
    columns: Iterable[Mapping[str, Any]],
    row_key: str = "",
    alert_rules: Iterable[Mapping[str, Any]] = (),
    description: str = "",
    assign_root: Unit | None = None,
    assign_level: str = "",
    assign_group: UnitGroup | None = None,
    accept_burden: bool = False,
    batch: str = "",
) -> Ledger:
    """Define a ledger (version 1 of its template) and the units that fill it."""
    _require_manage(actor, owner.path)
    key = (key or "").strip().lower()
    if not LEDGER_KEY_RE.match(key):
        raise DomainError(_("A ledger key is 2–50 lower-case letters, digits and hyphens."), code="bad_key")
    if Ledger.objects.filter(key=key).exists():
        raise DomainError(
            _("A ledger with the key “%(key)s” exists already.") % {"key": key}, code="duplicate"
        )
    name = (name or "").strip()
    if not name:
        raise DomainError(_("The name must not be empty."), code="empty_name")
    if cadence not in Cadence.values:
        raise DomainError(_("Choose a cadence."), code="bad_cadence")
    cols = _check_columns(columns, ledger=None)
    row_key = _check_row_key(row_key, cols)
    rules = _check_rules(alert_rules, cols)
    units = resolve_assignment(owner=owner, root=assign_root, level=assign_level, group=assign_group)
    _check_burden(
        units=units, cadence=cadence, n_fields=len(cols), name=name, ledger=None, accept=accept_burden
    )
    ledger = Ledger.objects.create(
        key=key,
        name=name[:100],
        description=description,
        owner=owner,
        owner_path=owner.path,
        cadence=cadence,
        assign_root=assign_root,
        assign_level=assign_level if assign_group is None else "",
        assign_group=assign_group,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    template = _new_version(
        actor=actor, ledger=ledger, version=1, columns=cols, row_key=row_key, rules=rules, note=""
    )
    ledger.current = template
    ledger.save(update_fields=["current"])
    _sync_assignments(ledger, units)
    record(
        actor=actor,
        action=Action.CREATE,
        obj=ledger,
        after={
            **snapshot(ledger, LEDGER_AUDIT_FIELDS),
            "columns": [c["key"] for c in cols],
            "units": len(units),
        },
        batch=batch,
        unit_path=owner.path,
    )
    return ledger


@transaction.atomic
def ledger_revise(
    *,
    actor: Any,
    ledger: Ledger,
    columns: Iterable[Mapping[str, Any]],
    row_key: str = "",
    alert_rules: Iterable[Mapping[str, Any]] = (),
    name: str | None = None,
    description: str | None = None,
    cadence: str | None = None,
    note: str = "",
    accept_burden: bool = False,
) -> Ledger:
    """Change a ledger: a change of columns, row key or rules makes a new template version
    (rows keep the version they were written with); name and cadence change in place."""
    ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
    _require_manage(actor, ledger.owner_path)
    before = snapshot(ledger, LEDGER_AUDIT_FIELDS)
    current = LedgerTemplate.objects.get(pk=ledger.current_id)
    cols = _check_columns(columns, ledger=ledger)
    row_key = _check_row_key(row_key, cols)
    rules = _check_rules(alert_rules, cols)
    cadence = cadence or ledger.cadence
    if cadence not in Cadence.values:
        raise DomainError(_("Choose a cadence."), code="bad_cadence")
    changed_template = _signature(cols, row_key, rules) != _signature(
        _template_columns(current), current.row_key, current.alert_rules
    )
    if cadence != ledger.cadence or len(cols) > len(_template_columns(current)):
        units = list(selectors.assigned_units(ledger))
        _check_burden(
            units=units,
            cadence=cadence,
            n_fields=len(cols),
            name=ledger.name,
            ledger=ledger,
            accept=accept_burden,
        )
    if changed_template:
        ledger.current = _new_version(
            actor=actor,
            ledger=ledger,
            version=current.version + 1,
            columns=cols,
            row_key=row_key,
            rules=rules,
            note=note,
        )
    if name is not None and name.strip():
        ledger.name = name.strip()[:100]
    if description is not None:
        ledger.description = description
    ledger.cadence = cadence
    ledger.save()
    after = snapshot(ledger, LEDGER_AUDIT_FIELDS)
    if after != before:
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=ledger,
            before=before,
            after=after,
            unit_path=ledger.owner_path,
            message=_("Template version %(v)d") % {"v": ledger.current.version} if changed_template else "",
        )
    return ledger


@transaction.atomic
def ledger_assign(
    *,
    actor: Any,
    ledger: Ledger,
    root: Unit | None,
    level: str = "",
    group: UnitGroup | None = None,
    accept_burden: bool = False,
) -> tuple[int, int]:
    """Set which units fill a ledger; returns (added, removed). Rows of a removed unit stay."""
    _require_manage(actor, ledger.owner_path)
    units = resolve_assignment(owner=ledger.owner, root=root, level=level, group=group)
    n_fields = LedgerColumn.objects.filter(template_id=ledger.current_id).count()
    _check_burden(
        units=units,
        cadence=ledger.cadence,
        n_fields=n_fields,
        name=ledger.name,
        ledger=ledger,
        accept=accept_burden,
    )
    before = snapshot(ledger, LEDGER_AUDIT_FIELDS)
    ledger.assign_root, ledger.assign_level, ledger.assign_group = (
        root,
        (level if group is None else ""),
        group,
    )
    ledger.save(update_fields=["assign_root", "assign_level", "assign_group"])
    added, removed = _sync_assignments(ledger, units)
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=ledger,
        before=before,
        after={**snapshot(ledger, LEDGER_AUDIT_FIELDS), "added": added, "removed": removed},
        unit_path=ledger.owner_path,
    )
    return added, removed


# --- Rows --------------------------------------------------------------------------------------


@dataclass
class Incoming:
    """One cleaned row to write: values by key, its line in a file, the entry it updates."""

    values: dict[str, Any]
    line: int | None = None
    entry: uuid.UUID | None = None


@dataclass
class Existing:
    """What the plan needs of a current or pending row (read with values_list, not models)."""

    pk: int
    entry: uuid.UUID
    row_key: str
    revision: int
    status: str
    values: dict[str, Any]


class NewRow:
    """A row version the plan will insert (compact: an import holds 100,000 of them)."""

    __slots__ = ("entry", "row_key", "revision", "supersedes_id", "status", "values_json", "alerts", "slots")

    def __init__(self, entry, row_key, revision, supersedes_id, status, values_json, alerts, slots):
        self.entry = entry
        self.row_key = row_key
        self.revision = revision
        self.supersedes_id = supersedes_id
        self.status = status
        self.values_json = values_json
        self.alerts = alerts
        self.slots = slots


@dataclass
class Plan:
    """What a batch of incoming rows becomes."""

    rows: list[NewRow] = field(default_factory=list)
    previous: list[Existing | None] = field(default_factory=list)  # parallel to rows
    superseded: list[int] = field(default_factory=list)
    changes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # index → verified changes
    errors: list[tuple[int | None, str, str]] = field(default_factory=list)  # (line, column key, message)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    pending: int = 0
    unchanged_pks: list[int] = field(default_factory=list)
    created_at: Any = None


ROW_FIELDS = [
    "ledger_id",
    "template_id",
    "unit_id",
    "unit_path",
    "period",
    "upload_id",
    "created_by_id",
    "created_at",
    "entry",
    "row_key",
    "revision",
    "supersedes_id",
    "status",
    "values",
    "alerts",
    "has_alert",
    *(f"n{i}" for i in range(1, SLOTS + 1)),
]
AUDIT_FIELDS = [
    "time",
    "actor_id",
    "actor_name",
    "batch",
    "related_type",
    "related_id",
    "unit_path",
    "object_type",
    "action",
    "object_id",
    "object_repr",
    "before",
    "after",
    "message",
]
NO_SLOTS = (None,) * SLOTS


def _require_fill(actor: Any, ledger: Ledger, unit: Unit) -> None:
    if not access.can_fill(actor, unit):
        raise Forbidden(msg_not_filler())
    if ledger.archived_at is not None:
        raise DomainError(_("This ledger is archived."), code="archived")
    if not LedgerAssignment.objects.filter(ledger=ledger, unit=unit).exists():
        raise DomainError(_("This unit does not fill this ledger."), code="not_assigned")


def _check_period(ledger: Ledger, period: str | None) -> str:
    if period is None:
        return periods.current_period(ledger.cadence, clock.today())
    if not periods.is_valid(ledger.cadence, period):
        raise DomainError(
            _("“%(period)s” is not a period of this ledger.") % {"period": period}, code="bad_period"
        )
    return period


def _plan(
    *,
    ledger: Ledger,
    template: LedgerTemplate,
    specs: list[ColumnSpec],
    unit: Unit,
    period: str,
    incoming: Iterable[Incoming],
    mode: str,
) -> Plan:
    """Decide, without writing, what each incoming row becomes: new, a new version of an
    existing row, awaiting verification, unchanged, or an error."""
    plan = Plan(created_at=clock.now())
    existing = [
        Existing(*r)
        for r in LedgerRow.objects.filter(
            ledger=ledger, unit=unit, period=period, status__in=selectors.VISIBLE_ROW_STATUSES
        ).values_list("pk", "entry", "row_key", "revision", "status", "values")
    ]
    current = {r.entry: r for r in existing if r.status == RowStatus.CURRENT}
    by_key = {r.row_key: r for r in current.values() if r.row_key}
    pending = {r.entry for r in existing if r.status == RowStatus.PENDING}
    pending_keys = {r.row_key for r in existing if r.status == RowStatus.PENDING and r.row_key}
    alerts_of = compile_alerts([AlertRule.from_dict(d) for d in template.alert_rules or ()], specs)
    verified = [s for s in specs if s.verify_level]
    slotted = [(s.key, s.slot - 1) for s in specs if s.slot is not None]
    key_label = next((s.label for s in specs if s.key == template.row_key), "")
    seen_keys: dict[str, int | None] = {}
    seen_entries: set[uuid.UUID] = set()

    for inc in incoming:
        values = inc.values
        key = row_key_of(values, template.row_key)
        prev = None
        if inc.entry is not None:
            if inc.entry in pending:
                plan.errors.append((inc.line, "", msg_pending()))
                continue
            prev = current.get(inc.entry)
            if prev is None:
                plan.errors.append((inc.line, "", msg_unknown_row()))
                continue
        elif key and mode == ImportMode.UPSERT:
            prev = by_key.get(key)
        if key:
            if key in seen_keys:
                plan.errors.append(
                    (
                        inc.line,
                        template.row_key,
                        _("“%(key)s” appears twice (also row %(line)s).")
                        % {"key": key, "line": seen_keys[key] or "?"},
                    )
                )
                continue
            seen_keys[key] = inc.line
            other = by_key.get(key)
            if other is not None and (prev is None or other.entry != prev.entry):
                plan.errors.append(
                    (
                        inc.line,
                        template.row_key,
                        _("A row with %(label)s “%(key)s” exists already.")
                        % {"label": key_label, "key": key},
                    )
                )
                continue
            if key in pending_keys and (prev is None or prev.row_key != key):
                plan.errors.append((inc.line, template.row_key, msg_pending()))
                continue
        if prev is not None:
            if prev.entry in seen_entries:
                plan.errors.append((inc.line, "", _("The same row appears twice.")))
                continue
            seen_entries.add(prev.entry)
            if prev.entry in pending:
                plan.errors.append((inc.line, "", msg_pending()))
                continue
            if prev.values == values:
                plan.unchanged += 1
                plan.unchanged_pks.append(prev.pk)
                continue
        changes = [
            {
                "column": s.key,
                "label": s.label,
                "level": s.verify_level,
                "before": prev.values.get(s.key) if prev else None,
                "after": values.get(s.key),
            }
            for s in verified
            if needs_verification(s, prev.values.get(s.key) if prev else None, values.get(s.key))
        ]
        slots = NO_SLOTS
        if slotted:
            filled = list(NO_SLOTS)
            for key_, i in slotted:
                value = values.get(key_)
                if value is not None:
                    filled[i] = Decimal(int(value)) if isinstance(value, bool) else Decimal(str(value))
            slots = tuple(filled)
        if changes:
            plan.changes[len(plan.rows)] = changes
            plan.pending += 1
        elif prev is not None:
            plan.superseded.append(prev.pk)
            plan.updated += 1
        else:
            plan.created += 1
        plan.rows.append(
            NewRow(
                prev.entry if prev else uuid.uuid4(),
                key[:100],
                prev.revision + 1 if prev else 1,
                prev.pk if prev else None,
                RowStatus.PENDING if changes else RowStatus.CURRENT,
                bulk.json_text(values),
                alerts_of(values),
                slots,
            )
        )
        plan.previous.append(prev)
    return plan


def _commit(
    plan: Plan,
    *,
    actor: Any,
    ledger: Ledger,
    template: LedgerTemplate,
    unit: Unit,
    period: str,
    batch: str,
    upload: LedgerUpload | None = None,
) -> list[int]:
    """Write a plan: supersede, insert the new versions, open verifications, audit each row.
    Returns the new rows' primary keys (in plan order)."""
    for i in range(0, len(plan.superseded), 5000):
        LedgerRow.objects.filter(pk__in=plan.superseded[i : i + 5000]).update(status=RowStatus.SUPERSEDED)
    if not plan.rows:
        return []
    now = plan.created_at
    last_pk = LedgerRow.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    as_uuid = bulk.adapter(LedgerRow, "entry")
    as_time = bulk.adapter(LedgerRow, "created_at")
    fixed = (
        ledger.pk,
        template.pk,
        unit.pk,
        unit.path,
        period,
        upload.pk if upload else None,
        actor_id,
        as_time(now),
    )
    bulk.insert(
        LedgerRow,
        ROW_FIELDS,
        (
            (
                *fixed,
                as_uuid(r.entry),
                r.row_key,
                r.revision,
                r.supersedes_id,
                r.status,
                r.values_json,
                bulk.json_text(r.alerts) if r.alerts else "[]",
                bool(r.alerts),
                *r.slots,
            )
            for r in plan.rows
        ),
    )
    # Rows inserted in one statement sequence get increasing keys: read them back in order.
    pks = list(
        LedgerRow.objects.filter(ledger=ledger, unit=unit, period=period, created_at=now, pk__gt=last_pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert len(pks) == len(plan.rows)
    if plan.changes:
        verifiers: dict[str, Unit] = {}
        requests = []
        for index, changes in plan.changes.items():
            level = changes[0]["level"]
            if level not in verifiers:
                verifiers[level] = selectors.verifier_for(unit, level, ledger.owner)
            verifier = verifiers[level]
            prev = plan.previous[index]
            requests.append(
                Verification(
                    ledger=ledger,
                    row_id=pks[index],
                    previous_id=prev.pk if prev else None,
                    unit=unit,
                    unit_path=unit.path,
                    verifier=verifier,
                    verifier_path=verifier.path,
                    changes=changes,
                    requested_by_id=actor_id,
                    requested_at=now,
                )
            )
        Verification.objects.bulk_create(requests)
    # One audit entry per row version, shaped as audit.services.entry() shapes them, written
    # with the same fast insert (record_many would build 100,000 model instances).
    actor_name = (
        (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if actor else SYSTEM_ACTOR
    )
    awaiting = _("Awaiting verification")
    fixed_audit = (
        as_time(now),
        actor_id,
        actor_name,
        batch,
        "ledgers.ledger",
        str(ledger.pk),
        unit.path,
        "ledgers.ledgerrow",
    )
    bulk.insert(
        AuditEntry,
        AUDIT_FIELDS,
        (
            (
                *fixed_audit,
                Action.UPDATE if prev is not None else Action.CREATE,
                str(pk),
                f"{ledger.pk}/{r.row_key or r.entry} r{r.revision}"[:200],
                bulk.json_text(prev.values) if prev is not None else None,
                r.values_json,
                awaiting if index in plan.changes else "",
            )
            for index, (r, prev, pk) in enumerate(zip(plan.rows, plan.previous, pks, strict=True))
        ),
    )
    return pks


def _field_errors(specs: list[ColumnSpec], errors: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    labels = {s.key: s.label for s in specs}
    field_errors = {key: text for key, text in errors}
    details = [message(labels.get(key, key), text) if key else text for key, text in errors]
    return field_errors, details


@dataclass
class RowOutcome:
    row: LedgerRow
    status: str  # created, updated, unchanged, pending


@transaction.atomic
def row_submit(
    *,
    actor: Any,
    ledger: Ledger,
    unit: Unit,
    values: Mapping[str, Any],
    period: str | None = None,
    entry_id: uuid.UUID | None = None,
    batch: str = "",
) -> RowOutcome:
    """Add a row, or (``entry_id`` or a matching row key) write a new version of one."""
    _require_fill(actor, ledger, unit)
    period = _check_period(ledger, period)
    template = selectors.current_template(ledger)
    specs = [c.spec() for c in template.columns.all()]
    lookup = selectors.unit_lookup(unit) if any(s.type == "unit" for s in specs) else None
    result = validate_row(specs, values, units=lookup)
    if not result.ok:
        field_errors, details = _field_errors(specs, result.errors)
        raise RowInvalid(msg_row_invalid(), field_errors=field_errors, details=details)
    plan = _plan(
        ledger=ledger,
        template=template,
        specs=specs,
        unit=unit,
        period=period,
        incoming=[Incoming(result.values, entry=entry_id)],
        mode=ImportMode.UPSERT,
    )
    if plan.errors:
        field_errors, details = _field_errors(specs, [(k, t) for _line, k, t in plan.errors])
        raise RowInvalid(
            details[0] if len(details) == 1 and not field_errors.get("") else msg_row_invalid(),
            field_errors=field_errors,
            details=details,
        )
    if not plan.rows:
        return RowOutcome(LedgerRow.objects.get(pk=plan.unchanged_pks[0]), "unchanged")
    pks = _commit(
        plan,
        actor=actor,
        ledger=ledger,
        template=template,
        unit=unit,
        period=period,
        batch=batch or new_batch(),
    )
    status = "pending" if plan.pending else ("updated" if plan.updated else "created")
    return RowOutcome(LedgerRow.objects.get(pk=pks[0]), status)


@transaction.atomic
def row_remove(*, actor: Any, row: LedgerRow, reason: str = "") -> LedgerRow:
    """Take a row out of the ledger: a last version with status removed (history stays)."""
    row = LedgerRow.objects.select_for_update().select_related("ledger", "unit").get(pk=row.pk)
    _require_fill(actor, row.ledger, row.unit)
    if row.status != RowStatus.CURRENT:
        raise DomainError(_("Only a current row can be removed."), code="not_current")
    if LedgerRow.objects.filter(entry=row.entry, status=RowStatus.PENDING).exists():
        raise DomainError(msg_pending(), code="pending")
    LedgerRow.objects.filter(pk=row.pk).update(status=RowStatus.SUPERSEDED)
    gone = LedgerRow.objects.create(
        ledger=row.ledger,
        template=row.template,
        unit=row.unit,
        unit_path=row.unit_path,
        period=row.period,
        entry=row.entry,
        row_key=row.row_key,
        revision=row.revision + 1,
        supersedes=row,
        status=RowStatus.REMOVED,
        values=row.values,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=clock.now(),
    )
    record(
        actor=actor,
        action=Action.DELETE,
        obj=gone,
        before=row.values,
        unit_path=row.unit_path,
        related=row.ledger,
        message=reason[:500],
    )
    return gone


# --- Verification ------------------------------------------------------------------------------


@transaction.atomic
def verification_decide(
    *, actor: Any, verification: Verification, accept: bool, reason: str = ""
) -> Verification:
    """Accept (the pending version becomes current) or reject (it is kept, marked rejected)."""
    item = (
        Verification.objects.select_for_update(of=("self",))
        .select_related("row", "previous", "ledger")
        .get(pk=verification.pk)
    )
    if not access.can_verify(actor, item.verifier_path):
        raise Forbidden(
            _("Only a supervisor of %(unit)s or above may verify this change.") % {"unit": item.verifier.name}
        )
    if item.decision != Decision.PENDING:
        raise DomainError(_("This change has been decided already."), code="decided")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise DomainError(_("Give a reason for rejecting the change."), code="reason_required")
    row = item.row
    if accept:
        if item.previous_id:
            LedgerRow.objects.filter(pk=item.previous_id, status=RowStatus.CURRENT).update(
                status=RowStatus.SUPERSEDED
            )
        if (
            row.row_key
            and LedgerRow.objects.filter(
                ledger=row.ledger_id,
                unit=row.unit_id,
                period=row.period,
                row_key=row.row_key,
                status=RowStatus.CURRENT,
            )
            .exclude(entry=row.entry)
            .exists()
        ):
            raise DomainError(
                _("Another row with the same key is current now; the change cannot be accepted."),
                code="duplicate",
            )
        LedgerRow.objects.filter(pk=row.pk).update(status=RowStatus.CURRENT)
    else:
        LedgerRow.objects.filter(pk=row.pk).update(status=RowStatus.REJECTED)
    item.decision = Decision.ACCEPTED if accept else Decision.REJECTED
    item.decided_by = actor if getattr(actor, "pk", None) else None
    item.decided_at = clock.now()
    item.reason = reason[:500]
    item.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=row,
        before={"status": RowStatus.PENDING},
        after={"status": RowStatus.CURRENT if accept else RowStatus.REJECTED, "changes": item.changes},
        unit_path=item.unit_path,
        related=item.ledger,
        message=(_("Change accepted") if accept else _("Change rejected: %(reason)s") % {"reason": reason}),
    )
    return item


# --- Excel -------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    upload: LedgerUpload
    errors: list[str]

    @property
    def accepted(self) -> bool:
        return self.upload.status == UploadStatus.ACCEPTED


def _refuse(text: str) -> DomainError:
    return DomainError(text, code="bad_file")


@transaction.atomic
def rows_import(
    *, actor: Any, ledger: Ledger, unit: Unit, data: bytes, filename: str, mode: str = ImportMode.UPSERT
) -> ImportOutcome:
    """Import a filled workbook: all rows or none.

    A file that is not a workbook of this ledger's current version for this unit is refused
    with a DomainError and leaves no trace. A workbook with bad rows is refused as a whole:
    the upload is logged with every error (第N行「列名」：…) and an error report (the rows with
    the bad cells marked) to download; no row is saved.
    """
    _require_fill(actor, ledger, unit)
    if mode not in ImportMode.values:
        raise DomainError(_("Unknown import mode."), code="bad_mode")
    if len(data) > conf.max_upload_bytes():
        raise _refuse(msg_too_big(conf.max_upload_bytes() // (1024 * 1024)))
    try:
        book = excel.read_upload(
            data, max_rows=conf.max_rows(), max_uncompressed=conf.max_uncompressed_bytes()
        )
    except excel.UploadError as exc:
        raise _refuse(str(exc)) from None
    stamp = book.stamp
    template = selectors.current_template(ledger)
    if stamp.get("kind") != "fill" or stamp.get("ledger") != ledger.key:
        raise _refuse(msg_wrong_ledger())
    if stamp.get("version") != str(template.version):
        raise _refuse(msg_wrong_version(stamp.get("version", "?"), template.version))
    if stamp.get("unit") != unit.code:
        raise _refuse(msg_wrong_unit(stamp.get("unit", "?")))
    period = _check_period(ledger, stamp.get("period", ""))
    specs = [c.spec() for c in template.columns.all()]
    header = [excel.header_key(h) for h in book.header]
    if header[: len(specs)] != [s.label for s in specs] or any(
        h not in ("", excel.ENTRY_HEADER) for h in header[len(specs) :]
    ):
        raise _refuse(msg_header())
    entry_col = header.index(excel.ENTRY_HEADER) if excel.ENTRY_HEADER in header else None

    lookup = selectors.unit_lookup(unit) if any(s.type == "unit" for s in specs) else None
    check = compile_row(specs, units=lookup)
    col_of = {s.key: i for i, s in enumerate(specs)}
    problems: list[tuple[int, str, str]] = []  # (line, key, message)
    total = 0

    def incoming() -> Iterable[Incoming]:
        # Validated as read, straight into the plan: the raw cells are not kept (the error
        # report reads the sheet again), which halves an import's peak memory.
        nonlocal total
        for line, cells in book.rows():
            total += 1
            result = check(cells)
            if not result.ok:
                problems.extend((line, key, text) for key, text in result.errors)
                continue
            entry_id = None
            if entry_col is not None and entry_col < len(cells) and cells[entry_col] not in (None, ""):
                try:
                    entry_id = uuid.UUID(str(cells[entry_col]))
                except ValueError:
                    problems.append((line, "", msg_bad_row_id()))
                    continue
            yield Incoming(result.values, line=line, entry=entry_id)

    try:
        plan = _plan(
            ledger=ledger,
            template=template,
            specs=specs,
            unit=unit,
            period=period,
            incoming=incoming(),
            mode=mode,
        )
    except excel.UploadError as exc:
        raise _refuse(str(exc)) from None
    problems.extend((line or 0, key, text) for line, key, text in plan.errors)

    labels = {s.key: s.label for s in specs}
    batch = new_batch()
    upload = LedgerUpload(
        ledger=ledger,
        template=template,
        unit=unit,
        unit_path=unit.path,
        period=period,
        mode=mode,
        filename=(filename or "upload.xlsx")[:200],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        rows_total=total,
        batch=batch,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        uploaded_at=clock.now(),
    )
    if problems:
        del plan
        problems.sort(key=lambda p: (p[0], col_of.get(p[1], -1)))
        messages = [
            message(labels[key], text, line)
            if key in labels
            else _("Row %(line)d: %(message)s") % {"line": line, "message": text}
            for line, key, text in problems
        ]
        cell_errors: dict[tuple[int, int], str] = {}
        row_errors: dict[int, list[str]] = {}
        for (line, key, text), full in zip(problems, messages, strict=True):
            if key in col_of:
                cell_errors.setdefault((line, col_of[key]), text)
            row_errors.setdefault(line, []).append(full)
        upload.status = UploadStatus.REFUSED
        upload.error_count = len(problems)
        upload.errors = messages[:MAX_ERRORS_KEPT]
        upload.error_report = excel.error_report(
            header=list(book.header),
            rows=book.rows(),
            cell_errors=cell_errors,
            row_errors=row_errors,
            messages=messages,
        )
        upload.save()
        record(
            actor=actor,
            action=Action.IMPORT,
            obj=upload,
            after={"status": upload.status, "errors": upload.error_count, "rows": upload.rows_total},
            batch=batch,
            unit_path=unit.path,
            related=ledger,
            message=msg_import_refused(len(problems)),
        )
        return ImportOutcome(upload=upload, errors=messages)

    upload.status = UploadStatus.ACCEPTED
    upload.rows_created, upload.rows_updated = plan.created, plan.updated
    upload.rows_unchanged, upload.rows_pending = plan.unchanged, plan.pending
    upload.save()
    _commit(
        plan,
        actor=actor,
        ledger=ledger,
        template=template,
        unit=unit,
        period=period,
        batch=batch,
        upload=upload,
    )
    record(
        actor=actor,
        action=Action.IMPORT,
        obj=upload,
        after={
            "status": upload.status,
            "created": plan.created,
            "updated": plan.updated,
            "unchanged": plan.unchanged,
            "pending": plan.pending,
        },
        batch=batch,
        unit_path=unit.path,
        related=ledger,
    )
    return ImportOutcome(upload=upload, errors=[])


def workbook_stamp(
    *, ledger: Ledger, template: LedgerTemplate, unit: Unit, period: str, kind: str = "fill"
) -> dict[str, str]:
    return {
        "kind": kind,
        "ledger": ledger.key,
        "version": str(template.version),
        "unit": unit.code,
        "period": period,
        "data_sheet": _("Data"),
        "generated": clock.now().isoformat(timespec="seconds"),
    }


# --- Seeds -------------------------------------------------------------------------------------


@transaction.atomic
def ledgers_seed(
    *,
    actor: Any,
    owner: Unit,
    root: Unit | None = None,
    levels: Mapping[str, str] | None = None,
    roots: Mapping[str, Unit] | None = None,
) -> list[Ledger]:
    """Create the shipped templates (脱贫攻坚 households, 城市更新 projects, 空心村) under
    ``owner``, filled by every unit of each template's level under ``root`` (default: the
    owner; ``roots`` and ``levels`` override it per key). Idempotent: a key that exists is left
    alone."""
    from .seeds import SEEDS

    made = []
    for seed in SEEDS:
        if Ledger.objects.filter(key=seed["key"]).exists():
            continue
        level = (levels or {}).get(seed["key"], seed["level"])
        made.append(
            ledger_create(
                actor=actor,
                owner=owner,
                key=seed["key"],
                name=seed["name"],
                description=seed["description"],
                cadence=seed["cadence"],
                columns=seed["columns"],
                row_key=seed["row_key"],
                alert_rules=seed.get("alert_rules", ()),
                assign_root=(roots or {}).get(seed["key"]) or root or owner,
                assign_level=level,
                accept_burden=True,
            )
        )
    return made
