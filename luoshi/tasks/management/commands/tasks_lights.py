from __future__ import annotations

import datetime as dt
import time

from luoshi.core.management.base import LuoshiCommand
from luoshi.tasks.services import lights_refresh


class Command(LuoshiCommand):
    help = "Recompute the warning light of every open assignment (normally the worker's job)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="compute as of this day (YYYY-MM-DD); default today")

    def handle(self, *args, **options):
        today = dt.date.fromisoformat(options["date"]) if options["date"] else None
        start = time.perf_counter()
        changed = lights_refresh(today=today)
        self.stdout.write(f"{changed} lights changed in {time.perf_counter() - start:.1f} s")
