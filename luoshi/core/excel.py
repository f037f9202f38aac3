"""Excel in and out, safely: size and zip-bomb limits, formula cells found, injection neutralised.

Reading uses python-calamine (fast) after checking the package itself; formula cells are
found from the sheet XML, since calamine returns only their cached values. Writing uses
XlsxWriter; ``neutralise`` keeps a cell that starts like a formula from being run by Excel.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from .exceptions import DomainError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, per member
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def neutralise(value: Any) -> Any:
    """Text that Excel would take for a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """Undo ``neutralise`` on the way back in: "'=1+1" read from our own export is "=1+1"."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


@dataclass
class Sheet:
    rows: list[list[Any]]
    formula_cells: set[tuple[int, int]]  # (row index, column index), 0-based


def _check_package(data: bytes) -> zipfile.ZipFile:
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20}, code="file_too_large"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise DomainError(_("The file is not an Excel workbook (.xlsx)."), code="not_xlsx")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except zipfile.BadZipFile:
        raise DomainError(_("The file is not an Excel workbook (.xlsx)."), code="not_xlsx") from None
    total = 0
    for info in members:
        total += info.file_size
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 10 * 2**20
        ):
            raise DomainError(
                _("The workbook is packed suspiciously tightly; it was not opened."), code="zip_bomb"
            )
    if total > MAX_UNPACKED_BYTES:
        raise DomainError(
            _("The workbook unpacks to more than %(mb)d MB.") % {"mb": MAX_UNPACKED_BYTES // 2**20},
            code="zip_bomb",
        )
    if "xl/workbook.xml" not in package.namelist():
        raise DomainError(_("The file is not an Excel workbook (.xlsx)."), code="not_xlsx")
    return package


def _first_sheet_xml(package: zipfile.ZipFile) -> str | None:
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    sheet = workbook.find("m:sheets/m:sheet", NS)
    if sheet is None:
        return None
    rid = sheet.get(f"{{{NS['r']}}}id")
    rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.findall("rel:Relationship", NS):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _formula_cells(package: zipfile.ZipFile) -> set[tuple[int, int]]:
    name = _first_sheet_xml(package)
    if not name or name not in package.namelist():
        return set()
    cells = set()
    with package.open(name) as f:
        for _event, element in ElementTree.iterparse(f):
            if element.tag == f"{{{NS['m']}}}c":
                if element.find("m:f", NS) is not None:
                    m = _CELL_REF.match(element.get("r", ""))
                    if m:
                        cells.add((int(m.group(2)) - 1, _col_index(m.group(1))))
                element.clear()
    return cells


def read_first_sheet(data: bytes, *, max_rows: int = 100_000) -> Sheet:
    """The first sheet's cells (numbers as int where whole, blanks as None) and its formula cells."""
    from python_calamine import CalamineWorkbook

    package = _check_package(data)
    formulas = _formula_cells(package)
    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        raw = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several exception types on damaged files
        raise DomainError(
            _("The workbook cannot be read: %(error)s") % {"error": exc}, code="bad_xlsx"
        ) from exc
    if len(raw) > max_rows + 1:
        raise DomainError(_("The sheet has more than %(n)d rows.") % {"n": max_rows}, code="too_many_rows")
    rows = [[_value(c) for c in row] for row in raw]
    return Sheet(rows, formulas)


def _value(cell: Any) -> Any:
    if cell == "" or cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, dt.datetime) and cell.time() == dt.time(0):
        return cell.date()
    if isinstance(cell, str):
        return cell.strip() or None
    return cell


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
