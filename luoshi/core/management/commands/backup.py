from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings

from luoshi.core.backup import backup
from luoshi.core.management.base import LuoshiCommand


class Command(LuoshiCommand):
    help = "Back up the database and uploaded files into one .tar.gz (safe while the server runs)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="archive path (default: var/backups/luoshi-<time>.tar.gz)"
        )

    def handle(self, *args, **options):
        path = (
            options["output"]
            or Path(settings.DATA_DIR) / "backups" / f"luoshi-{dt.datetime.now():%Y%m%d-%H%M%S}.tar.gz"
        )
        manifest = backup(path)
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"{path}: {rows} rows, {len(manifest['files'])} files ({manifest['vendor']})")
