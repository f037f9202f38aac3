from __future__ import annotations

from luoshi.core.management.base import LuoshiCommand
from luoshi.ledgers.services import ledgers_seed
from luoshi.units.models import Unit


class Command(LuoshiCommand):
    help = "Create the shipped ledger templates (脱贫攻坚 households, 城市更新 projects, 空心村). `luoshi ledgers seed`"

    def add_arguments(self, parser):
        parser.add_argument(
            "--owner", default="130000000000", help="code of the owning unit (default: 河北省)"
        )
        parser.add_argument(
            "--root", default="", help="code of the unit under which they are filled (default: the owner)"
        )
        parser.add_argument(
            "--level",
            action="append",
            default=[],
            metavar="KEY=LEVEL",
            help="the level that fills a ledger, e.g. poverty-households=township",
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        owner = Unit.objects.get(code=options["owner"])
        root = Unit.objects.get(code=options["root"]) if options["root"] else None
        levels = dict(item.split("=", 1) for item in options["level"])
        made = ledgers_seed(actor=None, owner=owner, root=root, levels=levels)
        rows = [[m.key, m.name, m.get_cadence_display(), m.assignments.count()] for m in made]
        if options["format"] == "json":
            self.print_json([dict(zip(["key", "name", "cadence", "units"], r, strict=True)) for r in rows])
        elif rows:
            self.print_table(["key", "name", "cadence", "units"], rows)
        else:
            self.stdout.write("The shipped ledgers exist already.")
