"""The supervision tree as a materialized path, and the one helper for "everything under X".

A unit's path is its ancestors' segments joined by "/", e.g. ``13/1306/130602`` for 竞秀区,
``13/130682`` for 定州市 (administered directly by the province), ``13/1331/130638`` for 雄县
(under 雄安新区 while keeping its 保定 code). A segment is the significant prefix of the
12-digit code for the unit's level (2, 4, 6, 9 or 12 digits); a department appends its key
to its division's segment (``13-fgw``).

Descendants of P are exactly the paths in the half-open range [P + "/", P + "0"): "/" sorts
just before "0" and no character sorts between them, so the range holds every path that
starts with P + "/" and nothing else. Unlike ``startswith`` (a LIKE that SQLite answers with a
full scan) the range uses the index on both databases. On PostgreSQL the column carries the
"C" collation (see the units migrations) so the comparison is bytewise whatever the
database's default collation is.
"""

from __future__ import annotations

import re

from django.db.models import Q

LEVEL_DIGITS = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}
CODE_RE = re.compile(r"^\d{12}$")


def subtree_q(path: str, *, field: str = "path", include_self: bool = True) -> Q:
    """A filter for the units (or rows carrying a unit path) under ``path``."""
    below = Q(**{f"{field}__gte": path + "/", f"{field}__lt": path + "0"})
    if include_self:
        return below | Q(**{field: path})
    return below


def is_within(path: str, ancestor_path: str) -> bool:
    """True when ``path`` is ``ancestor_path`` or lies below it (the same rule in Python)."""
    return path == ancestor_path or path.startswith(ancestor_path + "/")


def ancestor_paths(path: str) -> list[str]:
    """``13/1301/130102`` → ``["13", "13/1301"]`` (root first, excluding the path itself)."""
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def level_of_code(code: str) -> str:
    """The level a 12-digit statistical code implies (its last non-zero digit group)."""
    if not CODE_RE.match(code):
        raise ValueError(code)
    if code[9:] != "000":
        return "village"
    if code[6:9] != "000":
        return "township"
    if code[4:6] != "00":
        return "county"
    if code[2:4] != "00":
        return "city"
    return "province"


def implied_parent_code(code: str) -> str | None:
    """The parent a 12-digit code implies by its digits (None for a province).

    A county's implied parent is its prefecture; callers fall back to the province when that
    prefecture does not exist (counties of a municipality, 省直辖 counties).
    """
    level = level_of_code(code)
    if level == "province":
        return None
    if level == "city":
        return code[:2] + "0" * 10
    if level == "county":
        return code[:4] + "0" * 8
    if level == "township":
        return code[:6] + "0" * 6
    return code[:9] + "000"


def segment_for(code: str, level: str) -> str:
    """The path segment of a division: its code's significant prefix for its level."""
    return code[: LEVEL_DIGITS[level]]
