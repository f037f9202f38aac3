from __future__ import annotations

from django.core.management import call_command

from luoshi.core import demo
from luoshi.core.management.base import LuoshiCommand


class Command(LuoshiCommand):
    help = "Set up the demo (database, Hebei units, demo accounts) and serve it on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="set up only, do not start the server")
        parser.add_argument(
            "--reset-passwords", action="store_true", help="give the demo accounts new passwords"
        )
        parser.add_argument("--bind", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        self.stdout.write("Migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Loading Hebei's units (province, cities, counties, townships, departments) …")
        result = demo.load_units()
        self.stdout.write(f"  added {len(result.added)}, unchanged {result.unchanged}")
        from luoshi.indicators import demo as indicators_demo

        if indicators_demo.load():
            self.stdout.write("  added demo indicators with targets and figures for the cities and counties")
        from luoshi.ledgers import demo as ledgers_demo

        if ledgers_demo.load():
            self.stdout.write("  added the shipped ledgers (脱贫攻坚 households, 城市更新 projects, 空心村)")
        accounts = demo.ensure_accounts(reset_passwords=options["reset_passwords"])
        if demo.load_sample_meeting():
            self.stdout.write("  added a sample meeting: tasks down to 建北街道, reports, a return and a correction")
        from luoshi.assessment import demo as assessment_demo

        if assessment_demo.load():
            self.stdout.write("  added an assessment of the cities (考核), computed from the data and published")
        from luoshi.inspections import demo as inspections_demo

        if inspections_demo.load():
            self.stdout.write("  added a self-inspection checklist, a seeded spot check and two problems (one closed)")
        from luoshi.supervision import demo as supervision_demo

        if supervision_demo.load():
            self.stdout.write("  added a supervision notice (督办单), an accountability action and 包联 leaders")
        fresh = [a for a in accounts if a.password]
        if fresh:
            self.stdout.write("\nDemo accounts (the passwords are shown this once):")
            self.print_table(
                ["user", "unit", "roles", "password"],
                [[a.username, a.unit, ",".join(a.roles), a.password] for a in fresh],
            )
        else:
            self.stdout.write(
                "\nThe demo accounts exist already; their passwords were shown when they were made."
                "\nRun `luoshi demo --reset-passwords` to set new ones."
            )
        if not options["no_serve"]:
            self.stdout.write("")
            call_command("serve", bind=options["bind"], with_worker=True)
