"""A large, realistic task load on the real Hebei units (plus synthetic villages).

Shape (as a province runs it): sources issued by the province; some tasks to every city,
decomposed by each city to its counties, by some counties to their townships, and by
townships to their villages; others to every county at once (全省县（市、区）). Rows are
bulk-inserted with their copied paths, as the services would leave them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict


def build(*, tasks: int = 20_000, assignments: int = 500_000, seed: int = 7) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from luoshi.tasks.models import Assignment, Source, Task
    from luoshi.units.models import Kind, Unit

    rng = random.Random(seed)
    start = time.perf_counter()
    units = list(
        Unit.objects.filter(kind=Kind.DIVISION, retired_at__isnull=True).only(
            "pk", "path", "level", "parent_id"
        )
    )
    by_pk = {u.pk: u for u in units}
    children = defaultdict(list)
    for u in units:
        if u.parent_id:
            children[u.parent_id].append(u)
    province = next(u for u in units if u.level == "province")
    counties = [u for u in units if u.level == "county"]
    today = timezone.localdate()
    now = timezone.now()
    made = {"tasks": 0, "assignments": 0}
    counter = defaultdict(int)

    with transaction.atomic():
        sources = Source.objects.bulk_create(
            [
                Source(
                    title=f"合成会议{i + 1}",
                    date=today - dt.timedelta(days=60 - i),
                    issuer=province,
                    issuer_path=province.path,
                )
                for i in range(20)
            ]
        )

        def add_tasks(specs):
            """specs: (source, issuer, parent_assignment_id, [(unit, role)])"""
            rows = []
            for source, issuer, parent_id, _targets in specs:
                counter[(source.pk, parent_id)] += 1
                deadline = today + dt.timedelta(days=rng.randint(-20, 120))
                rows.append(
                    Task(
                        source=source,
                        issuer=issuer,
                        issuer_path=issuer.path,
                        parent_assignment_id=parent_id,
                        seq=counter[(source.pk, parent_id)],
                        title=f"合成任务{made['tasks'] + len(rows) + 1}",
                        deadline=deadline,
                        cadence=rng.choice(["none", "weekly", "monthly"]),
                    )
                )
            Task.objects.bulk_create(rows, batch_size=2000)
            made["tasks"] += len(rows)
            arows = []
            for task, (_s, issuer, _p, targets) in zip(rows, specs, strict=True):
                for unit, role in targets:
                    arows.append(
                        Assignment(
                            task=task,
                            unit_id=unit.pk,
                            unit_path=unit.path,
                            issuer_path=issuer.path,
                            role=role,
                            assigned_at=now,
                            start_date=today - dt.timedelta(days=30),
                            deadline=task.deadline,
                            progress=rng.choice([0, 10, 30, 50, 80, 100]),
                        )
                    )
            Assignment.objects.bulk_create(arows, batch_size=5000)
            made["assignments"] += len(arows)
            return arows

        city_level = [u for u in children[province.pk]]
        share = tasks / 20_000
        source_of = {}  # assignment pk → its task's source: a sub-task stays in its parent's source

        def decompose(parents, limit, level=None):
            specs = []
            for a in parents[:limit]:
                kids = [c for c in children[a.unit_id] if level is None or c.level == level]
                if kids:
                    specs.append((source_of[a.pk], by_pk[a.unit_id], a.pk, [(c, "lead") for c in kids]))
            rows = add_tasks(specs)
            for spec_rows_source, a in zip([sp[0] for sp in specs for _ in sp[3]], rows, strict=True):
                source_of[a.pk] = spec_rows_source
            return rows

        # A: to every city-level unit; B: each city decomposes to its counties.
        a_specs = [
            (sources[i % 20], province, None, [(u, "lead") for u in city_level])
            for i in range(int(200 * share))
        ]
        a_rows = add_tasks(a_specs)
        for spec, a in zip([sp for sp in a_specs for _ in sp[3]], a_rows, strict=True):
            source_of[a.pk] = spec[0]
        b_rows = decompose(a_rows, len(a_rows), level="county")
        # C: some counties decompose to their townships.
        rng.shuffle(b_rows)
        c_rows = decompose(b_rows, int(4000 * share))
        # D: townships decompose to their villages, and A': tasks to every county, until the totals are met.
        d_pool = [a for a in c_rows if children[a.unit_id]]
        rng.shuffle(d_pool)
        while made["tasks"] < tasks and made["assignments"] < assignments:
            room = tasks - made["tasks"]
            reserve = int(800 * share)  # tasks to every county (全省县), 167 assignments each
            if d_pool and made["tasks"] < tasks - reserve:
                batch = d_pool[: min(2000, room - reserve)]
                d_pool = d_pool[len(batch) :]
                decompose(batch, len(batch))
            else:
                n = min(room, max(1, (assignments - made["assignments"]) // len(counties)), 500)
                add_tasks(
                    [(sources[2 + i % 18], province, None, [(c, "lead") for c in counties]) for i in range(n)]
                )
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    made["seconds"] = round(time.perf_counter() - start, 1)
    return made
