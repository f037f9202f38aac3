"""The dashboard's data at Hebei scale: indicators rolled up the tree, task measures, 双过半.

    python -m bench dashboard [--scale small|hebei]      (DATABASE_URL selects the database)

small: Hebei's real units, actuals for its 167 counties. hebei: plus 50,000 synthetic
villages, each with 20 indicators × 12 months of actuals (12 million rows), loaded by one
INSERT … SELECT, then rolled up by ``services.rollups_rebuild``. Also 20 tasks assigned to every
county. Times (server side, no HTTP): the province dashboard's data and a city's drill-down
(``dashboard.selectors.dashboard`` + ``as_json``), the indicator figures alone (stored rollups),
and the same figures computed from the raw actuals by one hand-written SQL query.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from bench import _django

YEAR = 2026


def _time(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def _load_actuals(level: str) -> int:
    from django.db import connection

    if connection.vendor == "postgresql":
        sql = """
            INSERT INTO indicators_actual (indicator_id, unit_id, unit_path, year, period, value, origin, entered_at)
            SELECT i.id, u.id, u.path, %s, p, (10 + random() * 90)::numeric(20, 4), 'excel', now()
            FROM units_unit u CROSS JOIN indicators_indicator i CROSS JOIN generate_series(1, 12) p
            WHERE u.level = %s AND u.kind = 'division'
        """
    else:
        sql = """
            WITH RECURSIVE months(p) AS (SELECT 1 UNION ALL SELECT p + 1 FROM months WHERE p < 12)
            INSERT INTO indicators_actual (indicator_id, unit_id, unit_path, year, period, value, origin, entered_at)
            SELECT i.id, u.id, u.path, %s, p, 10 + abs(random() % 9000) / 100.0, 'excel', datetime('now')
            FROM units_unit u CROSS JOIN indicators_indicator i CROSS JOIN months
            WHERE u.level = %s AND u.kind = 'division'
        """
    with connection.cursor() as c:
        c.execute(sql, [YEAR, level])
        return c.rowcount


def _tasks() -> int:
    from django.utils import timezone

    from luoshi.tasks.models import Assignment, Light, Source, Task
    from luoshi.units.models import Kind, Level, Unit

    province = Unit.objects.get(code="130000000000")
    counties = list(Unit.objects.filter(level=Level.COUNTY, kind=Kind.DIVISION))
    source = Source.objects.create(
        title="全省重点工作推进会", date=dt.date(YEAR, 3, 2), issuer=province, issuer_path=province.path
    )
    tasks = Task.objects.bulk_create(
        Task(
            source=source,
            issuer=province,
            issuer_path=province.path,
            seq=i,
            title=f"任务{i}",
            deadline=dt.date(YEAR, 12, 31),
        )
        for i in range(1, 21)
    )
    now = timezone.now()
    rows = [
        Assignment(
            task=t,
            unit=u,
            unit_path=u.path,
            issuer_path=province.path,
            assigned_at=now,
            start_date=dt.date(YEAR, 3, 2),
            deadline=dt.date(YEAR, 6, 30) if (t.seq + u.pk) % 5 == 0 else dt.date(YEAR, 12, 31),
            status="completed" if (t.seq * 7 + u.pk) % 3 == 0 else "active",
            completed_at=now if (t.seq * 7 + u.pk) % 3 == 0 else None,
            light=[Light.GREEN, Light.YELLOW, Light.RED][(t.seq + u.pk) % 3],
            light_date=dt.date(YEAR, 7, 1),
        )
        for t in tasks
        for u in counties
    ]
    Assignment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


HAND_SQL = """
    SELECT a.indicator_id, u.id AS child_id, SUM(a.value)
    FROM indicators_actual a
    JOIN units_unit u ON u.parent_id = %s
        AND (a.unit_path = u.path OR (a.unit_path >= u.path || '/' AND a.unit_path < u.path || '0'))
    WHERE a.year = %s AND a.period <= %s AND a.indicator_id IN ({ids})
    GROUP BY a.indicator_id, u.id
