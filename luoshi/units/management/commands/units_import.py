from __future__ import annotations

from pathlib import Path

from luoshi.core.management.base import LuoshiCommand
from luoshi.units import importer


class Command(LuoshiCommand):
    help = "Load a province's divisions (built-in data) or villages/townships from a .xlsx/.csv file."

    def add_arguments(self, parser):
        parser.add_argument("--province", default="13", help="2-digit province code of the built-in data")
        parser.add_argument("--file", type=Path, help="a .xlsx or .csv of 统计用区划代码 and 名称")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        if options["file"]:
            result = importer.import_path(actor=None, path=options["file"])
        else:
            result = importer.import_builtin(actor=None, province=options["province"])
        if options["format"] == "json":
            self.print_json(result.as_dict())
            return
        self.print_table(
            ["added", "renamed", "reparented", "restored", "retired", "unchanged"],
            [
                [
                    len(result.added),
                    len(result.renamed),
                    len(result.reparented),
                    len(result.restored),
                    len(result.retired),
                    result.unchanged,
                ]
            ],
        )
        for code, old, new in result.renamed:
            self.stdout.write(f"renamed  {code} {old} → {new}")
        for code, name in result.reparented:
            self.stdout.write(f"moved    {code} {name}")
        for code, name in result.retired:
            self.stdout.write(f"retired  {code} {name}")
