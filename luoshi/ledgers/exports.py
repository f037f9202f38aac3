"""Workbooks out of the database: a unit's fill-in workbook and a subtree's export.

Both mask resident IDs and phones for readers not allowed to see them (``access``), and
both go through ``excel.write_workbook`` (formula injection neutralised, header frozen).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from luoshi.accounts.models import Role
from luoshi.core import clock
from luoshi.units.models import Unit
from luoshi.units.paths import subtree_q

from . import access, excel, periods, selectors
from .models import Ledger, LedgerRow, LedgerTemplate, RowStatus
from .services import workbook_stamp
from .validation import ColumnSpec, UnitLookup, mask


def _unit_display(lookup: UnitLookup | None, code: str) -> str:
    """A unit cell shows the name when the name is unambiguous (so it reads back), else the code."""
    if lookup is None:
        return code
    name = lookup.names.get(code)
    if name and len(lookup.by_name.get(name, ())) == 1:
        return name
    return code


def row_cells(
    specs: list[ColumnSpec], values: dict[str, Any], *, unmasked: bool, lookup: UnitLookup | None
) -> list[Any]:
    out: list[Any] = []
    for spec in specs:
        value = values.get(spec.key)
        if value is None:
            out.append(None)
        elif spec.is_sensitive and not unmasked:
            out.append(mask(spec, value))
        elif spec.type == "unit":
            out.append(_unit_display(lookup, value))
        else:
            out.append(value)
    return out


def _instructions(ledger: Ledger, template: LedgerTemplate, unit: Unit, period: str) -> list[tuple[str, str]]:
    key_label = next((c.label for c in template.columns.all() if c.key == template.row_key), "")
    return [
        (_("Ledger"), ledger.name),
        (_("Unit"), f"{unit.name}（{unit.code}）"),
        (_("Period"), periods.label(period) or _("One-off")),
        (_("Template version"), str(template.version)),
        (_("Row key"), key_label or _("None: rows are matched by their hidden row id")),
        (
            _("How to fill"),
            _(
                "Fill the data sheet, one row per record; do not rename, add or remove columns, and keep the hidden sheet. Columns marked * are required. Upload the file on the ledger's page; if any cell is wrong, nothing is saved and you get the file back with the wrong cells marked."
            ),
        ),
    ]


def write_unit_workbook(target: Any, *, user: Any, ledger: Ledger, unit: Unit, period: str) -> int:
    """The workbook a unit fills: its current rows, the template's columns and the stamp."""
    template = selectors.current_template(ledger)
    specs = [c.spec() for c in template.columns.all()]
    lookup = selectors.unit_lookup(unit) if any(s.type == "unit" for s in specs) else None
    unmasked = access.can_see_sensitive(user, unit.path)
    rows = (
        LedgerRow.objects.filter(ledger=ledger, unit=unit, period=period, status=RowStatus.CURRENT)
        .order_by("row_key", "id")
        .values_list("values", "entry")
    )

    def gen() -> Iterator[list[Any]]:
        for values, entry in rows.iterator(chunk_size=2000):
            yield [*row_cells(specs, values, unmasked=unmasked, lookup=lookup), str(entry)]

    return excel.write_workbook(
        target,
        specs=specs,
        rows=gen(),
        stamp=workbook_stamp(ledger=ledger, template=template, unit=unit, period=period),
        instructions=_instructions(ledger, template, unit, period),
    )


def write_export(target: Any, *, user: Any, ledger: Ledger, under: Unit, period: str) -> int:
    """Every current row under ``under`` (the caller has checked the user may see it), with
    the filling unit first. Not for re-upload: its stamp says ``export``."""
    template = selectors.current_template(ledger)
    specs = [c.spec() for c in template.columns.all()]
    names = dict(Unit.objects.filter(subtree_q(under.path)).values_list("path", "name"))
    lookup = selectors.unit_lookup(under) if any(s.type == "unit" for s in specs) else None
    managers = access.is_system(user) or bool(set(getattr(user, "roles", None) or []) & set(access.MANAGERS))
    own = user.unit.path if getattr(user, "unit", None) is not None else None
    reporter = Role.REPORTER in (getattr(user, "roles", None) or [])
    rows = (
        selectors.rows_visible_to(user)
        .filter(ledger=ledger, period=period, status=RowStatus.CURRENT)
        .filter(subtree_q(under.path, field="unit_path"))
        .order_by("unit_path", "row_key", "id")
        .values_list("unit_path", "values")
    )

    def gen() -> Iterator[list[Any]]:
        for path, values in rows.iterator(chunk_size=2000):
            unmasked = managers or (reporter and path == own)
            yield [names.get(path, path), *row_cells(specs, values, unmasked=unmasked, lookup=lookup)]

    stamp = workbook_stamp(ledger=ledger, template=template, unit=under, period=period, kind="export")
    info = [
        (_("Ledger"), ledger.name),
        (_("Rows under"), under.name),
        (_("Period"), periods.label(period) or _("One-off")),
        (_("Exported at"), clock.now().strftime("%Y-%m-%d %H:%M")),
    ]
    return excel.write_workbook(
        target,
        specs=specs,
        rows=gen(),
        stamp=stamp,
        instructions=info,
        lead_headers=[_("Unit")],
        with_entry=False,
    )
