"""Peer groups: who ranks with whom, as a pure function of plain unit records.

A scheme assesses the division units of one level under its owner: cities with cities (the
owner's direct child divisions of level city, 雄安新区 included), counties with counties.
定州市 and 辛集市 are county-level cities supervised directly by the province ("各市（含定州、
辛集市）"): a county-level unit whose supervision parent is the scheme's owner is "direct", and
the scheme's ``direct`` placement decides where it ranks:

- ``cities``: with the cities (in a city scheme; left out of a county scheme),
- ``counties``: with the counties (in a county scheme; left out of a city scheme),
- ``separate``: in a group of its own, in either scheme.

Example (Hebei, owner 河北省): a city scheme with ``cities`` ranks 11 cities, 雄安新区, 定州 and
辛集 together (14); a county scheme with ``cities`` ranks the other county-level units (165).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CITY, COUNTY = "city", "county"
WITH_CITIES, WITH_COUNTIES, SEPARATE = "cities", "counties", "separate"
DIRECT = "direct"


@dataclass(frozen=True)
class Member:
    pk: int
    code: str
    name: str
    path: str
    level: str


def _parent_path(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def peer_groups(
    owner_path: str, units: Iterable[Member], *, level: str, direct: str, owner_level: str = "province"
) -> dict[str, list[Member]]:
    """The groups a scheme ranks, keyed ``city``/``county``/other level, or ``direct``.

    ``units`` are the candidate division units in the owner's subtree (any levels); members
    are returned in path order. Only a province has "direct" counties: under a city owner
    every county is an ordinary member.
    """
    groups: dict[str, list[Member]] = {}
    for unit in sorted(units, key=lambda u: u.path):
        if unit.path == owner_path or not unit.path.startswith(owner_path + "/"):
            continue
        is_direct = (
            owner_level == "province"
            and unit.level == COUNTY
            and _parent_path(unit.path) == owner_path
            and level in (CITY, COUNTY)
        )
        if is_direct:
            if direct == SEPARATE:
                groups.setdefault(DIRECT, []).append(unit)
            elif (direct == WITH_CITIES and level == CITY) or (direct == WITH_COUNTIES and level == COUNTY):
                groups.setdefault(level, []).append(unit)
            continue
        if unit.level != level:
            continue
        if level == CITY and _parent_path(unit.path) != owner_path:
            continue
        groups.setdefault(level, []).append(unit)
    return groups
