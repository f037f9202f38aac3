"""Load with faults: concurrent reporters against the real server, killed (-9) and restarted midway.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_load python -m bench load_faults [--scale small|hebei]

The named PostgreSQL database is dropped and created anew. One county issues one task to N
townships (N = the number of clients), each township has a reporter with an API token; the real
server (`luoshi serve`: gunicorn, several workers) listens on 127.0.0.1 only. N client threads
POST reports, each with a fresh Idempotency-Key, for the duration; at the kill time every
process of the server (master and workers) gets SIGKILL and a new server is started. A request
that fails (connection refused or reset, timeout, 5xx) is retried with the same key until it is
acknowledged (2xx) or the run ends. Afterwards the database is read: every acknowledged key must
be stored exactly once, and no report may carry a key no client sent. Prints throughput, latency
percentiles and the counts, then one line `BENCH load_faults …`. Bounded: loopback only, the
duration, and at most --max-requests requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from . import _django

SCALES = {
    "small": {"clients": 20, "duration": 15.0},
    "hebei": {"clients": 200, "duration": 60.0},
}
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def build(clients: int) -> tuple[list[tuple[int, str]], int]:
    """The county, its townships, one task assigned to all of them; (assignment id, token) per client."""
    from django.conf import settings

    from luoshi.accounts.services import token_create, user_create
    from luoshi.tasks import services as tasks
    from luoshi.units.services import unit_create

    # The reporters only ever use tokens: skip argon2 for their generated passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    province = unit_create(actor=None, code="130000000000", name="河北省", level="province", parent=None)
    city = unit_create(actor=None, code="130100000000", name="石家庄市", level="city", parent=province)
    county = unit_create(actor=None, code="130102000000", name="长安区", level="county", parent=city)
    townships = [
        unit_create(
            actor=None,
            code=f"130102{i:03d}000",
            name=f"第{i}街道",
            level="township",
            parent=county,
            batch="load",
        )
        for i in range(1, clients + 1)
    ]
    supervisor, _ = user_create(actor=None, username="county-supervisor", unit=county, roles=["supervisor"])
    import datetime as dt

    source = tasks.source_create(
        actor=supervisor, issuer=county, title="压力测试推进会", date=dt.date(2026, 3, 2)
    )
    task = tasks.task_create(
        actor=supervisor, source=source, title="逐月报送进展", deadline=dt.date(2026, 12, 31)
    )
    assignments = tasks.task_assign(actor=supervisor, task=task, units=townships, today=dt.date(2026, 3, 2))
    by_unit = {a.unit_id: a for a in assignments}
    out = []
    for township in townships:
        user, _ = user_create(
            actor=None, username=f"reporter-{township.code}", unit=township, roles=["reporter"]
        )
        _token, key = token_create(actor=None, user=user, name="load")
        out.append((by_unit[township.pk].pk, key))
    return out, task.pk


class Server:
    """`luoshi serve` in its own process group, so one killpg reaches the master and every worker."""

    def __init__(self, port: int, workers: int, env: dict[str, str], log: Path):
        self.port, self.workers, self.env, self.log = port, workers, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        started = time.monotonic()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "luoshi.cli",
                    "serve",
                    "--bind",
                    f"{HOST}:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--threads",
                    "4",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = started + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited with {self.process.returncode}; see {self.log}")
            time.sleep(0.1)
        raise SystemExit(f"the server did not answer within 60 s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL to the master and all its workers at once (no graceful anything)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: set[str] = set()
        self.acked: dict[str, int] = {}
        self.latencies: list[float] = []
        self.requests = 0
        self.retries = 0
        self.errors: Counter[str] = Counter()


def client(
    port: int, assignment: int, token: str, stats: Stats, stop_at: float, give_up_at: float, max_requests: int
) -> None:
    path = f"/api/v1/assignments/{assignment}/reports"
    conn: http.client.HTTPConnection | None = None
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        key = uuid.uuid4().hex
        body = json.dumps({"text": f"第{n}次报送 {key}", "percent": min(n, 99)})
        headers = {
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        }
        with stats.lock:
            stats.sent.add(key)
        first = True
        # Retry the same key until acknowledged; a request started before the stop may finish.
        while time.monotonic() < give_up_at:
            with stats.lock:
                if stats.requests >= max_requests:
                    return
                stats.requests += 1
                if not first:
                    stats.retries += 1
            first = False
            t0 = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=10)
                conn.request("POST", path, body=body.encode(), headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                with stats.lock:
                    stats.errors[type(exc).__name__] += 1
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.2)
                continue
            if 200 <= status < 300:
                with stats.lock:
                    stats.acked[key] = status
                    stats.latencies.append(time.monotonic() - t0)
                break
            with stats.lock:
                stats.errors[f"HTTP {status}"] += 1
            if status < 500:
                break  # refused for good (never expected here): not acknowledged, not retried
            time.sleep(0.2)
    if conn is not None:
        conn.close()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def check(task_id: int, stats: Stats) -> dict[str, int]:
    """What the database holds against what the clients were told."""
    from django.db import connections

    from luoshi.reports.models import Report

    connections.close_all()
    stored = Counter(
        Report.objects.filter(assignment__task_id=task_id).values_list("idempotency_key", flat=True)
    )
    acked = set(stats.acked)
    return {
        "acknowledged": len(acked),
        "stored": sum(stored.values()),
        "lost": len(acked - set(stored)),
        "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        "unknown": sum(n for k, n in stored.items() if k not in stats.sent),
        "stored_unacknowledged": len(set(stored) - acked - (set(stored) - stats.sent)),
    }


def run(
    *,
    clients: int,
    duration: float,
    kill_at: float | None,
    workers: int,
    max_requests: int,
    log: Path | None = None,
) -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("load_faults needs DATABASE_URL=postgres://…/<a database it may drop and recreate>")
    _django.setup(url)
    setup_started = time.monotonic()
    pairs, task_id = build(clients)
    setup_seconds = time.monotonic() - setup_started
    data_dir = tempfile.mkdtemp(prefix="luoshi-load-")
    env = {**os.environ, "DATABASE_URL": url, "LUOSHI_DATA_DIR": data_dir, "LUOSHI_LOG_LEVEL": "ERROR"}
    log = log or Path(data_dir) / "server.log"
    port = _free_port()
    server = Server(port, workers, env, log)
    server.start()
    stats = Stats()
    start = time.monotonic()
    stop_at, give_up_at = start + duration, start + duration + 30
    threads = [
        threading.Thread(
            target=client, args=(port, a, t, stats, stop_at, give_up_at, max_requests), daemon=True
        )
        for a, t in pairs
    ]
    for t in threads:
        t.start()
    restart_seconds = None
    kills = 0
    try:
        if kill_at is not None:
            time.sleep(max(0.0, start + kill_at - time.monotonic()))
            server.kill()
            kills = 1
            restart_seconds = server.start()
        for t in threads:
            t.join(timeout=max(0.0, give_up_at - time.monotonic()) + 5)
    finally:
        server.stop()
    elapsed = time.monotonic() - start
    counts = check(task_id, stats)
    return {
        "clients": clients,
        "duration": duration,
        "elapsed": elapsed,
        "setup_seconds": setup_seconds,
        "kills": kills,
        "restart_seconds": restart_seconds,
        "requests": stats.requests,
        "retries": stats.retries,
        "errors": dict(stats.errors),
        "throughput": counts["acknowledged"] / elapsed if elapsed else 0.0,
        "p50_ms": percentile(stats.latencies, 50) * 1000,
        "p99_ms": percentile(stats.latencies, 99) * 1000,
        **counts,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench load_faults", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="hebei")
    parser.add_argument("--clients", type=int)
    parser.add_argument("--duration", type=float, help="seconds of load (default: by scale)")
    parser.add_argument("--kill-at", type=float, help="seconds into the run (default: half-way)")
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=200_000)
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    clients = args.clients or scale["clients"]
    duration = args.duration or scale["duration"]
    kill_at = None if args.no_kill else (args.kill_at if args.kill_at is not None else duration / 2)
    r = run(
        clients=clients,
        duration=duration,
        kill_at=kill_at,
        workers=args.workers,
        max_requests=args.max_requests,
    )
    print(f"set-up: {r['setup_seconds']:.1f} s for {clients} townships, reporters and tokens")
    print(
        f"load: {clients} clients for {duration:.0f} s, {r['kills']} kill -9 of the whole server"
        + (f" (back in {r['restart_seconds']:.1f} s)" if r["restart_seconds"] is not None else "")
    )
    print(f"requests: {r['requests']} ({r['retries']} retries); failed attempts: {r['errors'] or 'none'}")
    print(
        f"acknowledged {r['acknowledged']}, stored {r['stored']} "
        f"(of which sent but never acknowledged: {r['stored_unacknowledged']})"
    )
    print(f"lost {r['lost']}, duplicated {r['duplicated']}, stored without a sent key {r['unknown']}")
    print(
        f"throughput {r['throughput']:.0f} acknowledged reports/s; latency p50 {r['p50_ms']:.0f} ms, "
        f"p99 {r['p99_ms']:.0f} ms"
    )
    print(
        f"BENCH load_faults clients={clients} duration={duration:.0f}s kills={r['kills']} "
        f"acknowledged={r['acknowledged']} lost={r['lost']} duplicated={r['duplicated']} "
        f"unknown={r['unknown']} throughput={r['throughput']:.0f}/s p50={r['p50_ms']:.0f}ms "
        f"p99={r['p99_ms']:.0f}ms"
    )
    if r["lost"] or r["duplicated"] or r["unknown"]:
        raise SystemExit(1)
