"""Every dashboard table as an Excel workbook (XlsxWriter; formula-like text neutralised)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from luoshi.core.excel import neutralise

from .selectors import Dashboard

TABLES = ("children", "indicators", "lagging", "halfway")


def _pct(x: float | None) -> float | None:
    return round(x * 100, 1) if x is not None else None


def _passed(value: bool | None) -> str:
    return {True: _("Pass"), False: _("Fail"), None: _("Not assessable")}[value]


def _children(d: Dashboard) -> tuple[list[str], list[list[Any]]]:
    ind = d.indicator
    head = [
        _("Code"),
        _("Unit"),
        _("Tasks counted"),
        _("Completed by the check date"),
        _("In progress"),
        _("Red lights"),
        _("Overdue"),
        _("Red-light share (%)"),
    ]
    if ind:
        head += [f"{ind.name} {_('year to date')}", f"{ind.name} {_('annual target')}", _("Attainment (%)")]
    head += [_("Half-way check")]
    rows = []
    for r in [d.own, *d.children]:
        line = [
            r.unit.code,
            r.unit.name,
            r.tasks.total,
            r.tasks.done,
            r.tasks.active,
            r.tasks.red,
            r.tasks.overdue,
        ]
        line.append(_pct(r.tasks.red_share))
        if ind:
            fig = r.figures.get(ind.pk)
            line += [
                fig.value if fig else None,
                fig.target if fig else None,
                _pct(fig.attainment) if fig else None,
            ]
        line.append(_passed(r.halfway.passed))
        rows.append(line)
    return head, rows


def _indicators(d: Dashboard) -> tuple[list[str], list[list[Any]]]:
    head = [_("Indicator"), _("Measure unit"), _("Year to date"), _("Annual target"), _("Attainment (%)")]
    return head, [
        [f.indicator.name, f.indicator.measure_unit, f.value, f.target, _pct(f.attainment)]
        for f in d.own.figures.values()
    ]


def _lagging(d: Dashboard) -> tuple[list[str], list[list[Any]]]:
    head = [_("Code"), _("Unit"), _("In progress"), _("Red lights"), _("Yellow lights"), _("Overdue")]
    return head, [[r["code"], r["name"], r["active"], r["red"], r["yellow"], r["overdue"]] for r in d.lagging]


def _halfway(d: Dashboard) -> tuple[list[str], list[list[Any]]]:
    head = [_("Rank"), _("Code"), _("Unit"), _("Half-way check"), _("Tasks completed (%)"), _("Reasons")]
    ranked = [*d.failing, *[r for r in d.children if r.halfway.passed is not False]]
    return head, [
        [
            i if r.halfway.passed is False else None,
            r.unit.code,
            r.unit.name,
            _passed(r.halfway.passed),
            _pct(r.halfway.task_share),
            r.halfway.reason,
        ]
        for i, r in enumerate(ranked, start=1)
    ]


BUILDERS: dict[str, Callable[[Dashboard], tuple[list[str], list[list[Any]]]]] = {
    "children": _children,
    "indicators": _indicators,
    "lagging": _lagging,
    "halfway": _halfway,
}


def titles() -> dict[str, str]:
    return {
        "children": _("Subordinate units"),
        "indicators": _("Indicators"),
        "lagging": _("Most lagging units"),
        "halfway": _("Half-way check"),
    }


def workbook(d: Dashboard, table: str) -> tuple[bytes, str]:
    head, rows = BUILDERS[table](d)
    title = titles()[table]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True, "bg_color": "#F2F4F7"})
    sheet.write_row(0, 0, [f"{d.unit.name} · {title} · {d.filters.year}-{d.filters.month:02d}"])
    sheet.write_row(1, 0, head, bold)
    for i, row in enumerate(rows, start=2):
        sheet.write_row(i, 0, [neutralise(v) for v in row])
    sheet.freeze_panes(2, 0)
    sheet.set_column(0, len(head) - 1, 14)
    book.close()
    return buffer.getvalue(), f"{d.unit.name}-{title}-{d.filters.year}{d.filters.month:02d}.xlsx"
