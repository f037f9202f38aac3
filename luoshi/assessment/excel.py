"""A run's ranking table as an Excel workbook (XlsxWriter; formula-like text neutralised).

One sheet per peer group: rank, unit, code, per criterion its raw value and contribution,
adjustments, total, movement, bottom mark. Criteria cells are left empty for units whose
explanation the reader may not see.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from luoshi.core.excel import neutralise

from .models import Run
from .tables import Group, movement_text


def workbook(run: Run, groups: list[Group]) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    low = book.add_format({"bg_color": "#FDE2E1"})
    scheme = run.scheme
    publication = getattr(run, "publication", None)
    title = f"{scheme.name}（{scheme.period_label}）"
    status = (
        _("Published version %(v)d") % {"v": publication.version}
        if publication is not None
        else _("Not published")
    )
    for group in groups or []:
        ws = book.add_worksheet(group.label[:31])
        ws.write(0, 0, neutralise(title), bold)
        ws.write(1, 0, neutralise(f"{status} · {_('data as of')} {run.as_of.isoformat()}"))
        head = [_("Rank"), _("Unit"), _("Code")]
        for c in run.criteria:
            head += [f"{c['label']} {_('raw value')}", f"{c['label']} {_('score')}（{c['weight']:g}）"]
        head += [_("Adjustments"), _("Total"), _("Movement"), _("Bottom")]
        ws.write_row(3, 0, [neutralise(h) for h in head], bold)
        for i, line in enumerate(group.lines, start=4):
            s = line.score
            row: list[Any] = [s.rank, neutralise(s.unit_name), s.unit_code]
            for cell in line.cells:
                row += [cell["raw"], cell["contribution"]] if cell else [None, None]
            row += [s.adjustments, s.total, movement_text(s.movement), _("Yes") if s.bottom else ""]
            ws.write_row(i, 0, row, low if s.bottom else None)
        ws.freeze_panes(4, 3)
        ws.set_column(1, 1, 14)
        ws.set_column(3, 2 + 2 * len(run.criteria), 11)
    if not groups:
        book.add_worksheet().write(0, 0, neutralise(title))
    book.close()
    suffix = f"v{publication.version}" if publication is not None else _("draft")
    return buffer.getvalue(), f"{scheme.name}-{scheme.period_label}-{suffix}.xlsx"
