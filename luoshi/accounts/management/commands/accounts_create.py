from __future__ import annotations

from django.core.management.base import CommandError

from luoshi.accounts.services import user_create
from luoshi.core.management.base import LuoshiCommand
from luoshi.units.models import Unit


class Command(LuoshiCommand):
    help = "Create a user at a unit with roles; prints the generated password once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--unit", help="12-digit code of the user's unit")
        parser.add_argument("--role", action="append", default=[], help="supervisor, reporter, leader, admin")
        parser.add_argument("--name", default="")
        parser.add_argument("--superuser", action="store_true")

    def handle(self, *args, **options):
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"no unit with code {options['unit']}", returncode=2)
        user, password = user_create(
            actor=None,
            username=options["username"],
            unit=unit,
            roles=options["role"],
            display_name=options["name"],
            is_superuser=options["superuser"],
        )
        self.stdout.write(f"{user.username}  {password}")
