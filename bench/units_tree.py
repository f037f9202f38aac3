"""Units on the supervision tree: import time, subtree queries, a unit page's child counts.

    python -m bench units_tree [--scale small|hebei]      (DATABASE_URL selects the database)

small: Hebei's real units (≈2,500). hebei: plus ≈50,000 synthetic villages.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench import _django


def _time(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench units_tree")
    parser.add_argument("--scale", choices=["small", "hebei"], default="small")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    url = _django.setup()

    from django.db import connection

    from luoshi.units.importer import import_builtin
    from luoshi.units.models import Unit
    from luoshi.units.paths import subtree_q
    from luoshi.units.selectors import children_with_counts
    from luoshi.units.synthetic import add_villages

    start = time.perf_counter()
    import_builtin(actor=None, province="13")
    import_s = time.perf_counter() - start
    start = time.perf_counter()
    reimport = import_builtin(actor=None, province="13")
    reimport_s = time.perf_counter() - start
    villages = add_villages(50_000) if args.scale == "hebei" else 0
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE units_unit")
    total = Unit.objects.count()

    city = Unit.objects.get(code="130100000000")
    county = Unit.objects.get(code="130102000000")
    province = Unit.objects.get(code="130000000000")
    subtree_city_ms, subtree_city_p95 = _time(
        lambda: Unit.objects.filter(subtree_q(city.path)).count(), args.repeat
    )
    subtree_county_ms, _ = _time(
        lambda: list(Unit.objects.filter(subtree_q(county.path)).values_list("pk", flat=True)), args.repeat
    )
    children_ms, children_p95 = _time(lambda: list(children_with_counts(province)), max(5, args.repeat // 5))
    search_ms, _ = _time(lambda: list(Unit.objects.filter(name__contains="长安")[:50]), args.repeat)

    sql, params = Unit.objects.filter(subtree_q(city.path)).values("pk").query.sql_with_params()
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("EXPLAIN " + sql, params)
        else:
            c.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " | ".join(str(row[-1]) for row in c.fetchall())
    uses_index = "index" in plan.lower()

    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    print(f"units: {total} (synthetic villages: {villages})")
    print(
        f"import of Hebei: {import_s:.2f} s; re-import (no change, {reimport.unchanged} rows): {reimport_s:.2f} s"
    )
    print(f"subtree of 石家庄市 (count): median {subtree_city_ms:.2f} ms, p95 {subtree_city_p95:.2f} ms")
    print(f"subtree of 长安区 (rows): median {subtree_county_ms:.2f} ms")
    print(f"province page child counts (one query): median {children_ms:.2f} ms, p95 {children_p95:.2f} ms")
    print(f"name search: median {search_ms:.2f} ms")
    print(f"plan: {plan}")
    print(
        f"BENCH units_tree db={connection.vendor} scale={args.scale} units={total} import_s={import_s:.2f} "
        f"reimport_s={reimport_s:.2f} subtree_city_ms={subtree_city_ms:.2f} subtree_county_ms={subtree_county_ms:.2f} "
        f"children_counts_ms={children_ms:.2f} search_ms={search_ms:.2f} subtree_uses_index={uses_index}"
    )
