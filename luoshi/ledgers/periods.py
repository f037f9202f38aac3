"""Reporting periods of a ledger: "" for a one-off, "2026-09" monthly, "2026-Q3" quarterly."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext as _

PERIOD_RES = {
    "once": re.compile(r"^$"),
    "monthly": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarterly": re.compile(r"^(\d{4})-Q([1-4])$"),
}

# How many reports a cadence asks of a unit in one month. A one-off ledger counts once, in
# the month it is issued (see burden.py).
REPORTS_PER_MONTH = {"once": Decimal(1), "monthly": Decimal(1), "quarterly": Decimal(1) / Decimal(3)}


def current_period(cadence: str, today: dt.date) -> str:
    if cadence == "monthly":
        return f"{today.year}-{today.month:02d}"
    if cadence == "quarterly":
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    return ""


def is_valid(cadence: str, period: str) -> bool:
    return bool(PERIOD_RES[cadence].match(period or ""))


def label(period: str) -> str:
    """2026-09 → 2026年9月; 2026-Q3 → 2026年第3季度; "" → ""."""
    m = PERIOD_RES["monthly"].match(period or "")
    if m:
        return _("%(year)s-%(month)d") % {"year": m.group(1), "month": int(m.group(2))}
    m = PERIOD_RES["quarterly"].match(period or "")
    if m:
        return _("%(year)s Q%(quarter)s") % {"year": m.group(1), "quarter": m.group(2)}
    return ""


def recent(cadence: str, today: dt.date, n: int = 6) -> list[str]:
    """The current period and the n-1 before it, newest first (for a period picker)."""
    if cadence == "once":
        return [""]
    out = []
    year, month = today.year, today.month
    step = 3 if cadence == "quarterly" else 1
    for _i in range(n):
        out.append(current_period(cadence, dt.date(year, month, 1)))
        month -= step
        while month < 1:
            month += 12
            year -= 1
    return out
