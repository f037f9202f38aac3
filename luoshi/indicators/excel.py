"""Actuals in and out of Excel: a fill-in sheet per indicator and year, and its import.

Layout (one sheet): 单位代码 | 单位名称 | 期间 | 实际值. The import reads every row, names every
bad one (第N行), and saves nothing unless all are good (``services.actuals_submit``).
"""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from luoshi.core.excel import neutralise, read_first_sheet, restore
from luoshi.core.exceptions import DomainError
from luoshi.units.models import Unit

from .models import Indicator
from .services import ActualRow


def header() -> list[str]:
    return [_("Unit code"), _("Unit name"), _("Period"), _("Actual")]


def template(indicator: Indicator, units: list[Unit], year: int, periods: list[int]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(str(year))
    bold = book.add_format({"bold": True, "bg_color": "#F2F4F7"})
    sheet.write_row(0, 0, header(), bold)
    row = 1
    for unit in units:
        for period in periods:
            sheet.write_row(row, 0, [neutralise(unit.code), neutralise(unit.name), period])
            row += 1
    sheet.set_column(0, 1, 18)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def read(data: bytes, *, allowed: dict[str, Unit]) -> list[ActualRow]:
    """Rows of the sheet as ActualRows; blank values are skipped (not reported ≠ zero)."""
    sheet = read_first_sheet(data)
    problems: list[str] = []
    rows: list[ActualRow] = []
    for i, cells in enumerate(sheet.rows[1:], start=2):
        cells = [restore(c) for c in cells] + [None] * 4
        code, _name, period, value = cells[:4]
        if code in (None, "") and value in (None, ""):
            continue
        if value in (None, ""):
            continue
        code = str(code).strip()
        if code.endswith(".0"):
            code = code[:-2]
        unit = allowed.get(code)
        if unit is None:
            problems.append(
                _("Row %(n)d: unit %(code)s is unknown or outside your units.") % {"n": i, "code": code}
            )
            continue
        try:
            period_no = int(Decimal(str(period)))
        except Exception:
            problems.append(_("Row %(n)d: the period “%(p)s” is not a number.") % {"n": i, "p": period})
            continue
        if (i - 1, 2) in sheet.formula_cells or (i - 1, 3) in sheet.formula_cells:
            problems.append(_("Row %(n)d: formulas are not accepted; enter values.") % {"n": i})
            continue
        rows.append(ActualRow(unit, period_no, value))
    if problems:
        raise DomainError(
            _("%(n)d rows have errors; nothing was saved.") % {"n": len(problems)},
            code="invalid",
            details=problems,
        )
    if not rows:
        raise DomainError(_("The file holds no figures."), code="empty")
    return rows
