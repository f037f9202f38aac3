from __future__ import annotations

from pathlib import Path

from luoshi.core.backup import restore
from luoshi.core.management.base import LuoshiCommand


class Command(LuoshiCommand):
    help = "Restore a backup archive into the configured (empty) database and the media folder."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--overwrite", action="store_true", help="replace a database that already holds data"
        )

    def handle(self, *args, **options):
        manifest = restore(options["archive"], overwrite=options["overwrite"])
        self.stdout.write(
            f"restored {sum(manifest['counts'].values())} rows and {len(manifest['files'])} files "
            f"from the backup of {manifest['created']}; row counts match"
        )
