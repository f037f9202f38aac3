"""Ledger cells and rows: one validator per column type, one row validator, masking, alerts.

Pure functions over plain values (after NetBox's CustomField.validate/deserialize): the web
grid, the Excel import and the API all call ``validate_row``, so a value accepted in one is
accepted in all, and every refusal reads the same. Nothing here touches the database; a
unit column is resolved through a ``UnitLookup`` the caller builds once per filling unit.

Canonical stored values (the row's ``values`` JSON, keyed by the column's stable key):

    text, choice        str
    integer             int
    decimal             str of the exact Decimal, e.g. "1234.5" (never a float)
    date                "YYYY-MM-DD"
    yesno               bool
    unit                the unit's code, e.g. "130102001001"
    resident_id         18 characters, final X upper-case
    phone               mobile "13812345678", landline "0311-86012345" (optional "-ext")

Empty cells are left out of the dict.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import mul
from typing import Any

from django.utils.translation import gettext as _

TEXT_MAX_LENGTH = 500
DECIMAL_PLACES = 4
NUMERIC_TYPES = ("integer", "decimal", "yesno")  # the types copied to typed slots for rollups
SENSITIVE_TYPES = ("resident_id", "phone")
YES = {"是", "y", "yes", "true", "1", "√", "有"}
NO = {"否", "n", "no", "false", "0", "×", "无"}
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:-(\d{1,6}))?$")
INTEGER_RE = re.compile(r"^[+-]?\d+$")
DATE_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)


class CellError(ValueError):
    """A cell's value is refused; ``str(exc)`` is the message for a person."""


@dataclass(frozen=True)
class ColumnSpec:
    """What the validators need to know about one column (built from a LedgerColumn)."""

    key: str
    label: str
    type: str
    required: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    pattern: str = ""
    choices: tuple[str, ...] = ()
    sensitive: bool = False
    verify_level: str = ""
    verify_values: tuple[Any, ...] = ()
    slot: int | None = None
    help_text: str = ""

    @property
    def is_sensitive(self) -> bool:
        return self.sensitive or self.type in SENSITIVE_TYPES


@dataclass
class UnitLookup:
    """Names, short names, aliases and codes of the units a cell may name, → codes.

    Built once per filling unit (its subtree); a name two units share is refused as
    ambiguous, so the person writes the code instead.
    """

    by_name: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # code → display name

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, Iterable[str]]]) -> UnitLookup:
        """``entries``: (code, [name, short name, aliases…]); the first name is shown."""
        lookup = cls()
        for code, names in entries:
            names = [n for n in names if n]
            if names:
                lookup.names.setdefault(code, names[0])
            lookup.by_name.setdefault(code, set()).add(code)
            for name in names:
                lookup.by_name.setdefault(name, set()).add(code)
        return lookup

    def resolve(self, text: str) -> str:
        codes = self.by_name.get(text.strip())
        if not codes:
            raise CellError(_("No unit named “%(name)s” lies within the filling unit.") % {"name": text})
        if len(codes) > 1:
            raise CellError(
                _("“%(name)s” names several units; write the unit code instead.") % {"name": text}
            )
        return next(iter(codes))


# --- Cells -------------------------------------------------------------------------------------


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _as_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def _as_decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(_("Enter a number."))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        # repr gives the shortest text that reads back as the same float: 1234.5, not
        # 1234.499999999999…, which is what the person typed into Excel.
        return Decimal(repr(raw))
    text = str(raw).strip().replace(",", "").replace("，", "").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(_("Enter a number.")) from None
    if not value.is_finite():
        raise CellError(_("Enter a number."))
    return value


def _check_range(spec: ColumnSpec, value: Decimal) -> None:
    if spec.min_value is not None and value < spec.min_value:
        raise CellError(_("Must be at least %(min)s.") % {"min": format_decimal(spec.min_value)})
    if spec.max_value is not None and value > spec.max_value:
        raise CellError(_("Must be at most %(max)s.") % {"max": format_decimal(spec.max_value)})