"""


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench dashboard")
    parser.add_argument("--scale", choices=["small", "hebei"], default="small")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--reuse", action="store_true", help="time again on the database a previous run left (no reload)"
    )
    args = parser.parse_args(argv)
    if args.reuse:
        import os

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
        django.setup()
        url = os.environ.get("DATABASE_URL", "")
    else:
        url = _django.setup()

    from django.db import connection

    from luoshi.dashboard import selectors
    from luoshi.indicators import services
    from luoshi.indicators.models import Actual, Indicator, Rollup
    from luoshi.indicators.selectors import figures
    from luoshi.units.importer import import_builtin
    from luoshi.units.models import Unit
    from luoshi.units.synthetic import add_villages

    if args.reuse:
        from luoshi.tasks.models import Assignment

        villages = Unit.objects.filter(source="synthetic").count()
        n_actuals, n_rollups, n_assignments = (
            Actual.objects.count(),
            Rollup.objects.count(),
            Assignment.objects.count(),
        )
        load_s = rollup_s = 0.0
        province = Unit.objects.get(code="130000000000")
        city = Unit.objects.get(code="130100000000")
        sums = list(Indicator.objects.filter(name__startswith="总量指标").order_by("pk"))
    else:
        import_builtin(actor=None, province="13")
        villages = add_villages(50_000) if args.scale == "hebei" else 0
        province = Unit.objects.get(code="130000000000")
        city = Unit.objects.get(code="130100000000")
        sums = [
            services.indicator_create(actor=None, owner=province, name=f"总量指标{i}", measure_unit="人")
            for i in range(12)
        ]
        for i in range(6):
            services.indicator_create(
                actor=None, owner=province, name=f"平均指标{i}", aggregation="mean", direction="down"
            )
        for i in range(2):
            services.indicator_create(
                actor=None,
                owner=province,
                name=f"加权指标{i}",
                aggregation="weighted",
                weight=sums[i],
                accumulation="mean",
            )
        start = time.perf_counter()
        _load_actuals("village" if villages else "county")
        n_actuals = Actual.objects.count()
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        # Weight indicators first: a weighted mean reads its weight's actuals.
        n_rollups = sum(
            services.rollups_rebuild(indicator=ind, year=YEAR)
            for ind in sorted(Indicator.objects.all(), key=lambda i: i.aggregation == "weighted")
        )
        rollup_s = time.perf_counter() - start
        n_assignments = _tasks()
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("ANALYZE")

    class Operator:  # the system operator: sees everything, holds every role
        is_authenticated = is_active = is_superuser = True
        unit = None
        roles = ["leader"]

    user = Operator()
    filters = selectors.Filters(year=YEAR, month=12)
    today = dt.date(YEAR, 7, 1)
    indicators = list(Indicator.objects.all())
    children = list(Unit.objects.filter(parent=province))

    def province_dashboard():
        return selectors.as_json(selectors.dashboard(user, province, filters, today=today))

    def city_dashboard():
        return selectors.as_json(selectors.dashboard(user, city, filters, today=today))

    def stored():
        return figures(indicators, children, year=YEAR, month=12)

    ids = ",".join(str(i.pk) for i in indicators)

    def hand():
        with connection.cursor() as c:
            c.execute(HAND_SQL.format(ids=ids), [province.pk, YEAR, 12])
            return c.fetchall()

    province_dashboard()  # warm caches (geo files, the calendar)
    province_ms, province_p95 = _time(province_dashboard, args.repeat)
    city_ms, city_p95 = _time(city_dashboard, args.repeat)
    stored_ms, _ = _time(stored, args.repeat)
    hand_ms, _ = _time(hand, max(3, args.repeat // 4))
    # The two agree (a sum indicator, 石家庄市).
    rolled = stored()[sums[0].pk, city.pk].value
    flat = next(float(v) for ind, child, v in hand() if ind == sums[0].pk and child == city.pk)
    agree = abs(rolled - flat) < 1e-6 * max(1.0, abs(flat))
    units = Unit.objects.count()
    print(f"database: {connection.vendor} ({url.split('@')[-1]})")
    print(f"units: {units} (synthetic villages: {villages}); actuals: {n_actuals} loaded in {load_s:.1f} s")
    print(f"rollup rebuild: {n_rollups} stored values in {rollup_s:.1f} s; assignments: {n_assignments}")
    print(f"province dashboard data: median {province_ms:.1f} ms, p95 {province_p95:.1f} ms")
    print(f"city drill-down data:    median {city_ms:.1f} ms, p95 {city_p95:.1f} ms")
    print(
        f"indicator figures of the province's children: stored rollup {stored_ms:.2f} ms, "
        f"one hand-written SQL over the actuals {hand_ms:.1f} ms (×{hand_ms / stored_ms:.0f}); agree={agree}"
    )
    print(
        f"BENCH dashboard db={connection.vendor} scale={args.scale} units={units} actuals={n_actuals} "
        f"indicators={len(indicators)} assignments={n_assignments} load_s={load_s:.1f} rollup_s={rollup_s:.1f} "
        f"province_ms={province_ms:.1f} city_ms={city_ms:.1f} figures_stored_ms={stored_ms:.2f} "
        f"figures_sql_ms={hand_ms:.1f} sql_over_stored={hand_ms / stored_ms:.0f} agree={agree}"
    )
    assert Actual.objects.exists() and Rollup.objects.exists()
