"""Ledgers in and out of Excel: the fill-in workbook, the upload reader, the error report.

Written with XlsxWriter (``constant_memory`` so a 100,000-row export streams row by row),
read with python-calamine. No database here: callers pass column specs and rows.

The workbook a unit downloads has three sheets: the data (frozen header, dropdowns for
choices and 是/否, number/date/length validation, a hidden ``_id`` column with each row's
entry id so a re-upload updates rather than duplicates), the instructions, and a hidden
``_luoshi`` sheet stamped with the ledger key, template version, unit code and period. An
upload without that stamp, or with another version, is refused before any row is read.

Formula injection: a text cell that begins with = + - @ (or a tab or carriage return) is
written with a leading apostrophe, so no spreadsheet reads it as a formula; the reader takes
the apostrophe off again, so the value round-trips unchanged.

Zip bombs: an .xlsx is a zip; before parsing, the reader checks the member count, the total
uncompressed size and each member's compression ratio with ``zipfile``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from python_calamine import CalamineWorkbook

from .validation import ColumnSpec, format_decimal

STAMP_SHEET = "_luoshi"
ENTRY_HEADER = "_id"
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"
MAX_ZIP_MEMBERS = 500
MAX_RATIO = 200  # uncompressed / compressed, per member larger than 1 MiB
VALIDATION_ROWS = 200_000
COMMENT_LIMIT = 2_000  # cell comments in an error report (the error sheet lists them all)


class UploadError(Exception):
    """The file is refused as a whole; ``str(exc)`` is the message for a person."""


def neutralise(text: str) -> str:
    """``=1+1`` → ``'=1+1``: never let a spreadsheet read a text cell as a formula."""
    if text and text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


# --- Writing -----------------------------------------------------------------------------------


@dataclass
class Sheetset:
    workbook: Any
    formats: dict[str, Any] = field(default_factory=dict)