def format_decimal(value: Decimal) -> str:
    """Exact, without exponent or trailing zeros: Decimal("1.2300") → "1.23", 1E+3 → "1000"."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def clean_text(spec: ColumnSpec, raw: Any, units: UnitLookup | None = None) -> str:
    value = _as_text(raw)
    if len(value) > TEXT_MAX_LENGTH:
        raise CellError(_("At most %(n)d characters.") % {"n": TEXT_MAX_LENGTH})
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        raise CellError(_("Does not match the required format."))
    return value


def clean_integer(spec: ColumnSpec, raw: Any, units: UnitLookup | None = None) -> int:
    if isinstance(raw, float) and not raw.is_integer():
        raise CellError(_("Enter a whole number."))
    value = _as_decimal(raw)
    if value != value.to_integral_value():
        raise CellError(_("Enter a whole number."))
    _check_range(spec, value)
    return int(value)


def clean_decimal(spec: ColumnSpec, raw: Any, units: UnitLookup | None = None) -> str:
    value = _as_decimal(raw)
    if value.normalize().as_tuple().exponent < -DECIMAL_PLACES:
        raise CellError(_("At most %(n)d decimal places.") % {"n": DECIMAL_PLACES})
    if abs(value) >= Decimal(10) ** 15:
        raise CellError(_("The number is too large."))
    _check_range(spec, value)
    return format_decimal(value)


def parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # An Excel serial date: a date cell written without a date format.
        if not 1 <= raw < 2958466:
            raise CellError(_("Enter a date such as 2026-09-30."))
        return EXCEL_EPOCH + dt.timedelta(days=int(raw))
    text = str(raw).strip()
    for pattern in DATE_RES:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise CellError(_("Enter a date such as 2026-09-30."))


def clean_date(spec: ColumnSpec, raw: Any, units: UnitLookup | None = None) -> str:
    return parse_date(raw).isoformat()


def clean_choice(spec: ColumnSpec, raw: Any, units: UnitLookup | None = None) -> str:
    value = _as_text(raw)
    if value not in spec.choices:
        raise CellError(_("Choose one of: %(choices)s.") % {"choices": "、".join(spec.choices)})
    return value


def parse_yesno(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    text = str(raw).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("Enter 是 or 否."))


def clean_yesno(spec: ColumnSpec, raw: Any, units: UnitLookup | None = None) -> bool:
    return parse_yesno(raw)


def clean_unit(spec: ColumnSpec, raw: Any, units: UnitLookup | None = None) -> str:
    if units is None:
        raise CellError(_("Units cannot be checked here."))
    return units.resolve(_as_text(raw))


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(map(mul, map(int, first17), ID_WEIGHTS))
    return ID_CHECK[total % 11]


def clean_resident_id(spec: ColumnSpec, raw: Any, units: UnitLookup | None = None) -> str:
    if not isinstance(raw, str):
        # A number cell has lost the leading zeros and the digits past the 15th already.
        raise CellError(_("Write the resident ID as text (a number cell loses its last digits)."))
    value = raw.strip().replace(" ", "").upper()
    if not ID_RE.match(value):
        raise CellError(_("A resident ID has 18 characters: 17 digits and a digit or X."))
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise CellError(_("The date of birth in the resident ID is not a real date.")) from None
    if birth.year < 1900:
        raise CellError(_("The date of birth in the resident ID is not a real date."))
    if resident_id_check_char(value[:17]) != value[17]:
        raise CellError(_("The resident ID's check digit is wrong; please check the number."))
    return value


def clean_phone(spec: ColumnSpec, raw: Any, units: UnitLookup | None = None) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))
    elif isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    text = str(raw).strip().replace(" ", "").replace("－", "-")
    if text.startswith("+86"):
        text = text[3:]
    mobile = text.replace("-", "")
    if MOBILE_RE.match(mobile):
        return mobile
    m = LANDLINE_RE.match(text)
    if m:
        return f"{m.group(1)}-{m.group(2)}" + (f"-{m.group(3)}" if m.group(3) else "")
    raise CellError(
        _("Enter a mobile number (11 digits) or a landline with its area code, e.g. 0311-86012345.")
    )


CLEANERS = {
    "text": clean_text,
    "integer": clean_integer,
    "decimal": clean_decimal,
    "date": clean_date,
    "choice": clean_choice,
    "yesno": clean_yesno,
    "unit": clean_unit,
    "resident_id": clean_resident_id,
    "phone": clean_phone,
}


def clean_cell(spec: ColumnSpec, raw: Any, units: UnitLookup | None = None) -> Any:
    """The canonical value of one cell, None when empty; CellError when refused."""
    if is_empty(raw):
        if spec.required:
            raise CellError(_("This field is required."))
        return None
    return CLEANERS[spec.type](spec, raw, units)


# --- Rows --------------------------------------------------------------------------------------


@dataclass
class RowResult:
    values: dict[str, Any]
    errors: list[tuple[str, str]]  # (column key, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def compile_row(specs: Iterable[ColumnSpec], *, units: UnitLookup | None = None):
    """A row checker for ``specs``, built once per batch: ``check(cells)`` takes one raw
    value per spec, in order, and returns a RowResult. (Choosing each column's cleaner once
    keeps a 100,000-row import fast; the rules are those of ``clean_cell``.)"""
    plan = [(s.key, s.required, CLEANERS[s.type], s) for s in specs]
    required_msg = _("This field is required.")

    def check(cells: list[Any]) -> RowResult:
        values: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        n = len(cells)
        for i, (key, required, cleaner, spec) in enumerate(plan):
            raw = cells[i] if i < n else None
            if raw is None or raw == "" or (type(raw) is str and not raw.strip()):
                if required:
                    errors.append((key, required_msg))
                continue
            try:
                values[key] = cleaner(spec, raw, units)
            except CellError as exc:
                errors.append((key, str(exc)))
        return RowResult(values, errors)

    return check


def validate_row(
    specs: Iterable[ColumnSpec], raw: Mapping[str, Any], *, units: UnitLookup | None = None
) -> RowResult:
    """Clean every column of one row; keys not in ``specs`` are dropped (stale columns)."""
    specs = list(specs)
    return compile_row(specs, units=units)([raw.get(s.key) for s in specs])


def row_key_of(values: Mapping[str, Any], key_column: str) -> str:
    if not key_column:
        return ""
    value = values.get(key_column)
    if value is None:
        return ""
    return display(value)


def figures(specs: Iterable[ColumnSpec], values: Mapping[str, Any]) -> dict[int, Decimal]:
    """The numeric values that go to typed slots (yes/no as 1/0, so a sum counts the 是)."""
    out: dict[int, Decimal] = {}
    for spec in specs:
        if spec.slot is None or spec.key not in values:
            continue
        value = values[spec.key]
        out[spec.slot] = Decimal(int(value)) if isinstance(value, bool) else Decimal(str(value))
    return out


def message(label: str, text: str, line: int | None = None) -> str:
    """第N行「列名」：… (the form every import, grid and API error takes)."""
    if line is None:
        return _("「%(label)s」: %(message)s") % {"label": label, "message": text}
    return _("Row %(line)d 「%(label)s」: %(message)s") % {"line": line, "label": label, "message": text}


# --- Showing values ----------------------------------------------------------------------------


def display(value: Any, unit_names: Mapping[str, str] | None = None, spec: ColumnSpec | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if spec is not None and spec.type == "unit" and unit_names:
        return unit_names.get(value, value)
    return str(value)


def mask(spec: ColumnSpec, value: Any) -> str:
    """The masked form of a sensitive value: 130102********123X, 138****5678."""
    text = display(value)
    if not text:
        return ""
    if spec.type == "resident_id" and len(text) == 18:
        return text[:6] + "*" * 8 + text[-4:]
    if spec.type == "phone":
        if "-" in text:
            area, rest = text.split("-", 1)
            return area + "-" + "*" * max(len(rest) - 2, 0) + rest[-2:]
        return text[:3] + "****" + text[-4:] if len(text) >= 8 else "*" * len(text)
    return text[:1] + "**"


# --- Alert rules -------------------------------------------------------------------------------

ALERT_OPS = ("lt", "le", "gt", "ge", "eq", "ne", "empty")


@dataclass(frozen=True)
class AlertRule:
    """A flag raised on a row: ``column op value`` (e.g. income lt 6000), with its message."""

    column: str
    op: str
    value: str
    message: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlertRule:
        return cls(str(data["column"]), str(data["op"]), str(data.get("value", "")), str(data["message"]))


def _compare(op: str, left: Any, right: Any) -> bool:
    return {
        "lt": left < right,
        "le": left <= right,
        "gt": left > right,
        "ge": left >= right,
        "eq": left == right,
        "ne": left != right,
    }[op]


def evaluate_alerts(
    rules: Iterable[AlertRule], specs: Iterable[ColumnSpec], values: Mapping[str, Any]
) -> list[str]:
    """The messages of the rules a row trips (empty cells trip nothing but ``empty``)."""
    return compile_alerts(rules, specs)(values)


def compile_alerts(rules: Iterable[AlertRule], specs: Iterable[ColumnSpec]):
    """``evaluate_alerts`` with each rule's threshold parsed once: ``check(values) -> [msg]``."""
    rules = list(rules)
    if not rules:
        return lambda values: []
    types = {s.key: s.type for s in specs}
    compiled = []
    for rule in rules:
        kind = types.get(rule.column)
        try:
            if rule.op == "empty":
                target: Any = None
            elif kind in ("integer", "decimal"):
                target = _as_decimal(rule.value)
            elif kind == "yesno":
                target = parse_yesno(rule.value)
            elif kind is None:
                continue
            else:
                target = rule.value
        except CellError:
            continue
        compiled.append((rule, kind, target))

    def check(values: Mapping[str, Any]) -> list[str]:
        raised = []
        for rule, kind, target in compiled:
            value = values.get(rule.column)
            if rule.op == "empty":
                if value is None:
                    raised.append(rule.message)
                continue
            if value is None:
                continue
            if kind in ("integer", "decimal"):
                value = Decimal(str(value)) if not isinstance(value, int) else value
            elif kind != "yesno":
                value = str(value)
            try:
                if _compare(rule.op, value, target):
                    raised.append(rule.message)
            except TypeError:
                continue
        return raised

    return check


def needs_verification(spec: ColumnSpec, before: Any, after: Any) -> bool:
    """True when a change of this column must wait for a superior's acceptance."""
    if not spec.verify_level or before == after:
        return False
    if not spec.verify_values:
        return True
    return after in spec.verify_values
