"""The ``luoshi`` command: ``luoshi units import`` runs the management command units_import.

``luoshi readout parse FILE`` needs no database and runs without Django.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["readout"] and argv[1:2] in (["parse"], ["score"]):
        from luoshi.readouts.parser.cli import main as readout_main

        return readout_main(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django
    from django.core.management import execute_from_command_line, get_commands

    django.setup()
    from django.conf import settings
    from django.utils import translation

    translation.activate(os.environ.get("LUOSHI_LANGUAGE", settings.LANGUAGE_CODE))
    if len(argv) >= 2 and f"{argv[0]}_{argv[1]}" in get_commands():
        argv = [f"{argv[0]}_{argv[1]}", *argv[2:]]
    execute_from_command_line(["luoshi", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