def _formats(wb: Any) -> dict[str, Any]:
    return {
        "header": wb.add_format({"bold": True, "bg_color": "#F2F4F7", "border": 1, "text_wrap": True}),
        "required": wb.add_format(
            {"bold": True, "bg_color": "#F2F4F7", "border": 1, "font_color": "#B42318", "text_wrap": True}
        ),
        "text": wb.add_format({"num_format": "@"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "bad": wb.add_format({"bg_color": "#FECDCA", "num_format": "@"}),
        "bad_date": wb.add_format({"bg_color": "#FECDCA", "num_format": "yyyy-mm-dd"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "bold": wb.add_format({"bold": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }


TYPE_HINTS = {
    "text": gettext_noop("Text"),
    "integer": gettext_noop("Whole number"),
    "decimal": gettext_noop("Number"),
    "date": gettext_noop("Date, e.g. 2026-09-30"),
    "choice": gettext_noop("Choose from the list"),
    "yesno": gettext_noop("是 or 否"),
    "unit": gettext_noop("Unit name or code"),
    "resident_id": gettext_noop("18-character resident ID, as text"),
    "phone": gettext_noop("Mobile or landline with area code"),
}


def _type_hint(spec: ColumnSpec) -> str:
    return _(TYPE_HINTS[spec.type])


def _rule_text(spec: ColumnSpec) -> str:
    parts = []
    if spec.min_value is not None:
        parts.append("≥ " + format_decimal(spec.min_value))
    if spec.max_value is not None:
        parts.append("≤ " + format_decimal(spec.max_value))
    if spec.choices:
        parts.append("、".join(spec.choices))
    if spec.pattern:
        parts.append(_("pattern %(p)s") % {"p": spec.pattern})
    return "; ".join(parts)


def _header_label(spec: ColumnSpec) -> str:
    return ("*" if spec.required else "") + spec.label


def header_key(text: Any) -> str:
    return str(text or "").strip().lstrip("*").strip()


def write_cell(
    ws: Any,
    row: int,
    col: int,
    spec: ColumnSpec | None,
    value: Any,
    fmt: dict[str, Any],
    *,
    bad: bool = False,
) -> None:
    """Write one value: numbers as numbers, dates as dates, everything else as neutralised text."""
    if value is None or value == "":
        if bad:
            ws.write_blank(row, col, None, fmt["bad"])
        return
    if isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt["bad"] if bad else None)
        return
    if isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(row, col, value, fmt["bad_date"] if bad else fmt["date"])
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        ws.write_number(row, col, value, fmt["bad"] if bad else None)
        return
    text = str(value)
    if spec is not None and not bad:
        if spec.type == "integer" and text.lstrip("-").isdigit() and len(text) <= 15:
            ws.write_number(row, col, int(text))
            return
        if spec.type == "decimal":
            digits = Decimal(text).as_tuple().digits
            if len(digits) <= 15:
                ws.write_number(row, col, float(Decimal(text)))
                return
        if spec.type == "date" and len(text) == 10:
            ws.write_datetime(row, col, dt.date.fromisoformat(text), fmt["date"])
            return
    ws.write_string(row, col, neutralise(text), fmt["bad"] if bad else fmt["text"])


def _add_validation(
    wb: Any, ws: Any, col: int, spec: ColumnSpec, list_ref: str | None, first_row: int = 1
) -> None:
    base: dict[str, Any] = {
        "error_title": spec.label[:32],
        "input_title": spec.label[:32],
        "input_message": (_type_hint(spec) + ("; " + _rule_text(spec) if _rule_text(spec) else ""))[:255],
        "ignore_blank": True,
    }
    last = VALIDATION_ROWS
    if spec.type in ("choice", "yesno"):
        base.update(validate="list", source=list_ref if list_ref else ["是", "否"])
        base["error_message"] = _("Choose a value from the list.")
    elif spec.type in ("integer", "decimal"):
        lo = float(spec.min_value) if spec.min_value is not None else -1e15
        hi = float(spec.max_value) if spec.max_value is not None else 1e15
        base.update(
            validate="integer" if spec.type == "integer" else "decimal",
            criteria="between",
            minimum=lo,
            maximum=hi,
        )
        base["error_message"] = _("Enter a number within the allowed range.")
    elif spec.type == "date":
        base.update(
            validate="date", criteria="between", minimum=dt.date(1900, 1, 1), maximum=dt.date(2100, 12, 31)
        )
        base["error_message"] = _("Enter a date such as 2026-09-30.")
    elif spec.type == "resident_id":
        base.update(validate="length", criteria="==", value=18)
        base["error_message"] = _("A resident ID has 18 characters: 17 digits and a digit or X.")
    else:
        base.update(validate="any")
    ws.data_validation(first_row, col, last, col, base)


def write_workbook(
    target: Any,
    *,
    specs: list[ColumnSpec],
    rows: Iterable[list[Any]],
    stamp: dict[str, str],
    instructions: list[tuple[str, str]],
    lead_headers: Iterable[str] = (),
    with_entry: bool = True,
) -> int:
    """Write the data sheet, the instructions and the hidden stamp to ``target``; returns
    the number of data rows.

    ``rows`` yields lists: ``lead_headers`` values first (e.g. the unit of an export), then one
    canonical (or masked) value per spec, then (``with_entry``) the entry id.

    XlsxWriter lays out everything but the data rows (formats, frozen header, dropdowns and
    validation, the instructions and the stamp); the rows are then streamed straight into
    the data sheet's XML, about five times faster than a write call per cell, which matters
    for a 100,000-row export (see bench/ledgers_excel.py).
    """
    skeleton = io.BytesIO()
    wb = xlsxwriter.Workbook(
        skeleton, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    fmt = _formats(wb)
    data_name = stamp.get("data_sheet") or _("Data")
    ws = wb.add_worksheet(data_name[:31])
    info = wb.add_worksheet(_("Instructions")[:31])
    hidden = wb.add_worksheet(STAMP_SHEET)
    hidden.hide()

    # The stamp sheet: key/value pairs in A:B, each choice list in its own column from D.
    lists: dict[str, str] = {}
    for r, (k, v) in enumerate(stamp.items()):
        hidden.write_string(r, 0, k)
        hidden.write_string(r, 1, str(v))
    col = 3
    for spec in specs:
        if spec.type == "choice" and spec.choices:
            letter = xlsxwriter.utility.xl_col_to_name(col)
            lists[spec.key] = f"='{STAMP_SHEET}'!${letter}$1:${letter}${len(spec.choices)}"
            for r, choice in enumerate(spec.choices):
                hidden.write_string(r, col, neutralise(choice))
            col += 1

    # The instructions.
    info.set_column(0, 0, 22)
    info.set_column(1, 4, 28)
    r = 0
    for label, value in instructions:
        info.write_string(r, 0, label, fmt["bold"])
        info.write_string(r, 1, neutralise(value))
        r += 1
    r += 1
    info.write_row(r, 0, [_("Column"), _("Type"), _("Required"), _("Rules"), _("Notes")], fmt["header"])
    for spec in specs:
        r += 1
        info.write_string(r, 0, spec.label)
        info.write_string(r, 1, _type_hint(spec))
        info.write_string(r, 2, "是" if spec.required else "否")
        info.write_string(r, 3, neutralise(_rule_text(spec)))
        info.write_string(r, 4, neutralise(spec.help_text))

    # The data sheet's frame: header, widths, column formats, validation.
    lead = list(lead_headers)
    ncols = len(lead) + len(specs)
    for i, text in enumerate(lead):
        ws.write_string(0, i, text, fmt["header"])
        ws.set_column(i, i, 16, fmt["text"])
    kinds: list[str] = ["lead"] * len(lead)
    for i, spec in enumerate(specs):
        c = len(lead) + i
        ws.write_string(0, c, _header_label(spec), fmt["required"] if spec.required else fmt["header"])
        width = 22 if spec.type in ("resident_id", "text", "unit") else 14
        column_format = (
            fmt["date"]
            if spec.type == "date"
            else (None if spec.type in ("integer", "decimal") else fmt["text"])
        )
        ws.set_column(c, c, width, column_format)
        kinds.append(spec.type)
        if not lead:
            _add_validation(wb, ws, c, spec, lists.get(spec.key))
    if with_entry:
        ws.write_string(0, ncols, ENTRY_HEADER)
        ws.set_column(ncols, ncols, 10, fmt["text"], {"hidden": True})
        kinds.append("lead")
    ws.freeze_panes(1, len(lead))
    ws.autofilter(0, 0, 0, ncols - 1)
    wb.close()
    styles = {"text": fmt["text"].xf_index, "date": fmt["date"].xf_index}
    return _splice_rows(skeleton, target, rows=rows, kinds=kinds, styles=styles)


SHEET1 = "xl/worksheets/sheet1.xml"
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    if _BAD_XML_CHARS.search(text):
        text = _BAD_XML_CHARS.sub("", text)
    text = text.translate(_XML_ESCAPES)
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _cell_xml(ref: str, kind: str, value: Any, styles: dict[str, int]) -> str:
    """One <c> element: numbers and dates as values, everything else as neutralised text."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{styles["text"]}" t="inlineStr">{_xml_text("是" if value else "否")}</c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{styles["date"]}"><v>{(value - EXCEL_EPOCH_DATE).days}</v></c>'
    text = str(value)
    if kind == "integer" and len(text) <= 16 and INT_TEXT.match(text):
        return f'<c r="{ref}"><v>{int(text)}</v></c>'
    if (
        kind == "decimal"
        and DECIMAL_TEXT.match(text)
        and len(text.replace("-", "").replace(".", "").lstrip("0")) <= 15
    ):
        return f'<c r="{ref}"><v>{text}</v></c>'
    if kind == "date" and len(text) == 10 and DATE_TEXT.match(text):
        try:
            serial = (dt.date.fromisoformat(text) - EXCEL_EPOCH_DATE).days
        except ValueError:
            pass  # not a real date: written as the text it is
        else:
            return f'<c r="{ref}" s="{styles["date"]}"><v>{serial}</v></c>'
    return f'<c r="{ref}" s="{styles["text"]}" t="inlineStr">{_xml_text(neutralise(text))}</c>'


EXCEL_EPOCH_DATE = dt.date(1899, 12, 30)
INT_TEXT = re.compile(r"^-?\d+$")
DECIMAL_TEXT = re.compile(r"^-?\d+(\.\d+)?$")
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _splice_rows(
    skeleton: io.BytesIO, target: Any, *, rows: Iterable[list[Any]], kinds: list[str], styles: dict[str, int]
) -> int:
    """Copy the skeleton workbook to ``target``, streaming ``rows`` into the data sheet."""
    letters = [xlsxwriter.utility.xl_col_to_name(i) for i in range(len(kinds))]
    count = 0
    with (
        zipfile.ZipFile(skeleton) as src,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for info in src.infolist():
            if info.filename != SHEET1:
                out.writestr(
                    info, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED, compresslevel=6
                )
                continue
            xml = src.read(SHEET1).decode("utf-8")
            head, tail = xml.rsplit("</sheetData>", 1)
            with out.open(SHEET1, "w", force_zip64=True) as fh:
                chunk: list[str] = []
                # The dimension element is optional; a streamed sheet cannot know it up
                # front, so it is left out (Excel and calamine size the sheet from the rows).
                dim_at = head.index("<dimension ref=")
                head = head[:dim_at] + head[head.index("/>", dim_at) + 2 :]
                fh.write(head.encode("utf-8"))
                for count, row in enumerate(rows, start=1):
                    r = count + 1
                    cells = "".join(
                        _cell_xml(f"{letters[i]}{r}", kinds[i], v, styles)
                        for i, v in enumerate(row[: len(kinds)])
                    )
                    chunk.append(f'<row r="{r}">{cells}</row>')
                    if len(chunk) >= 1000:
                        fh.write("".join(chunk).encode("utf-8"))
                        chunk.clear()
                fh.write("".join(chunk).encode("utf-8"))
                fh.write(("</sheetData>" + tail).encode("utf-8"))
    return count


def error_report(
    *,
    header: list[str],
    rows: list[tuple[int, list[Any]]],
    cell_errors: dict[tuple[int, int], str],
    row_errors: dict[int, list[str]],
    messages: list[str],
) -> bytes:
    """The uploaded rows again, bad cells in red with a comment, an errors column and sheet."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(
        out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    fmt = _formats(wb)
    ws = wb.add_worksheet(_("Data"))
    errs = wb.add_worksheet(_("Errors"))
    width = len(header)
    for i, text in enumerate(header):
        ws.write_string(0, i, neutralise(str(text)), fmt["header"])
    ws.write_string(0, width, _("Errors"), fmt["required"])
    ws.set_column(width, width, 60)
    ws.freeze_panes(1, 0)
    comments = 0
    for line, cells in rows:
        r = line - 1
        for c in range(width):
            value = cells[c] if c < len(cells) else None
            problem = cell_errors.get((line, c))
            write_cell(ws, r, c, None, value, fmt, bad=problem is not None)
            if problem and comments < COMMENT_LIMIT:
                ws.write_comment(r, c, problem, {"x_scale": 1.5})
                comments += 1
        if line in row_errors:
            ws.write_string(r, width, neutralise("；".join(row_errors[line])), fmt["bad"])
    errs.set_column(0, 0, 100)
    errs.write_string(0, 0, _("Errors"), fmt["header"])
    for i, text in enumerate(messages, start=1):
        errs.write_string(i, 0, neutralise(text))
    wb.close()
    return out.getvalue()


# --- Reading -----------------------------------------------------------------------------------


@dataclass
class Upload:
    stamp: dict[str, str]
    header: list[str]
    rows: Callable[[], Iterator[tuple[int, list[Any]]]]  # (Excel row number, cells); re-readable


def check_zip(data: bytes, *, max_uncompressed: int) -> None:
    """Refuse what is not an .xlsx, or a zip that would inflate beyond the limits."""
    if not data.startswith(XLSX_MAGIC):
        raise UploadError(_("The file is not an Excel workbook (.xlsx)."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadError(_("The file is not an Excel workbook (.xlsx).")) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise UploadError(_("The file is not an Excel workbook (.xlsx)."))
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UploadError(_("The workbook is malformed or too large to read safely."))
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1 << 20 and ratio > MAX_RATIO:
            raise UploadError(_("The workbook is malformed or too large to read safely."))
    if total > max_uncompressed:
        raise UploadError(_("The workbook is malformed or too large to read safely."))


def read_upload(data: bytes, *, max_rows: int, max_uncompressed: int) -> Upload:
    """Check and open an uploaded workbook: its stamp and header now, its rows on demand.

    ``rows()`` yields the non-empty data rows (Excel row number, cells) and raises
    UploadError past ``max_rows``; it can be called again (for the error report).
    """
    check_zip(data, max_uncompressed=max_uncompressed)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = wb.sheet_names
        if STAMP_SHEET not in names:
            raise UploadError(
                _(
                    "This workbook was not downloaded from this system; download the ledger's template and fill that."
                )
            )
        stamp = {
            str(r[0]): _as_stamp(r[1])
            for r in wb.get_sheet_by_name(STAMP_SHEET).to_python()
            if len(r) > 1 and r[0] not in (None, "")
        }
        data_name = stamp.get("data_sheet") or names[0]
        if data_name not in names:
            raise UploadError(_("The data sheet “%(name)s” is missing.") % {"name": data_name})
        sheet = wb.get_sheet_by_name(data_name)
        header = [str(h).strip() if h is not None else "" for h in next(iter(sheet.iter_rows()), [])]
    except UploadError:
        raise
    except Exception:  # calamine raises its own errors for corrupt workbooks
        raise UploadError(_("The workbook could not be read; save it again as .xlsx and retry.")) from None
    too_many = _("The workbook has more than %(n)d rows; split it.") % {"n": max_rows}
    if sheet.height > max_rows + 1001:  # a quick refusal; empty rows are not counted below
        raise UploadError(too_many)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        count = 0
        it = iter(sheet.iter_rows())
        next(it, None)
        for n, cells in enumerate(it, start=2):
            for c in cells:
                if c is not None and c != "":
                    break
            else:
                continue
            count += 1
            if count > max_rows:
                raise UploadError(too_many)
            yield n, [unneutralise(c) if type(c) is str and c[:1] == "'" else c for c in cells]

    return Upload(stamp=stamp, header=header, rows=rows)


def _as_stamp(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
