"""Computing an assessment of all of Hebei's county-level units from realistic data.

    python -m bench assessment [--tasks 30] [--repeat 5]      (DATABASE_URL selects the database)

Loads Hebei's real units, 8 indicators with a target and monthly actuals for every county,
``--tasks`` tasks assigned by the province to every county-level unit (deadlines spread over
the half-year, about two thirds completed, some late), monthly reports on each with reviews
(about one in eight returned). Then times ``services.run_compute`` of a county scheme with
five criteria — on-time rate, completion rate, report timeliness, return rate, indicator
attainment over the 8 indicators (rank-based) — its publication (the second one, with its
diff), and the ranking as the province's leader reads it. Times are medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from bench import _django

YEAR = 2026


def _median_ms(fn, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def _load(n_tasks: int) -> tuple[dict[str, int], list]:
    from django.db import transaction
    from django.utils import timezone

    from luoshi.indicators import services as ind_services
    from luoshi.indicators.models import Actual, Target
    from luoshi.reports.models import Report, Review
    from luoshi.tasks.models import Assignment, Source, Task
    from luoshi.units.models import Kind, Level, Unit

    rng = random.Random(11)
    tz = timezone.get_current_timezone()
    province = Unit.objects.get(code="130000000000")
    counties = list(Unit.objects.filter(level=Level.COUNTY, kind=Kind.DIVISION, retired_at__isnull=True))
    with transaction.atomic():
        indicators = [
            ind_services.indicator_create(
                actor=None, owner=province, name=f"重点指标{i}", direction="down" if i % 4 == 3 else "up"
            )
            for i in range(8)
        ]
        now = timezone.now()
        Target.objects.bulk_create(
            Target(
                indicator=ind,
                unit=u,
                unit_path=u.path,
                year=YEAR,
                period=0,
                value=1200,
                set_at=now,
                baseline=None,
            )
            for ind in indicators
            for u in counties
        )
        Actual.objects.bulk_create(
            Actual(
                indicator=ind,
                unit=u,
                unit_path=u.path,
                year=YEAR,
                period=m,
                value=round(rng.uniform(40, 160), 2),
                origin="excel",
                entered_at=now,
            )
            for ind in indicators
            for u in counties
            for m in range(1, 7)
        )
        source = Source.objects.create(
            title="全省重点工作推进会", date=dt.date(YEAR, 1, 5), issuer=province, issuer_path=province.path
        )
        tasks = Task.objects.bulk_create(
            Task(
                source=source,
                issuer=province,
                issuer_path=province.path,
                seq=i,
                title=f"任务{i}",
                cadence="monthly",
                deadline=dt.date(YEAR, 2 + i % 5, 28),
            )
            for i in range(1, n_tasks + 1)
        )
        rows = []
        for t in tasks:
            for u in counties:
                done = rng.random() < 0.66
                late = rng.random() < 0.25
                finished = t.deadline + dt.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 20))
                rows.append(
                    Assignment(
                        task=t,
                        unit=u,
                        unit_path=u.path,
                        issuer_path=province.path,
                        assigned_at=now,
                        start_date=dt.date(YEAR, 1, 5),
                        deadline=t.deadline,
                        status="completed" if done else "active",
                        completed_at=dt.datetime.combine(finished, dt.time(10), tzinfo=tz) if done else None,
                        progress=100 if done else rng.randint(0, 90),
                    )
                )
        assignments = Assignment.objects.bulk_create(rows, batch_size=2000)
        reports = []
        for a in assignments:
            end = a.completed_at.date() if a.completed_at else dt.date(YEAR, 6, 30)
            day = dt.date(YEAR, 1, 25)
            while day <= end:
                if rng.random() < 0.85:
                    reports.append(
                        Report(
                            assignment=a,
                            unit_path=a.unit_path,
                            issuer_path=a.issuer_path,
                            text="进展",
                            percent=50,
                            submitted_at=dt.datetime.combine(
                                day + dt.timedelta(days=rng.randint(0, 8)), dt.time(9), tzinfo=tz
                            ),
                        )
                    )
                day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=25)
        reports = Report.objects.bulk_create(reports, batch_size=2000)
        Review.objects.bulk_create(
            (
                Review(
                    report=r,
                    decision="return" if rng.random() < 0.125 else "accept",
                    reason="请补充",
                    reviewed_at=r.submitted_at + dt.timedelta(days=1),
                )
                for r in reports
            ),
            batch_size=2000,
        )
    return {"counties": len(counties), "assignments": len(assignments), "reports": len(reports)}, indicators


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench assessment")
    parser.add_argument("--tasks", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    _django.setup()

    from django.db import connection

    from luoshi.assessment import services, tables
    from luoshi.units.importer import import_builtin
    from luoshi.units.models import Unit

    import_builtin(actor=None, province="13")
    start = time.perf_counter()
    counts, indicators = _load(args.tasks)
    load_s = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    province = Unit.objects.get(code="130000000000")
    scheme = services.scheme_create(
        actor=None,
        owner=province,
        name="县（市、区）重点工作考核",
        period_label=f"{YEAR}年上半年",
        period_start=dt.date(YEAR, 1, 1),
        period_end=dt.date(YEAR, 6, 30),
        level="county",
        direct_placement="counties",
    )
    for kind, weight, floor, target in (
        ("on_time_rate", 25, 0, 100),
        ("completion_rate", 15, 0, 100),
        ("report_timeliness", 15, 0, 100),
        ("return_rate", 10, 30, 0),
    ):
        services.criterion_add(
            actor=None, scheme=scheme, kind=kind, weight=weight, floor=floor, target=target
        )
    services.criterion_add(
        actor=None,
        scheme=scheme,
        kind="indicator_attainment",
        weight=35,
        normalization="rank",
        params={"indicators": [{"id": i.pk, "weight": 1} for i in indicators]},
    )
    as_of = dt.date(YEAR, 6, 30)
    compute_ms, run = _median_ms(
        lambda: services.run_compute(actor=None, scheme=scheme, as_of=as_of), args.repeat
    )
    services.run_publish(actor=None, run=run)
    second = services.run_compute(actor=None, scheme=scheme, as_of=as_of)
    start = time.perf_counter()
    services.run_publish(actor=None, run=second)
    publish_ms = (time.perf_counter() - start) * 1000

    class Leader:  # the province's leader: sees every row and explanation
        is_authenticated = is_active = True
        is_superuser = False
        unit = province
        unit_id = province.pk
        roles = ["leader"]

    second.refresh_from_db()
    ranking_ms, groups = _median_ms(lambda: tables.ranking(Leader(), second), args.repeat)
    ranked = sum(len(g.lines) for g in groups)
    print(
        f"BENCH assessment db={connection.vendor} units={ranked} assignments={counts['assignments']} "
        f"reports={counts['reports']} criteria=5 indicators={len(indicators)} load_s={load_s:.1f} "
        f"compute_ms={compute_ms:.0f} publish_ms={publish_ms:.0f} ranking_ms={ranking_ms:.1f}"
    )
