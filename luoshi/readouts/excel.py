"""The draft as an Excel decomposition table (任务分解表), for offices that still mail one around.

Columns: 序号, 任务内容, 牵头单位, 配合单位, 完成时限, 目标; only the rows marked for inclusion.
Text that Excel would take for a formula (= + - @) gets a leading apostrophe.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from . import drafts, selectors
from .models import ReadoutDraft

COLUMNS = ["序号", "任务内容", "牵头单位", "配合单位", "完成时限", "目标"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_draft(draft: ReadoutDraft) -> bytes:
    data = draft.data or {}
    rows = [r for r in data.get("rows", []) if r.get("include")]
    names = {
        code: unit.name
        for code, unit in selectors.units_by_code(
            c for r in rows for c in r.get("lead", []) + r.get("co", [])
        ).items()
    }
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet("任务分解表")
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format({"bold": True, "bg_color": "#F2F4F7", "border": 1, "valign": "vcenter"})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    title = (data.get("meeting", {}).get("title") or "").strip()
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, neutralise(f"{title} 任务分解表".strip()), title_fmt)
    sheet.write_row(1, 0, COLUMNS, head)
    sheet.freeze_panes(2, 0)
    for i, width in enumerate([7, 60, 24, 24, 12, 24]):
        sheet.set_column(i, i, width)
    for n, row in enumerate(rows, start=1):
        lead = "、".join(names.get(c, c) for c in row.get("lead", []))
        co = "、".join(names.get(c, c) for c in row.get("co", []))
        if row.get("lead_extra"):
            lead = "、".join(x for x in (lead, row["lead_extra"]) if x)
        if row.get("co_extra"):
            co = "、".join(x for x in (co, row["co_extra"]) if x)
        targets = "；".join(drafts.target_label(t) for t in row.get("targets", []))
        values = [
            str(n),
            row.get("content") or row.get("title", ""),
            lead,
            co,
            row.get("deadline", ""),
            targets,
        ]
        for col, value in enumerate(values):
            sheet.write_string(n + 1, col, neutralise(value), cell)
    book.close()
    return buf.getvalue()
