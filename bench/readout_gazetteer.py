"""The import wizard's gazetteer: the parser's shipped data plus the units table.

    python -m bench readout_gazetteer [--scale small|hebei]      (DATABASE_URL selects the database)

small: Hebei's real divisions with departments for the province and its cities. hebei: plus
departments for every county (≈7,000 units) and ≈50,000 synthetic villages. Times the build
of the gazetteer for the province, a city and a county (the wizard caches it), a cached
look-up (three aggregate queries), and a parse of a 10,000-character report with it. Ends with:

    BENCH readout_gazetteer db=… units=… build_province_ms=… build_city_ms=… build_county_ms=… cached_ms=… parse_ms=…
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench import _django


def _median(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench readout_gazetteer")
    parser.add_argument("--scale", choices=["small", "hebei"], default="hebei")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    _django.setup()

    from django.db import connection

    from bench.readout_parse import build_report
    from luoshi.readouts import gazetteer_db
    from luoshi.readouts.parser import Gazetteer, parse
    from luoshi.units.importer import import_builtin
    from luoshi.units.models import Kind, Level, Unit
    from luoshi.units.services import departments_add
    from luoshi.units.synthetic import add_villages

    import_builtin(actor=None, province="13")
    levels = [Level.PROVINCE, Level.CITY] + ([Level.COUNTY] if args.scale == "hebei" else [])
    for unit in Unit.objects.filter(level__in=levels, kind=Kind.DIVISION):
        departments_add(actor=None, division=unit)
    if args.scale == "hebei":
        add_villages(50_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE units_unit")
    total = Unit.objects.count()
    Gazetteer.default()  # the shipped data, loaded once per process (start-up)

    province = Unit.objects.get(code="130000000000")
    city = Unit.objects.get(code="130100000000")
    county = Unit.objects.get(code="130102000000")
    build = {}
    for name, unit in (("province", province), ("city", city), ("county", county)):
        with_villages = gazetteer_db.with_villages(unit)
        build[name] = _median(
            lambda u=unit, v=with_villages: gazetteer_db.build_gazetteer(u.path, with_villages=v), args.repeat
        )
    gazetteer_db.clear_cache()
    gazetteer = gazetteer_db.gazetteer_for(province)
    cached = _median(lambda: gazetteer_db.gazetteer_for(province), args.repeat * 4)
    report = build_report()
    parse(report, gazetteer)
    parse_ms = _median(lambda: parse(report, gazetteer), args.repeat * 4)
    print(
        f"BENCH readout_gazetteer db={connection.vendor} units={total} build_province_ms={build['province']:.0f} "
        f"build_city_ms={build['city']:.0f} build_county_ms={build['county']:.0f} cached_ms={cached:.1f} "
        f"parse_ms={parse_ms:.1f}"
    )
