"""The decomposition table (任务分解表) in the form offices use, out and back in.

Columns: 序号, 任务名称, 任务内容, 牵头单位, 配合单位, 责任人, 完成时限, 进展情况, 状态. The export
holds the tasks the user may see, sub-tasks numbered under their parent (1.2). The import
reads the same layout and creates top-level tasks of the source with their assignments, all or
nothing: every bad cell is reported as 第N行「列名」：…. 进展情况 and 状态 are outputs and are
not read back.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.core.excel import neutralise, read_first_sheet, restore
from luoshi.core.exceptions import DomainError
from luoshi.units.models import Unit
from luoshi.units.selectors import resolve_names

from . import selectors, services
from .models import Role, Source, Task

COLUMNS = ["序号", "任务名称", "任务内容", "牵头单位", "配合单位", "责任人", "完成时限", "进展情况", "状态"]
REQUIRED = {"序号", "任务内容", "牵头单位", "完成时限"}
WORKDAYS_RE = re.compile(r"^(\d{1,3})\s*个?工作日(?:内)?$")
RESPONSIBLE_RE = re.compile(r"^(.*?)[（(](.*)[)）]$")


def _deadline_text(task: Task) -> Any:
    if task.deadline:
        return task.deadline
    if task.deadline_workdays:
        return f"{task.deadline_workdays}个工作日"
    return ""


def _responsible(task: Task) -> str:
    if task.responsible_name and task.responsible_post:
        return f"{task.responsible_name}（{task.responsible_post}）"
    return task.responsible_name


def export_source(user: Any, source: Source) -> bytes:
    """The source's visible tasks as an .xlsx decomposition table."""
    nodes = selectors.source_tree(user, source)
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "remove_timezone": True})
    sheet = book.add_worksheet("任务分解表")
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format(
        {"bold": True, "bg_color": "#F2F4F7", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    date_fmt = book.add_format({"border": 1, "num_format": "yyyy-mm-dd", "valign": "top"})
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, f"{source.title} 任务分解表", title_fmt)
    sheet.write_row(1, 0, COLUMNS, head)
    sheet.freeze_panes(2, 0)
    for i, width in enumerate([7, 24, 40, 20, 20, 14, 12, 36, 12]):
        sheet.set_column(i, i, width)
    row = 2

    def emit(node_list, prefix: str) -> None:
        nonlocal row
        for n, node in enumerate(node_list, start=1):
            task = node.task
            number = f"{prefix}{n}" if prefix else str(task.seq)
            leads = [a for a in node.assignments if a.role == Role.LEAD]
            cos = [a for a in node.assignments if a.role == Role.CO]
            progress = "；".join(f"{a.unit.name}：{a.progress}%" for a in node.assignments)
            status = task.get_status_display()
            values = [
                number,
                task.title,
                task.content,
                "、".join(a.unit.name for a in leads),
                "、".join(a.unit.name for a in cos),
                _responsible(task),
                _deadline_text(task),
                progress,
                status,
            ]
            for col, value in enumerate(values):
                if isinstance(value, dt.date):
                    sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), date_fmt)
                else:
                    sheet.write_string(row, col, str(neutralise(value or "")), cell)
            row += 1
            for a in node.assignments:
                emit(node.children.get(a.pk, []), number + ".")

    emit(nodes, "")
    notes = book.add_worksheet("填表说明")
    for i, line in enumerate(
        [
            "填表说明",
            "1. 序号填写整数，不与本次会议已有任务重复；带小数点的序号（如 1.2）为下级分解任务，导入时不读取。",
            "2. 牵头单位、配合单位填写下级单位全称、简称或12位代码，多个单位用顿号“、”分隔。",
            "3. 完成时限填写日期（如 2026-06-30）或“N个工作日”。",
            "4. 责任人可写作“姓名（职务）”。",
            "5. “进展情况”“状态”两列由系统生成，导入时不读取。",
            "6. 单元格不能使用公式。",
        ]
    ):
        notes.write_string(i, 0, line)
    notes.set_column(0, 0, 90)
    book.close()
    return buf.getvalue()


@dataclass
class RowPlan:
    line: int
    seq: int
    title: str
    content: str
    leads: list[Unit]
    cos: list[Unit]
    responsible_name: str = ""
    responsible_post: str = ""
    deadline: dt.date | None = None
    deadline_workdays: int | None = None


@dataclass
class ImportResult:
    tasks: list[Task] = field(default_factory=list)


