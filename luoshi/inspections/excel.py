"""The problem ledger as the spreadsheet offices keep (问题整改台账).

Columns: 序号, 问题来源, 问题描述, 严重程度, 责任单位, 整改措施, 整改时限, 整改进展, 状态, 销号时间,
plus 发现日期, 已挂账天数 (ageing: days open, to the close or to today) and 是否重复发现.
Cells are neutralised so no text runs as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from django.utils import timezone

from luoshi.core import clock
from luoshi.core.excel import neutralise

from . import selectors
from .models import Finding, FindingSource, FindingStatus

COLUMNS = [
    "序号",
    "问题来源",
    "问题描述",
    "严重程度",
    "责任单位",
    "整改措施",
    "整改时限",
    "整改进展",
    "状态",
    "销号时间",
    "发现日期",
    "已挂账天数",
    "是否重复发现",
]
WIDTHS = [6, 22, 40, 9, 16, 32, 12, 32, 12, 12, 12, 10, 10]
STATUS_TEXT = {
    FindingStatus.RECORDED: "待交办",
    FindingStatus.RECTIFYING: "整改中",
    FindingStatus.CLOSED: "已销号",
}
SEVERITY_TEXT = {"general": "一般", "serious": "较重", "critical": "严重"}
SOURCE_TEXT = {
    FindingSource.SPOT_CHECK: "检查抽查",
    FindingSource.SELF_CHECK: "自查",
    FindingSource.AUDIT: "审计",
    FindingSource.TOUR: "巡视",
    FindingSource.SUPERVISION: "督查",
    FindingSource.ASSESSMENT: "考核",
}


def _progress(f: Finding) -> str:
    text = (getattr(f, "progress_text", None) or "").strip()
    if f.assignment_id is None:
        return text
    return f"{f.assignment.progress}%" + (f"，{text}" if text else "")


def _row(n: int, f: Finding, today: dt.date) -> list[Any]:
    source = SOURCE_TEXT.get(f.source_kind, f.source_kind)
    if f.source_ref:
        source = f"{source}（{f.source_ref}）"
    status = STATUS_TEXT.get(f.status, f.status)
    if selectors.is_overdue(f, today):
        status += "（逾期）"
    return [
        n,
        source,
        f.description,
        SEVERITY_TEXT.get(f.severity, f.severity),
        f.unit.name,
        f.measures,
        f.deadline,
        _progress(f),
        status,
        timezone.localtime(f.closed_at).date() if f.closed_at else "",
        f.found_on,
        selectors.age_days(f, today),
        "是" if f.repeat_of_id else "",
    ]


def export_ledger(findings: Any, *, title: str, today: dt.date | None = None) -> bytes:
    """``findings`` (a ledger queryset) as an .xlsx 问题整改台账."""
    today = today or clock.today()
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "remove_timezone": True})
    sheet = book.add_worksheet("问题整改台账")
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format(
        {"bold": True, "bg_color": "#F2F4F7", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    date_fmt = book.add_format({"border": 1, "num_format": "yyyy-mm-dd", "valign": "top"})
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, neutralise(title), title_fmt)
    sheet.write_row(1, 0, COLUMNS, head)
    sheet.freeze_panes(2, 0)
    for i, width in enumerate(WIDTHS):
        sheet.set_column(i, i, width)
    for n, f in enumerate(findings, start=1):
        for col, value in enumerate(_row(n, f, today)):
            if isinstance(value, dt.date):
                sheet.write_datetime(n + 1, col, dt.datetime.combine(value, dt.time()), date_fmt)
            elif isinstance(value, int):
                sheet.write_number(n + 1, col, value, cell)
            else:
                sheet.write_string(n + 1, col, str(neutralise(value or "")), cell)
    book.close()
    return buf.getvalue()
