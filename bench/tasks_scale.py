"""Tasks at provincial scale: a county's inbox, a source's task tree, recomputing every light.

    DATABASE_URL=postgres://… python -m bench tasks_scale [--scale small|hebei]

hebei: Hebei's real units + 50,000 synthetic villages, 20,000 tasks, 500,000 assignments.
small: the real units only, 2,000 tasks, 50,000 assignments.
Times are server time: the Django test client through every middleware, template included.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench import _django


def _timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench tasks_scale")
    parser.add_argument("--scale", choices=["small", "hebei"], default="small")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="time again on the database a previous run left")
    args = parser.parse_args(argv)
    if args.reuse:
        import os

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
        django.setup()
    else:
        _django.setup()

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench._tasks_data import build
    from luoshi.accounts.services import user_create
    from luoshi.tasks.models import Assignment, Source, Task
    from luoshi.tasks.services import lights_refresh
    from luoshi.units.importer import import_builtin
    from luoshi.units.models import Unit
    from luoshi.units.synthetic import add_villages

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    big = args.scale == "hebei"
    if not args.reuse:
        import_builtin(actor=None, province="13")
        add_villages(50_000 if big else 5_000)
        made = build(tasks=20_000 if big else 2_000, assignments=500_000 if big else 50_000)
        print(
            f"generated {made['tasks']} tasks, {made['assignments']} assignments in {made['seconds']} s "
            f"({Unit.objects.count()} units)"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

    start = time.perf_counter()
    changed = lights_refresh()
    lights_s = time.perf_counter() - start
    start = time.perf_counter()
    lights_refresh()
    lights_again_s = time.perf_counter() - start
    print(
        f"recompute every light: {lights_s:.1f} s ({changed} changed); again, nothing changed: {lights_again_s:.1f} s"
    )

    # The county with the most assignments, and a busy source.
    county_path = (
        Assignment.objects.filter(unit__level="county")
        .values("unit_path")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["unit_path"]
    )
    county = Unit.objects.get(path=county_path)
    province = Unit.objects.get(code="130000000000")
    from luoshi.accounts.models import User

    county_user = (
        User.objects.filter(username="bench-county").first()
        or user_create(
            actor=None,
            username="bench-county",
            unit=county,
            roles=["supervisor", "reporter"],
            password="bench-password-123",
        )[0]
    )
    province_user = (
        User.objects.filter(username="bench-province").first()
        or user_create(
            actor=None,
            username="bench-province",
            unit=province,
            roles=["leader"],
            password="bench-password-123",
        )[0]
    )
    source = Source.objects.get(title="合成会议1")
    n_tree = Assignment.objects.filter(task__source=source).count()

    county_client, province_client = Client(), Client()
    county_client.force_login(county_user, backend="django.contrib.auth.backends.ModelBackend")
    province_client.force_login(province_user, backend="django.contrib.auth.backends.ModelBackend")

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    get(county_client, "/work/inbox/")
    inbox_ms, inbox_p95 = _timed(lambda: get(county_client, "/work/inbox/"), args.repeat)
    tree_url = f"/work/sources/{source.pk}/"
    get(county_client, tree_url)
    county_tree_ms, county_tree_p95 = _timed(lambda: get(county_client, tree_url), args.repeat)
    get(province_client, tree_url)
    province_tree_ms, province_tree_p95 = _timed(
        lambda: get(province_client, tree_url), max(3, args.repeat // 4)
    )
    api_ms, _ = _timed(lambda: get(county_client, "/api/v1/assignments?mine=true&limit=50"), args.repeat)

    print(f"database: {connection.vendor}; county {county.name} ({county.code})")
    print(f"county inbox page: median {inbox_ms:.1f} ms, p95 {inbox_p95:.1f} ms")
    print(f"source tree page as the county: median {county_tree_ms:.1f} ms, p95 {county_tree_p95:.1f} ms")
    print(
        f"source tree page as the province ({n_tree} assignments in the source): median {province_tree_ms:.1f} ms, "
        f"p95 {province_tree_p95:.1f} ms"
    )
    print(f"API: my assignments (50): median {api_ms:.1f} ms")
    print(
        f"BENCH tasks_scale db={connection.vendor} scale={args.scale} units={Unit.objects.count()} "
        f"tasks={Task.objects.count()} assignments={Assignment.objects.count()} "
        f"county_inbox_ms={inbox_ms:.1f} county_tree_ms={county_tree_ms:.1f} province_tree_ms={province_tree_ms:.1f} "
        f"api_mine_ms={api_ms:.1f} lights_all_s={lights_s:.1f} lights_again_s={lights_again_s:.1f}"
    )
