"""``luoshi worker``: the sweeps and the background jobs, in one loop.

Each turn: the daily sweeps when they are due (lights, reminders, missed reports, overdue
notices; from ``LUOSHI_SWEEP_HOUR`` local time, once a day), the outbox recovery, then one job
from the django-tasks database queue (sends, and any other app's jobs). A turn that found no
job sleeps ``--interval`` seconds. SIGTERM or SIGINT finish the job in hand and exit cleanly
(after healthchecks' sendalerts: handle, on_signal).
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string

from luoshi.core import clock
from luoshi.core.management.base import LuoshiCommand
from luoshi.supervision import outbox, sweeps


class Command(LuoshiCommand):
    help = "Run the worker: reminders, escalations, light sweeps and notification sends."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=settings.LUOSHI_WORKER_INTERVAL)
        parser.add_argument(
            "--once", action="store_true", help="run the sweeps, then every job that is ready, and exit"
        )
        parser.add_argument(
            "--sweep-hour",
            type=int,
            default=int(os.environ.get("LUOSHI_SWEEP_HOUR", "8")),
            help="local hour from which the daily sweeps run (default 8)",
        )

    def on_signal(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def handle(self, *args, **options):
        from django_tasks_db.management.commands.db_worker import Worker

        self.stopping = False
        signal.signal(signal.SIGTERM, self.on_signal)
        signal.signal(signal.SIGINT, self.on_signal)
        self.worker_id = f"luoshi-{os.getpid()}-{get_random_string(8)}"
        self.runner = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        self.sweep_hour = options["sweep_hour"]
        self.last_sweep_day = None
        self.stdout.write(f"luoshi worker {self.worker_id} started")
        self.stdout.flush()
        self.last_seal = 0.0
        if options["once"]:
            self.sweep(force=True)
            self.seal_audit(force=True)
            outbox.recover()
            while not self.stopping and self.run_one_job():
                pass
            return
        while not self.stopping:
            close_old_connections()
            self.sweep()
            self.seal_audit()
            try:
                outbox.recover()
            except OperationalError:  # a locked SQLite database: try again next turn
                pass
            if self.run_one_job():
                continue
            deadline = time.monotonic() + options["interval"]
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(min(0.1, options["interval"]))
        self.stdout.write("luoshi worker stopped")

    def sweep(self, force: bool = False) -> None:
        now = clock.now()
        local = timezone.localtime(now)
        if not force and (self.last_sweep_day == local.date() or local.hour < self.sweep_hour):
            return
        result = sweeps.run_daily(now)
        self.last_sweep_day = local.date()
        self.stdout.write(f"sweeps {local:%Y-%m-%d %H:%M}: {result}")
        self.stdout.flush()

    def seal_audit(self, force: bool = False) -> None:
        """Chain new audit entries into the tamper-evident log, about once a minute."""
        from luoshi.audit.chain import seal

        if not force and time.monotonic() - self.last_seal < 60:
            return
        try:
            seal()
        except OperationalError:  # a locked SQLite database: try again next turn
            return
        self.last_seal = time.monotonic()

    def run_one_job(self) -> bool:
        """Claim and run one ready job of the database queue; False when there was none."""
        from django_tasks_db.models import DBTaskResult
        from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(tasks.db):
                job = tasks.get_locked()
                if job is not None:
                    job.claim(self.worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return False
            raise
        if job is None:
            return False
        self.runner.run_task(job)
        return True
