from __future__ import annotations

from luoshi.core.management.base import LuoshiCommand
from luoshi.units.selectors import unit_stats


class Command(LuoshiCommand):
    help = "Count current units per level and kind."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        stats = unit_stats()
        if options["format"] == "json":
            self.print_json(stats)
            return
        rows = [[level, k["division"], k["department"]] for level, k in stats["levels"].items()]
        rows.append(["total", stats["total"], ""])
        self.print_table(["level", "divisions", "departments"], rows)
