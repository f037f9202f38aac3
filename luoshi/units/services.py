"""Every write to units: create, rename, re-parent, retire, aliases, departments, groups.

Each service is keyword-only, runs in one transaction, validates before writing, raises
DomainError with a message a person can act on, and leaves an audit entry.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from luoshi.audit.models import Action
from luoshi.audit.services import record, snapshot
from luoshi.core import clock
from luoshi.core.exceptions import DomainError

from . import paths
from .models import LEVEL_ORDER, Kind, Level, Source, Unit, UnitAlias, UnitGroup

DATA_DIR = Path(__file__).resolve().parent / "data"
AUDIT_FIELDS = ("code", "name", "short_name", "level", "kind", "parent", "path", "retired_at")

# Rows elsewhere that carry a copy of a unit's path (for one-table scope filters); a
# re-parent rewrites them in the same transaction. Apps register theirs at import time.
PATH_COPIES: list[tuple[str, str]] = []


def register_path_copy(model_label: str, field: str) -> None:
    if (model_label, field) not in PATH_COPIES:
        PATH_COPIES.append((model_label, field))


def msg_bad_code(code: str) -> str:
    return _("The division code “%(code)s” is malformed: it must be 12 digits.") % {"code": code}


def msg_unknown_parent(code: str) -> str:
    return _("The parent unit “%(code)s” does not exist.") % {"code": code}


def msg_code_exists(code: str) -> str:
    return _("A unit with code “%(code)s” already exists.") % {"code": code}


def msg_level_mismatch(code: str, level: str) -> str:
    return _("The code “%(code)s” is not the code of a %(level)s.") % {
        "code": code,
        "level": Level(level).label,
    }


def msg_parent_level(parent: str) -> str:
    return _("“%(parent)s” cannot be the supervision parent of a unit at this level.") % {"parent": parent}


def msg_cycle() -> str:
    return _("A unit cannot be placed under itself or one of its own subordinate units.")


def msg_empty_name() -> str:
    return _("The name must not be empty.")


@cache
def short_suffixes() -> tuple[str, ...]:
    # Longest first, so 自治区 is tried before 区.
    return tuple(
        sorted(
            [
                "省",
                "市",
                "自治区",
                "自治州",
                "自治县",
                "自治旗",
                "地区",
                "盟",
                "区",
                "县",
                "旗",
                "镇",
                "乡",
                "街道",
                "街道办事处",
                "办事处",
                "新区",
                "特别行政区",
                "林区",
            ],
            key=len,
            reverse=True,
        )
    )


NATIONALITY_TAIL = re.compile(r"^(.{2,}?)((?:[^族]{1,4}族)+)$")


def short_name_of(name: str) -> str:
    """The everyday short name of a division: 石家庄市 → 石家庄, 围场满族蒙古族自治县 → 围场.

    A name that would shrink below two characters keeps its suffix (雄县, 易县).
    """
    if name.endswith(("自治县", "自治州", "自治旗")):
        match = NATIONALITY_TAIL.match(name[:-3])
        return match.group(1) if match else name
    for suffix in short_suffixes():
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(msg_empty_name(), code="empty_name")
    return name


def segment_for_unit(*, code: str, level: str, kind: str, parent: Unit | None) -> str:
    if kind == Kind.DEPARTMENT:
        division_code, _sep, key = code.partition("-")
        if not paths.CODE_RE.match(division_code) or not key:
            raise DomainError(msg_bad_code(code), code="bad_code")
        return paths.segment_for(division_code, paths.level_of_code(division_code)) + "-" + key
    if not paths.CODE_RE.match(code):
        raise DomainError(msg_bad_code(code), code="bad_code")
    return paths.segment_for(code, level)


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    level: str,
    parent: Unit | None,
    kind: str = Kind.DIVISION,
    short_name: str | None = None,
    aliases: Iterable[str] = (),
    source: str = Source.MANUAL,
    parent_overridden: bool = False,
    batch: str = "",
) -> Unit:
    """Create one unit under ``parent`` and record it."""
    code = (code or "").strip()
    name = _check_name(name)
    if level not in Level.values:
        raise DomainError(_("Unknown level “%(level)s”.") % {"level": level}, code="bad_level")
    segment = segment_for_unit(code=code, level=level, kind=kind, parent=parent)
    if kind == Kind.DIVISION and paths.level_of_code(code) != level:
        raise DomainError(msg_level_mismatch(code, level), code="bad_level")
    if parent is not None and kind == Kind.DIVISION and LEVEL_ORDER[parent.level] >= LEVEL_ORDER[level]:
        raise DomainError(msg_parent_level(parent.name), code="bad_parent")
    if level != Level.PROVINCE and parent is None:
        raise DomainError(msg_unknown_parent(""), code="unknown_parent")
    if Unit.objects.filter(code=code).exists():
        raise DomainError(msg_code_exists(code), code="duplicate")
    unit = Unit(
        code=code,
        name=name,
        short_name=short_name if short_name is not None else short_name_of(name),
        level=level,
        kind=kind,
        parent=parent,
        parent_overridden=parent_overridden,
        path=(parent.path + "/" if parent else "") + segment,
        source=source,
    )
    unit.full_clean()
    unit.save()
    alias_names = {a.strip() for a in aliases if a and a.strip()} - {unit.name}
    if unit.short_name and unit.short_name != unit.name:
        UnitAlias.objects.create(unit=unit, name=unit.short_name, kind=UnitAlias.AliasKind.SHORT)
        alias_names.discard(unit.short_name)
    UnitAlias.objects.bulk_create([UnitAlias(unit=unit, name=a) for a in sorted(alias_names)])
    record(
        actor=actor,
        action=Action.CREATE,
        obj=unit,
        after=snapshot(unit, AUDIT_FIELDS),
        batch=batch,
        unit_path=unit.path,
    )
    return unit


@transaction.atomic
def unit_rename(*, actor: Any, unit: Unit, name: str, short_name: str | None = None, batch: str = "") -> Unit:
    """Rename a unit; the old name stays findable as a former name."""
    name = _check_name(name)
    before = snapshot(unit, AUDIT_FIELDS)
    old = unit.name
    unit.name = name
    unit.short_name = short_name if short_name is not None else short_name_of(name)
    unit.full_clean()
    unit.save(update_fields=["name", "short_name", "updated_at"])
    if old != name:
        UnitAlias.objects.get_or_create(unit=unit, name=old, defaults={"kind": UnitAlias.AliasKind.FORMER})
    if unit.short_name and unit.short_name != unit.name:
        UnitAlias.objects.get_or_create(
            unit=unit, name=unit.short_name, defaults={"kind": UnitAlias.AliasKind.SHORT}
        )
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=unit,
        before=before,
        after=snapshot(unit, AUDIT_FIELDS),
        batch=batch,
        unit_path=unit.path,
        message=_("Renamed from %(old)s") % {"old": old} if old != name else "",
    )
    return unit


@transaction.atomic
def unit_reparent(*, actor: Any, unit: Unit, parent: Unit, overridden: bool = True, batch: str = "") -> Unit:
    """Move ``unit`` and its whole subtree under ``parent``: one UPDATE per path table."""
    from django.apps import apps

    if parent.pk == unit.pk or paths.is_within(parent.path, unit.path):
        raise DomainError(msg_cycle(), code="cycle")
    if unit.kind == Kind.DIVISION and LEVEL_ORDER[parent.level] >= LEVEL_ORDER[unit.level]:
        raise DomainError(msg_parent_level(parent.name), code="bad_parent")
    before = snapshot(unit, AUDIT_FIELDS)
    old_path = unit.path
    new_path = parent.path + "/" + unit.segment
    if new_path != old_path:
        rewrite = Concat(Value(new_path), Substr("path", len(old_path) + 1))
        Unit.objects.filter(paths.subtree_q(old_path)).update(path=rewrite)
        for label, field in PATH_COPIES:
            model = apps.get_model(label)
            model._default_manager.filter(paths.subtree_q(old_path, field=field)).update(
                **{field: Concat(Value(new_path), Substr(field, len(old_path) + 1))}
            )
    Unit.objects.filter(pk=unit.pk).update(parent=parent, parent_overridden=overridden)
    unit.refresh_from_db()
    record(
        actor=actor,
        action=Action.REPARENT,
        obj=unit,
        before=before,
        after=snapshot(unit, AUDIT_FIELDS),
        batch=batch,
        unit_path=unit.path,
    )
    return unit


@transaction.atomic
def unit_retire(*, actor: Any, unit: Unit, batch: str = "", message: str = "") -> Unit:
    """Retire a unit: it stays with its history but is no longer offered for new work."""
    if unit.retired_at is not None:
        return unit
    before = snapshot(unit, AUDIT_FIELDS)
    unit.retired_at = clock.now()
    unit.save(update_fields=["retired_at", "updated_at"])
    record(
        actor=actor,
        action=Action.RETIRE,
        obj=unit,
        before=before,
        after=snapshot(unit, AUDIT_FIELDS),
        batch=batch,
        unit_path=unit.path,
        message=message,
    )
    return unit


@transaction.atomic
def unit_restore(*, actor: Any, unit: Unit, batch: str = "") -> Unit:
    if unit.retired_at is None:
        return unit
    before = snapshot(unit, AUDIT_FIELDS)
    unit.retired_at = None
    unit.save(update_fields=["retired_at", "updated_at"])
    record(
        actor=actor,
        action=Action.RESTORE,
        obj=unit,
        before=before,
        after=snapshot(unit, AUDIT_FIELDS),
        batch=batch,
        unit_path=unit.path,
    )
    return unit


@transaction.atomic
def unit_alias_add(*, actor: Any, unit: Unit, name: str, batch: str = "") -> UnitAlias:
    name = _check_name(name)
    alias, created = UnitAlias.objects.get_or_create(unit=unit, name=name)
    if created:
        record(
            actor=actor,
            action=Action.CREATE,
            obj=alias,
            after={"unit": unit.pk, "name": name},
            batch=batch,
            unit_path=unit.path,
            related=unit,
        )
    return alias


# --- Departments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentSpec:
    key: str
    province_name: str
    province_short: str
    city_name: str
    city_short: str
    aliases: tuple[str, ...]


@cache
def department_specs() -> tuple[DepartmentSpec, ...]:
    with open(DATA_DIR / "departments.csv", encoding="utf-8") as f:
        return tuple(
            DepartmentSpec(
                key=row["key"],
                province_name=row["province_name"],
                province_short=row["province_short"],
                city_name=row["city_name"],
                city_short=row["city_short"],
                aliases=tuple(a for a in row["aliases"].split(";") if a),
            )
            for row in csv.DictReader(f)
        )


def department_names(division: Unit, spec: DepartmentSpec) -> tuple[str, str, list[str]]:
    """Full name, short name and aliases of a department of ``division``.

    河北省 + 发展和改革委员会 → 河北省发展和改革委员会, short 省发展改革委, aliases 省发改委,
    河北省发展改革委, 河北省发改委, 河北发改委.
    """
    if division.level == Level.PROVINCE:
        body, short_body, tag = spec.province_name, spec.province_short, "省"
    else:
        body, short_body, tag = (
            spec.city_name,
            spec.city_short,
            {"city": "市", "county": "县"}.get(division.level, ""),
        )
    full = division.name + body
    short = tag + short_body if tag else division.name + short_body
    aliases = {division.name + short_body, (division.short_name or division.name) + short_body}
    for a in spec.aliases:
        aliases.add(tag + a if tag else division.name + a)
        aliases.add(division.name + a)
    if division.level == Level.COUNTY:
        # A county's departments are as often called 区/市… as 县….
        short = division.name + short_body
    aliases.discard(full)
    aliases.discard(short)
    return full, short, sorted(aliases)


@transaction.atomic
def departments_add(*, actor: Any, division: Unit, batch: str = "") -> list[Unit]:
    """Give ``division`` the standard set of departments (idempotent: existing ones are kept)."""
    if division.kind != Kind.DIVISION or division.level not in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        raise DomainError(_("Departments can be added to a province, city or county only."), code="bad_level")
    created = []
    for spec in department_specs():
        code = f"{division.code}-{spec.key}"
        if Unit.objects.filter(code=code).exists():
            continue
        full, short, aliases = department_names(division, spec)
        created.append(
            unit_create(
                actor=actor,
                code=code,
                name=full,
                short_name=short,
                level=division.level,
                kind=Kind.DEPARTMENT,
                parent=division,
                aliases=aliases,
                source=Source.DEPARTMENT,
                batch=batch,
            )
        )
    return created


# --- Groups ------------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    actor: Any,
    owner: Unit,
    name: str,
    rule: str,
    root: Unit | None = None,
    level: str = "",
    members: Iterable[Unit] = (),
) -> UnitGroup:
    name = _check_name(name)
    if rule not in UnitGroup.Rule.values:
        raise DomainError(_("Unknown group rule."), code="bad_rule")
    if rule in (UnitGroup.Rule.CHILDREN, UnitGroup.Rule.LEVEL) and root is None:
        raise DomainError(_("This group rule needs a root unit."), code="bad_rule")
    if rule == UnitGroup.Rule.LEVEL and level not in Level.values:
        raise DomainError(_("This group rule needs a level."), code="bad_rule")
    members = list(members)
    for unit in ([root] if root else []) + members:
        if not paths.is_within(unit.path, owner.path):
            raise DomainError(
                _("“%(unit)s” is outside %(owner)s.") % {"unit": unit.name, "owner": owner.name},
                code="out_of_scope",
            )
    if UnitGroup.objects.filter(owner=owner, name=name).exists():
        raise DomainError(_("A group named “%(name)s” already exists.") % {"name": name}, code="duplicate")
    group = UnitGroup.objects.create(owner=owner, name=name, rule=rule, root=root, level=level)
    group.members.set(members)
    record(
        actor=actor,
        action=Action.CREATE,
        obj=group,
        after={
            "name": name,
            "rule": rule,
            "root": root.pk if root else None,
            "level": level,
            "members": [m.pk for m in members],
        },
        unit_path=owner.path,
    )
    return group
