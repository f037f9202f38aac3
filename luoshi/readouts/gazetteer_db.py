"""The parser's gazetteer, extended with the units table as an importing unit sees it.

The parser ships every division of China down to townships (luoshi/units/data), so the DB adds
only what the shipped data cannot know:

- units under the importing unit that differ from the shipped data or are not in it: the
  departments with their aliases (省发改委 …), villages and communities, hand-made units,
  renamed units, units with aliases someone added;
- supervision-parent overrides anywhere (定州市 and 辛集市 under the province, 雄县 under
  雄安新区), with their parents: they change which unit a short name resolves to.

Building means copying the shipped index and adding a few thousand rows, which takes tens of
milliseconds (see docs/PERFORMANCE.md), so a built gazetteer (5–10 MB) is kept in process memory,
a few subtrees at a time, keyed by what changes it: the table's row count and latest
``updated_at``, the number of overrides, the number of aliases and their highest id. A
re-parenting rewrites paths with an UPDATE that does not touch ``updated_at``, so entries also
expire after ``TTL_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from django.db.models import Count, Max, Q

from luoshi.readouts.parser import Gazetteer
from luoshi.units.models import LEVEL_ORDER, Kind, Level, Unit, UnitAlias
from luoshi.units.paths import subtree_q

TTL_SECONDS = 300
CACHE_SIZE = 4

_cache: OrderedDict[tuple, tuple[float, Gazetteer]] = OrderedDict()
_lock = threading.Lock()
stats = {"hits": 0, "builds": 0}


def _builtin() -> Gazetteer:
    return Gazetteer.default()


def _fingerprint(root: str) -> tuple:
    """What a gazetteer depends on, in two aggregate queries over the whole table (≈20 ms for
    57,000 units on SQLite): any change to any unit or alias invalidates every cached entry,
    which is rare and costs one rebuild."""
    u = Unit.objects.aggregate(
        n=Count("pk"),
        latest=Max("updated_at"),
        overrides=Count("pk", filter=Q(parent_overridden=True)),
    )
    a = UnitAlias.objects.aggregate(n=Count("pk"), top=Max("pk"))
    return (root, u["n"], u["latest"], u["overrides"], a["n"], a["top"])


def with_villages(unit: Unit | None) -> bool:
    """Villages are added for a county or township importing: a few hundred names. A city has
    thousands and a province tens of thousands, which its readouts do not name."""
    return unit is not None and LEVEL_ORDER[unit.level] >= LEVEL_ORDER[Level.COUNTY]


def gazetteer_for(unit: Unit | None) -> Gazetteer:
    """The gazetteer for a readout imported by ``unit`` (None: the whole table, without villages).

    Cached per subtree; a change to the units table is seen on the next call.
    """
    root = unit.path if unit is not None else ""
    key = _fingerprint(root)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < TTL_SECONDS:
            _cache.move_to_end(key)
            stats["hits"] += 1
            return hit[1]
    gazetteer = build_gazetteer(root, with_villages=with_villages(unit))
    with _lock:
        _cache[key] = (now, gazetteer)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        stats["builds"] += 1
    return gazetteer


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def build_gazetteer(root: str = "", *, with_villages: bool = True) -> Gazetteer:
    """A new gazetteer: the shipped data plus the units table under ``root`` and every override."""
    builtin = _builtin()
    gazetteer = Gazetteer()
    rows = Unit.objects.filter(retired_at__isnull=True)
    if root:
        rows = rows.filter(subtree_q(root))
    if not with_villages:
        rows = rows.exclude(level=Level.VILLAGE, kind=Kind.DIVISION)
    overrides = Unit.objects.filter(retired_at__isnull=True, parent_overridden=True)
    override_parents = Unit.objects.filter(pk__in=overrides.values("parent_id"))
    fields = ("pk", "code", "name", "short_name", "level", "kind", "path", "parent__code")
    seen: set[int] = set()
    chosen: list[dict[str, Any]] = []
    for qs in (override_parents, overrides, rows):
        for row in qs.values(*fields):
            if row["pk"] not in seen:
                seen.add(row["pk"])
                chosen.append(row)
    # Parents before children, so that each parent is known when its child is added.
    chosen.sort(key=lambda r: r["path"])
    alias_rows = UnitAlias.objects.filter(
        Q(unit__parent_overridden=True) | (subtree_q(root, field="unit__path") if root else Q())
    )
    aliases: dict[int, list[tuple[str, str]]] = {}
    for unit_id, name, kind in alias_rows.values_list("unit_id", "name", "kind"):
        aliases.setdefault(unit_id, []).append((name, kind))
    for row in chosen:
        _add(gazetteer, builtin, row, aliases.get(row["pk"], []))
    return gazetteer


def _parser_level(row: dict[str, Any]) -> str:
    if row["kind"] == Kind.DEPARTMENT:
        return "department"
    # A village is treated like a township by the parser: full names only, and a mention
    # counts only when a unit above it is named nearby.
    if row["level"] == Level.VILLAGE:
        return "township"
    return row["level"]


def _add(
    gazetteer: Gazetteer, builtin: Gazetteer, row: dict[str, Any], aliases: list[tuple[str, str]]
) -> None:
    code, name, parent = row["code"], row["name"], row["parent__code"]
    level = _parser_level(row)
    if row["level"] == Level.VILLAGE and row["kind"] == Kind.DIVISION and len(name) < 3:
        return  # 新村, 东村: two-character village names are everyday words
    if row["kind"] == Kind.DEPARTMENT:
        forms = {row["short_name"], *(a for a, _kind in aliases)}
    else:
        # A division's short name was derived by stripping its suffix (长安区 -> 长安); the parser
        # derives its own short forms, minus everyday words, so only names people added count.
        forms = {a for a, kind in aliases if kind != UnitAlias.AliasKind.SHORT}
    forms = {f for f in forms if f and f != name and len(f) >= 2}
    shipped = builtin.get(code)
    if shipped is not None and shipped.name == name and shipped.parent == parent:
        forms = {f for f in forms if code not in {p.key for p in builtin.lookup(f)}}
        if not forms:
            return  # the shipped data says the same
    try:
        gazetteer.add(name, aliases=sorted(forms), parent=parent, level=level, code=code)
    except KeyError:  # a parent the gazetteer does not know (outside the subtree, not shipped)
        gazetteer.add(name, aliases=sorted(forms), level=level, code=code)
