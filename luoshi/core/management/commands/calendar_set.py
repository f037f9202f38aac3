from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from luoshi.core.calendar import calendar_days_set
from luoshi.core.management.base import LuoshiCommand


class Command(LuoshiCommand):
    help = "Enter public holidays or adjusted working days: luoshi calendar set 2027-02-06 2027-02-12 holiday 春节"

    def add_arguments(self, parser):
        parser.add_argument("start", help="first date, YYYY-MM-DD")
        parser.add_argument("end", help="last date, YYYY-MM-DD")
        parser.add_argument("kind", choices=["holiday", "workday"])
        parser.add_argument("name", nargs="?", default="")

    def handle(self, *args, **options):
        try:
            start = dt.date.fromisoformat(options["start"])
            end = dt.date.fromisoformat(options["end"])
        except ValueError as exc:
            raise CommandError(f"not a date: {exc}", returncode=2) from exc
        n = calendar_days_set(actor=None, start=start, end=end, kind=options["kind"], name=options["name"])
        self.stdout.write(f"{n} days saved")
