from __future__ import annotations

from django.core.management.base import CommandError

from luoshi.core.management.base import LuoshiCommand
from luoshi.units.models import Unit
from luoshi.units.services import departments_add


class Command(LuoshiCommand):
    help = "Give a province, city or county the standard set of departments (with their aliases)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="12-digit code of the division")

    def handle(self, *args, **options):
        unit = Unit.objects.filter(code=options["code"]).first()
        if unit is None:
            raise CommandError(f"no unit with code {options['code']}", returncode=2)
        created = departments_add(actor=None, division=unit)
        self.stdout.write(f"{len(created)} departments added to {unit.name}")
        for dept in created:
            self.stdout.write(f"  {dept.code}  {dept.name}  ({dept.short_name})")