def plan_import(source: Source, data: bytes) -> list[RowPlan]:
    """Validate a filled table against ``source``; raise one DomainError listing every bad cell."""
    sheet = read_first_sheet(data, max_rows=5000)
    header_row = None
    for i, row in enumerate(sheet.rows[:10]):
        labels = {str(c).strip() for c in row if c is not None}
        if REQUIRED <= labels:
            header_row = i
            break
    if header_row is None:
        raise DomainError(
            _("No header row found: the table needs the columns %(cols)s.")
            % {"cols": "、".join(sorted(REQUIRED))},
            code="bad_header",
        )
    header = [str(c).strip() if c is not None else "" for c in sheet.rows[header_row]]
    col = {name: header.index(name) for name in COLUMNS if name in header}
    errors: list[str] = []
    plans: list[RowPlan] = []
    taken = set(source.tasks.filter(parent_assignment__isnull=True).values_list("seq", flat=True))
    seen: set[int] = set()
    for r in range(header_row + 1, len(sheet.rows)):
        raw = sheet.rows[r]
        row = [restore(v) for v in raw]
        line = r + 1

        def get(name: str, row: list = row) -> Any:
            j = col.get(name)
            return row[j] if j is not None and j < len(row) else None

        if all(v is None for v in row):
            continue
        row_errors: list[str] = []

        def bad(name: str, message: str, row_errors: list = row_errors, line: int = line) -> None:
            row_errors.append((_("Row %(n)d") % {"n": line}) + f"「{name}」：" + message)

        for name, j in col.items():
            value = raw[j] if j < len(raw) else None
            if (r, j) in sheet.formula_cells or (isinstance(value, str) and value.startswith("=")):
                bad(name, _("formulas are not allowed; enter the value itself."))
        number = get("序号")
        if isinstance(number, str) and re.fullmatch(r"\d+(\.\d+)+", number.strip()):
            continue  # a sub-task row of an export: not read back
        if isinstance(number, str) and number.strip().isdigit():
            number = int(number.strip())
        if not isinstance(number, int) or number <= 0:
            bad("序号", _("enter a whole number."))
            number = None
        elif number in taken or number in seen:
            bad("序号", _("number %(n)d is used already.") % {"n": number})
        content = str(get("任务内容") or "").strip()
        title = str(get("任务名称") or "").strip() or content[:30]
        if not title:
            bad("任务内容", _("the task is empty."))
        if len(title) > 200:
            bad("任务名称", _("at most 200 characters."))
        leads, lead_errors = resolve_names(source.issuer, str(get("牵头单位") or ""))
        for message in lead_errors:
            bad("牵头单位", message)
        if not leads and not lead_errors:
            bad("牵头单位", _("name at least one lead unit."))
        cos, co_errors = resolve_names(source.issuer, str(get("配合单位") or ""))
        for message in co_errors:
            bad("配合单位", message)
        deadline, workdays = None, None
        raw_deadline = get("完成时限")
        if isinstance(raw_deadline, dt.datetime):
            raw_deadline = raw_deadline.date()
        if isinstance(raw_deadline, dt.date):
            deadline = raw_deadline
        elif isinstance(raw_deadline, str):
            text = raw_deadline.strip()
            m = WORKDAYS_RE.match(text)
            if m:
                workdays = int(m.group(1))
            else:
                try:
                    deadline = dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))
                except ValueError:
                    bad(
                        "完成时限",
                        _("“%(value)s” is not a date (2026-06-30) or “N个工作日”.") % {"value": text},
                    )
        elif raw_deadline is not None:
            bad(
                "完成时限",
                _("“%(value)s” is not a date (2026-06-30) or “N个工作日”.") % {"value": raw_deadline},
            )
        responsible = str(get("责任人") or "").strip()
        name, post = responsible, ""
        m = RESPONSIBLE_RE.match(responsible)
        if m:
            name, post = m.group(1).strip(), m.group(2).strip()
        if row_errors:
            errors.extend(row_errors)
            continue
        seen.add(number)
        plans.append(
            RowPlan(
                line,
                number,
                title,
                content,
                leads,
                [u for u in cos if u not in leads],
                name[:40],
                post[:60],
                deadline,
                workdays,
            )
        )
    if errors:
        raise DomainError(
            _("The table was not imported: %(count)d problems found.") % {"count": len(errors)},
            code="bad_rows",
            details=errors,
        )
    if not plans:
        raise DomainError(_("The table holds no task rows."), code="empty")
    return plans


@transaction.atomic
def import_source(*, actor: Any, source: Source, data: bytes, today: dt.date | None = None) -> list[Task]:
    """Create the table's tasks and their assignments under ``source``, all or none."""
    plans = plan_import(source, data)
    created = []
    for plan in plans:
        task = services.task_create(
            actor=actor,
            source=source,
            title=plan.title,
            content=plan.content,
            seq=plan.seq,
            deadline=plan.deadline,
            deadline_workdays=plan.deadline_workdays,
            responsible_name=plan.responsible_name,
            responsible_post=plan.responsible_post,
        )
        services.task_assign(actor=actor, task=task, units=plan.leads, co_units=plan.cos, today=today)
        created.append(task)
    return created
